"""Bounded training history: (step, loss, chain) snapshots for the slider.

Every step is kept until `capacity` snapshots; then every other one is dropped and the stride
doubles, so the kept steps stay evenly spaced over 0..now and memory never grows past the cap.
The newest snapshot is always kept (as an off-stride "tip") so the slider reaches the present.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_BUDGET_BYTES = 32 * 2**20
MAX_CAPACITY = 2048


def capacity_for(n_states: int, vocab_size: int, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> int:
    """Snapshots that fit the byte budget (float32 probabilities), at most MAX_CAPACITY."""
    per_snapshot = 4 * n_states * vocab_size + 8
    return int(max(16, min(MAX_CAPACITY, budget_bytes // per_snapshot)))


@dataclass(frozen=True)
class HistoryView:
    """A read-only copy of the history: arrays of equal length H."""

    steps: np.ndarray  # (H,) int64
    losses: np.ndarray  # (H,) float32
    probs: np.ndarray  # (H, S, V) float32: the full-length contexts
    stride: int
    prefix_probs: np.ndarray | None = None  # (H, P, V) float32: the shorter contexts, if recorded

    def __len__(self) -> int:
        return len(self.steps)

    def at_step(self, step: int) -> int:
        """Index of the newest snapshot at or before `step`."""
        return int(max(0, np.searchsorted(self.steps, step, side="right") - 1))


class History:
    def __init__(self, n_states: int, vocab_size: int, capacity: int | None = None) -> None:
        self.capacity = capacity or capacity_for(n_states, vocab_size)
        if self.capacity < 2:
            raise ValueError(f"capacity: must be at least 2; got {self.capacity}")
        self.stride = 1
        self._n = 0
        self._steps = np.zeros(self.capacity, dtype=np.int64)
        self._losses = np.zeros(self.capacity, dtype=np.float32)
        self._probs = np.zeros((self.capacity, n_states, vocab_size), dtype=np.float32)

    def __len__(self) -> int:
        return self._n

    @property
    def nbytes(self) -> int:
        return self._steps.nbytes + self._losses.nbytes + self._probs.nbytes

    @property
    def last_step(self) -> int | None:
        return int(self._steps[self._n - 1]) if self._n else None

    def record(self, step: int, loss: float, probs: np.ndarray) -> None:
        n = self._n
        if n and self._steps[n - 1] == step:  # same step again (e.g. a re-evaluation): refresh it
            n -= 1
        elif n and self._steps[n - 1] % self.stride:  # the previous off-stride tip gives way
            n -= 1
        if n == self.capacity:
            n = self._thin(n)
        self._steps[n], self._losses[n], self._probs[n] = step, loss, probs
        self._n = n + 1

    def _thin(self, n: int) -> int:
        while n == self.capacity:
            self.stride *= 2
            keep = np.flatnonzero(self._steps[:n] % self.stride == 0)
            k = len(keep)
            self._steps[:k], self._losses[:k], self._probs[:k] = self._steps[keep], self._losses[keep], self._probs[keep]
            n = k
        return n

    def view(self, n_prefix_rows: int = 0) -> HistoryView:
        """A copy; the first `n_prefix_rows` rows of each snapshot are reported as prefix_probs."""
        n, k = self._n, n_prefix_rows
        return HistoryView(self._steps[:n].copy(), self._losses[:n].copy(), self._probs[:n, k:].copy(), self.stride,
                           self._probs[:n, :k].copy() if k else None)

    def state_dict(self) -> dict:
        v = self.view()
        return {"steps": v.steps, "losses": v.losses, "probs": v.probs, "stride": self.stride, "capacity": self.capacity}

    def load_state_dict(self, state: dict) -> None:
        steps, losses, probs = (np.asarray(state[k]) for k in ("steps", "losses", "probs"))
        n = len(steps)
        if not (len(losses) == n == len(probs)) or probs.shape[1:] != self._probs.shape[1:] or n > self.capacity:
            raise ValueError("history: saved arrays do not match the run's state space")
        self.stride = int(state["stride"])
        self._steps[:n], self._losses[:n], self._probs[:n] = steps, losses, probs
        self._n = n
