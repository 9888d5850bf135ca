"""Atomic steps: an exception or KeyboardInterrupt anywhere in training leaves the run at a
completed step (gradients cleared, chain and history consistent), and training on from there
equals the uninterrupted run bit for bit.

Interrupts are injected (1) at chosen phases by patching, (2) at every line the engine runs
during a few steps (a sys.settrace tracer raising on its k-th line event), and (3) at random
moments from another thread (PyThreadState_SetAsyncExc), as Ctrl-C / a kernel interrupt does.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import random
import sys
import threading
import time
import types

import numpy as np
import pytest
import torch
from conftest import SMALL

from babygpt_widget import BabyGPT
from babygpt_widget.core import trainer as trainer_module
from babygpt_widget.core.chain import model_probabilities
from babygpt_widget.core.history import History

N = 12  # every test trains to this many steps in the end
CAPACITY = 6  # a small history cap, so the thinning path is interrupted too
STEP_SECONDS = 1 / 32  # what the trainer's clock says a step takes (exact in binary): a checkpoint every 6 steps


@pytest.fixture(scope="module", autouse=True)
def steady_step_clock():
    """The trainer checkpoints every REPLAY_SECONDS of measured steps: on a loaded machine slow
    steps meant more checkpoints, more lines run, and a line number drawn from one run's count
    was never reached in the next. Its clock here says every step takes STEP_SECONDS, so every
    run executes the same lines (and checkpoints inside the 12 steps, interrupted too)."""
    ticks = itertools.count()
    clock = types.SimpleNamespace(perf_counter=lambda: next(ticks) * STEP_SECONDS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(trainer_module, "time", clock)
        yield


def new_run() -> BabyGPT:
    run = BabyGPT(**SMALL)
    run._trainer.history = History(len(run._trainer.space), 2, capacity=CAPACITY)
    run._refresh()
    return run


def state_of(run: BabyGPT) -> dict:
    """Everything a step changes, as plain copies (reads refresh the cached chain first)."""
    view = run.history
    opt = {i: {k: v.clone() for k, v in s.items()} for i, s in enumerate(run._trainer.optimizer.state.values())}
    return {
        "global_step": run.global_step,
        "weights": [p.detach().clone() for p in run.model.parameters()],
        "optimizer": opt,
        "history": (view.steps.copy(), view.losses.copy(), view.probs.copy(), view.stride),
        "loss": run.loss,
        "probs": run.probabilities.copy(),
    }


def assert_same(a: dict, b: dict) -> None:
    assert a["global_step"] == b["global_step"]
    for x, y in zip(a["weights"], b["weights"], strict=True):
        assert torch.equal(x, y), "weights differ"
    assert a["optimizer"].keys() == b["optimizer"].keys()
    for i in a["optimizer"]:
        for k in a["optimizer"][i]:
            assert torch.equal(a["optimizer"][i][k], b["optimizer"][i][k]), f"optimizer {k} differs"
    for x, y in zip(a["history"][:3], b["history"][:3]):
        np.testing.assert_array_equal(x, y)
    assert a["history"][3] == b["history"][3]
    assert a["loss"] == b["loss"]
    np.testing.assert_array_equal(a["probs"], b["probs"])


@pytest.fixture(scope="module")
def reference() -> list[dict]:
    """The uninterrupted run's state after 0..N steps (trained as 3 + 4 + 5, as the tests are)."""
    run, states = new_run(), []
    states.append(state_of(run))
    for _ in range(N):
        run.train(1)
        states.append(state_of(run))
    return states


def check_consistent(run: BabyGPT, reference: list[dict]) -> None:
    """At a completed step, equal to the uninterrupted run there; then train on to N."""
    assert all(p.grad is None for p in run.model.parameters()), "a gradient outlived the interrupt"
    g = run.global_step
    assert 0 <= g <= N
    state = state_of(run)
    np.testing.assert_allclose(state["probs"], model_probabilities(run.model, run.state_space()), atol=1e-6)
    assert_same(state, reference[g])
    run.train(N - g)
    assert_same(state_of(run), reference[N])


