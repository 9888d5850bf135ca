"""Runs compared in the widget: ensemble / comparison / hitting traits, their commands, the
background seed ensemble (progress, Stop, run untouched), bad input kept out, results cleared."""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np
import pytest
from conftest import SMALL
from test_widget import command, f32, listen

from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget.widget.commands import COMMAND_ARGS
from babygpt_widget.widget.widget import ERROR_FIELDS, PYTHON_OWNED


@pytest.fixture
def w() -> BabyGPTWidget:
    w = BabyGPTWidget(**SMALL)
    w.train(20)
    return w


def test_contract_names():
    assert {"ensemble", "comparison", "hitting"} <= PYTHON_OWNED
    assert {"k", "other", "hitting"} <= ERROR_FIELDS
    assert COMMAND_ARGS["compare_seeds"] == {"k"} and COMMAND_ARGS["compare"] == {"other"}
    assert COMMAND_ARGS["clear_compare"] == set() and COMMAND_ARGS["hitting"] == {"k", "start"}


def test_compare_seeds_twin_sets_the_trait(w):
    ens = w.compare_seeds(k=3)
    e = w.ensemble
    assert e["seeds"] == [1337, 1338, 1339] and e["steps"] == 20 == ens.steps
    np.testing.assert_allclose(e["median"], ens.median, atol=1e-6)
    np.testing.assert_allclose(e["min"], ens.min, atol=1e-6)
    np.testing.assert_allclose(e["max"], ens.max, atol=1e-6)
    np.testing.assert_allclose(e["per_seed"], ens.probs, atol=1e-6)
    assert e["seen"] == [s not in w.unseen_states for s in w.states]
    # its own seed is this run
    np.testing.assert_allclose(e["per_seed"][0], w.probabilities, atol=1e-5)


def test_compare_seeds_command_without_a_loop_runs_at_once(w, monkeypatch):
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="compare_seeds", k=2) == {"reply": "compare_seeds", "ok": True}
    assert len(w.ensemble["seeds"]) == 2 and w.training is False


@pytest.mark.parametrize("k", [0, 65, -1, "8", 2.5, True, None])
def test_compare_seeds_refuses_bad_k_and_keeps_the_ensemble(w, monkeypatch, k):
    w.compare_seeds(k=2)
    before = w.ensemble
    replies = listen(w, monkeypatch)
    reply = command(w, replies, cmd="compare_seeds", k=k)
    assert reply["ok"] is False and reply["field"] == "k" and reply["error"].startswith("k:")
    assert "from 1 to" in reply["error"] and w.errors["k"] == reply["error"]
    assert w.ensemble == before
    assert command(w, replies, cmd="compare_seeds", k=2)["ok"] and "k" not in w.errors  # cleared by success
    with pytest.raises(ValueError, match="^k:"):
        w.compare_seeds(k=0)


def test_compare_with_a_history_step(w, monkeypatch):
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="compare", other=10)["ok"]
    c = w.comparison
    expect = w.engine.compare(10)
    assert c["label"] == "step 10" and c["step"] == 20
    np.testing.assert_allclose(c["tv"], expect.tv, atol=1e-6)
    assert c["mean_tv"] == pytest.approx(expect.mean_tv) and c["max_tv"] == pytest.approx(expect.max_tv)
    np.testing.assert_allclose(c["other_probs"], w.engine.probabilities_at(10), atol=1e-6)
    assert c["mean_tv"] > 0


def test_compare_with_a_run_string_and_twin(w, monkeypatch):
    other = BabyGPT(**SMALL, seed=5)
    other.train(7)
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="compare", other=other.run_string)["ok"]
    assert w.comparison["label"] == other.run_string
    np.testing.assert_allclose(w.comparison["other_probs"], other.probabilities, atol=1e-6)
    result = w.compare(other)
    assert w.comparison["label"].startswith("another run") and result.max_tv == pytest.approx(w.comparison["max_tv"])


