"""A run's configuration and the one place its allowed values are checked.

Every bad value raises ``ValueError`` whose message starts with the field name and states the
allowed values, so the widget can show it inline next to that field.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

MAX_STATES = 4096  # V**C cap: the chain is drawn and evaluated in full
MAX_EDGES = 65_536  # V**C * V cap: the transition matrix crosses to the browser every update
MAX_SEQUENCE_LENGTH = 100_000
MAX_N_LAYER = 12
MAX_N_HEAD = 16
MAX_N_EMBD = 256
MAX_LR = 10.0
MAX_WEIGHT_DECAY = 10.0
MAX_SEED = 2**63 - 1

SEED_SEQUENCE = "111101111011110"

# Fields whose change needs a new model; the rest apply to the running optimizer and data.
ARCHITECTURE_FIELDS = ("alphabet", "context_length", "n_layer", "n_head", "n_embd", "seed")
LIVE_FIELDS = ("sequence", "lr", "weight_decay")


class ConfigError(ValueError):
    """A ValueError that remembers which field was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class RunConfig:
    sequence: str = SEED_SEQUENCE
    alphabet: str = "01"
    context_length: int = 3
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 16
    lr: float = 1e-3
    weight_decay: float = 0.1
    seed: int = 1337

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **values: Any) -> "RunConfig":
        """A validated copy with ``values`` applied; raises ConfigError and changes nothing."""
        unknown = sorted(set(values) - set(self.field_names()))
        if unknown:
            raise ConfigError(unknown[0], f"unknown setting; known settings are {', '.join(self.field_names())}")
        return replace(self, **values).validated()

    def validated(self) -> "RunConfig":
        alphabet = _check_alphabet(self.alphabet)
        context_length = _check_int("context_length", self.context_length, 1, 12)
        n_states = len(alphabet) ** context_length
        if n_states > MAX_STATES or n_states * len(alphabet) > MAX_EDGES:
            raise ConfigError(
                "context_length",
                f"{len(alphabet)}**{context_length} = {n_states} states with {len(alphabet)} edges each is above the cap "
                f"of {MAX_STATES} states / {MAX_EDGES} edges; "
                f"use a context length of at most {_max_context(len(alphabet))} for a {len(alphabet)}-token alphabet",
            )
        n_layer = _check_int("n_layer", self.n_layer, 1, MAX_N_LAYER)
        n_head = _check_int("n_head", self.n_head, 1, MAX_N_HEAD)
        n_embd = _check_int("n_embd", self.n_embd, 1, MAX_N_EMBD)
        if n_embd % n_head:
            raise ConfigError("n_embd", f"must be divisible by n_head ({n_head}); got {n_embd}")
        return RunConfig(
            sequence=_check_sequence(self.sequence, alphabet, context_length),
            alphabet=alphabet,
            context_length=context_length,
            n_layer=n_layer,
            n_head=n_head,
            n_embd=n_embd,
            lr=_check_float("lr", self.lr, 0.0, MAX_LR, low_open=True),
            weight_decay=_check_float("weight_decay", self.weight_decay, 0.0, MAX_WEIGHT_DECAY),
            seed=_check_int("seed", self.seed, 0, MAX_SEED),
        )


def _max_context(vocab_size: int) -> int:
    context = 1
    while vocab_size ** (context + 1) <= MAX_STATES and vocab_size ** (context + 2) <= MAX_EDGES:
        context += 1
    return context


def _check_alphabet(alphabet: Any) -> str:
    if not isinstance(alphabet, str):
        raise ConfigError("alphabet", f"must be a string of distinct single characters, e.g. '01'; got {type(alphabet).__name__}")
    if len(alphabet) < 2:
        raise ConfigError("alphabet", f"needs at least 2 distinct characters, e.g. '01'; got {alphabet!r}")
    if len(alphabet) ** 2 > MAX_EDGES:
        raise ConfigError("alphabet", f"at most {math.isqrt(MAX_EDGES)} characters (V*V edges at context 1 must stay "
                                      f"within {MAX_EDGES}); got {len(alphabet)}")
    if len(set(alphabet)) != len(alphabet):
        dupes = sorted({c for c in alphabet if alphabet.count(c) > 1})
        raise ConfigError("alphabet", f"characters must be distinct; {''.join(dupes)!r} repeats in {alphabet!r}")
    if any(c.isspace() or not c.isprintable() for c in alphabet):
        raise ConfigError("alphabet", f"characters must be printable and not whitespace; got {alphabet!r}")
    return alphabet


def _check_sequence(sequence: Any, alphabet: str, context_length: int) -> str:
    if not isinstance(sequence, str):
        raise ConfigError("sequence", f"must be a string over the alphabet {alphabet!r}; got {type(sequence).__name__}")
    bad = sorted({c for c in sequence if c not in alphabet})
    if bad:
        raise ConfigError("sequence", f"characters {''.join(bad)!r} are not in the alphabet {alphabet!r}")
    if not context_length + 1 <= len(sequence) <= MAX_SEQUENCE_LENGTH:
        raise ConfigError(
            "sequence",
            f"length must be between context_length + 1 = {context_length + 1} and {MAX_SEQUENCE_LENGTH}; got {len(sequence)}",
        )
    return sequence


def _check_int(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(field, f"must be an integer from {low} to {high}; got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise ConfigError(field, f"must be an integer from {low} to {high}; got {value}")
    return value


def _check_float(field: str, value: Any, low: float, high: float, low_open: bool = False) -> float:
    allowed = f"{'greater than' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'} {high:g}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(field, f"must be a finite number {allowed}; got {value!r}")
    if not low <= value <= high:  # compare before float(): a huge int would overflow it
        raise ConfigError(field, f"must be a finite number {allowed}; got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or (low_open and value == low) or value > high:
        raise ConfigError(field, f"must be a finite number {allowed}; got {value!r}")
    return value
