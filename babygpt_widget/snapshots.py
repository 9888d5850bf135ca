"""Weights at past steps: coarse snapshots plus deterministic replay.

Training is deterministic (full batch, one thread), so weights + AdamW state at step s and the
settings in force after s rebuild any later step exactly. Snapshots are kept every `stride`
steps (the stride doubles when the count passes the cap, like the history's thinning) and
always at a settings change (lr, weight_decay or sequence), so a replay never crosses one. Too
many changes drop the oldest snapshots: steps before `floor` can then not be rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .chain import StateSpace
from .model import GPT, GPTConfig

BUDGET_BYTES = 16 * 2**20  # weights + AdamW moments, all snapshots together (a larger model keeps 2)
MIN_SNAPSHOTS, MAX_SNAPSHOTS = 2, 64
FIRST_STRIDE = 16  # a snapshot every step would cost ~50% of a step; a replay of <16 steps ~30 ms


@dataclass(frozen=True)
class Snapshot:
    step: int
    flat: torch.Tensor  # weights in model.parameters() order, then AdamW's exp_avg, exp_avg_sq, step
    groups: list[dict] | None  # AdamW's param_groups without "params"; None before its first step
    lr: float  # settings in force for the steps after this one
    weight_decay: float
    counts: np.ndarray  # (len(space with prefixes), V) the data, shared, never mutated
    pinned: bool  # a settings change: never thinned

    @property
    def nbytes(self) -> int:
        return self.flat.nbytes

    def load_into(self, model: GPT, optimizer: torch.optim.Optimizer) -> None:
        params = list(model.parameters())
        sizes = [p.numel() for p in params]
        n = len(params)
        if self.groups is not None:
            sizes = sizes * 3 + [1] * n
        chunks = self.flat.split(sizes)
        with torch.no_grad():
            for p, c in zip(params, chunks):
                p.copy_(c.view_as(p))
        if self.groups is not None:
            state = {i: {"step": chunks[3 * n + i].reshape(()).clone(),
                         "exp_avg": chunks[n + i].view_as(p).clone(),
                         "exp_avg_sq": chunks[2 * n + i].view_as(p).clone()} for i, p in enumerate(params)}
            optimizer.load_state_dict({"state": state, "param_groups": [{**g, "params": list(range(n))} for g in self.groups]})


class SnapshotStore:
    def __init__(self, num_parameters: int) -> None:
        per_snapshot = 3 * 4 * num_parameters  # weights, exp_avg, exp_avg_sq
        self.capacity = int(np.clip(BUDGET_BYTES // per_snapshot, MIN_SNAPSHOTS, MAX_SNAPSHOTS))
        self.stride = FIRST_STRIDE
        self.floor = 0  # the first step that can be rebuilt
        self.snapshots: list[Snapshot] = []
        self.cached: tuple[int, GPT] | None = None  # the last rebuilt step

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.snapshots)

    def due(self, step: int) -> bool:
        return step % self.stride == 0 and not (self.snapshots and self.snapshots[-1].step == step)

    def take(self, step: int, model: GPT, optimizer: torch.optim.Optimizer | None, lr: float,
             weight_decay: float, counts: np.ndarray, pinned: bool = False) -> None:
        """Record the weights now at `step`; atomic (the list is replaced in one assignment)."""
        params = list(model.parameters())
        tensors, groups = list(params), None
        if optimizer is not None and optimizer.state:  # one cat copies everything: ~10x cheaper than deepcopy
            states = [optimizer.state[p] for p in params]
            tensors += [s["exp_avg"] for s in states] + [s["exp_avg_sq"] for s in states] + [s["step"] for s in states]
            groups = [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups]
        with torch.no_grad():
            flat = torch.cat([t.detach().reshape(-1) for t in tensors])  # all float32 (AdamW keeps step as float32)
        kept = [s for s in self.snapshots if s.step < step]  # a same-step one is replaced, later ones are gone
        was_pinned = any(s.step == step and s.pinned for s in self.snapshots)
        kept.append(Snapshot(step, flat, groups, lr, weight_decay, counts, pinned or was_pinned))
        stride = self.stride
        while len(kept) > self.capacity:
            regular = [s for s in kept if not s.pinned and s.step != step]
            if len(regular) > 1:  # thin the regular ones onto a doubled stride (step 0 stays)
                stride *= 2
                kept = [s for s in kept if s.pinned or s.step == step or s.step % stride == 0]
            else:  # pinned ones alone overflow: forget the oldest
                kept = kept[1:]
        floor = max(self.floor, kept[0].step)
        # floor first: cut short between these, the store refuses more steps, never replays wrongly
        self.floor = floor
        self.stride = stride
        self.snapshots = kept

    def truncate(self, step: int) -> None:
        """The run went back to `step` (a rollback): later snapshots no longer describe it."""
        self.snapshots = [s for s in self.snapshots if s.step <= step]
        if self.cached is not None and self.cached[0] > step:
            self.cached = None

    def restart_at(self, step: int) -> None:
        """A loaded run: its past weights are unknown."""
        self.snapshots, self.floor, self.cached = [], step, None

    def model_at(self, step: int, config: GPTConfig, every: StateSpace) -> GPT:
        """The model as it was after `step` optimizer steps, rebuilt by replay."""
        from .engine import one_thread  # the engine owns the threading policy
        from .trainer import Trainer

        if self.cached is not None and self.cached[0] == step:
            return self.cached[1]
        base = next((s for s in reversed(self.snapshots) if s.step <= step), None)
        if base is None or step < self.floor:
            raise ValueError(f"step: {step} cannot be rebuilt (this run's weights are known from step {self.floor})")
        with torch.random.fork_rng(devices=[]):
            model = GPT(config)
        trainer = Trainer(model, every, base.counts, base.lr, base.weight_decay)
        base.load_into(model, trainer.optimizer)
        if step > base.step:
            trainer.global_step = base.step
            with one_thread(), torch.enable_grad():
                for _ in range(step - base.step):
                    trainer.step()
        model.requires_grad_(False)
        self.cached = (step, model)
        return model
