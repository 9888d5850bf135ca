"""step_report (issue 23 §1, the Python twin): what one optimizer step did, checked against
independent computations — the step's own loss from train(), the probabilities before and
after from the run's history and replays, the update from the weights themselves."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import SMALL, assert_same_snapshot, snapshot

from babygpt_widget import BabyGPT, BabyGPTWidget


@pytest.fixture(scope="module")
def seed_run() -> tuple[BabyGPT, list[float]]:
    run = BabyGPT()
    return run, run.train(10)


def test_the_live_step_against_the_run_itself(seed_run):
    run, losses = seed_run
    r = run.step_report()
    assert r.step == 10 and r.loss == losses[-1], "the step's loss is the one train() returned for it"
    np.testing.assert_allclose(r.after, run.probabilities, atol=1e-6)
    np.testing.assert_allclose(r.before, run.probabilities_at(9), atol=1e-6)
    np.testing.assert_allclose(r.moved, r.after - r.before)
    # who pushed: every distinct window of the data once, counts as in the data, shares sum to 1
    counts = run.data_counts()
    windows = {(s, t): int(counts[i, j]) for i, s in enumerate(run.states) for j, t in enumerate(run.alphabet) if counts[i, j]}
    assert {(e.context, e.token): e.count for e in r.examples} == windows
    assert math.isclose(sum(e.share for e in r.examples), 1.0, rel_tol=1e-6)
    assert [e.share for e in r.examples] == sorted((e.share for e in r.examples), reverse=True)
    for e in r.examples:  # an example's loss is −log of the edge it pushes, before the step
        p = r.before[run.states.index(e.context), run.alphabet.index(e.token)]
        assert e.loss == pytest.approx(-math.log(p), abs=1e-5)
    # the step's loss is the count-weighted mean of the examples' losses
    assert sum(e.count * e.loss for e in r.examples) / sum(e.count for e in r.examples) == pytest.approx(r.loss, rel=1e-6)


def test_the_update_is_the_weights_difference_and_unseen_states_move(seed_run):
    run, _ = seed_run
    r = run.step_report(10)
    before = [p.detach().clone() for p in run._past(9).build().parameters()]
    after = list(run.model.parameters())
    whole = math.sqrt(sum(float(((a.detach() - b) ** 2).sum()) for a, b in zip(after, before)))
    assert math.sqrt(float((r.update_norm ** 2).sum())) == pytest.approx(whole, rel=1e-5)
    assert np.all(np.isfinite(r.grad_norm)) and r.grad_norm.max() > 0 and np.all(r.weight_norm > 0)
    assert len(r.groups) == 2 + 4 * 7 + 1 and r.groups[0] == "token embeddings"
    assert r.updates().row("layer 3 MLP out")["update norm"] == pytest.approx(r.update_norm[r.groups.index("layer 3 MLP out")])
    # the data never visits 000, 001, 010, 100, yet their edges move: the point of the view
    assert r.unseen_moved() == [s for s in run.states if s in run.unseen_states]
    assert set(run.unseen_states) == {"000", "001", "010", "100"}
    top = r.top_movers(3)
    assert abs(top[0][2]) == pytest.approx(np.abs(r.moved).max()) and abs(top[0][2]) >= abs(top[2][2])
    assert "step 9 → 10" in repr(r)


def test_a_past_step_replays_and_the_run_is_untouched(seed_run):
    run, losses = seed_run
    before = snapshot(run)
    r = run.step_report(4)
    assert r.step == 4 and r.loss == pytest.approx(losses[3], abs=1e-7)
    np.testing.assert_allclose(r.after, run.probabilities_at(4), atol=1e-6)
    np.testing.assert_allclose(r.before, run.probabilities_at(3), atol=1e-6)
    assert_same_snapshot(before, snapshot(run))


@pytest.mark.parametrize("k,match", [(0, "^k: "), (11, "^k: "), (-1, "^k: "), ("5", "^k: "), (2.5, "^k: "),
                                     (True, "^k: "), (10**400, "^k: ")])
def test_bad_steps_are_refused_naming_k(seed_run, k, match):
    run, _ = seed_run
    before = snapshot(run)
    with pytest.raises(ValueError, match=match):
        run.step_report(k)
    assert_same_snapshot(before, snapshot(run))


def test_an_untrained_run_says_train_first():
    with pytest.raises(ValueError, match="^k: the run has no training step yet"):
        BabyGPT(**SMALL).step_report()


def test_the_data_in_force_for_the_step_after_a_change_of_sequence():
    run = BabyGPT(**SMALL)
    run.train(3)
    run.configure(sequence="0011001100")
    run.train(2)
    early, late = run.step_report(3), run.step_report(5)
    assert {e.context for e in early.examples} == {"111", "110", "101", "011"}
    assert {e.context for e in late.examples} == {"001", "011", "110", "100"}


def test_the_widget_reports_the_step_it_shows():
    w = BabyGPTWidget(**SMALL)
    w.train(6)
    assert w.step_report().step == 6
    w.show_step(3)
    r = w.step_report()
    assert r.step == 3
    np.testing.assert_allclose(r.after, w.probabilities_at(3), atol=1e-6)
    assert w.step_report(5).step == 5
    assert "step_report" in dir(w) and w.step_report.__doc__
    with torch.no_grad():  # a caller's no_grad does not stop the gradient it needs
        assert w.step_report(2).grad_norm.max() > 0


def test_the_step_report_command_fills_the_view_trait_and_a_rebuilt_model_clears_it():
    w = BabyGPTWidget(**SMALL)
    w.train(8)
    sent: list[dict] = []
    w.send = lambda content, buffers=None: sent.append(content)
    w._on_message(w, {"cmd": "step_report", "k": 8}, [])
    assert sent[-1] == {"reply": "step_report", "ok": True}
    r = w.step_report(8)
    view = w.one_step
    assert view["step"] == 8 and view["examples_count"] == len(r.examples)
    state, token, gain, seen = view["movers"][0]
    i = r.states.index(state)
    assert gain == pytest.approx(r.moved[i].max(), rel=1e-3) and gain == pytest.approx(r.moved.max(axis=1).max(), rel=1e-3)
    assert seen == bool(r.seen[i]) and view["unseen_moved"] == r.unseen_moved()[:24]
    assert [g[0] for g in view["groups"]] == list(r.groups)
    for bad, field in (("x", "k"), (True, "k"), (0, "k"), (9, "k")):
        w._on_message(w, {"cmd": "step_report", "k": bad}, [])
        assert sent[-1]["ok"] is False and sent[-1]["field"] == field, sent[-1]
    assert w.one_step == view, "a refused request keeps the shown report"
    w.configure(n_embd=8)  # a new model: the report described the old one
    assert w.one_step == {}


def test_step_size_is_update_per_unit_gradient_and_adam_evens_the_parts_out():
    run = BabyGPT()
    run.train(10)
    r = run.step_report(10)
    np.testing.assert_allclose(r.step_size, r.update_norm / r.grad_norm)
    # Adam: gradients span orders of magnitude, the updates do not (plain SGD: step size = lr everywhere)
    assert r.grad_norm.max() / r.grad_norm.min() > 1e4 and r.update_norm.max() / r.update_norm.min() < 10
    groups = r.summary()["groups"]
    assert all(len(g) == 5 for g in groups) and groups[0][4] == pytest.approx(r.step_size[0], rel=1e-3)
    assert r.updates().columns[-1].startswith("step size")


def test_the_next_steps_report_from_the_kept_weights_equals_a_replayed_one():
    a, b = BabyGPT(), BabyGPT()
    a.train(50)
    a.step_report()  # keeps step 50's weights for the next report
    a.train(1)
    assert a._snapshots.cached_model(50) is not None
    kept = a.step_report(51)
    b.train(51)
    replayed = b.step_report(51)
    for name in ("before", "after", "grad_norm", "update_norm", "weight_norm"):
        np.testing.assert_array_equal(getattr(kept, name), getattr(replayed, name), err_msg=name)
    assert kept.loss == replayed.loss
    a.reset()
    a.train(3)
    np.testing.assert_allclose(a.step_report(3).after, a.probabilities, atol=1e-6)  # no stale weights after a reset
