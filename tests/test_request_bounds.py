"""Issue 19 §4, §6: analysis requests bounded before they start, off the run's lock, cancellable.

The `hitting` command took k up to 10,000: on 4,096 states one request held the lock 22-82 s (a
`w.step()` cell waited 21.8 s) and Stop did not cancel it; `hitting_curve` took 1,000
temperatures (~1 h); `explain` at a past step replayed training under the lock for up to 25 s.
Now each is estimated first (request_cost.py) and refused naming the field when over the
limit, the lock is held only for what must be read (the logits, a copy of the model), and Stop
(or a newer request) cancels a long hitting curve.

No timing assertions: every check is event-based; HANG_GUARD only keeps a regression (a request
that holds the lock) from hanging the suite.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Callable

import numpy as np
import pytest
import torch
from conftest import SMALL
from test_widget import command, listen

from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget.core import chain
from babygpt_widget.analysis import past_steps
from babygpt_widget.analysis import request_cost
from babygpt_widget.widget import compare as widget_compare
from babygpt_widget.core.snapshots import SnapshotStore

HANG_GUARD = 60.0  # s
BIG = dict(SMALL, context_length=12)  # 4,096 states (8,190 with the shorter contexts)


def completes(work: Callable[[], Any], timeout: float = HANG_GUARD) -> bool:
    """Whether `work` finishes on another thread before the hang guard (it must not need a lock
    someone else holds for a whole request)."""
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(timeout)


class Gate:
    """Wraps a function: its first call signals `entered` and waits for `opened` before going on."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real, self.entered, self.opened, self.calls = real, threading.Event(), threading.Event(), 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == 1:
            self.entered.set()
            assert self.opened.wait(HANG_GUARD), "the gate was never opened"
        return self.real(*args, **kwargs)


def refuse_work(monkeypatch) -> list:
    """Any reach computation that starts is recorded and stopped at once."""
    started: list = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        started.append(args[3] if len(args) > 3 else kwargs.get("k"))
        raise AssertionError("a reach computation started")

    monkeypatch.setattr(chain, "reach_probability", refuse)
    return started


@pytest.fixture(scope="module")
def big_run() -> BabyGPT:
    return BabyGPT(**BIG)


# -- §4: the cost of a reach / hitting request, before it starts ------------------------------------
def test_the_estimate_grows_with_k_temperatures_and_the_chain():
    small, big = BabyGPT(**SMALL).config, BabyGPT(**BIG).config
    assert request_cost.reach_cost(big, 1000, 21).seconds > request_cost.reach_cost(small, 1000, 21).seconds
    assert request_cost.reach_cost(big, 2000, 21).seconds > request_cost.reach_cost(big, 1000, 21).seconds
    assert request_cost.reach_cost(big, 1000, 42).seconds > request_cost.reach_cost(big, 1000, 21).seconds
    k = request_cost.largest_k(big, 21)
    assert 1000 <= k < 10_000  # the slider's reach_k (≤ 1,000) always fits, the old 10,000 does not
    assert not request_cost.reach_cost(big, k, 21).too_costly() and request_cost.reach_cost(big, k + 1, 21).too_costly()


def test_hitting_k_10000_on_4096_states_is_refused_at_once_naming_k(monkeypatch):
    w = BabyGPTWidget(**BIG)
    w.naughty = ["0" * 12]
    replies = listen(w, monkeypatch)
    started = refuse_work(monkeypatch)
    reply = command(w, replies, cmd="hitting", k=10_000)
    assert reply["ok"] is False and reply["field"] == "k", reply
    assert reply["error"].startswith("k: 10,000 steps over 8,190 contexts × 2 tokens at 21 temperatures need ~")
    assert f"over the limit of {request_cost.REQUEST_SECONDS:g} s; use k ≤ " in reply["error"]
    assert started == [] and w.hitting == {} and w.errors["hitting"] == reply["error"]


