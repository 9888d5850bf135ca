"""Soft targets the learner sets by hand (``teach`` / ``nudge``): while they are in force, each
taught context's own training windows are replaced by one soft-label example of its target
distribution, counted as ``weight`` windows. The data's other contexts train as before.

They are a live setting of the run (``RunConfig.teach``, a canonical text) so the run string,
snapshots and replays carry them like any change of lr or sequence. The text is

    <state>:<p_0>/<p_1>/.../<p_V-1>,<state>:...@<weight>

with each state exactly C alphabet characters (read by length, so any alphabet character is
safe) and probabilities in alphabet order. An empty text: nothing taught.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .checks import echo

MAX_TAUGHT_STATES = 64  # rows set by hand at once: the cost guard's estimate stays true
MAX_WEIGHT = 1_000_000.0
ROW_TOLERANCE = 1e-6  # a row's probabilities must sum to 1 within this


class TeachError(ValueError):
    """A ValueError naming the field (``targets['000']['1']``, ``teach``, ``weight``...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class TeachTargets:
    rows: tuple[tuple[str, tuple[float, ...]], ...]  # (state, probabilities in alphabet order), sorted by state
    weight: float  # each taught row counts as this many training windows

    def text(self) -> str:
        body = ",".join(f"{state}:{'/'.join(repr(float(p)) for p in probs)}" for state, probs in self.rows)
        return f"{body}@{float(self.weight)!r}"

    def as_dict(self, alphabet: str) -> dict[str, dict[str, float]]:
        return {state: dict(zip(alphabet, probs)) for state, probs in self.rows}


def _check_probability(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1 \
            or not math.isfinite(float(value)):
        raise TeachError(field, f"must be a probability from 0 to 1; got {echo(value)}")
    return float(value)


def check_weight(field: str, weight: Any) -> float:
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not 0 < weight <= MAX_WEIGHT \
            or not math.isfinite(float(weight)):
        raise TeachError(field, f"must be a number greater than 0 and at most {MAX_WEIGHT:,.0f} (training windows "
                                f"one taught row counts as); got {echo(weight)}")
    return float(weight)


def check_state(field: str, state: Any, alphabet: str, context_length: int) -> str:
    if not isinstance(state, str) or len(state) != context_length or set(state) - set(alphabet):
        raise TeachError(field, f"must be a state: {context_length} characters of the alphabet {echo(alphabet)}; "
                                f"got {echo(state)}")
    return state


def _check_row(field: str, probs: list[float]) -> tuple[float, ...]:
    total = math.fsum(probs)
    if abs(total - 1) > ROW_TOLERANCE:
        raise TeachError(field, f"the row's probabilities must sum to 1; they sum to {total:.6g}")
    return tuple(probs)


def targets_from(mapping: Any, weight: Any, alphabet: str, context_length: int,
                 field: str = "targets") -> TeachTargets:
    """Targets from ``{state: {token: p, ...}, ...}`` (tokens not named get 0; each row sums
    to 1). Raises TeachError naming the exact entry, e.g. ``targets['000']['1']``."""
    if not isinstance(mapping, Mapping) or not mapping:
        raise TeachError(field, f"must be a non-empty dict of state -> {{token: probability}}, e.g. "
                                f"{{{(alphabet[0] * context_length)!r}: {{{alphabet[0]!r}: 0.9, {alphabet[1]!r}: 0.1}}}}; "
                                f"got {echo(mapping)}")
    if len(mapping) > MAX_TAUGHT_STATES:
        raise TeachError(field, f"at most {MAX_TAUGHT_STATES} states at once; got {len(mapping)}")
    rows = []
    for state, row in mapping.items():
        where = f"{field}[{state!r}]"
        check_state(f"{field} key {echo(state)}", state, alphabet, context_length)
        if not isinstance(row, Mapping) or not row:
            raise TeachError(where, f"must be a non-empty dict of token -> probability; got {echo(row)}")
        probs = [0.0] * len(alphabet)
        for token, p in row.items():
            if not isinstance(token, str) or len(token) != 1 or token not in alphabet:
                raise TeachError(f"{where} key {echo(token)}", f"must be one token of the alphabet {echo(alphabet)}")
            probs[alphabet.index(token)] = _check_probability(f"{where}[{token!r}]", p)
        rows.append((state, _check_row(where, probs)))
    return TeachTargets(tuple(sorted(rows)), check_weight("weight", weight))


def parse_teach(text: Any, alphabet: str, context_length: int) -> TeachTargets | None:
    """The targets of a ``teach`` setting's text (None for ""); raises TeachError("teach", ...)."""
    if not isinstance(text, str):
        raise TeachError("teach", f"must be a text like '000:0.9/0.1@12'; got {echo(text)}")
    if not text:
        return None
    body, at, weight_text = text.rpartition("@")
    if not at:
        raise TeachError("teach", f"must end with @<weight>; got {echo(text)}")
    try:
        weight = float(weight_text)
    except ValueError:
        raise TeachError("teach", f"weight {echo(weight_text)} is not a number") from None
    rows, i, V, C = [], 0, len(alphabet), context_length
    while i < len(body):
        state = body[i:i + C]
        check_state("teach", state, alphabet, C)
        if body[i + C:i + C + 1] != ":":
            raise TeachError("teach", f"expected ':' after the state {echo(state)} at character {i + C}")
        end = body.find(",", i + C + 1)
        end = len(body) if end < 0 else end
        parts = body[i + C + 1:end].split("/")
        if len(parts) != V:
            raise TeachError("teach", f"the row of {echo(state)} needs {V} probabilities; got {len(parts)}")
        try:
            probs = [_check_probability("teach", float(p)) for p in parts]
        except ValueError as e:
            raise TeachError("teach", f"the row of {echo(state)}: {e}") from None
        rows.append((state, _check_row("teach", probs)))
        i = end + 1
    if not rows or len(rows) > MAX_TAUGHT_STATES or len({s for s, _ in rows}) != len(rows):
        raise TeachError("teach", f"needs 1 to {MAX_TAUGHT_STATES} distinct states; got {echo(text)}")
    targets = TeachTargets(tuple(sorted(rows)), check_weight("teach", weight))
    if targets.text() != text:  # one run, one string
        raise TeachError("teach", f"is not in canonical form (states sorted, numbers as Python writes them): "
                                  f"expected {echo(targets.text())}")
    return targets


def training_counts(config: Any, every: Any, counts: np.ndarray) -> np.ndarray:
    """The counts the trainer trains on (``every``: the StateSpace of ``counts``' rows):
    ``counts`` itself, or a copy with the taught rows of ``config.teach``."""
    targets = parse_teach(config.teach, config.alphabet, config.context_length)
    return counts if targets is None else taught_counts(counts, list(every.labels), targets)


def taught_counts(counts: np.ndarray, states: list[str], targets: TeachTargets | None) -> np.ndarray:
    """The data's per-context next-token counts (rows in ``states`` order) with each taught
    context's row replaced by ``weight * target``: float64 (soft labels; an integer copy would
    truncate 36 * 0.05 to 1). The trainer takes them as float32, as the page's engine does."""
    if targets is None:
        return counts
    out = counts.astype(np.float64, copy=True)
    index = {s: i for i, s in enumerate(states)}
    for state, probs in targets.rows:
        out[index[state]] = targets.weight * np.asarray(probs)
    return out


__all__ = ["MAX_TAUGHT_STATES", "TeachError", "TeachTargets", "check_state", "check_weight", "parse_teach", "taught_counts",
           "targets_from", "training_counts"]
