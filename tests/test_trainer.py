"""Training: steps, losses, reset, divergence (rolled back to the last finite step)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import SMALL

from babygpt_widget import BabyGPT, TrainingDiverged


def weights(run: BabyGPT) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in run.model.state_dict().items()}


def assert_same_weights(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def optimizer_steps(run: BabyGPT) -> set[int]:
    """The AdamW per-parameter step counters (empty before the first step)."""
    return {int(s["step"]) for s in run._trainer.optimizer.state.values()}


def test_train_returns_n_losses_and_counts_steps():
    run = BabyGPT(**SMALL)
    assert run.global_step == 0
    losses = run.train(7)
    assert len(losses) == 7 and all(isinstance(x, float) and math.isfinite(x) for x in losses)
    assert run.global_step == 7 and optimizer_steps(run) == {7}
    run.train(3)
    assert run.global_step == 10 and optimizer_steps(run) == {10}
    loss = run.step()
    assert isinstance(loss, float) and run.global_step == 11


def test_losses_are_the_loss_before_each_step():
    run = BabyGPT(**SMALL)
    start = run.loss
    losses = run.train(5)
    assert losses[0] == pytest.approx(start, abs=1e-7)
    after = run.loss
    more = run.train(1)
    assert more[0] == pytest.approx(after, abs=1e-7)


def test_train_zero_is_a_no_op():
    run = BabyGPT(**SMALL)
    run.train(4)
    w, p, h = weights(run), run.probabilities, run.history
    assert run.train(0) == []
    assert run.global_step == 4
    assert_same_weights(w, weights(run))
    np.testing.assert_array_equal(p, run.probabilities)
    np.testing.assert_array_equal(h.steps, run.history.steps)
    np.testing.assert_array_equal(h.losses, run.history.losses)


def test_reset_brings_back_step_0_exactly():
    run = BabyGPT()
    first = run.train(5)
    w0 = weights(BabyGPT())
    p0 = BabyGPT().probabilities
    run.reset()
    assert run.global_step == 0 and optimizer_steps(run) == set()
    assert run.history.steps.tolist() == [0]
    assert_same_weights(w0, weights(run))
    np.testing.assert_array_equal(p0, run.probabilities)
    assert run.train(5) == first  # bit-identical losses
    assert first[0] == pytest.approx(0.663539469242096, abs=1e-6)


def test_reset_keeps_the_configuration():
    run = BabyGPT(**SMALL)
    run.train(3)
    run.configure(lr=0.01, sequence="0110110")
    run.train(3)
    run.reset()
    assert run.config.lr == 0.01 and run.config.sequence == "0110110"
    assert run._trainer.optimizer.param_groups[0]["lr"] == 0.01
    ref = BabyGPT(lr=0.01, sequence="0110110", **SMALL)
    assert run.train(4) == ref.train(4)


def test_count_weighted_loss_equals_mean_over_windows():
    run = BabyGPT(sequence="0010111010001101", context_length=3, **SMALL)
    run.train(3)
    seq = [int(c) for c in run.config.sequence]
    X = torch.tensor([seq[i : i + 3] for i in range(len(seq) - 3)])
    Y = torch.tensor(seq[3:])
    with torch.no_grad():
        assert run.loss == pytest.approx(F.cross_entropy(run.model(X), Y).item(), abs=1e-6)


# -- divergence --------------------------------------------------------------------------------------
class PoisonedOptimizerStep:
    """Make the at_call-th optimizer step write NaN weights (a blow-up, made deterministic)."""

    def __init__(self, run: BabyGPT, at_call: int) -> None:
        self.run, self.at_call, self.calls = run, at_call, 0
        self.real = run._trainer.optimizer_step
        run._trainer._optimizer_step = self

    def __call__(self) -> None:
        self.real()
        self.calls += 1
        if self.calls == self.at_call:
            with torch.no_grad():
                for p in self.run.model.parameters():
                    p.fill_(float("nan"))

    def invalidate(self) -> None:
        self.real.invalidate()

    def remove(self) -> None:
        self.run._trainer._optimizer_step = self.real


@pytest.mark.parametrize("at_call", [1, 5])
def test_divergence_stops_and_keeps_the_last_finite_step(at_call):
    run = BabyGPT(**SMALL)
    poison = PoisonedOptimizerStep(run, at_call)
    with pytest.raises(ValueError) as info:
        run.train(20)
    assert isinstance(info.value, TrainingDiverged)
    msg = str(info.value)
    assert msg.startswith("train:") and "lr" in msg
    assert f"at step {at_call}" in msg and f"kept at step {at_call - 1}" in msg
    # the model is the one after at_call - 1 clean steps: weights, optimizer, step, chain, history
    ref = BabyGPT(**SMALL)
    ref.train(at_call - 1)
    assert run.global_step == at_call - 1
    assert_same_weights(weights(ref), weights(run))
    assert optimizer_steps(run) == optimizer_steps(ref)
    assert np.all(np.isfinite(run.probabilities)) and math.isfinite(run.loss)
    np.testing.assert_array_equal(run.probabilities, ref.probabilities)
    assert run.history.steps.tolist() == list(range(at_call))
    assert run.history.steps[-1] == run.global_step
    assert np.all(np.isfinite(run.history.losses)) and np.all(np.isfinite(run.history.probs))
    # and training goes on from there exactly as the clean run does
    poison.remove()
    assert run.train(5) == ref.train(5)
    assert run.global_step == ref.global_step


def test_divergence_rollback_works_on_a_copied_run():
    """copy.deepcopy(run) is the natural way to branch an experiment; the copy's divergence
    guard must protect the copy's own weights."""
    import copy

    base = BabyGPT(**SMALL)
    base.train(4)
    run = copy.deepcopy(base)
    PoisonedOptimizerStep(run, 3)
    with pytest.raises(ValueError, match="^train:"):
        run.train(10)
    ref = copy.deepcopy(base)
    ref.train(2)
    assert run.global_step == 6
    assert all(torch.isfinite(p).all() for p in run.model.parameters()), "rollback did not restore the weights"
    assert_same_weights(weights(ref), weights(run))
    np.testing.assert_array_equal(run.probabilities, ref.probabilities)


