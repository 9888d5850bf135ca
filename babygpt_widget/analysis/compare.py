"""Two chains over the same states compared, and hitting probability against temperature."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from ..core import chain
from ..core.checks import echo
from .request_cost import DEFAULT_TEMPERATURES, MAX_TEMPERATURES


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Comparison:
    """This run's chain against another's, state by state (S states, V tokens, same order)."""

    states: tuple[str, ...]
    alphabet: str
    probs: np.ndarray  # (S, V) this run
    other_probs: np.ndarray  # (S, V) the other
    diff: np.ndarray  # (S, V) probs - other_probs
    tv: np.ndarray  # (S,) total variation distance per state: half the L1 distance of the rows

    @property
    def mean_tv(self) -> float:
        return float(self.tv.mean())

    @property
    def max_tv(self) -> float:
        return float(self.tv.max())

    @classmethod
    def of(cls, states: list[str], alphabet: str, probs: np.ndarray, other: np.ndarray) -> "Comparison":
        diff = probs.astype(np.float64) - other.astype(np.float64)
        return cls(tuple(states), alphabet, _frozen(probs), _frozen(other), _frozen(diff),
                   _frozen(0.5 * np.abs(diff).sum(1)))


@dataclass(frozen=True)
class HittingCurve:
    """P(a walk from `start` visits any target within k steps), per temperature."""

    targets: tuple[str, ...]
    k: int
    start: str
    step: int
    temperatures: np.ndarray  # (n,)
    probabilities: np.ndarray  # (n,)


def check_temperatures(value: Any, highest: float) -> np.ndarray:
    """hitting_curve's temperatures: None (0, 0.1, ..., 2) or a list, tuple or 1-D numeric array
    of 1 to MAX_TEMPERATURES real numbers (not bools, strings or Decimals) from 0 to `highest`,
    compared before any conversion (10**5000 cannot become a float)."""
    if value is None:
        return np.linspace(0, 2, DEFAULT_TEMPERATURES)
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
        items: Any = value.tolist()
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        items = None
    if items is None or not 1 <= len(items) <= MAX_TEMPERATURES or not all(_in_range(t, highest) for t in items):
        raise ValueError(f"temperatures: must be a list of 1 to {MAX_TEMPERATURES:,} numbers from 0 to {highest:g}; "
                         f"got {echo(value)}")
    return np.array([float(t) for t in items], dtype=np.float64)


def _in_range(t: Any, highest: float) -> bool:
    if isinstance(t, bool) or not isinstance(t, numbers.Real):
        return False
    try:
        return bool(0 <= t <= highest)
    except Exception:  # noqa: BLE001 - an odd Real whose comparison fails is not a temperature
        return False


def hitting_probabilities(logits: torch.Tensor, space: chain.StateSpace, mask: np.ndarray, start: int, k: int,
                          temperatures: np.ndarray, cancel: Any = None,
                          progress: Callable[[int, int], Any] | None = None) -> np.ndarray:
    """One reach computation per temperature from the logits of every context (computed once).
    `cancel` (a threading.Event) stops it with ensemble.Cancelled within ~32 reach steps;
    `progress` gets (reach steps done, all of them)."""
    from .ensemble import Cancelled

    total = len(temperatures) * k
    out = np.empty(len(temperatures))
    for i, t in enumerate(temperatures):
        def check(done: int, before: int = i * k) -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled("hitting: cancelled")
            if progress is not None:
                progress(before + done, total)

        check(0)
        probs = chain.probabilities_from_logits(logits, float(t)).numpy()
        out[i] = chain.reach_probability(probs, space.next_index, mask, k, check)[start]
    if progress is not None:
        progress(total, total)
    return _frozen(out)