def test_hitting_curve_with_1000_temperatures_is_refused_naming_temperatures(big_run, monkeypatch):
    started = refuse_work(monkeypatch)
    with pytest.raises(ValueError, match=r"^temperatures: 1,000 steps over 8,190 contexts × 2 tokens at 1,000 "
                                         r"temperatures need ~.* use at most \d+ temperatures at k=1,000$"):
        big_run.hitting_curve(["0" * 12], 1000, temperatures=np.linspace(0, 2, 1000))
    with pytest.raises(ValueError, match=r"^k: 10,000 steps .* use k ≤ "):
        big_run.hitting_curve(["0" * 12], 10_000)
    assert started == []


def test_a_request_within_the_estimate_runs_and_matches_the_plain_recursion(big_run):
    """The largest k the slider allows (1,000) on the largest chain, at the default temperatures."""
    target = "0" * 12
    curve = big_run.hitting_curve([target], 1000, temperatures=[0.5, 1.0])
    space = big_run.state_space(include_prefixes=True)
    with torch.no_grad():  # the curve's own input: softmax of the logits at T = 1
        probs = chain.probabilities_from_logits(chain.model_logits(big_run.model, space), 1.0).numpy().astype(np.float64)
    reached = np.array([s == target for s in space.labels], dtype=np.float64)
    for _ in range(1000):  # the naive form, no early stop
        reached = np.where(np.array([s == target for s in space.labels]), 1.0,
                           (probs * reached[space.next_index]).sum(axis=1))
    assert curve.probabilities[1] == pytest.approx(reached[space.index["1" * 12]], abs=1e-9)


def test_reach_stops_early_only_at_an_exact_fixed_point():
    space = chain.StateSpace("01", 3, include_prefixes=True)
    rng = np.random.default_rng(0)
    probs = rng.random((len(space), 2))
    probs /= probs.sum(1, keepdims=True)
    targets = np.array([s == "000" for s in space.labels])
    calls: list[int] = []
    far = chain.reach_probability(probs, space.next_index, targets, 5000, cancel=calls.append)
    assert calls[-1] < 4999  # converged long before k: stopped
    reached = targets.astype(np.float64)
    for _ in range(5000):
        reached = np.where(targets, 1.0, (probs * reached[space.next_index]).sum(axis=1))
    np.testing.assert_array_equal(far, reached)


def test_hitting_curve_holds_the_lock_for_the_logits_only(monkeypatch):
    """While the reach recursion runs, another thread trains (Play, a `w.step()` cell)."""
    w = BabyGPTWidget(**BIG)
    w.naughty = ["0" * 12]
    gate = Gate(chain.reach_probability)
    monkeypatch.setattr(chain, "reach_probability", gate)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(w.hitting_curve(k=20)), daemon=True)
    worker.start()
    try:
        assert gate.entered.wait(HANG_GUARD)
        assert completes(w.step), "w.step() waited for the hitting request's lock"
        assert completes(lambda: w.engine.train(1)), "the engine's lock was held"
    finally:
        gate.opened.set()
    worker.join(HANG_GUARD)
    assert result and result[0].step == 0 and w.engine.global_step == 2  # the curve is of the step it was asked at


def test_reach_probability_holds_the_lock_for_the_chain_only(big_run, monkeypatch):
    run = BabyGPT(**BIG)
    gate = Gate(chain.reach_probability)
    monkeypatch.setattr(chain, "reach_probability", gate)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(run.reach_probability(["0" * 12], 50)), daemon=True)
    worker.start()
    try:
        assert gate.entered.wait(HANG_GUARD)
        assert completes(lambda: run.train(1))
    finally:
        gate.opened.set()
    worker.join(HANG_GUARD)
    assert result and 0 <= result[0] <= 1


async def _until(predicate: Callable[[], bool]) -> None:
    end = time.monotonic() + HANG_GUARD
    while not predicate():
        assert time.monotonic() < end, "timed out (hang guard)"
        await asyncio.sleep(0.01)