def train_to_n(run: BabyGPT) -> None:
    run.train(3)
    run.train(4)
    run.train(N - 7)


def run_interrupted(inject) -> BabyGPT:
    """Train to N with `inject` armed; return the run however far it got."""
    run = new_run()
    try:
        with inject(run):
            train_to_n(run)
    except (KeyboardInterrupt, RuntimeError):
        pass
    return run


# -- (1) chosen phases --------------------------------------------------------------------------
class Raise:
    """Patch attribute `name` of `owner` so its call number `at` raises `error` (before or after
    the real call)."""

    def __init__(self, owner_of, name: str, at: int, error: type[BaseException], after: bool) -> None:
        self.owner_of, self.name, self.at, self.error, self.after = owner_of, name, at, error, after

    def __call__(self, run: BabyGPT):
        owner = self.owner_of(run)
        real = getattr(owner, self.name)
        calls = [0]

        def patched(*args, **kwargs):
            calls[0] += 1
            if calls[0] == self.at and not self.after:
                raise self.error("injected")
            result = real(*args, **kwargs)
            if calls[0] == self.at and self.after:
                raise self.error("injected")
            return result

        class Armed:
            def __enter__(self_inner):
                setattr(owner, self.name, patched)

            def __exit__(self_inner, *exc):
                setattr(owner, self.name, real)

        return Armed()


PHASES = {
    "before the forward": (lambda r: r._trainer, "_loss_and_probs", False),
    "after the forward": (lambda r: r._trainer, "_loss_and_probs", True),
    "in the history record": (lambda r: r._trainer.history, "record", False),
    "after the history record": (lambda r: r._trainer.history, "record", True),
    "before the optimizer": (lambda r: r._trainer, "_optimizer_step", False),
    "after the optimizer": (lambda r: r._trainer, "_optimizer_step", True),
    "in the checkpoint": (lambda r: r._trainer, "_save_checkpoint", False),
    "during the final refresh": (lambda r: r._trainer, "evaluate", False),
}


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
@pytest.mark.parametrize("at", [1, 2, 4, 9])
@pytest.mark.parametrize("phase", PHASES)
def test_interrupt_at_each_phase(reference, phase, at, error):
    owner_of, name, after = PHASES[phase]
    if name == "_optimizer_step":
        new_run_optimizer = lambda r: (r._trainer.optimizer_step, r._trainer)[1]  # noqa: E731 - bind it first
        owner_of = new_run_optimizer
    run = run_interrupted(Raise(owner_of, name, at, error, after))
    check_consistent(run, reference)


# -- (2) every line ------------------------------------------------------------------------------
class LineInterrupt:
    """Raise KeyboardInterrupt at the k-th line executed inside babygpt_widget (once)."""

    def __init__(self, k: int, where: str = "babygpt_widget") -> None:
        self.k, self.count, self.fired, self.where = k, 0, False, where

    def local(self, frame, event, arg):
        if event == "line" and not self.fired:
            self.count += 1
            if self.count == self.k:
                self.fired = True
                sys.settrace(None)
                raise KeyboardInterrupt("injected at a line")
        return self.local

    def global_(self, frame, event, arg):
        if self.where in frame.f_code.co_filename and not self.fired:
            return self.local
        return None

    def __call__(self, run: BabyGPT):
        tracer = self

        class Armed:
            def __enter__(self_inner):
                sys.settrace(tracer.global_)

            def __exit__(self_inner, *exc):
                sys.settrace(None)

        return Armed()


def count_lines(where: str = "babygpt_widget") -> int:
    run = new_run()
    probe = LineInterrupt(k=10**9, where=where)
    with probe(run):
        train_to_n(run)
    return probe.count


