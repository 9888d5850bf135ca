"""What an analysis request costs, estimated before the work starts (as `config.estimate_cost`
does for a training step), and the limits it is refused above.

- reach / hitting probability: one forward over every context for the logits (at most one
  training step's estimate), then per temperature a softmax and k steps of the reach
  recursion over every context × token (`chain.reach_probability`);
- a past step (explain, hitting at a history step, compare with a step): replaying training
  from the nearest weight snapshot, the cost guard's per-step estimate per replayed step.

Constants were fitted to CPU time on the largest chains (bench/request_bounds.py prints
estimate against measured for the worst allowed request of each kind) and multiplied by the
cost guard's COST_MARGIN.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.config import _BASE_BYTES, COST_MARGIN, MAX_STEP_BYTES, SNAPSHOT_BYTES_PER_PARAMETER, RunConfig, config_cost

REQUEST_SECONDS = 5.0  # a request estimated above this is refused, naming the field to lower
REQUEST_BYTES = 256 * 2**20  # and above this much memory beyond the run's own
SHORT_REQUEST_SECONDS = 0.25  # the widget runs longer requests off the comm thread (Stop cancels them)
REPLAY_SECONDS = 1.0  # rebuilding a past step replays at most this much training (estimated)
MAX_TEMPERATURES = 1000  # hitting_curve's temperatures, at most (the cost decides below that)
DEFAULT_TEMPERATURES = 21  # 0, 0.1, ..., 2
_REACH_STEP_SECONDS = 4e-6  # one step of the reach recursion: numpy call overhead...
_REACH_ENTRY_SECONDS = 2.2e-9  # ...and per context × token (gather, multiply, row sum)
_TEMPERATURE_ENTRY_SECONDS = 3e-8  # per context × token and temperature: softmax in float64, copies
_REACH_BYTES_PER_ENTRY = 3 * 8  # float64 probabilities, gathered values, the index (intp)
_HISTORY_BYTES = 2 * 32 * 2**20  # the cost guard's history budget (a replay keeps only a few records)


@dataclass(frozen=True)
class RequestCost:
    seconds: float
    bytes: int

    def describe(self) -> str:
        return f"~{self.seconds:.2g} s and ~{self.bytes / 2**20:.3g} MiB"

    def too_costly(self) -> bool:
        return self.seconds > REQUEST_SECONDS or self.bytes > REQUEST_BYTES


def _rows(config: RunConfig) -> tuple[int, int]:
    """(contexts of every length 1..C, tokens): the reach recursion's matrix."""
    V, C = len(config.alphabet), config.context_length
    return sum(V**L for L in range(1, C + 1)), V


def forward_seconds(config: RunConfig) -> float:
    """One evaluation of every context: bounded by the cost guard's training step (which does it
    and a backward pass)."""
    return config_cost(config).step_seconds


def _reach_parts(config: RunConfig, replay_steps: int) -> tuple[float, float, float, int]:
    """(seconds before any temperature, seconds per temperature and reach step, per temperature
    besides, matrix entries): the estimate is linear in k and in the number of temperatures."""
    rows, V = _rows(config)
    entries = rows * V
    base = forward_seconds(config) + replay_seconds(config, replay_steps)
    return (base, COST_MARGIN * (_REACH_STEP_SECONDS + entries * _REACH_ENTRY_SECONDS),
            COST_MARGIN * entries * _TEMPERATURE_ENTRY_SECONDS, entries)


def reach_cost(config: RunConfig, k: int, temperatures: int, replay_steps: int = 0) -> RequestCost:
    """P(reach within k steps) at `temperatures` temperatures (1 for reach_probability)."""
    base, per_step, per_temperature, entries = _reach_parts(config, replay_steps)
    return RequestCost(base + temperatures * (k * per_step + per_temperature),
                       entries * _REACH_BYTES_PER_ENTRY + 8 * temperatures)


def largest_k(config: RunConfig, temperatures: int, replay_steps: int = 0) -> int:
    """The largest k whose reach request fits the time limit (-1 when none does)."""
    base, per_step, per_temperature, _ = _reach_parts(config, replay_steps)
    room = (REQUEST_SECONDS - base) / temperatures - per_temperature
    return int(room // per_step) if room >= 0 else -1


def check_reach(config: RunConfig, k: int, temperatures: int, blame: str, replay_steps: int = 0) -> RequestCost:
    """The estimate, or ValueError naming `blame` ("k" or "temperatures") when over the limit."""
    cost = reach_cost(config, k, temperatures, replay_steps)
    if not cost.too_costly():
        return cost
    rows, V = _rows(config)
    where = f"over {rows:,} contexts × {V} tokens" + (f" at {temperatures:,} temperatures" if temperatures > 1 else "")
    if blame == "temperatures":
        base, per_step, per_temperature, _ = _reach_parts(config, replay_steps)
        fewer = int((REQUEST_SECONDS - base) // (k * per_step + per_temperature)) if REQUEST_SECONDS > base else 0
        advice = f"use at most {fewer:,} temperatures at k={k:,}" if fewer >= 1 else "use a smaller k"
    else:
        fits = largest_k(config, temperatures, replay_steps)
        advice = f"use k ≤ {fits:,}" if fits >= 0 else "this chain is too large for it"
    raise ValueError(f"{blame}: {k:,} steps {where} need {cost.describe()}, over the limit of "
                     f"{REQUEST_SECONDS:g} s; {advice}")


def replay_seconds(config: RunConfig, steps: int) -> float:
    return steps * config_cost(config).step_seconds


def replay_bytes(config: RunConfig) -> int:
    """What a replay takes beside the run: its own model, AdamW state, gradients, checkpoint and
    activations — the cost guard's step estimate without the process, the history and the
    run's weight snapshots."""
    cost = config_cost(config)
    return max(0, cost.step_bytes - _BASE_BYTES - _HISTORY_BYTES - SNAPSHOT_BYTES_PER_PARAMETER * cost.parameters)


def replay_limit(config: RunConfig) -> int:
    """How many training steps a rebuild of a past step may replay within REPLAY_SECONDS; 0 when
    a replay beside the run's own training step would pass the cost guard's memory limit (a
    replay runs off the lock, so both can run at once)."""
    cost = config_cost(config)
    if cost.step_bytes + replay_bytes(config) > MAX_STEP_BYTES:
        return 0
    return int(REPLAY_SECONDS // cost.step_seconds)


def first_snapshot_stride(config: RunConfig, most: int) -> int:
    """The weight snapshots' first spacing: `most`, or the power of two that keeps a replay
    between two snapshots within REPLAY_SECONDS when steps are slow (at least 1)."""
    limit = replay_limit(config)
    if limit == 0:  # no replay fits: only snapshot steps can be shown, spacing does not help
        return most
    stride = 1
    while stride * 2 <= min(limit, most):
        stride *= 2
    return stride


__all__ = ["REQUEST_SECONDS", "REPLAY_SECONDS", "SHORT_REQUEST_SECONDS", "RequestCost", "check_reach",
           "first_snapshot_stride", "reach_cost", "replay_bytes", "replay_limit", "replay_seconds"]
