"""Shared fixtures for the Python unit and widget tests (no browser here: see tests/e2e/).

Torch runs on one thread: these models are tiny, the machines have 2 cores shared with other
jobs, and intra-op threads only add spin-wait overhead (the seed's figures are 1-thread CPU).
"""

from __future__ import annotations

import copy

import pytest
import torch

from babygpt_widget import BabyGPT

torch.set_num_threads(1)

# The smallest architecture, for tests that only need "a model" and must stay fast.
SMALL = dict(n_layer=1, n_head=1, n_embd=4)


@pytest.fixture(scope="session")
def _trained_seed() -> BabyGPT:
    run = BabyGPT()
    run.train(50)
    return run


@pytest.fixture
def trained(_trained_seed: BabyGPT) -> BabyGPT:
    """The seed's experiment after its 50 training steps (a private copy per test)."""
    return copy.deepcopy(_trained_seed)


@pytest.fixture
def fresh() -> BabyGPT:
    """The seed's experiment at step 0."""
    return BabyGPT()


def snapshot(run: BabyGPT) -> dict:
    """Everything a rejected call must leave unchanged."""
    view = run.history
    return {
        "config": run.config,
        "global_step": run.global_step,
        "probabilities": run.probabilities.copy(),
        "loss": run.loss,
        "states": run.states,
        "history_steps": view.steps.copy(),
        "history_losses": view.losses.copy(),
        "history_probs": view.probs.copy(),
        "weights": {k: v.clone() for k, v in run.model.state_dict().items()},
        "lr": run._trainer.optimizer.param_groups[0]["lr"],
        "weight_decay": run._trainer.optimizer.param_groups[0]["weight_decay"],
        "data_counts": run.data_counts(),
    }


def assert_same_snapshot(a: dict, b: dict) -> None:
    import numpy as np

    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if key == "weights":
            assert x.keys() == y.keys()
            for name in x:
                torch.testing.assert_close(x[name], y[name], rtol=0, atol=0, equal_nan=True,
                                           msg=f"weight {name} changed")
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f"{key} changed")
        else:
            assert x == y, f"{key} changed: {x!r} -> {y!r}"
