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
from .teach_targets import TeachError, parse_teach

MAX_STATES = 4096  # V**C cap: the chain is drawn and evaluated in full
MAX_EDGES = 16_384  # V**C * V cap: the front end draws every edge (canvas) and gets the matrix every update
MAX_SEQUENCE_LENGTH = 100_000
MAX_N_LAYER = 12
MAX_N_HEAD = 16
MAX_N_EMBD = 256
MAX_LR = 10.0
MAX_WEIGHT_DECAY = 10.0
MAX_SEED = 2**63 - 1
# Steps one run may hold, the same bound everywhere (train, run strings, run files, traits): below
# 2**24, so AdamW's float32 step counter stays exact, and below 2**31 (the int32 history steps).
MAX_STEPS = 10_000_000

SEED_SEQUENCE = "111101111011110"

# Cost guard: one training step of any allowed setting stays under ~1 s and ~2 GB on a 2-core
# machine. The estimate is a function of the settings alone, so the same settings are allowed or
# refused everywhere; it follows the trainer's three paths (see estimate_cost), fitted to measured
# steps and then multiplied by COST_MARGIN, so it stays above the real cost while not refusing
# what trains fast (bench/cost_guard.py prints estimate / measured for a grid).
MAX_STEP_SECONDS = 0.8  # estimated; the largest allowed settings measure well under 0.8 s per step
MAX_STEP_BYTES = 1_500_000_000  # estimated peak resident memory of the process during a step
TRIE_MIN_STATES = 256  # chain.TRIE_MIN_STATES: from here the trainer goes through the prefix trie
MAX_GATHER_BYTES = 256 * 2**20  # trie_train: gathered keys/values above this fall back to windows
COST_MARGIN = 1.75  # measured steps (1 thread) sit at 0.7-1.2x the fit; this keeps the estimate above
# seconds per row (a token or a trie node) and layer, forward; a row that backpropagates costs 3x
_ROW_SECONDS = 6e-7  # batched forward (attention by PyTorch's kernel over <= C positions)
_ROW_WIDTH_SECONDS = 1.3e-8  # per embedding dim: LayerNorm, GELU, residual adds
_ROW_MATMUL_SECONDS = 1.9e-10  # per dim squared: the 12 d^2 weights (x2 flops)
_TRIE_ROW_SECONDS = 2e-7  # the same through the prefix trie: one row per distinct prefix...
_TRIE_ROW_WIDTH_SECONDS = 9e-9
_TRIE_ROW_MATMUL_SECONDS = 2.6e-10
_TRIE_ATTENTION_SECONDS = 4e-9  # ...attending to its C gathered ancestors: per ancestor slot and dim
_SECONDS_PER_PARAMETER = 6e-9  # AdamW, gradients, and a checkpoint copy every step once steps are slow
_SECONDS_PER_LAYER = 2.8e-4  # per-op dispatch: ~25 kernels per layer forward + backward
_SECONDS_PER_STEP = 7e-4  # loss, history record, Python
_SECONDS_PER_STATE = 2.6e-7  # per context and trie node: snapshot softmax, history copy
_BASE_BYTES = 316_000_000  # python + torch + numpy, imported and warmed up; weight snapshots' budget
SNAPSHOT_BYTES_PER_PARAMETER = 16  # the run's weight snapshots (explain's history), beyond the budget

# Fields whose change needs a new model; the rest apply to the running optimizer and data.
ARCHITECTURE_FIELDS = ("alphabet", "context_length", "n_layer", "n_head", "n_embd", "seed")
LIVE_FIELDS = ("sequence", "lr", "weight_decay", "teach")
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
    teach: str = ""  # soft targets in force while training (teach_targets.py); set by teach() / nudge()

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
            teach=_check_teach(self.teach, alphabet, context_length),
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
    bad = sorted(set(sequence) - set(alphabet))  # set(str) runs in C: 100k characters in ~1 ms
    if bad:
        raise ConfigError("sequence", f"characters {echo(''.join(bad))} are not in the alphabet {echo(alphabet)}")
    if not context_length + 1 <= len(sequence) <= MAX_SEQUENCE_LENGTH:
        raise ConfigError(
            "sequence",
            f"length must be between context_length + 1 = {context_length + 1} and {MAX_SEQUENCE_LENGTH}; got {len(sequence)}",
        )
    return sequence


