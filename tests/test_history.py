"""Bounded training history: every step while small, thinned evenly beyond the cap."""

from __future__ import annotations

import numpy as np
import pytest

from babygpt_widget import BabyGPT
from babygpt_widget.core.history import MAX_CAPACITY, History, HistoryView, capacity_for
from conftest import SMALL


def fake_probs(step: int, S: int = 8, V: int = 2) -> np.ndarray:
    p = np.full((S, V), 1.0 / V, dtype=np.float32)
    p[0, 0] = step  # tags the snapshot with its step, to check the right one was kept
    return p


def record_steps(h: History, n: int, S: int = 8, V: int = 2) -> None:
    for step in range(n):
        h.record(step, 1.0 / (step + 1), fake_probs(step, S, V))


def assert_consistent(view: HistoryView) -> None:
    assert len(view.steps) == len(view.losses) == len(view.probs)
    np.testing.assert_array_equal(view.probs[:, 0, 0], view.steps)  # each snapshot kept whole
    np.testing.assert_allclose(view.losses, 1.0 / (view.steps + 1), rtol=1e-6)


def test_every_step_kept_while_small():
    h = History(8, 2, capacity=16)
    record_steps(h, 16)
    v = h.view()
    assert v.steps.tolist() == list(range(16)) and v.stride == 1
    assert_consistent(v)


@pytest.mark.parametrize("n", [17, 18, 31, 33, 100, 257, 1000, 4097])
def test_thinned_evenly_beyond_capacity(n):
    h = History(8, 2, capacity=16)
    record_steps(h, n)
    v = h.view()
    steps = v.steps.tolist()
    assert len(steps) <= 16 and len(h) == len(steps)
    assert steps[0] == 0 and steps[-1] == n - 1  # spans 0 .. the newest step
    body = steps if steps[-1] % v.stride == 0 else steps[:-1]  # the newest may be an off-stride tip
    assert body == list(range(0, body[-1] + 1, v.stride))  # evenly spaced by the stride
    assert n - 1 - body[-1] < v.stride  # no gap bigger than the stride before the tip
    assert len(steps) >= 8  # thinning halves, it doesn't empty
    assert v.stride > 1 and (n - 1) // v.stride < 16
    assert_consistent(v)


def test_repeated_step_refreshes_the_newest_entry():
    h = History(8, 2, capacity=16)
    record_steps(h, 5)
    h.record(4, 0.123, fake_probs(4))
    v = h.view()
    assert v.steps.tolist() == [0, 1, 2, 3, 4]
    assert v.losses[-1] == pytest.approx(0.123)
    assert h.last_step == 4


def test_view_is_a_copy():
    h = History(8, 2, capacity=16)
    record_steps(h, 3)
    v = h.view()
    v.steps[0] = 99
    v.probs[:] = -1
    assert h.view().steps[0] == 0 and h.view().probs.min() >= 0


def test_at_step():
    h = History(8, 2, capacity=16)
    record_steps(h, 100)
    v = h.view()
    for step in (0, 1, 7, 8, 50, 98, 99, 10_000):
        i = v.at_step(step)
        assert v.steps[i] <= step
        assert i == len(v) - 1 or v.steps[i + 1] > step
    assert v.at_step(-5) == 0
    assert v.steps[v.at_step(99)] == 99


def test_100k_steps_at_1024_states_stay_bounded():
    for V, C in ((2, 10), (4, 5)):  # 1,024 states each
        S = V**C
        h = History(S, V)
        assert h.capacity == capacity_for(S, V) <= MAX_CAPACITY
        probs = np.full((S, V), 1.0 / V, dtype=np.float32)
        for step in range(100_000):
            h.record(step, 0.5, probs)
        assert h.nbytes < 64 * 2**20
        v = h.view()
        assert len(v) <= h.capacity and v.steps[0] == 0 and v.steps[-1] == 99_999
        assert np.all(np.diff(v.steps) > 0)
        assert len(v) >= h.capacity // 2


def test_capacity_for():
    assert capacity_for(8, 2) == MAX_CAPACITY  # the seed: every step of a 2,048-step run
    assert capacity_for(4096, 64) == 31
    assert capacity_for(4096, 4096) == 16  # huge chains: the floor
    per = 4 * 1024 * 16 + 8
    assert capacity_for(1024, 16) == 32 * 2**20 // per


def test_state_dict_round_trip():
    h = History(8, 2, capacity=16)
    record_steps(h, 40)
    h2 = History(8, 2, capacity=16)
    h2.load_state_dict(h.state_dict())
    a, b = h.view(), h2.view()
    np.testing.assert_array_equal(a.steps, b.steps)
    np.testing.assert_array_equal(a.probs, b.probs)
    assert a.stride == b.stride
    with pytest.raises(ValueError, match="^history:"):
        History(4, 2, capacity=16).load_state_dict(h.state_dict())


def test_engine_history_records_every_training_step():
    run = BabyGPT(**SMALL)
    assert run.history.steps.tolist() == [0]
    losses = run.train(30)
    v = run.history
    assert v.steps.tolist() == list(range(31))
    np.testing.assert_allclose(v.losses[:30], losses, rtol=1e-6)  # snapshot k = loss of weights after k steps
    assert v.losses[-1] == pytest.approx(run.loss)
    np.testing.assert_array_equal(v.probs[-1], run.probabilities)
    assert v.probs.shape == (31, 8, 2)


def test_engine_history_snapshots_are_the_chain_at_that_step():
    run = BabyGPT(**SMALL)
    ref = BabyGPT(**SMALL)
    run.train(10)
    for k in range(11):
        np.testing.assert_allclose(run.history.probs[k], ref.probabilities, atol=1e-7)
        ref.train(1)
