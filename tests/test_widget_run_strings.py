"""Exact run strings in the widget: any sequence of configure / train / reset / undo (hypothesis)
rebuilds to the same chain; a loaded run replays its segments (also in the background, with
Stop); comparing with another alphabet's run string is refused before any training; the step
bound holds in files, traits and training alike."""

from __future__ import annotations

import asyncio
import io
from unittest import mock

import numpy as np
import pytest
import torch
from conftest import SMALL
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_widget import command, i32, listen
from test_widget_threads import wait_idle

from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget.core.config import MAX_STEPS
from babygpt_widget.core.trainer import Trainer

SEQUENCES = ["1100110011", "111101111011110", "0101", "0001000"]
train = st.tuples(st.just("train"), st.integers(1, 4))
live = st.one_of(st.tuples(st.just("lr"), st.sampled_from([0.001, 0.003, 0.02, 0.3])),
                 st.tuples(st.just("weight_decay"), st.sampled_from([0.0, 0.1, 0.7])),
                 st.tuples(st.just("sequence"), st.sampled_from(SEQUENCES)))
segment = st.tuples(st.just("segment"), live, st.integers(1, 3))  # a live change, then training
actions = st.one_of(
    train, live, segment, segment, segment,  # mostly: runs of several segments
    st.tuples(st.just("seed"), st.sampled_from([1337, 1, 2])),  # rebuilds from the seed
    st.tuples(st.just("reset")),
    st.tuples(st.just("undo_reset")),
    st.tuples(st.just("reset_undo")),  # reset, then undo it at once
    st.tuples(st.just("interrupted"), st.integers(2, 5), st.integers(1, 4)),  # train k, Ctrl-C at call j
    st.tuples(st.just("diverge")),  # lr x wd >= 1: the loss becomes non-finite, rolled back
    st.tuples(st.just("load_run")),  # replace the run with its own string's replay
)


def interrupted_train(w: BabyGPTWidget, k: int, at: int) -> None:
    calls = [0]
    step = Trainer.step

    def interrupted(self):
        calls[0] += 1
        if calls[0] == at:
            raise KeyboardInterrupt
        return step(self)

    with mock.patch.object(Trainer, "step", interrupted), pytest.raises(KeyboardInterrupt):
        w.train(max(k, at))


def act(w: BabyGPTWidget, action: tuple) -> None:
    name = action[0]
    if name == "train":
        w.train(action[1])
    elif name == "segment":
        act(w, action[1])
        w.train(action[2])
    elif name in ("lr", "weight_decay", "sequence", "seed"):
        w.configure(**{name: action[1]})
    elif name == "reset":
        w.reset()
    elif name == "reset_undo":
        before = w.run_string
        w.reset()
        w.undo_reset()
        assert w.run_string == before
        event("undo_reset brought a run back")
    elif name == "undo_reset" and w.can_undo_reset:
        w.undo_reset()
        event("undo_reset brought a run back")
    elif name == "interrupted":
        interrupted_train(w, action[1], action[2])
    elif name == "diverge":
        lr, wd = w.engine.config.lr, w.engine.config.weight_decay
        w.configure(lr=10.0, weight_decay=10.0)
        with pytest.raises(ValueError, match="^train: the loss became"):
            w.train(200)
        w.configure(lr=lr, weight_decay=wd)
    elif name == "load_run":
        w.load_run(w.run_string)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(actions, min_size=4, max_size=12))
def test_any_sequence_of_configure_train_undo_rebuilds_the_same_chain(steps):
    w = BabyGPTWidget(**SMALL)
    for action in steps:
        act(w, action)
    text = w.run_string
    assert text == w.engine.run_string
    event(f"segments: {text.count('|') + 1}")
    rebuilt = BabyGPT.from_run_string(text)
    assert rebuilt.run_string == text and rebuilt.config == w.engine.config
    assert np.abs(rebuilt.probabilities - w.probabilities).max() <= 1e-6
    other = BabyGPTWidget(**SMALL)
    other.load_run(text)  # the widget's own replay (here without a kernel: at once)
    assert other.run_string == text and np.abs(other.probabilities - w.probabilities).max() <= 1e-6
    buffer = io.BytesIO()
    w.save(buffer)
    buffer.seek(0)
    assert BabyGPTWidget.load(buffer).run_string == text  # a run file keeps the segments


