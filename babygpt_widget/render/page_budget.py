"""A saved page's byte budget (issue 19): which recorded history rows it keeps, in which encoding,
and which optional results it leaves out. Pure arithmetic on sizes; page_data.py measures and
encodes, this module decides.

Order of claims on the budget: the fixed page (bundle, runtime, the live chain, settings), then
MIN_HISTORY_ROWS history rows (at most half of what is left), then the optional results in order (inside replay,
comparison, hitting curve, seed ensemble) while they fit, then the rest of the history. History
probabilities stay float32 when the whole history fits; otherwise they are stored as 16-bit
fractions (1/65,535: far below the 0.1 % the page shows) and thinned evenly over the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

PAGE_BUDGET_BYTES = 3_000_000  # the promise: every saved page at most ~3 MB, whatever the chain
PLAN_MARGIN_BYTES = 40_000  # the page's HTML shell, JSON punctuation and the note beside the plan
MIN_HISTORY_ROWS = 64  # history rows reserved before optional results get room
ROW_OVERHEAD = 8  # bytes per row besides probabilities: its step (int32) and loss (float32)


def b64_len(n_bytes: int) -> int:
    """Characters of the base64 text of n bytes."""
    return 4 * ((n_bytes + 2) // 3)


def history_bytes(rows: int, values_per_row: int, encoding: str) -> int:
    """Page bytes of `rows` history rows of `values_per_row` probabilities each (base64)."""
    per_value = 4 if encoding == "f32" else 2
    return b64_len(rows * values_per_row * per_value) + b64_len(rows * ROW_OVERHEAD)


def pick_rows(n: int, keep: int, must: Iterable[int] = ()) -> np.ndarray:
    """About `keep` of the indices 0..n-1, evenly spaced, always the first, the last and `must`."""
    if keep >= n:
        return np.arange(n)
    wanted = {0, n - 1, *(int(m) for m in must if 0 <= m < n)}
    free = max(0, keep - len(wanted))
    spread = np.round(np.linspace(0, n - 1, free + 2)).astype(int) if free else np.array([], dtype=int)
    return np.array(sorted(wanted | {int(i) for i in spread}), dtype=int)


@dataclass(frozen=True)
class PagePlan:
    rows: np.ndarray  # indices of the recorded history rows the page keeps, increasing
    encoding: str  # "f32" (as recorded) or "u16p" (16-bit fractions)
    recorded: int  # rows recorded by the live widget
    kept_optional: tuple[str, ...]
    left_out: tuple[str, ...]  # optional results that did not fit

    @property
    def kept(self) -> int:
        return len(self.rows)


def plan_page(fixed_bytes: int, recorded: int, values_per_row: int, optional: Sequence[tuple[str, int]],
              must_rows: Iterable[int] = (), budget: int = PAGE_BUDGET_BYTES) -> PagePlan:
    """Fit a page into `budget` bytes. `fixed_bytes`: everything always saved; `optional`: (name,
    bytes) in priority order; `must_rows`: history rows to keep whatever happens (the shown one)."""
    must = [m for m in must_rows if 0 <= m < recorded]
    room = budget - PLAN_MARGIN_BYTES - fixed_bytes
    if history_bytes(recorded, values_per_row, "f32") + sum(b for _, b in optional) <= room:
        return PagePlan(np.arange(recorded), "f32", recorded, tuple(n for n, _ in optional), ())
    # the history's share before optional results: MIN_HISTORY_ROWS rows, at most half the room
    reserve = min(history_bytes(min(recorded, MIN_HISTORY_ROWS), values_per_row, "u16p"), room // 2)
    kept, left = [], []
    for name, size in optional:
        if size <= room - reserve:
            kept.append(name)
            room -= size
        else:
            left.append(name)
    if history_bytes(recorded, values_per_row, "f32") <= room:  # what is left holds it all, as recorded
        return PagePlan(np.arange(recorded), "f32", recorded, tuple(kept), tuple(left))
    # the most rows that fit (at least the first, the last and the must-keep ones)
    per_row = values_per_row * 2 + ROW_OVERHEAD
    fit = max(2, min(recorded, room * 3 // 4 // max(per_row, 1)))
    rows = pick_rows(recorded, fit, must)
    while fit > 0 and history_bytes(len(rows), values_per_row, "u16p") > room:
        fit = min(fit, len(rows)) - 1  # fewer evenly spaced rows; never fewer than the must-keep ones
        rows = pick_rows(recorded, fit, must)
    return PagePlan(rows, "u16p", recorded, tuple(kept), tuple(left))


def quantise(probs: np.ndarray) -> bytes:
    """Probabilities as little-endian uint16 fractions of 65,535 (the page turns them back into float32)."""
    q = np.round(np.clip(np.nan_to_num(np.asarray(probs, dtype=np.float64)), 0.0, 1.0) * 65535.0)
    return q.astype("<u2").tobytes()


def dequantise(data: bytes) -> np.ndarray:
    """The inverse of `quantise` as the page computes it (float32)."""
    return (np.frombuffer(data, dtype="<u2").astype(np.float64) / 65535.0).astype(np.float32)
