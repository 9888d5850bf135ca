"""Two chains over the same states compared, and hitting probability against temperature."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from . import chain
from .model import GPT


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


def hitting_probabilities(model: GPT, space: chain.StateSpace, mask: np.ndarray, start: int, k: int,
                          temperatures: np.ndarray) -> np.ndarray:
    """One forward for the logits, then one reach computation per temperature."""
    with torch.no_grad():
        logits = chain.model_logits(model, space)
    out = np.empty(len(temperatures))
    for i, t in enumerate(temperatures):
        probs = chain.probabilities_from_logits(logits, float(t)).numpy()
        out[i] = chain.reach_probability(probs, space.next_index, mask, k)[start]
    return _frozen(out)
