"""explain(): the forward pass of one state, now or at a recorded step, agrees with the model."""

from __future__ import annotations

import numpy as np
import pytest

from babygpt_widget import BabyGPT

from conftest import SMALL


def test_explain_agrees_with_the_chain_for_every_state(trained):
    probs = trained.transition_matrix(include_prefixes=True)
    for i, state in enumerate(trained.state_space(include_prefixes=True).labels):
        e = trained.explain(state)
        T = len(state)
        assert e.state == state and e.tokens == tuple(state) and e.step == trained.global_step
        np.testing.assert_allclose(e.probs, probs[i], atol=1e-6)
        assert e.attention.shape == (4, 4, T, T)
        np.testing.assert_allclose(e.attention.sum(-1), 1.0, atol=1e-6)
        assert np.all(np.triu(e.attention, k=1) == 0)  # causal: no position looks ahead
        assert e.lens_probs.shape == (5, 2)
        np.testing.assert_allclose(e.lens_probs[-1], e.probs, atol=1e-6)
        np.testing.assert_allclose(e.embeddings, e.token_embeddings + e.position_embeddings, atol=1e-7)
        assert e.token_embeddings.shape == (T, 16)


def test_explain_embeddings_are_the_model_rows(trained):
    e = trained.explain("010")
    wte = trained.model.transformer.wte.weight.detach().numpy()
    wpe = trained.model.transformer.wpe.weight.detach().numpy()
    np.testing.assert_array_equal(e.token_embeddings, wte[[0, 1, 0]])
    np.testing.assert_array_equal(e.position_embeddings, wpe[:3])
    assert not e.probs.flags.writeable  # frozen: a front end cannot change a shared result


def test_lens_and_temperature(trained):
    e = trained.explain("000")
    assert 0 <= e.decided_at <= 4
    top = e.lens_probs.argmax(-1)
    assert np.all(top[e.decided_at:] == top[-1])
    np.testing.assert_allclose(e.at_temperature(1.0), e.probs, atol=1e-6)
    np.testing.assert_array_equal(e.at_temperature(0), np.eye(2)[e.probs.argmax()])
    np.testing.assert_allclose(e.at_temperature(0.5), trained.transition_matrix(0.5)[0], atol=1e-6)


def test_explain_at_recorded_steps_agrees_with_history(trained):
    h = trained.history
    for k in (0, 1, 17, 33, 49):
        i = int(np.flatnonzero(h.steps == k)[0])
        for s, state in enumerate(trained.states):
            np.testing.assert_allclose(trained.explain(state, step=k).probs, h.probs[i, s], atol=1e-6)
        assert trained.explain("0", step=k).step == k
        np.testing.assert_allclose(trained.explain("1", step=k).probs, h.prefix_probs[i, 1], atol=1e-6)


def test_replay_is_exact_across_settings_changes():
    run = BabyGPT(**SMALL)
    run.train(10)
    run.configure(lr=0.01)
    run.train(7)
    run.configure(sequence="0110101100", weight_decay=0.0)
    run.train(9)
    h = run.history
    for k in range(0, 27):
        i = int(np.flatnonzero(h.steps == k)[0])
        np.testing.assert_allclose(run.probabilities_at(step=k), h.probs[i], atol=1e-6)


def test_long_runs_thin_snapshots_and_keep_memory_bounded():
    run = BabyGPT(**SMALL)
    store = run._snapshots
    store.capacity = 4  # thinning, without training thousands of steps
    run.train(600)
    assert len(store.snapshots) <= 4 and store.stride == 256
    h = run.history
    for k in (0, 1, 299, 513, 599):
        i = int(np.flatnonzero(h.steps == k)[0])
        np.testing.assert_allclose(run.probabilities_at(step=k), h.probs[i], atol=1e-6)


def test_a_loaded_run_refuses_steps_before_it(trained, tmp_path):
    trained.save(tmp_path / "run.pt")
    run = BabyGPT.load(tmp_path / "run.pt")
    with pytest.raises(ValueError, match="^step: must be an integer from 50 to 50"):
        run.explain("000", step=10)
    run.train(3)
    np.testing.assert_allclose(run.probabilities_at(step=51), run.history.probs[-3], atol=1e-6)


@pytest.mark.parametrize("state", ["0000", "", "2", 3, None, "01a"])
def test_bad_state_names_the_field(trained, state):
    with pytest.raises(ValueError, match="^state: "):
        trained.explain(state)


@pytest.mark.parametrize("step", [-1, 51, 2.5, "3", True])
def test_bad_step_names_the_field(trained, step):
    with pytest.raises(ValueError, match="^step: must be an integer from 0 to 50"):
        trained.explain("000", step=step)
    assert trained.global_step == 50


def test_too_many_settings_changes_forget_the_oldest_steps_and_say_so():
    run = BabyGPT(**SMALL)
    run._snapshots.capacity = 2
    for lr in (0.002, 0.003, 0.004):
        run.train(3)
        run.configure(lr=lr)
    run.train(2)
    assert run._snapshots.floor == 6  # the two newest changes (steps 6 and 9) are kept
    with pytest.raises(ValueError, match="^step: must be an integer from 6 to 11"):
        run.explain("000", step=5)
    h = run.history
    for k in range(6, 12):
        np.testing.assert_allclose(run.probabilities_at(step=k), h.probs[k], atol=1e-6)