def test_interrupt_at_every_line_of_the_first_steps(reference):
    """The first ~400 engine lines of train_to_n: step 0 (optimizer creation, first AdamW step,
    binding the fused kernel), checkpoints, history records, the refresh."""
    total = count_lines()
    assert total > 400
    fired = 0
    for k in range(1, 401):
        probe = LineInterrupt(k)
        run = run_interrupted(probe)
        fired += probe.fired
        check_consistent(run, reference)
    assert fired == 400


def test_interrupt_at_every_line_of_torch_optimizer_code(reference):
    """Inside AdamW's first step the state is created parameter by parameter (`state[p] = {}`,
    then its tensors): an interrupt there leaves a half-made state that must not survive."""
    where = f"torch{os.sep}optim{os.sep}"
    total = count_lines(where)
    assert total > 100
    for k in range(1, min(total, 1500) + 1):
        probe = LineInterrupt(k, where)
        run = run_interrupted(probe)
        assert probe.fired
        check_consistent(run, reference)


def test_interrupt_at_200_lines_spread_over_the_whole_run(reference):
    total = count_lines()
    rng = random.Random(11)
    for k in sorted(rng.sample(range(1, total), 200)):
        probe = LineInterrupt(k)
        run = run_interrupted(probe)
        assert probe.fired
        check_consistent(run, reference)


# -- (3) at random moments, from another thread (as a kernel interrupt arrives) -----------------------
def _async_raise(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(KeyboardInterrupt))


def test_interrupt_at_250_random_moments(reference):
    """Each interrupt is aimed at a random step k and fires a random pause (up to about a step)
    after step k begins; step k+1 does not begin until it has fired. So every interrupt lands
    inside training — somewhere in step k, or at the latest just before step k+1 — whatever the
    machine's load (no clock decides whether it lands; every line is covered above)."""
    run = new_run()
    started = time.perf_counter()
    train_to_n(run)
    per_step = (time.perf_counter() - started) / N  # only spreads the pauses over a step
    rng = random.Random(5)
    main = threading.get_ident()
    for _ in range(250):
        run = new_run()
        k = rng.randrange(N - 1)
        pause = rng.uniform(0, per_step)
        at_step = threading.Event()
        fired = threading.Lock()
        fired.acquire()  # released by the injector once it has raised
        trainer = run._trainer
        real_step = trainer.step

        def step():
            if trainer.global_step == k:
                at_step.set()
            elif trainer.global_step == k + 1:
                fired.acquire()  # a C-level wait: the interrupt lands at the next line at the latest
                fired.release()
            return real_step()

        def injector():
            at_step.wait()
            time.sleep(pause)
            _async_raise(main)
            fired.release()

        trainer.step = step
        thread = threading.Thread(target=injector)
        thread.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                try:
                    train_to_n(run)
                finally:
                    thread.join()
        finally:
            del trainer.step
        assert run.global_step in (k, k + 1), f"aimed at step {k}, stopped at {run.global_step}"
        check_consistent(run, reference)


def test_an_interrupted_from_run_string_hands_over_the_run_so_far(reference, monkeypatch):
    """A pasted run string with many steps can be stopped with Ctrl-C: the exception carries the
    run at its last whole step, which trains on exactly as the uninterrupted one."""
    run = new_run()
    text = run.run_string.replace("steps=0", f"steps={N}")
    calls = [0]
    real = History.record

    def record(self, *args):
        calls[0] += 1
        if calls[0] == 6:
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(History, "record", record)
    with pytest.raises(KeyboardInterrupt) as info:
        BabyGPT.from_run_string(text)
    monkeypatch.setattr(History, "record", real)
    partial = info.value.run
    assert 0 < partial.global_step < N
    assert any("stopped at step" in note for note in info.value.__notes__)
    assert all(p.grad is None for p in partial.model.parameters())
    ref = BabyGPT(**SMALL)
    ref.train(partial.global_step)
    assert all(torch.equal(a, b) for a, b in zip(partial.model.parameters(), ref.model.parameters()))
    assert partial.train(3) == ref.train(3)
