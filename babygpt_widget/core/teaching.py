"""Pushing the chain by hand: ``teach`` trains toward transition rows the learner sets,
``nudge`` toward one edge's probability. What they show: every other edge moves too.

While taught rows are in force (the ``teach`` setting, teach_targets.py), each taught context's
own windows are replaced by one soft-label example of its target, counted as ``weight``
windows, and training runs at ``lr`` (default max(the run's lr, TEACH_LR): Adam's steps are
~lr in size, so at 1e-3 twenty steps move an edge by ~10 points, too little to reach a target
a learner sets). Both are live settings for those steps only: the run string records them as
one segment and the settings before come back after, so a taught run rebuilds exactly.
``TeachingMixin`` gives ``BabyGPT`` the two methods (their bodies run under the run's lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .checks import check_count, check_number
from .run_training import train
from .teach_targets import check_state, check_weight, targets_from
from .threads import holding_lock

TEACH_LR = 3e-3
WEIGHT_PER_WINDOW = 3.0  # default weight of a taught row: 3x the data's windows (the data cannot outvote it)
MAX_TEACH_STEPS = 10_000
MOVED = 1e-3  # an edge "moved" when its probability changed by more than 0.1 point


@dataclass(frozen=True)
class TeachResult:
    """What a ``teach`` / ``nudge`` did: the chain before and after, and which edges moved."""

    states: list[str]
    alphabet: str
    targets: dict[str, dict[str, float]]  # the rows taught
    weight: float
    lr: float
    start_step: int
    steps: int  # trained (fewer than asked when stopped)
    before: np.ndarray  # (S, V) probabilities before
    after: np.ndarray  # (S, V) after
    seen: np.ndarray  # (S,) bool: the state occurs in the data

    @property
    def moved(self) -> np.ndarray:
        return self.after - self.before

    def row(self, state: str) -> dict[str, tuple[float, float]]:
        i = self.states.index(state)
        return {t: (float(self.before[i, j]), float(self.after[i, j])) for j, t in enumerate(self.alphabet)}

    def distance(self) -> float:
        """The largest |after - target| over the taught rows (how close teaching got)."""
        return max(abs(float(self.after[self.states.index(s), self.alphabet.index(t)]) - p)
                   for s, row in self.targets.items() for t, p in row.items())

    def top_movers(self, n: int = 5, untaught: bool = True) -> list[tuple[str, str, float]]:
        """(state, token, change) of the n edges that moved most (by default not the taught rows)."""
        moved = np.abs(self.moved)
        rows = [i for i, s in enumerate(self.states) if not (untaught and s in self.targets)]
        order = sorted(((moved[i].max(), i, int(moved[i].argmax())) for i in rows), reverse=True)[:n]
        return [(self.states[i], self.alphabet[j], float(self.moved[i, j])) for _, i, j in order]

    def unseen_moved(self) -> list[str]:
        """States the data never visits (and not taught) whose edges moved by more than MOVED."""
        moved = np.abs(self.moved).max(1)
        return [s for i, s in enumerate(self.states) if not self.seen[i] and s not in self.targets and moved[i] > MOVED]

    def summary(self) -> str:
        taught = "; ".join(f"{s} -> " + ", ".join(f"{t} to {p:.0%} ({self.row(s)[t][0]:.1%} -> {self.row(s)[t][1]:.1%})"
                                                  for t, p in sorted(row.items(), key=lambda kv: -kv[1]))
                           for s, row in self.targets.items())
        others = ", ".join(f"{s} -> {t} {d:+.1%}" for s, t, d in self.top_movers(3))
        unseen = self.unseen_moved()
        tail = (f" States the data never visits moved too: {', '.join(unseen)}." if unseen else "")
        return (f"taught for {self.steps} steps (step {self.start_step} -> {self.start_step + self.steps}, lr {self.lr:g}, "
                f"each taught row weighs {self.weight:g} windows): {taught}. Moved most elsewhere: {others or 'nothing'}.{tail}")

    def __repr__(self) -> str:
        return f"TeachResult({self.summary()})"


def nudge_targets(run: Any, state: Any, token: Any, p: Any) -> dict[str, dict[str, float]]:
    """The row of ``state`` with ``token`` at ``p`` and the other tokens sharing 1 - p in their
    current proportions (equally when they are all 0)."""
    alphabet, C = run._config.alphabet, run._config.context_length
    check_state("state", state, alphabet, C)
    if not isinstance(token, str) or len(token) != 1 or token not in alphabet:
        raise ValueError(f"token: must be one token of the alphabet {alphabet!r}; got {token!r}")
    p = check_number("p", p, 0.0, 1.0)
    now = run._probs[run._space.labels.index(state)].astype(np.float64)
    rest = [j for j in range(len(alphabet)) if alphabet[j] != token]
    share = now[rest] / now[rest].sum() if now[rest].sum() > 0 else np.full(len(rest), 1 / len(rest))
    # the others' shares rounded to 12 digits: the run string stays readable; rows sum to 1 within 1e-11
    return {state: {token: p, **{alphabet[j]: round((1 - p) * float(s), 12) for j, s in zip(rest, share)}}}


def teach(run: Any, targets: Any, steps: Any, weight: Any, lr: Any,
          stop: Callable[[], bool] | None = None) -> TeachResult:
    """Train ``steps`` steps with ``targets`` in force, then put the settings back."""
    config = run._config
    windows = max(1, len(config.sequence) - config.context_length)
    weight = WEIGHT_PER_WINDOW * windows if weight is None else check_weight("weight", weight)
    taught = targets_from(targets, weight, config.alphabet, config.context_length)
    steps = check_count("steps", steps, 1, MAX_TEACH_STEPS)
    lr = max(config.lr, TEACH_LR) if lr is None else lr  # checked by configure, as every lr is
    before, start = run._probs.copy(), run._trainer.global_step
    seen = run._counts.sum(1) > 0
    run.configure(teach=taught.text(), lr=lr)  # the run string's segment for these steps
    try:
        train(run, steps, False, stop)
    finally:
        run.configure(teach=config.teach, lr=config.lr)
    return TeachResult(list(run._space.labels), config.alphabet, taught.as_dict(config.alphabet), taught.weight, lr,
                       start, run._trainer.global_step - start, before, run._probs.copy(), seen)


class TeachingMixin:
    """``BabyGPT.teach`` and ``BabyGPT.nudge`` (needs the engine's lock and run state)."""

    @holding_lock
    def teach(self, targets: dict[str, dict[str, float]], steps: int = 60, weight: float | None = None,
              lr: float | None = None) -> TeachResult:
        """Train toward transition rows set by hand, e.g. ``{"000": {"0": 0.9, "1": 0.1}}``: for
        ``steps`` steps each taught state's own windows are replaced by one soft-label example of
        its row weighing ``weight`` windows (default 3x the data's windows), at ``lr`` (default
        max(the run's lr, 0.003)); then the settings come back. Returns a TeachResult: the chain
        before and after, and the edges that moved (states the data never visits too). The run
        string records it; rows outside 0-1 or not summing to 1 raise ValueError naming the entry."""
        return teach(self, targets, steps, weight, lr)

    @holding_lock
    def nudge(self, state: str, token: str, p: float, steps: int = 20, weight: float | None = None,
              lr: float | None = None) -> TeachResult:
        """Push one edge: train ``state -> token`` toward probability ``p`` (the other tokens
        share the rest as they do now) for ``steps`` steps, as ``teach`` does."""
        return teach(self, nudge_targets(self, state, token, p), steps, weight, lr)


__all__ = ["MAX_TEACH_STEPS", "TEACH_LR", "TeachResult", "TeachingMixin", "nudge_targets", "teach"]
