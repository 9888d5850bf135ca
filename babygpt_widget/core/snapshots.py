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
from .model import GPT
from .threads import one_thread

BUDGET_BYTES = 16 * 2**20  # weights + AdamW moments, all snapshots together (a larger model keeps 2)
MIN_SNAPSHOTS, MAX_SNAPSHOTS = 2, 64
FIRST_STRIDE = 16  # a snapshot every step would cost ~50% of a step; a replay of <16 steps ~30 ms
# (slow steps start denser: request_cost.first_snapshot_stride keeps a replay within its budget)


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

    def load_into(self, model: GPT, optimizer: torch.optim.Optimizer | None) -> None:
        params = list(model.parameters())
        sizes = [p.numel() for p in params]
        n = len(params)
        if self.groups is not None:
            sizes = sizes * 3 + [1] * n
        chunks = self.flat.split(sizes)
        with torch.no_grad():
            for p, c in zip(params, chunks):
                p.copy_(c.view_as(p))
        if self.groups is not None and optimizer is not None:
            state = {i: {"step": chunks[3 * n + i].reshape(()).clone(),
                         "exp_avg": chunks[n + i].view_as(p).clone(),
                         "exp_avg_sq": chunks[2 * n + i].view_as(p).clone()} for i, p in enumerate(params)}
            optimizer.load_state_dict({"state": state, "param_groups": [{**g, "params": list(range(n))} for g in self.groups]})


class SnapshotStore:
    def __init__(self, num_parameters: int, first_stride: int = FIRST_STRIDE) -> None:
        per_snapshot = 3 * 4 * num_parameters  # weights, exp_avg, exp_avg_sq
        self.capacity = int(np.clip(BUDGET_BYTES // per_snapshot, MIN_SNAPSHOTS, MAX_SNAPSHOTS))
        self.stride = first_stride
        self.floor = 0  # the first step that can be rebuilt
        self.snapshots: list[Snapshot] = []
        self.cached: tuple[int, GPT] | None = None  # the last rebuilt step
        self.generation = 0  # bumped when steps already rebuilt may no longer describe the run

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
        self.generation += 1
        if self.cached is not None and self.cached[0] > step:
            self.cached = None

    def restart_at(self, step: int) -> None:
        """A loaded run: its past weights are unknown."""
        self.snapshots, self.floor, self.cached = [], step, None
        self.generation += 1

    def base_for(self, step: int) -> Snapshot:
        """The newest snapshot at or before `step` (a replay starts there); ValueError if none."""
        base = next((s for s in reversed(self.snapshots) if s.step <= step), None)
        if base is None or step < self.floor:
            raise ValueError(f"step: {step} cannot be rebuilt (this run's weights are known from step {self.floor})")
        return base

    def cached_model(self, step: int) -> GPT | None:
        cached = self.cached
        return cached[1] if cached is not None and cached[0] == step else None

    def nearest(self, step: int, now: int, max_replay: int) -> int:
        """The step nearest to `step` (the earlier one on a tie) that a replay of at most
        `max_replay` steps rebuilds: just before it from its snapshot, the next snapshot after
        it, or `now` (the live model, nothing to replay)."""
        candidates = [now] + [s.step for s in self.snapshots if s.step >= self.floor]
        base = next((s for s in reversed(self.snapshots) if s.step <= step), None)
        if base is not None and step >= self.floor:
            candidates.append(min(step, base.step + max(0, max_replay)))
        return min(candidates, key=lambda c: (abs(c - step), c))

    def rebuild(self, step: int, base: Snapshot, template: GPT, every: StateSpace, generation: int) -> GPT:
        """The model after `step` steps: `template` (a model of this shape, overwritten)
        loaded from `base` and trained on by replay. Touches no shared state but the cache (and
        only when nothing was undone meanwhile), so it runs outside the run's lock."""
        from .trainer import Trainer

        model = template
        if step == base.step:
            base.load_into(model, None)  # weights only: nothing to replay
        else:
            trainer = Trainer(model, every, base.counts, base.lr, base.weight_decay)
            base.load_into(model, trainer.optimizer)
            trainer.global_step = base.step
            with one_thread(), torch.enable_grad():
                for _ in range(step - base.step):
                    trainer.step()
        model.requires_grad_(False)
        if self.generation == generation:
            self.cached = (step, model)
        return model
