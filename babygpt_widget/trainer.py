"""The seed's training loop (AdamW, full batch, cross-entropy) with a recorded history.

The training windows are themselves states of the chain, so one forward over all states gives
both the loss (each state's cross-entropy weighted by how often it occurs in the data — the
same value as the seed's mean over windows) and the whole chain's probabilities for the
history snapshot of the same weights. Attention is causal, so the same forward's earlier
positions also give the shorter contexts (the "actual" state space) for the snapshot.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from .chain import TRIE_MIN_STATES, StateSpace, model_logits
from .fused_adamw import FusedAdamWStep, make_adamw
from .history import History
from .model import GPT


CHECKPOINT_EVERY = 64


class TrainingDiverged(ValueError):
    """The loss became non-finite; the trainer has rolled back to the last finite step."""


class Trainer:
    def __init__(self, model: GPT, space: StateSpace, counts: np.ndarray, lr: float, weight_decay: float) -> None:
        """`space`: every context, shorter ones first (StateSpace(include_prefixes=True));
        `counts`: (len(space), V) data counts — only the full-length rows train the model."""
        self.model = model
        self._parameters = list(model.parameters())
        self.space = space
        self._lr, self._weight_decay = lr, weight_decay
        self._optimizer: torch.optim.AdamW | None = None
        self._optimizer_step: FusedAdamWStep | None = None
        self.history = History(len(space), space.vocab_size)
        self.global_step = 0
        self._inputs = space.token_ids(space.context_length)
        self._rows, self._positions = space.prefix_rows()
        self._n_full = len(self._inputs)
        self._checkpoint: list[torch.Tensor] | None = None
        self._checkpoint_step = 0
        self._rolled_back_to: int | None = None
        self.set_counts(counts)
        self.evaluate()

    # -- configuration that applies without resetting the model --------------------------------
    def set_counts(self, counts: np.ndarray) -> None:
        """Per-state next-token counts (the data); the full-length rows are the training windows."""
        self._counts = torch.as_tensor(counts[-self._n_full :], dtype=torch.float32)
        self._n_windows = float(self._counts.sum())
        self._seen = torch.nonzero(self._counts.sum(1)).squeeze(1)  # states that occur in the data
        self.invalidate_checkpoint()

    def set_hyperparameters(self, lr: float, weight_decay: float) -> None:
        self._lr, self._weight_decay = lr, weight_decay
        self.invalidate_checkpoint()
        for group in self._optimizer.param_groups if self._optimizer else ():
            group["lr"], group["weight_decay"] = lr, weight_decay

    @property
    def optimizer(self) -> torch.optim.AdamW:
        """Created on first use: building any torch optimizer imports torch._dynamo (~1 s), which
        a first drawing of the untrained chain does not need."""
        if self._optimizer is None:
            # Fused AdamW: one kernel for all parameters instead of ~10 small ops each (~1.3x);
            # plain AdamW where this torch has no fused CPU kernel (before 2.4).
            self._optimizer = make_adamw(self._parameters, self._lr, self._weight_decay)
        return self._optimizer

    @property
    def optimizer_step(self) -> FusedAdamWStep:
        """optimizer.step() without its Python bookkeeping (~5% of a training step)."""
        if self._optimizer_step is None:
            self._optimizer_step = FusedAdamWStep(self.optimizer)
        return self._optimizer_step

    # -- training --------------------------------------------------------------------------------
    def _loss_and_probs(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Loss (with its graph) and the snapshot of every context, for the current weights."""
        return self._compute()

    def _compute(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self._n_full >= TRIE_MIN_STATES:
            # Large chains: backpropagate through the few states in the data only; the snapshot
            # comes from the (gradient-free) prefix-trie pass over every context.
            loss = self._cross_entropy(self.model(self._inputs[self._seen]), self._counts[self._seen])
            return loss, torch.softmax(model_logits(self.model, self.space).detach(), dim=-1)
        logits = self.model.forward_all(self._inputs)  # (states, C, V)
        loss = self._cross_entropy(logits[:, -1], self._counts)
        return loss, torch.softmax(logits.detach()[self._rows, self._positions], dim=-1)

    def _cross_entropy(self, logits: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
        """The seed's mean cross-entropy over the windows, as counts per distinct state (one
        fused op: counts are soft targets, summed, then divided by the number of windows)."""
        return F.cross_entropy(logits, counts, reduction="sum") / self._n_windows

    def step(self) -> float:
        """One optimizer step; returns the loss of the weights it started from."""
        loss, probs = self._loss_and_probs()
        value = self._record(loss.item(), probs)
        if self._checkpoint is None or self.global_step - self._checkpoint_step >= CHECKPOINT_EVERY:
            self._save_checkpoint()
        self._update(loss)
        return value

    def _update(self, loss: torch.Tensor) -> None:
        loss.backward()
        self.optimizer_step()
        for p in self._parameters:  # zero_grad(set_to_none=True), minus its overhead
            p.grad = None
        self.global_step += 1

    def evaluate(self) -> tuple[float, np.ndarray]:
        """Loss and chain of the current weights, recorded as the newest history snapshot.
        If the last update made the loss non-finite, roll it back and raise TrainingDiverged."""
        with torch.no_grad():
            loss, probs = self._loss_and_probs()
        return self._record(loss.item(), probs), probs.numpy()

    def _record(self, loss: float, probs: torch.Tensor) -> float:
        """Snapshot the current weights; a non-finite loss rolls back one step and raises."""
        if not math.isfinite(loss):
            self._rollback()
            raise TrainingDiverged(
                f"train: the loss became {loss} at step {self.global_step + 1}; training stopped and the model "
                f"was kept at step {self.global_step}. Lower lr (now {self._lr:g}) or reset.")
        self.history.record(self.global_step, loss, probs.numpy())
        return loss

    # -- divergence: keep the last weights whose loss was finite ---------------------------------
    # A copy of weights and optimizer state every step would cost ~5% of a step. Training is
    # deterministic (full batch, one thread), so a checkpoint every CHECKPOINT_EVERY steps plus a
    # replay reaches the step before a divergence exactly.
    def _live_tensors(self) -> list[torch.Tensor]:
        """Weights and optimizer state (the Parameters themselves, so a deep copy stays linked)."""
        tensors: list[torch.Tensor] = list(self._parameters)
        for state in self.optimizer.state.values():
            tensors.extend(v for v in state.values() if isinstance(v, torch.Tensor))
        return tensors

    def _save_checkpoint(self) -> None:
        with torch.no_grad():
            self._checkpoint = [t.detach().clone() for t in self._live_tensors()]
        self._checkpoint_step = self.global_step

    def invalidate_checkpoint(self) -> None:
        """The data or hyperparameters changed: a replay from an older checkpoint would differ."""
        self._checkpoint = None

    def _rollback(self) -> None:
        """Back to the step before the current one: restore the checkpoint, replay the rest."""
        target = self.global_step - 1
        if self._checkpoint is None or target < self._checkpoint_step or self.global_step == self._rolled_back_to:
            return  # (once: a state already rolled back to had a finite loss when it was trained)
        live = self._live_tensors()
        if len(live) != len(self._checkpoint):  # the checkpoint predates the optimizer's first step
            self.optimizer.state.clear()
            self.optimizer_step.invalidate()
            live = self._live_tensors()
        with torch.no_grad():
            torch._foreach_copy_(live, self._checkpoint)
        self.global_step = self._checkpoint_step
        while self.global_step < target:
            self._update(self._compute()[0])
        self._rolled_back_to = target
