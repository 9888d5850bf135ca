"""The optional compiled step (BABYGPT_COMPILED_STEP=1): off by default, switched to at a step's
start once the background compile is ready, numerics within 1e-5 of the eager run, replays exact.

torch.compile itself takes ~35-80 s cold on these machines (bench/compiled_step.py measures it);
here the "compiled" function is the same Python function uncompiled, so the tests check the
trainer's plumbing in milliseconds.
"""

from __future__ import annotations

import copy
import threading

import numpy as np
import pytest
import torch

from babygpt_widget import BabyGPT, compiled_step


@pytest.fixture
def uncompiled(monkeypatch):
    monkeypatch.setenv(compiled_step.ENV_FLAG, "1")
    monkeypatch.setattr(compiled_step, "_function", lambda: compiled_step._loss_and_probs)


def test_off_by_default(monkeypatch):
    monkeypatch.delenv(compiled_step.ENV_FLAG, raising=False)
    assert BabyGPT()._trainer._compile is None
    monkeypatch.setenv(compiled_step.ENV_FLAG, "0")
    assert BabyGPT()._trainer._compile is None


def test_large_chains_never_compile(uncompiled):
    assert BabyGPT(context_length=8, sequence="0110" * 10, n_layer=1, n_head=1, n_embd=4)._trainer._compile is None


def test_switches_at_a_step_start_and_matches_the_eager_run(monkeypatch, uncompiled):
    run = BabyGPT()
    trainer = run._trainer
    assert trainer._compile.join(30) and not trainer._compiled  # ready, not used before a step
    calls = []
    real = trainer._compile.function
    monkeypatch.setattr(trainer._compile, "function", lambda *a: calls.append(1) or real(*a))
    losses = run.train(50)
    assert trainer._compiled and len(calls) == 50
    monkeypatch.delenv(compiled_step.ENV_FLAG)
    eager = BabyGPT()
    assert eager._trainer._compile is None
    eager_losses = eager.train(50)
    assert max(abs(a - b) for a, b in zip(losses, eager_losses)) < 1e-5
    assert np.abs(run.probabilities - eager.probabilities).max() < 1e-5
    assert run.history.steps.tolist() == list(range(51))


def test_replay_after_the_switch_is_exact(monkeypatch):
    """The switch takes a fresh checkpoint, so an interrupted step's replay never mixes eager and
    compiled steps and reaches the same bits."""
    gate = threading.Event()
    monkeypatch.setenv(compiled_step.ENV_FLAG, "1")
    monkeypatch.setattr(compiled_step, "_function", lambda: gate.wait(30) and compiled_step._loss_and_probs)
    run = BabyGPT()
    trainer = run._trainer
    run.train(3)  # eager: the compile is not ready
    assert not trainer._compiled and trainer._checkpoint[0] == 0
    gate.set()
    assert trainer._compile.join(30)
    run.train(1)
    assert trainer._compiled and trainer._checkpoint[0] == 3  # checkpoint at the switch
    run.train(4)
    before = [p.detach().clone() for p in trainer._parameters]
    assert trainer._replay_to(trainer.global_step)
    assert trainer.global_step == 8
    assert all(torch.equal(a, b) for a, b in zip(before, trainer._parameters))


def test_copies_share_the_compile_and_keep_training(uncompiled):
    run = BabyGPT()
    run._trainer._compile.join(30)
    run.train(2)
    twin = copy.deepcopy(run)
    assert twin._trainer._compile is run._trainer._compile
    assert twin.train(3) == run.train(3)