def test_divergence_from_a_non_finite_loss_any_source(monkeypatch):
    run = BabyGPT(**SMALL)
    run.train(3)
    trainer = run._trainer
    real = trainer._loss_and_probs
    calls = [0]

    def nan_after_two(*a):
        loss, probs = real(*a)
        calls[0] += 1
        return (loss * float("inf") if calls[0] > 2 else loss), probs

    monkeypatch.setattr(trainer, "_loss_and_probs", nan_after_two)
    with pytest.raises(ValueError, match=r"^train: the loss became (inf|nan)"):
        run.train(10)
    # steps 3 and 4 ran (loss finite); the 3rd evaluation is non-finite -> back to step 4
    assert run.global_step == 4
    assert run.history.steps[-1] == 4 and len(run.history) == 5
    assert optimizer_steps(run) == {4}


def _diverging(**kw) -> BabyGPT:
    # AdamW's decoupled decay multiplies weights by (1 - lr * wd) = -9 each step: a real blow-up
    return BabyGPT(**SMALL, **{"lr": 10.0, "weight_decay": 1.0, **kw})


def test_huge_learning_rate_diverges_cleanly():
    run = BabyGPT(**SMALL)
    run.train(2)
    run.configure(lr=10.0, weight_decay=1.0)
    with pytest.raises(ValueError, match=r"^train: the loss became .* at step \d+; .*kept at step \d+\. Lower lr"):
        run.train(200)
    k = run.global_step
    assert 2 <= k < 200
    assert np.all(np.isfinite(run.probabilities)) and math.isfinite(run.loss)
    assert all(torch.isfinite(p).all() for p in run.model.parameters())
    assert run.history.steps.tolist() == list(range(k + 1))  # every step up to the kept one, no more
    assert optimizer_steps(run) == {k}
    # the kept model is exactly the clean run stopped at step k
    ref = BabyGPT(**SMALL)
    ref.train(2)
    ref.configure(lr=10.0, weight_decay=1.0)
    ref.train(k - 2)
    assert_same_weights(weights(ref), weights(run))


def test_divergence_on_the_last_step_of_a_call_is_caught():
    """A call whose *last* update blows the weights up must not return silently with NaN weights:
    the next call would otherwise be the one to notice, and meanwhile probabilities are NaN."""
    probe = _diverging()
    with pytest.raises(ValueError):
        probe.train(200)
    k = probe.global_step  # the update k -> k+1 produces non-finite weights
    run = _diverging()
    try:
        run.train(k + 1)
    except ValueError as e:
        assert str(e).startswith("train:")
    assert np.all(np.isfinite(run.probabilities)), "train() returned with non-finite probabilities"
    assert math.isfinite(run.loss)
    assert run.history.steps[-1] == run.global_step, "global_step ran ahead of the recorded history"


# -- the direct fused-AdamW call -----------------------------------------------------------------
def test_direct_fused_adamw_matches_optimizer_step_bit_for_bit():
    """The trainer calls AdamW's fused kernel itself; weights and optimizer state must equal
    what torch.optim.AdamW.step() produces, step for step, including after a change of lr."""
    fast, plain = BabyGPT(**SMALL), BabyGPT(**SMALL)
    plain._trainer._optimizer_step = plain._trainer.optimizer.step  # torch's own step()
    for run in (fast, plain):
        run.train(7)
        run.configure(lr=0.03, weight_decay=0.2)
        run.train(6)
    assert_same_weights(weights(fast), weights(plain))
    assert fast.history.losses.tolist() == plain.history.losses.tolist()
    for p_fast, p_plain in zip(fast.model.parameters(), plain.model.parameters()):
        s_fast, s_plain = fast._trainer.optimizer.state[p_fast], plain._trainer.optimizer.state[p_plain]
        assert s_fast.keys() == s_plain.keys()
        for key in s_fast:
            assert torch.equal(s_fast[key], s_plain[key]), key
    assert fast._trainer.optimizer_step._bound is not None, "the direct call was never used"


def test_divergence_advice_names_what_will_help():
    """'Lower lr' only when lr is the likely cause; lr × weight_decay >= 1 names weight_decay."""
    run = BabyGPT(**SMALL)
    PoisonedOptimizerStep(run, 3)
    with pytest.raises(ValueError) as info:
        run.train(10)
    msg = str(info.value)
    assert "kept at step 2" in msg and "Lower lr" not in msg and "reset" in msg
    run = _diverging()
    with pytest.raises(ValueError) as info:
        run.train(200)
    assert "weight_decay" in str(info.value) and "Lower lr" in str(info.value)
    run = BabyGPT(**SMALL, lr=0.5, weight_decay=0.0)
    PoisonedOptimizerStep(run, 2)
    with pytest.raises(ValueError, match=r"Lower lr \(now 0.5\) or reset"):
        run.train(10)
