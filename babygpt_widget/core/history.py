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
        """Append a snapshot; atomic: on any exception (KeyboardInterrupt included) the history
        is as before. Thinning writes fresh arrays, so the old ones stay intact until the commit."""
        before = (self._steps, self._losses, self._probs, self.stride, self._n)
        steps, losses, snaps, stride, n = before
        if n and steps[n - 1] == step:  # same step again (e.g. a re-evaluation): refresh it
            n -= 1
        elif n and steps[n - 1] % stride:  # the previous off-stride tip gives way
            n -= 1
        if n == self.capacity:
            steps, losses, snaps, stride, n = self._thinned(n, stride)
        row = (steps[n].copy(), losses[n].copy(), snaps[n].copy())
        try:
            steps[n], losses[n], snaps[n] = step, loss, probs
            self._steps, self._losses, self._probs, self.stride, self._n = steps, losses, snaps, stride, n + 1
        except BaseException:
            steps[n], losses[n], snaps[n] = row
            self._steps, self._losses, self._probs, self.stride, self._n = before
            raise

    def _thinned(self, n: int, stride: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
        """Copies keeping every (2·stride)-th step (doubling until there is room)."""
        steps, losses, snaps = self._steps, self._losses, self._probs
        while n == self.capacity:
            stride *= 2
            keep = np.flatnonzero(steps[:n] % stride == 0)
            n = len(keep)
        new_steps, new_losses, new_snaps = np.zeros_like(steps), np.zeros_like(losses), np.zeros_like(snaps)
        new_steps[:n], new_losses[:n], new_snaps[:n] = steps[keep], losses[keep], snaps[keep]
        return new_steps, new_losses, new_snaps, stride, n

    def view(self, n_prefix_rows: int = 0) -> HistoryView:
        """A copy; the first `n_prefix_rows` rows of each snapshot are reported as prefix_probs."""
        n, k = self._n, n_prefix_rows
        return HistoryView(self._steps[:n].copy(), self._losses[:n].copy(), self._probs[:n, k:].copy(), self.stride,
                           self._probs[:n, :k].copy() if k else None)

    def state_dict(self) -> dict:
        v = self.view()
        return {"steps": v.steps, "losses": v.losses, "probs": v.probs, "stride": self.stride, "capacity": self.capacity}

    def load_state_dict(self, state: dict) -> None:
        """Load a history checked by `run_file.check_run_state` (that module owns the validation);
        the shape checks here only keep a bad call from writing out of bounds."""
        steps, losses, probs = (np.asarray(state[k]) for k in ("steps", "losses", "probs"))
        n = len(steps)
        if not (len(losses) == n == len(probs)) or probs.shape[1:] != self._probs.shape[1:] or n > self.capacity:
            raise ValueError("history: saved arrays do not match the run's state space")
        stride = int(state["stride"])
        if stride < 1:
            raise ValueError(f"history: stride must be at least 1; got {stride}")
        new_steps, new_losses = np.zeros_like(self._steps), np.zeros_like(self._losses)
        new_probs = np.zeros_like(self._probs)
        new_steps[:n], new_losses[:n], new_probs[:n] = steps, losses, probs
        self._steps, self._losses, self._probs, self.stride, self._n = new_steps, new_losses, new_probs, stride, n