def _slow_reach(started: threading.Event) -> Callable[..., Any]:
    """A reach computation that runs until cancelled (asking its cancel hook, as the real one
    does every 32 steps), or fails after the hang guard."""
    def reach(probs, next_index, targets, k, cancel=None):
        started.set()
        end = time.monotonic() + HANG_GUARD
        i = 0
        while time.monotonic() < end:
            if cancel is not None:
                cancel(i)
            i += 1
            time.sleep(0.005)
        raise AssertionError("never cancelled")
    return reach


@pytest.mark.timeout(300)
def test_stop_cancels_a_long_hitting_request_and_keeps_the_run(monkeypatch):
    w = BabyGPTWidget(**BIG)
    w.train(3)
    w.naughty = ["0" * 12]
    replies = listen(w, monkeypatch)
    monkeypatch.setattr(widget_compare, "SHORT_REQUEST_SECONDS", 0.0)  # this one counts as long
    started = threading.Event()
    monkeypatch.setattr(chain, "reach_probability", _slow_reach(started))

    async def main() -> None:
        assert command(w, replies, cmd="hitting", k=500) == {"reply": "hitting", "ok": True}
        assert w.training is True  # the Stop button shows
        await _until(started.is_set)
        future = w._compare_future
        assert command(w, replies, cmd="stop")["ok"]
        assert w.training is False
        await _until(future.done)
        assert type(future.exception()).__name__ == "Cancelled"
        await _until(lambda: not w.training)

    asyncio.run(main())
    assert w.hitting == {} and w.global_step == 3 and "hitting" not in w.errors and w.progress == {}


@pytest.mark.timeout(300)
def test_a_newer_hitting_request_cancels_the_older_one(monkeypatch):
    w = BabyGPTWidget(**BIG)
    w.naughty = ["0" * 12]
    replies = listen(w, monkeypatch)
    monkeypatch.setattr(widget_compare, "SHORT_REQUEST_SECONDS", 0.0)
    started = threading.Event()
    real = chain.reach_probability
    slow = _slow_reach(started)
    monkeypatch.setattr(chain, "reach_probability", slow)

    async def main() -> None:
        assert command(w, replies, cmd="hitting", k=500)["ok"]
        await _until(started.is_set)
        first = w._compare_future
        monkeypatch.setattr(chain, "reach_probability", real)
        assert command(w, replies, cmd="hitting", k=7)["ok"]
        await _until(first.done)
        assert type(first.exception()).__name__ == "Cancelled"
        await _until(lambda: w.hitting != {} and not w.training)

    asyncio.run(main())
    assert w.hitting["k"] == 7 and w.progress == {}


def test_stop_cancels_a_hitting_curve_computed_in_a_cell(monkeypatch):
    w = BabyGPTWidget(**BIG)
    w.naughty = ["0" * 12]
    started = threading.Event()
    monkeypatch.setattr(chain, "reach_probability", _slow_reach(started))
    errors: list = []

    def cell() -> None:
        try:
            w.hitting_curve(k=100)
        except BaseException as e:  # noqa: BLE001 - checked below
            errors.append(e)

    worker = threading.Thread(target=cell, daemon=True)
    worker.start()
    assert started.wait(HANG_GUARD)
    w.stop()
    worker.join(HANG_GUARD)
    assert [type(e).__name__ for e in errors] == ["Cancelled"] and w.hitting == {}


# -- §6: explain (and any past step) bounded by the replay budget, off the lock ----------------------
def test_the_first_snapshot_stride_follows_the_step_estimate():
    default, big = BabyGPT(), BabyGPT(context_length=12)
    assert default._snapshots.stride == 16  # fast steps: as before
    limit = request_cost.replay_limit(big.config)
    assert 1 <= limit < 16
    stride = big._snapshots.stride
    assert stride <= limit < 2 * stride  # a replay between two snapshots stays within the budget