def _check_teach(teach: Any, alphabet: str, context_length: int) -> str:
    try:
        parse_teach(teach, alphabet, context_length)
    except TeachError as e:
        raise ConfigError("teach", str(e).removeprefix("teach: ")) from None
    return teach


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

    The trainer's three paths (trainer.py): below TRIE_MIN_STATES states one batched forward and
    backward over every state's C tokens; above, one pass through the prefix trie in which every
    context of length < C and every full context in the data backpropagate and the other full
    contexts run forward only; when the trie's gathered keys/values would exceed
    MAX_GATHER_BYTES, the data's windows (C tokens each) backpropagate and the whole trie runs
    forward only. The data's distinct contexts are taken at their most, min(V**C, len - C).
    """

    parameters: int
    states: int
    edges: int
    train_tokens: int  # rows that backpropagate (tokens, or trie nodes)
    eval_positions: int  # rows that run forward only
    step_seconds: float
    step_bytes: int

    def too_costly(self) -> bool:
        return self.step_seconds > MAX_STEP_SECONDS or self.step_bytes > MAX_STEP_BYTES

    def describe(self) -> str:
        return f"~{self.step_seconds:.2g} s and ~{self.step_bytes / 1e9:.2g} GB per training step"


def trie_fits(V: int, C: int, n_layer: int, n_embd: int) -> bool:
    """Whether the prefix trie's gathered keys/values (every node, C slots, K and V) fit."""
    nodes = sum(V**k for k in range(1, C + 1))
    return nodes * C * n_embd * 2 * 4 * n_layer <= MAX_GATHER_BYTES


def estimate_cost(V: int, C: int, n_layer: int, n_head: int, n_embd: int, sequence_length: int) -> CostEstimate:
    d, L = n_embd, n_layer
    states = V**C
    nodes = sum(V**k for k in range(1, C + 1))  # every context of length 1..C
    parameters = V * d + C * d + L * (12 * d * d + 4 * d) + 2 * d  # attention 4d², MLP 8d², LayerNorms
    windows = min(states, max(1, sequence_length - C))  # distinct full contexts in the data, at most
    trie = states >= TRIE_MIN_STATES and trie_fits(V, C, L, d)
    if states < TRIE_MIN_STATES:
        trained, forward_only = states * C, 0  # every state's C positions
    elif trie:
        trained, forward_only = nodes - states + windows, states - windows
    else:
        trained, forward_only = windows * C, nodes
    batched = _ROW_SECONDS + d * _ROW_WIDTH_SECONDS + d * d * _ROW_MATMUL_SECONDS
    trie_row = (_TRIE_ROW_SECONDS + d * _TRIE_ROW_WIDTH_SECONDS + d * d * _TRIE_ROW_MATMUL_SECONDS
                + C * d * _TRIE_ATTENTION_SECONDS)
    through_trie = (3 * (nodes - states + windows) + states - windows) * trie_row
    if states < TRIE_MIN_STATES:
        rows = 3 * trained * batched
    elif trie:
        rows = through_trie
    else:  # never below the trie's cost: the estimate grows with every size setting (few windows
        rows = max(3 * trained * batched + forward_only * trie_row, through_trie)  # are cheaper, a bit)
    seconds = COST_MARGIN * (L * rows + parameters * _SECONDS_PER_PARAMETER + L * _SECONDS_PER_LAYER
                             + _SECONDS_PER_STEP + (states + nodes) * _SECONDS_PER_STATE)
    # memory: kept for backward per row and layer (trie rows also keep their C gathered keys,
    # values and the products with them), one layer's forward-only rows or gradients of the
    # gathered keys/values, every node's logits
    kept = trained * L * ((4 * C * d + 24 * d) if trie else (24 * d + 2 * n_head * C)) * 4
    transient = (forward_only + (trained if trie else 0)) * (3 * C * d + 12 * d) * 4 + nodes * (2 * d + 4 * V) * 4
    history = 2 * 32 * 2**20  # history cap and a copy while thinning
    # bytes per parameter: weights 4, gradients 4, moments 8, checkpoint 12 (+ slack), and the weight
    # snapshots: at least two kept (up to 24 B/param; 12x256 measures 0.92 GB after 40 steps)
    step_bytes = (_BASE_BYTES + parameters * (48 + SNAPSHOT_BYTES_PER_PARAMETER) + kept + transient + history)
    return CostEstimate(parameters, states, states * V, trained, forward_only, seconds, int(step_bytes))


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
