"""A run's configuration and the one place its allowed values are checked.

Every bad value raises ``ValueError`` whose message starts with the field name and states the
allowed values, so the widget can show it inline next to that field.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from .checks import echo

MAX_STATES = 4096  # V**C cap: the chain is drawn and evaluated in full
MAX_EDGES = 16_384  # V**C * V cap: the front end draws every edge (canvas) and gets the matrix every update
MAX_SEQUENCE_LENGTH = 100_000
MAX_N_LAYER = 12
MAX_N_HEAD = 16
MAX_N_EMBD = 256
MAX_LR = 10.0
MAX_WEIGHT_DECAY = 10.0
MAX_SEED = 2**63 - 1

SEED_SEQUENCE = "111101111011110"

# Cost guard: one training step of any allowed setting stays under ~1 s and ~2 GB on a 2-core
# machine (measured: see CostEstimate). The estimate is a function of the settings alone, so the
# same settings are allowed or refused everywhere; it errs on the expensive side.
MAX_STEP_SECONDS = 0.8  # estimated; the largest allowed settings measure 0.3-0.9 s per step
MAX_STEP_BYTES = 1_500_000_000  # estimated peak resident memory of the process during a step
TRIE_MIN_STATES = 256  # chain.TRIE_MIN_STATES: from here only the data's states are backpropagated
_FLOPS_PER_SECOND = 5e9  # dense float32 work, one busy core of these machines
_SECONDS_PER_PARAMETER = 6e-8  # AdamW, gradients, checkpoint copies: per parameter per step
_SECONDS_PER_OP = 8e-6  # torch per-op overhead; a step runs ~40 ops per layer
_SECONDS_PER_TOKEN = 1.5e-6  # per trained token and layer, whatever the width (measured at V=4, C=6, d=4)
_SECONDS_PER_WIDTH = 2.5e-7  # elementwise work per token, layer and embedding dim (forward + backward)
_SECONDS_PER_ATTENTION = 2e-8  # trie attention per node, layer, ancestor and dim (elementwise kernels)
_SECONDS_PER_STATE = 6e-6  # per context: data, history snapshot, trie bookkeeping
_BASE_BYTES = 300_000_000  # python + torch + numpy, imported and warmed up

# Fields whose change needs a new model; the rest apply to the running optimizer and data.
ARCHITECTURE_FIELDS = ("alphabet", "context_length", "n_layer", "n_head", "n_embd", "seed")
LIVE_FIELDS = ("sequence", "lr", "weight_decay")
COST_FIELDS = ("n_embd", "n_layer", "context_length", "alphabet", "sequence", "n_head")


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
        blame = next((f for f in values if f in COST_FIELDS), None)
        return replace(self, **values).validated(blame)

    def validated(self, blame: str | None = None) -> "RunConfig":
        """A checked copy; raises ConfigError naming the field. `blame`: the field to name when
        the settings together are too costly (the one just changed), else the model width."""
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
        config = RunConfig(
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
        _check_cost(config, blame or "n_embd")
        return config


def _max_context(vocab_size: int) -> int:
    context = 1
    while vocab_size ** (context + 1) <= MAX_STATES and vocab_size ** (context + 2) <= MAX_EDGES:
        context += 1
    return context


def _check_alphabet(alphabet: Any) -> str:
    if not isinstance(alphabet, str):
        raise ConfigError("alphabet", f"must be a string of distinct single characters, e.g. '01'; got {type(alphabet).__name__}")
    if len(alphabet) < 2:
        raise ConfigError("alphabet", f"needs at least 2 distinct characters, e.g. '01'; got {echo(alphabet)}")
    if len(alphabet) ** 2 > MAX_EDGES:
        raise ConfigError("alphabet", f"at most {math.isqrt(MAX_EDGES)} characters (V*V edges at context 1 must stay "
                                      f"within {MAX_EDGES}); got {len(alphabet)}")
    if len(set(alphabet)) != len(alphabet):
        dupes = sorted({c for c in alphabet if alphabet.count(c) > 1})
        raise ConfigError("alphabet", f"characters must be distinct; {echo(''.join(dupes))} repeats in {echo(alphabet)}")
    if any(c.isspace() or not c.isprintable() for c in alphabet):
        raise ConfigError("alphabet", f"characters must be printable and not whitespace; got {echo(alphabet)}")
    return alphabet


def _check_sequence(sequence: Any, alphabet: str, context_length: int) -> str:
    if not isinstance(sequence, str):
        raise ConfigError("sequence", f"must be a string over the alphabet {echo(alphabet)}; got {echo(sequence)}")
    bad = sorted({c for c in sequence if c not in alphabet})
    if bad:
        raise ConfigError("sequence", f"characters {echo(''.join(bad))} are not in the alphabet {echo(alphabet)}")
    if not context_length + 1 <= len(sequence) <= MAX_SEQUENCE_LENGTH:
        raise ConfigError(
            "sequence",
            f"length must be between context_length + 1 = {context_length + 1} and {MAX_SEQUENCE_LENGTH}; got {len(sequence)}",
        )
    return sequence


def _check_int(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(field, f"must be an integer from {low} to {high}; got {echo(value)}")
    value = int(value)
    if not low <= value <= high:
        raise ConfigError(field, f"must be an integer from {low} to {high}; got {echo(value)}")
    return value


def _check_float(field: str, value: Any, low: float, high: float, low_open: bool = False) -> float:
    allowed = f"{'greater than' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'} {high:g}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(field, f"must be a finite number {allowed}; got {echo(value)}")
    if not low <= value <= high:  # compare before float(): a huge int would overflow it
        raise ConfigError(field, f"must be a finite number {allowed}; got {echo(value)}")
    value = float(value)
    if not math.isfinite(value) or value < low or (low_open and value == low) or value > high:
        raise ConfigError(field, f"must be a finite number {allowed}; got {echo(value)}")
    return value


@dataclass(frozen=True)
class CostEstimate:
    """What one training step of a setting costs, estimated from the settings alone.

    Training backpropagates C tokens per trained context: every one of the V**C contexts below
    TRIE_MIN_STATES states, else only those in the data (at most len(sequence) - C); larger
    chains also run a forward pass over every prefix-trie node (sum of V**L for L = 1..C).
    """

    parameters: int
    states: int
    edges: int
    train_tokens: int
    eval_positions: int
    step_seconds: float
    step_bytes: int

    def too_costly(self) -> bool:
        return self.step_seconds > MAX_STEP_SECONDS or self.step_bytes > MAX_STEP_BYTES

    def describe(self) -> str:
        return f"~{self.step_seconds:.2g} s and ~{self.step_bytes / 1e9:.2g} GB per training step"


def estimate_cost(V: int, C: int, n_layer: int, n_head: int, n_embd: int, sequence_length: int) -> CostEstimate:
    d, L = n_embd, n_layer
    states = V**C
    block = 12 * d * d + 4 * d  # attention 4d², MLP 8d², two LayerNorms
    parameters = V * d + C * d + L * block + 2 * d
    trained = states if states < TRIE_MIN_STATES else min(states, max(1, sequence_length - C))
    tokens = trained * C
    positions = sum(V**k for k in range(1, C + 1)) if states >= TRIE_MIN_STATES else 0
    # per token and layer: matmul flops (12d² weights, x2 forward, x3 with backward), attention
    # over <= C positions, and elementwise work (LayerNorm, GELU, softmax) that runs at memory speed
    train_seconds = tokens * L * (3 * (24 * d * d + 4 * C * d) / _FLOPS_PER_SECOND + d * _SECONDS_PER_WIDTH
                                  + n_head * C * _SECONDS_PER_ATTENTION + _SECONDS_PER_TOKEN)
    trie_seconds = positions * L * ((24 * d * d) / _FLOPS_PER_SECOND + C * d * _SECONDS_PER_ATTENTION + 5e-7)
    ops = 40 * L + (40 * L * C if positions else 0)
    seconds = (train_seconds + trie_seconds + parameters * _SECONDS_PER_PARAMETER + ops * _SECONDS_PER_OP
               + (states + positions) * _SECONDS_PER_STATE)
    activations = tokens * L * (40 * d + 4 * n_head * C) * 4  # kept for backward
    trie = positions * L * 2 * d * 4 + states * (12 * d + n_head * C) * 4  # key/value cache, widest level
    history = 2 * 32 * 2**20  # history cap, and a copy while thinning
    step_bytes = _BASE_BYTES + parameters * 48 + activations + trie + history
    return CostEstimate(parameters, states, states * V, tokens, positions, seconds, int(step_bytes))


def config_cost(config: "RunConfig") -> CostEstimate:
    return estimate_cost(len(config.alphabet), config.context_length, config.n_layer, config.n_head,
                         config.n_embd, len(config.sequence))


def _check_cost(config: "RunConfig", blame: str) -> None:
    cost = config_cost(config)
    if not cost.too_costly():
        return
    V, C = len(config.alphabet), config.context_length
    fits = [d for d in range(config.n_head, config.n_embd, config.n_head)
            if not config_cost(replace(config, n_embd=d)).too_costly()]
    advice = f"n_embd at most {fits[-1]}" if fits else "a shorter context or a shorter sequence"
    raise ConfigError(blame, f"{config.n_layer} layers of {config.n_embd} dims over {cost.states:,} states "
                             f"(V={V}, C={C}) with a {len(config.sequence):,}-token sequence need {cost.describe()}; "
                             f"the limit is {MAX_STEP_SECONDS:g} s and {MAX_STEP_BYTES / 1e9:g} GB. "
                             f"At these settings use {advice}, or fewer layers")