def test_undo_reset_brings_the_run_string_back():
    w = BabyGPTWidget(**SMALL)
    w.train(3)
    w.configure(lr=0.02)
    w.train(2)
    before = w.run_string
    assert before.endswith(";steps=3|lr=0.02;steps=2")
    w.reset()
    assert w.run_string.endswith("lr=0.02;wd=0.1;seed=1337;steps=0") and "|" not in w.run_string
    w.undo_reset()
    assert w.run_string == before == w.engine.run_string


# -- a loaded run replays its segments in the background -------------------------------------------------
def segmented(steps: tuple[int, int, int] = (700, 600, 500)) -> str:
    a, b, c = steps
    return (BabyGPT(**SMALL).run_string.replace("steps=0", f"steps={a}")
            + f"|lr=0.004;steps={b}|seq=1100110011;wd=0.2;steps={c}")


@pytest.mark.timeout(180)
@pytest.mark.parametrize("playing", [False, True])
def test_a_segmented_run_loads_in_the_background_exactly(monkeypatch, playing):
    """Also while Play runs: load_run stops it, and the ending Play task must not drop the plan."""
    w = BabyGPTWidget(**SMALL)
    replies = listen(w, monkeypatch)
    text = segmented()
    configs = []
    w.observe(lambda change: configs.append(change["new"]["lr"]), names="config")

    async def main() -> None:
        if playing:
            assert command(w, replies, cmd="play")["ok"]
            await asyncio.sleep(0.1)
            assert w.playing and w.engine.global_step > 0
        assert command(w, replies, cmd="load_run", value=text)["ok"]
        await asyncio.sleep(0.05)
        assert w.training is True and w.progress["total"] == 1800
        await wait_idle(w)

    asyncio.run(main())
    assert w.global_step == 1800 and w.run_string == text and w.engine.config.weight_decay == 0.2
    assert 0.004 in configs  # the change was shown as it happened
    np.testing.assert_array_equal(w.engine.probabilities, BabyGPT.from_run_string(text).probabilities)


@pytest.mark.timeout(180)
def test_a_settings_change_during_the_replay_takes_over_and_the_string_stays_true(monkeypatch):
    w = BabyGPTWidget(**SMALL)
    replies = listen(w, monkeypatch)

    async def main() -> None:
        assert command(w, replies, cmd="load_run", value=segmented((4000, 600, 500)))["ok"]
        while w.engine.global_step < 50:
            await asyncio.sleep(0.01)
        w.configure(lr=0.05)  # the learner's own change: the rest of the loaded plan is dropped
        await wait_idle(w)

    asyncio.run(main())
    assert w.global_step == 5100 and w.engine.config.lr == 0.05 and "seq=1100110011" not in w.run_string
    np.testing.assert_array_equal(w.engine.probabilities, BabyGPT.from_run_string(w.run_string).probabilities)


@pytest.mark.timeout(180)
def test_stop_during_the_replay_leaves_a_run_its_string_rebuilds(monkeypatch):
    w = BabyGPTWidget(**SMALL)
    replies = listen(w, monkeypatch)

    async def main() -> None:
        assert command(w, replies, cmd="load_run", value=segmented((300, 3000, 500)))["ok"]
        while w.engine.global_step < 400:
            await asyncio.sleep(0.01)
        assert command(w, replies, cmd="stop")["ok"]
        await wait_idle(w)

    asyncio.run(main())
    assert 400 <= w.global_step < 3800 and "|lr=0.004;steps=" in w.run_string and "seq=1100110011" not in w.run_string
    w.train(3)  # after Stop, training stays at the settings reached: no stale plan
    assert w.engine.config.lr == 0.004 and w.engine.config.weight_decay == 0.1
    np.testing.assert_array_equal(w.engine.probabilities, BabyGPT.from_run_string(w.run_string).probabilities)


# -- compare: refused before training when the states differ --------------------------------------------
OTHER_ALPHABET = "babygpt2:seq=0120120120;alphabet=012;C=3;steps=20000"


def count_steps(monkeypatch) -> list[int]:
    calls = [0]
    step = Trainer.step

    def counted(self):
        calls[0] += 1
        return step(self)

    monkeypatch.setattr(Trainer, "step", counted)
    return calls