def test_a_past_step_beyond_the_replay_budget_is_refused_naming_the_nearest(monkeypatch):
    monkeypatch.setattr(past_steps, "replay_limit", lambda config: 3)
    run = BabyGPT(**SMALL)
    run.train(40)  # weight snapshots at 0, 16, 32
    replays: list = []
    real = SnapshotStore.rebuild
    monkeypatch.setattr(SnapshotStore, "rebuild", lambda self, step, base, *a: replays.append(step - base.step) or real(self, step, base, *a))
    with pytest.raises(ValueError, match=r"^step: rebuilding step 15 replays 15 training steps from the nearest weight "
                                         r"snapshot \(step 0\), ~.* s, over the 1 s limit; the nearest step that can "
                                         r"be shown is 16$"):
        run.explain("000", 15)
    with pytest.raises(ValueError, match=r"^step: rebuilding step 15 "):
        run.probabilities_at(15)
    with pytest.raises(ValueError, match=r"^step: rebuilding step 15 "):
        run.hitting_curve(["000"], 3, step=15)
    assert replays == []  # refused before any replay
    near = run.explain("000", 15, nearest=True)
    assert near.step == 16 and replays == [0]
    np.testing.assert_array_equal(near.probs, run.explain("000", 16).probs)
    assert run.explain("000", 18).step == 18 and replays[-1] == 2  # within the budget: exact


def test_explain_replays_a_past_step_without_holding_the_lock(monkeypatch):
    run = BabyGPT(**SMALL)
    run.train(40)
    gate = Gate(SnapshotStore.rebuild)
    monkeypatch.setattr(SnapshotStore, "rebuild", lambda self, *a: gate(self, *a))
    result: list = []
    worker = threading.Thread(target=lambda: result.append(run.explain("000", 25)), daemon=True)
    worker.start()
    try:
        assert gate.entered.wait(HANG_GUARD)
        assert completes(lambda: run.train(3)), "training waited for explain's replay"
    finally:
        gate.opened.set()
    worker.join(HANG_GUARD)
    assert result[0].step == 25 and run.global_step == 43
    fresh = BabyGPT(**SMALL)
    fresh.train(25)
    np.testing.assert_array_equal(result[0].probs, fresh.explain("000").probs)  # the replay is exact


def test_the_widget_explains_the_nearest_step_and_says_which_was_asked(monkeypatch):
    monkeypatch.setattr(past_steps, "replay_limit", lambda config: 3)
    w = BabyGPTWidget(**SMALL)
    w.train(40)
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="explain", state="000", step=15) == {"reply": "explain", "ok": True}
    assert w.inside["step"] == 16 and w.inside["asked"] == 15
    assert command(w, replies, cmd="explain", state="000", step=18)["ok"]
    assert w.inside["step"] == 18 and w.inside["asked"] == 18
    with pytest.raises(ValueError, match=r"^step: .* the nearest step that can be shown is 16$"):
        w.explain("000", 15)  # from Python: refused, naming it


def test_a_replay_racing_a_rollback_is_not_cached(monkeypatch):
    """A rebuild finished after the run was rolled back must not be served from the cache."""
    run = BabyGPT(**SMALL)
    run.train(40)
    store = run._snapshots
    with run.lock:
        past = run._past(25)
    store.truncate(30)  # e.g. a divergence rolled back meanwhile
    past.build()
    assert store.cached_model(25) is None


def test_a_replay_draws_no_random_numbers(monkeypatch):
    """Rebuilding a past step runs off the lock, maybe while another thread seeds a new model
    (reset, a seed ensemble): it must not touch the global random generator at all."""
    run = BabyGPT(**SMALL)
    run.train(40)
    drawn: list = []
    for name in ("normal_", "uniform_", "kaiming_uniform_"):  # what nn.Module constructors draw with
        real = getattr(torch.nn.init, name)

        def watched(*a, real=real, **k):
            drawn.append((a[0] if a else k["tensor"]).device.type)
            return real(*a, **k)

        monkeypatch.setattr(torch.nn.init, name, watched)
    state = torch.get_rng_state()
    explained = run.explain("000", 25)
    assert [d for d in drawn if d != "meta"] == [] and torch.equal(state, torch.get_rng_state())
    fresh = BabyGPT(**SMALL)
    fresh.train(25)
    np.testing.assert_array_equal(explained.probs, fresh.explain("000").probs)
