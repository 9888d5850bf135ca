"""Runs compared: the seed ensemble, compare(other), hitting probability against temperature."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from babygpt_widget import BabyGPT
from babygpt_widget.ensemble import Cancelled, train_seed_ensemble

from conftest import SMALL


def test_compare_seeds_equals_separate_runs(trained):
    ens = trained.compare_seeds(k=3)
    assert ens.steps == 50 and ens.seeds == (1337, 1338, 1339) and ens.probs.shape == (3, 8, 2)
    np.testing.assert_allclose(ens.probs[0], trained.probabilities, atol=1e-5)  # its own seed is the run
    for i, seed in enumerate(ens.seeds[1:], 1):
        run = BabyGPT(seed=seed)
        run.train(50)
        np.testing.assert_allclose(ens.probs[i], run.probabilities, atol=1e-5)
    np.testing.assert_allclose(ens.median, np.median(ens.probs, 0))
    np.testing.assert_array_equal(ens.min, ens.probs.min(0))
    np.testing.assert_array_equal(ens.spread, ens.probs.max(0) - ens.probs.min(0))
    assert list(ens.seen) == [s not in trained.unseen_states for s in trained.states]


def test_batching_is_exact_in_float64():
    """In float64 the batched ensemble equals k single-seed trainings written out plainly (in
    float32 some seeds amplify rounding, so this is where batching is checked tightly)."""
    run = BabyGPT(**SMALL, context_length=2)
    seeds = [3, 4]
    ens = train_seed_ensemble(run.config, run.data_counts(), seeds, 40, dtype=torch.float64)
    space = run.state_space()
    idx = space.token_ids(2)
    counts = torch.as_tensor(run.data_counts(), dtype=torch.float64)
    for i, seed in enumerate(seeds):
        other = BabyGPT(**SMALL, context_length=2, seed=seed).model.double()
        opt = torch.optim.AdamW(other.parameters(), lr=1e-3, weight_decay=0.1)
        for _ in range(40):
            loss = torch.nn.functional.cross_entropy(other(idx), counts, reduction="sum") / counts.sum()
            loss.backward()
            opt.step()
            opt.zero_grad()
        with torch.no_grad():
            np.testing.assert_allclose(ens.probs[i], torch.softmax(other(idx), -1).numpy(), atol=1e-10)


def test_table_lists_states_seen_median_and_range(trained):
    ens = trained.compare_seeds(k=2, steps=3)
    table = ens.table()
    row = table.loc["000"]
    assert not row["seen"] and table.loc["101", "seen"]
    assert row["min"] <= row["median P(1)"] <= row["max"]
    assert ens.table("0").loc["000", "median P(0)"] == pytest.approx(1 - row["median P(1)"], abs=1e-6)
    with pytest.raises(ValueError, match="^token: "):
        ens.table("2")


def test_compare_seeds_reports_progress_and_cancels(trained):
    calls = []
    trained.compare_seeds(k=2, steps=4, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4, 4)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled, match="after 0 of 5 steps"):
        trained.compare_seeds(k=2, steps=5, cancel=cancel)
    cancel = threading.Event()  # from another thread, part-way through a long run
    threading.Timer(0.3, cancel.set).start()
    with pytest.raises(Cancelled, match="of 1,000,000 steps"):
        trained.compare_seeds(k=2, steps=1_000_000, cancel=cancel)
    assert trained.global_step == 50  # the run itself is untouched


@pytest.mark.parametrize("kwargs, field", [
    (dict(k=0), "k"), (dict(k=65), "k"), (dict(k=2.0), "k"), (dict(steps=-1), "steps"),
    (dict(k=2, seeds=[1]), "seeds"), (dict(k=2, seeds=[1, -1]), "seeds"), (dict(k=1, seeds="1"), "seeds"),
    (dict(k=1, progress="yes"), "progress"), (dict(k=1, cancel=True), "cancel"),
])
def test_compare_seeds_bad_input_names_the_field(trained, kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}: "):
        trained.compare_seeds(**kwargs)