def test_engine_compare_refuses_another_alphabet_before_training(monkeypatch):
    run = BabyGPT(**SMALL)
    calls = count_steps(monkeypatch)
    with pytest.raises(ValueError, match=r"^other: its alphabet '012' and context length 3 must equal"):
        run.compare(OTHER_ALPHABET)
    with pytest.raises(ValueError, match=r"^other: its alphabet '01' and context length 2"):
        run.compare(OTHER_ALPHABET.replace("seq=0120120120;alphabet=012", "seq=0110").replace("C=3", "C=2"))
    assert calls == [0]  # was: 20,000 steps (56 s) trained, then refused


def test_widget_compare_refuses_another_alphabet_at_once(monkeypatch):
    w = BabyGPTWidget(**SMALL)
    replies = listen(w, monkeypatch)
    calls = count_steps(monkeypatch)

    async def main() -> dict:
        reply = command(w, replies, cmd="compare", other=OTHER_ALPHABET)
        assert w.training is False and w._compare_future is None  # nothing started
        return reply

    reply = asyncio.run(main())
    assert reply["ok"] is False and reply["field"] == "other" and "alphabet '012'" in reply["error"]
    assert w.errors["other"].startswith("other: its alphabet") and calls == [0] and w.comparison == {}


# -- one bound for steps: files, traits, training ------------------------------------------------------
def file_at_step(step: int) -> io.BytesIO:
    """A valid run file whose run is at `step` (crafted: counters, history and string agree)."""
    run = BabyGPT(**SMALL)
    run.train(3)
    buffer = io.BytesIO()
    run.save(buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    state["global_step"] = step
    for entry in state["optimizer"]["state"].values():
        entry["step"] = torch.tensor(float(step))
    state["history"]["steps"] = torch.tensor([0, 1, 2, step])
    state["run_string"] = state["run_string"].replace(";steps=3", f";steps={step}")
    out = io.BytesIO()
    torch.save(state, out)
    out.seek(0)
    return out


def test_a_run_at_the_step_bound_loads_shows_and_stops_there(monkeypatch):
    engine = BabyGPT.load(file_at_step(MAX_STEPS - 2))
    engine.train(2)
    assert engine.global_step == MAX_STEPS and engine.run_string.endswith(f";steps={MAX_STEPS}")
    with pytest.raises(ValueError, match=f"^n: the run is at step {MAX_STEPS:,} .* at most 0 more; got 1"):
        engine.train(1)
    buffer = io.BytesIO()
    engine.save(buffer)
    buffer.seek(0)
    w = BabyGPTWidget.load(buffer)
    assert w.global_step == MAX_STEPS and i32(w.history_steps)[-1] == MAX_STEPS  # int32 holds the bound
    with pytest.raises(ValueError, match="^n: the run is at step 10,000,000"):
        w.train(1)
    assert w.errors["train"].startswith("train: the run is at step 10,000,000")
    replies = listen(w, monkeypatch)
    reply = command(w, replies, cmd="step")
    assert reply["ok"] is False and w.global_step == MAX_STEPS
    with w._owner(), pytest.raises(ValueError, match="^train: the run is at step 10,000,000, the most a run holds"):
        w._train_engine(5)  # what Play's next slice does: stopped with errors["train"]


@pytest.mark.parametrize("step", [MAX_STEPS + 1, 2**31 + 10])
def test_a_file_past_the_step_bound_is_refused(step):
    with pytest.raises(ValueError, match=f"^path: .*global_step must be an integer from 0 to {MAX_STEPS:,}"):
        BabyGPT.load(file_at_step(step))


@pytest.mark.parametrize("mutate,match", [
    (lambda s: s.update(run_string=s["run_string"].replace("steps=3", "steps=4")), "counts 4 steps, global_step is 3"),
    (lambda s: s.update(run_string=s["run_string"].replace("lr=0.001", "lr=0.002")), "must end with the file's config"),
    (lambda s: s.update(run_string="babygpt2:lr=;steps=3"), "run_string: lr="),
    (lambda s: s.update(run_string=b"babygpt2:steps=3"), "run_string must be a string"),
    (lambda s: s.pop("run_string"), "fields must be exactly"),
])
def test_a_file_whose_run_string_disagrees_is_refused(mutate, match):
    buffer = file_at_step(3)
    state = torch.load(buffer, weights_only=True)
    mutate(state)
    out = io.BytesIO()
    torch.save(state, out)
    out.seek(0)
    with pytest.raises(ValueError, match=f"^path: .*{match}"):
        BabyGPT.load(out)
