"""The seed's training loop (AdamW, full batch, cross-entropy) with a recorded history.

The training windows are themselves states of the chain, so one forward over all states gives
both the loss (each state's cross-entropy weighted by how often it occurs in the data — the
same value as the seed's mean over windows) and the whole chain's probabilities for the
history snapshot of the same weights. Attention is causal, so the same forward's earlier
positions also give the shorter contexts (the "actual" state space) for the snapshot.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from .chain import TRIE_MIN_STATES, StateSpace, model_logits
from .fused_adamw import FusedAdamWStep, make_adamw
from .history import History
from .model import GPT
from .trie_train import fits as trie_fits
from .trie_train import trie_logits, trie_rows

CHECKPOINT_EVERY = 64  # steps between checkpoints at most
REPLAY_SECONDS = 0.2  # and at most this much replay after an interrupted step



class TrainingDiverged(ValueError):
    """The loss became non-finite; the trainer has rolled back to the last finite step."""


class Trainer:
    def __init__(self, model: GPT, space: StateSpace, counts: np.ndarray, lr: float, weight_decay: float,
                 report: np.ndarray | None = None) -> None:
        """`space`: every context, shorter ones first (StateSpace(include_prefixes=True));
        `counts`: (len(space), V) counts to train on — only the full-length rows train the model;
        `report`: the data's own counts when they differ (taught targets): the loss recorded."""
        self.model = model
        self._parameters = list(model.parameters())
        self.space = space
        self._lr, self._weight_decay = lr, weight_decay
        self._optimizer: torch.optim.AdamW | None = None
        self._optimizer_step: FusedAdamWStep | None = None
        self._fused_step: FusedAdamWStep | None = None
        self.history = History(len(space), space.vocab_size)
        self.global_step = 0
        self._inputs = space.token_ids(space.context_length)
        self._rows, self._positions = space.prefix_rows()
        self._n_full = len(self._inputs)
        # large chains train through the prefix trie (one pass: loss and snapshot) when its
        # gathered keys/values fit; else the windows' forward plus a gradient-free trie pass
        self._flat_trie = self._n_full >= TRIE_MIN_STATES and trie_fits(model, space.context_length)
        self._checkpoint: tuple[int, list[torch.Tensor]] | None = None  # (step, weights + optimizer state)
        self._step_seconds = 0.0  # the last step's duration: sets how often to checkpoint
        self._rolled_back_to: int | None = None
        self.set_counts(counts, report)

    # -- configuration that applies without resetting the model --------------------------------
    def set_counts(self, counts: np.ndarray, report: np.ndarray | None = None) -> None:
        """Per-state next-token counts to train on (the data, or the data with taught rows); the
        full-length rows are the training windows. `report`: the data's counts, whose loss is
        recorded instead when the two differ (a taught run's curve stays the data's loss)."""
        full = torch.as_tensor(counts[-self._n_full :], dtype=torch.float32)
        seen = torch.nonzero(full.sum(1)).squeeze(1)  # states that occur in the data
        rows = trie_rows(self.space.vocab_size, self.space.context_length, seen) if self._flat_trie else None
        n_windows = float(full.sum())
        shown = None if report is None else torch.as_tensor(report[-self._n_full :], dtype=torch.float32)
        shown_windows = 1.0 if shown is None else max(1.0, float(shown.sum()))
        (self._counts, self._n_windows, self._seen, self._trie_rows, self._report, self._report_windows) = \
            full, n_windows, seen, rows, shown, shown_windows  # one commit
        self._shown_loss = math.nan
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
            self._optimizer_step = self._fused_step = FusedAdamWStep(self.optimizer)
        return self._optimizer_step

    # -- training --------------------------------------------------------------------------------
    def _loss_and_probs(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Loss (with its graph) and the snapshot of every context, for the current weights."""
        return self._compute()

    def _compute(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self._flat_trie and torch.is_grad_enabled():
            logits = trie_logits(self.model, self.space.context_length, self._trie_rows)  # every state, space order
            seen = self._seen
            loss = self._cross_entropy(logits[-self._n_full :][seen], seen)
            return loss, torch.softmax(logits.detach(), dim=-1)
        if self._n_full >= TRIE_MIN_STATES and not torch.is_grad_enabled():
            # evaluation only: the gradient-free trie pass gives the loss's logits too
            logits = model_logits(self.model, self.space)
            seen = self._seen
            loss = self._cross_entropy(logits[-self._n_full :][seen], seen)
            return loss, torch.softmax(logits, dim=-1)
        if self._n_full >= TRIE_MIN_STATES:
            # Large chains: backpropagate through the few states in the data only; the snapshot
            # comes from the (gradient-free) prefix-trie pass over every context.
            loss = self._cross_entropy(self.model(self._inputs[self._seen]), self._seen)
            return loss, torch.softmax(model_logits(self.model, self.space).detach(), dim=-1)
        logits = self.model.forward_all(self._inputs, training_path=True)  # (states, C, V); evaluate() too
        loss = self._cross_entropy(logits[:, -1], None)
        return loss, torch.softmax(logits.detach()[self._rows, self._positions], dim=-1)

    def _cross_entropy(self, logits: torch.Tensor, rows: torch.Tensor | None) -> torch.Tensor:
        """The seed's mean cross-entropy over the windows, as counts per distinct state (one
        fused op: counts are soft targets, summed, then divided by the number of windows);
        `logits`: the full contexts' (`rows` of them, or all). While taught rows train, the
        data's own loss from the same logits is kept for the record (_record)."""
        counts = self._counts if rows is None else self._counts[rows]
        if self._report is not None:
            report = self._report if rows is None else self._report[rows]
            self._shown_loss = float(F.cross_entropy(logits.detach(), report, reduction="sum") / self._report_windows)
        return F.cross_entropy(logits, counts, reduction="sum") / self._n_windows

    def step(self) -> float:
        """One optimizer step; returns the loss of the weights it started from.

        Atomic: on any exception or KeyboardInterrupt the run is at a completed step (the one it
        started from, or the new one if the optimizer had finished), gradients cleared. A copy
        per step would cost ~5-10% of a step; a checkpoint plus deterministic replay costs ~0."""
        params = self._parameters
        for p in params:  # a gradient left by an interrupted `finally` below must not accumulate
            p.grad = None
        started = time.perf_counter()
        loss, probs = self._loss_and_probs()
        value = self._record(loss.item(), probs)  # atomic; the weights it describes are current
        start = self.global_step
        checkpoint = self._checkpoint
        if checkpoint is None or start - checkpoint[0] >= self._checkpoint_every:
            self._save_checkpoint()
        phase = 0  # 0: nothing changed yet, 1: the optimizer may have run part-way, 2: it ran
        try:
            loss.backward()
            phase = 1
            self.optimizer_step()
            phase = 2
            self.global_step = start + 1
        except BaseException:
            if phase == 2:
                self.global_step = start + 1  # the update is complete: commit it
            elif phase == 1:
                self._replay_to(start)
            raise
        finally:
            for p in params:  # zero_grad(set_to_none=True), minus its overhead
                p.grad = None
        self._step_seconds = time.perf_counter() - started
        return value

    def evaluate(self) -> tuple[float, np.ndarray]:
        """Loss and chain of the current weights, recorded as the newest history snapshot.
        If the last update made the loss non-finite, roll it back and raise TrainingDiverged."""
        with torch.no_grad():
            loss, probs = self._loss_and_probs()
        return self._record(loss.item(), probs), probs.numpy()

    def _record(self, loss: float, probs: torch.Tensor) -> float:
        """Snapshot the current weights; a non-finite loss rolls back one step and raises."""
        if not math.isfinite(loss):
            bad = self.global_step
            self._rollback()
            raise TrainingDiverged(f"train: the loss became {loss} at step {bad}; {self._divergence_advice(bad)}")
        if self._report is not None:
            # taught rows train: the curve stays the data's mean cross-entropy, from the same
            # forward's log_softmax (not log(probs): float32 log is MKL's vsLn, which a page's
            # engine cannot reproduce bit for bit; log_softmax it does)
            loss = self._shown_loss
        self.history.record(self.global_step, loss, probs.numpy())
        return loss

    def _divergence_advice(self, bad: int) -> str:
        """What will actually help, given what was kept and the likely cause."""
        if self.global_step == bad:  # nothing to go back to (e.g. a run loaded with these weights)
            return "the weights are no longer finite and could not be rolled back. Reset (or load a saved run)."
        kept = f"training stopped and the model was kept at step {self.global_step}."
        lr, wd = self._lr, self._weight_decay
        if lr * wd >= 1:
            return (f"{kept} Lower lr (now {lr:g}) or weight_decay (now {wd:g}): with lr × weight_decay ≥ 1 "
                    f"every step flips and grows the weights.")
        if lr > 0.01:
            return f"{kept} Lower lr (now {lr:g}) or reset."
        return f"{kept} lr (now {lr:g}) is small, so lowering it may not help: reset, or change the data."

    def clear_grads(self) -> None:
        for p in self._parameters:
            p.grad = None

    # -- undo: a checkpoint plus a deterministic replay ----------------------------------------
    # Training is deterministic (full batch, one thread), so restoring a checkpoint and replaying
    # the steps since reaches any later step exactly. Checkpoints are taken often enough that a
    # replay takes at most ~REPLAY_SECONDS, and dropped when data or hyperparameters change.
    def _live_tensors(self) -> list[torch.Tensor]:
        """Weights and optimizer state (the Parameters themselves, so a deep copy stays linked)."""
        tensors: list[torch.Tensor] = list(self._parameters)
        state = self.optimizer.state
        for p in self._parameters:
            tensors.extend(v for v in state.get(p, {}).values() if isinstance(v, torch.Tensor))
        return tensors

    @property
    def _checkpoint_every(self) -> int:
        return max(1, min(CHECKPOINT_EVERY, int(REPLAY_SECONDS / max(self._step_seconds, 1e-6))))

    def _save_checkpoint(self) -> None:
        with torch.no_grad():
            tensors = [t.detach().clone() for t in self._live_tensors()]
        self._checkpoint = (self.global_step, tensors)  # one assignment: never half a checkpoint

    def invalidate_checkpoint(self) -> None:
        """The data or hyperparameters changed: a replay from an older checkpoint would differ."""
        self._checkpoint = None

    def _replay_to(self, target: int) -> bool:
        """Restore the checkpoint and replay up to step `target`; False if there is none at or
        before it. A KeyboardInterrupt during the replay is held until the replay is done, so an
        impatient second Ctrl-C cannot leave the run between steps."""
        checkpoint = self._checkpoint
        if checkpoint is None or checkpoint[0] > target:
            return False
        held: BaseException | None = None
        while True:
            try:
                self._restore_checkpoint(checkpoint)
                while self.global_step < target:
                    self._update(self._compute()[0])
                break
            except KeyboardInterrupt as e:
                held = e
        for p in self._parameters:
            p.grad = None
        if held is not None:
            raise held
        return True

    def _restore_checkpoint(self, checkpoint: tuple[int, list[torch.Tensor]]) -> None:
        step, saved = checkpoint
        for p in self._parameters:
            p.grad = None
        if len(saved) == len(self._parameters):  # the checkpoint predates the optimizer's first step,
            self.optimizer.state.clear()  # whose state may now be half made (even `state[p] = {}`)
            if self._fused_step is not None:  # (the kernel's own, even while a test wraps optimizer_step)
                self._fused_step.invalidate()
        live = self._live_tensors()
        with torch.no_grad():
            torch._foreach_copy_(live, saved)
        self.global_step = step

    def _update(self, loss: torch.Tensor) -> None:
        """A replayed step: no history record (it holds these steps already), and torch's own
        AdamW.step() (bit-identical to the direct kernel call, and independent of it)."""
        loss.backward()
        self.optimizer.step()
        for p in self._parameters:
            p.grad = None
        self.global_step += 1

    def _rollback(self) -> None:
        """The loss became non-finite: back to the step before the last update, if reachable
        (once: a state rolled back to had a finite loss when it was trained)."""
        target = self.global_step - 1
        if target >= 0 and self.global_step != self._rolled_back_to and self._replay_to(target):
            self._rolled_back_to = target
