"""One owner of the run: BabyGPT.lock serializes every public method, whatever thread calls.

ipykernel runs comm messages on a subshell thread while cells run on the main thread, so a
click and a running cell can reach the engine at once. Unserialized, two threads training one
run corrupted the optimizer (counters 870..914 at step 915) or crashed the process.
"""

from __future__ import annotations

import io
import random
import threading

import numpy as np
import torch
from conftest import SMALL

from babygpt_widget import BabyGPT
from babygpt_widget.core.chain import model_probabilities


def hammer(workers: list, seconds_cap: float = 120.0) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(workers))

    def run(work):
        try:
            barrier.wait()
            work()
        except BaseException as e:  # noqa: BLE001 - collected and reported by the test
            errors.append(e)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds_cap)
        assert not t.is_alive(), "a thread hung"
    return errors


def counters(run: BabyGPT) -> set[int]:
    return {int(s["step"]) for s in run._trainer.optimizer.state.values()}


def test_lock_is_a_reentrant_lock_held_by_public_methods():
    run = BabyGPT(**SMALL)
    assert isinstance(run.lock, type(threading.RLock()))
    seen = []
    real = run._trainer.step

    def step():
        # another thread must not get the lock while a step runs
        got = []
        t = threading.Thread(target=lambda: got.append(run.lock.acquire(timeout=0.05)))
        t.start()
        t.join()
        seen.append(got[0])
        if got[0]:
            run.lock.release()
        return real()

    run._trainer.step = step
    run.train(3)
    assert seen == [False, False, False]


def test_threads_training_one_run_apply_every_call_once():
    """4 threads x 40 train(1) calls + readers: exactly 160 steps, equal to a sequential run."""
    run, ref = BabyGPT(**SMALL), BabyGPT(**SMALL)
    trainers = [lambda: [run.train(1) for _ in range(40)] for _ in range(4)]

    def reader():
        for _ in range(60):
            p = run.probabilities
            assert p.shape == (8, 2) and np.all(np.isfinite(p))
            view = run.history
            assert len(view.steps) == len(view.losses) == len(view.probs)
            run.sample(5, seed=1)
            run.reach_probability(["000"], 3)
            run.transition_matrix(0.5)
            run.save(io.BytesIO())
            assert run.run_string.startswith("babygpt2:")

    errors = hammer(trainers + [reader, reader])
    assert not errors, errors
    ref.train(160)
    assert run.global_step == 160 and counters(run) == {160}
    for a, b in zip(run.model.parameters(), ref.model.parameters()):
        assert torch.equal(a, b)
    np.testing.assert_array_equal(run.history.steps, ref.history.steps)
    np.testing.assert_array_equal(run.history.losses, ref.history.losses)
    np.testing.assert_array_equal(run.probabilities, ref.probabilities)


def test_threads_mixing_every_kind_of_call_keep_the_run_consistent():
    run = BabyGPT(**SMALL)
    rng = random.Random(0)
    plans = [[rng.randrange(6) for _ in range(60)] for _ in range(4)]

    def worker(plan):
        def work():
            for op in plan:
                if op == 0:
                    run.train(rng.randrange(1, 6))
                elif op == 1:
                    run.configure(lr=rng.choice([1e-3, 3e-3, 1e-2]))
                elif op == 2:
                    run.sample(10, temperature=0.7)
                elif op == 3 and rng.random() < 0.2:
                    run.reset()
                elif op == 4:
                    assert np.all(np.isfinite(run.probabilities))
                else:
                    run.configure(sequence=rng.choice(["111101111011110", "0110100110010110"]))
        return work

    errors = hammer([worker(p) for p in plans])
    assert not errors, errors
    with run.lock:
        g = run.global_step
        assert counters(run) <= {g}  # empty right after a reset, else every counter == global_step
        assert run.history.steps[-1] == g
        assert np.all(np.diff(run.history.steps) > 0)
        # the cached chain is the model's own
        np.testing.assert_allclose(run.probabilities, model_probabilities(run.model, run.state_space()), atol=1e-6)
        assert all(p.grad is None for p in run.model.parameters())


CALLS = {  # every public method and property that reads or changes the run
    "train": lambda r: r.train(1), "step": lambda r: r.step(),
    "step_report": lambda r: r.step_report(),  # after train and step: the run has steps to report
    "reset": lambda r: r.reset(),
    "nudge": lambda r: r.nudge("101", "1", 0.9, steps=2), "teach": lambda r: r.teach({"000": {"0": 1.0}}, steps=2),
    "configure": lambda r: r.configure(lr=0.002), "sample": lambda r: r.sample(3),
    "reach_probability": lambda r: r.reach_probability("000", 2), "transition_matrix": lambda r: r.transition_matrix(),
    "probabilities": lambda r: r.probabilities, "history": lambda r: r.history, "loss": lambda r: r.loss,
    "global_step": lambda r: r.global_step, "config": lambda r: r.config, "run_string": lambda r: r.run_string,
    "states": lambda r: r.states, "alphabet": lambda r: r.alphabet, "num_parameters": lambda r: r.num_parameters,
    "unseen_states": lambda r: r.unseen_states, "data_counts": lambda r: r.data_counts(),
    "explain": lambda r: r.explain("000"), "probabilities_at": lambda r: r.probabilities_at(0),
    "hitting_curve": lambda r: r.hitting_curve("000", 2, temperatures=[1.0]),
    "compare_seeds": lambda r: r.compare_seeds(k=1, steps=1), "compare": lambda r: r.compare(0),
    "state_space": lambda r: r.state_space(), "stationary_distribution": lambda r: r.stationary_distribution(),
    "probabilities_table": lambda r: r.probabilities_table(), "to_graphviz": lambda r: r.to_graphviz(),
    "save": lambda r: r.save(io.BytesIO()), "repr": repr, "to_svg": lambda r: r.to_svg(),
}


def test_every_public_method_waits_for_the_lock():
    public = {n for n in dir(BabyGPT) if not n.startswith("_")} - {"lock", "load", "from_run_string"}
    assert public <= set(CALLS), f"untested public names: {public - set(CALLS)}"
    run = BabyGPT(**SMALL)
    for name, call in CALLS.items():
        done = threading.Event()
        with run.lock:
            t = threading.Thread(target=lambda: (call(run), done.set()))
            t.start()
            assert not done.wait(0.05), f"{name} ran while another thread held the lock"
        t.join(30)
        assert done.is_set(), f"{name} did not finish after the lock was released"