@pytest.mark.parametrize("other", [999, -1, "step ten", "babygpt1:seq=11;C=99", None, [1], True])
def test_compare_refuses_bad_other_and_keeps_state(w, monkeypatch, other):
    w.compare(5)
    before = w.comparison
    replies = listen(w, monkeypatch)
    reply = command(w, replies, cmd="compare", other=other)
    assert reply["ok"] is False and reply["field"] == "other" and reply["error"].startswith("other:")
    assert w.errors["other"] and w.comparison == before


def test_compare_with_another_alphabet_is_refused(w, monkeypatch):
    other = BabyGPT(**SMALL, alphabet="012", sequence="0120")
    replies = listen(w, monkeypatch)
    reply = command(w, replies, cmd="compare", other=other.run_string)
    assert reply["ok"] is False and reply["field"] == "other" and "alphabet" in reply["error"]
    assert w.comparison == {}


def test_hitting_command_uses_marked_states_and_shown_step(w, monkeypatch):
    replies = listen(w, monkeypatch)
    reply = command(w, replies, cmd="hitting", k=5)
    assert reply["ok"] is False and reply["field"] == "naughty"  # nothing marked yet
    assert w.hitting == {} and w.errors["hitting"].startswith("naughty:")
    w.naughty = ["000"]
    w.show_step(10)
    assert command(w, replies, cmd="hitting", k=5)["ok"] and "hitting" not in w.errors
    h = w.hitting
    assert h["targets"] == ["000"] and h["k"] == 5 and h["step"] == 10 and h["start"] == "111"
    assert len(h["temperatures"]) == len(h["probabilities"]) == 21
    expect = w.engine.hitting_curve(["000"], 5, start="111", step=10)
    np.testing.assert_allclose(h["probabilities"], expect.probabilities)
    # at temperature 1 it is the reach probability of the chain at that step
    at_one = h["probabilities"][h["temperatures"].index(1.0)]
    run = BabyGPT(**SMALL)
    run.train(10)
    assert at_one == pytest.approx(run.reach_probability(["000"], 5, start="111"), abs=1e-6)
    for bad, field in [({"k": -1}, "k"), ({"k": "x"}, "k"), ({"start": "22"}, "start"), ({"start": 3}, "start")]:
        reply = command(w, replies, cmd="hitting", **bad)
        assert reply["ok"] is False and reply["field"] == field, (bad, reply)
        assert w.hitting == h


def test_hitting_curve_twin(w):
    curve = w.hitting_curve(targets=["010"], k=3, temperatures=[0, 1, 2])
    assert w.hitting["temperatures"] == [0.0, 1.0, 2.0] and w.hitting["targets"] == ["010"]
    np.testing.assert_allclose(w.hitting["probabilities"], curve.probabilities)


def test_clear_compare_and_config_change_clear_results(w, monkeypatch):
    w.compare_seeds(k=2)
    w.compare(3)
    w.hitting_curve(targets=["000"], k=2)
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="clear_compare")["ok"]
    assert w.comparison == {} and w.ensemble != {} and w.hitting != {}  # leaving a comparison keeps the rest
    w.clear_compare(everything=True)
    assert w.ensemble == w.comparison == w.hitting == {}
    w.compare_seeds(k=2)
    w.compare(3)
    w.reset()  # a new run: the comparison described the old one; the ensemble (settings) stays
    assert w.comparison == {} and w.ensemble != {}
    w.configure(lr=0.01)
    assert w.ensemble == {}


def test_results_are_saved_in_the_page_state(w, tmp_path):
    w.compare_seeds(k=2)
    w.compare(4)
    w.naughty = ["000"]
    w.hitting_curve()
    w.save_html(tmp_path / "page.html")
    text = (tmp_path / "page.html").read_text()
    assert '"ensemble"' in text and '"per_seed"' in text and '"other_probs"' in text and '"probabilities"' in text


# -- in the background (a kernel's main loop) ----------------------------------------------------------
async def _until(predicate, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        await asyncio.sleep(0.01)


@pytest.mark.timeout(180)
def test_background_ensemble_progress_then_result_run_untouched(monkeypatch):
    w = BabyGPTWidget(**SMALL)
    w.train(300)
    replies = listen(w, monkeypatch)
    before = f32(w.probs).copy()
    progress: list = []
    w.observe(lambda c: progress.append(c["new"]), names="progress")

    # The ensemble's work waits until another task on the loop has run: it finishes only if the
    # loop stayed free while the work was under way (held, the work would wait in vain).
    loop_ran = threading.Event()
    held: list[tuple[bool, bool]] = []
    real = BabyGPT.compare_seeds

    def compare_seeds(self, *args, **kwargs):
        held.append((loop_ran.wait(timeout=60), threading.current_thread() is threading.main_thread()))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(BabyGPT, "compare_seeds", compare_seeds)

    async def main() -> None:
        assert command(w, replies, cmd="compare_seeds", k=8)["ok"]
        assert w.training is True and w.progress == {"done": 0, "total": 300}
        await asyncio.sleep(0)
        loop_ran.set()  # this task ran while the ensemble's work had begun and not finished
        await _until(lambda: w.ensemble != {})
        await _until(lambda: not w.training)

    asyncio.run(main())
    assert held == [(True, False)], "the ensemble trained on the loop's thread or held the loop"
    assert len(w.ensemble["seeds"]) == 8 and w.progress == {} and w.global_step == 300
    np.testing.assert_array_equal(f32(w.probs), before)
    assert progress[0] == {"done": 0, "total": 300} and progress[-1] == {}


@pytest.mark.timeout(180)
def test_stop_cancels_a_background_ensemble_and_leaves_the_run(monkeypatch):
    w = BabyGPTWidget(**SMALL)
    w.train(3000)
    replies = listen(w, monkeypatch)
    before = f32(w.probs).copy()

    async def main() -> None:
        assert command(w, replies, cmd="compare_seeds", k=8)["ok"]
        await _until(lambda: w._compare_future is not None)
        await asyncio.sleep(0.1)
        future = w._compare_future
        assert not future.done() and w.training
        assert command(w, replies, cmd="stop")["ok"]
        assert w.training is False and w.progress == {}
        await _until(future.done, timeout=10)  # the worker saw the cancel Event (checked every step)
        assert type(future.exception()).__name__ == "Cancelled"
        # and a new ensemble may start
        assert command(w, replies, cmd="compare_seeds", k=1)["ok"]
        assert command(w, replies, cmd="stop")["ok"]

    asyncio.run(main())
    assert w.ensemble == {} and w.global_step == 3000 and w.errors == {}
    np.testing.assert_array_equal(f32(w.probs), before)


@pytest.mark.timeout(180)
def test_background_compare_with_a_run_string(w, monkeypatch):
    other = BabyGPT(**SMALL, seed=9)
    other.train(400)
    replies = listen(w, monkeypatch)

    async def main() -> None:
        assert command(w, replies, cmd="compare", other=other.run_string)["ok"]
        assert w.training is True and w.progress == {"done": 0, "total": 400}
        await _until(lambda: w.comparison != {})
        await _until(lambda: not w.training)

    asyncio.run(main())
    assert w.comparison["label"] == other.run_string and w.progress == {} and w.global_step == 20
    np.testing.assert_allclose(w.comparison["other_probs"], other.probabilities, atol=1e-5)


@pytest.mark.timeout(180)
def test_an_ensemble_for_settings_changed_meanwhile_is_dropped(monkeypatch):
    w = BabyGPTWidget(**SMALL)
    w.train(1000)
    replies = listen(w, monkeypatch)

    async def main() -> None:
        assert command(w, replies, cmd="compare_seeds", k=4)["ok"]
        await _until(lambda: w._compare_future is not None)
        w.configure(lr=0.01)  # in place: same engine, new settings
        await _until(w._compare_future.done)
        await _until(lambda: not w.training)

    asyncio.run(main())
    assert w.ensemble == {} and w._compare_future.exception() is None
    w.compare_seeds(k=2)  # the new settings' ensemble is kept
    assert len(w.ensemble["seeds"]) == 2
