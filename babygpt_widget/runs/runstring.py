"""Run strings: a run's whole training history in one shareable line.

    babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=10|lr=0.003;steps=10|seq=1100110011;steps=5

Segments are separated by ``|``. The first names every setting (a missing one takes its
default) and the steps trained with them; each later segment names the live settings (``seq``,
``lr``, ``wd``) changed part-way through and the steps trained after the change. Every segment
ends with ``steps=``; only the last may have 0 steps (settings changed, not yet trained).
Training is deterministic (full batch, seeded init), so replaying the segments in order
rebuilds the run exactly. Values escape only ``% ; | =`` (as ``%25 %3B %7C %3D``), so any
alphabet character survives and a view link can carry a whole run string as one escaped value.

Two honest markers:
- ``exact=0`` at the start of the first segment: the settings before the first segment's last
  step were not recorded (a run loaded from a run file of format ``run/1``); the replay
  assumes the first segment's settings throughout it.
- ``babygpt2:too-long;steps=N``: the run changed settings more often (or with longer sequences)
  than a run string holds; refused when pasted, with the advice to share a run file instead.

Version 1 (``babygpt1:``, one segment, every value percent-encoded) still reads: it is the
same run as the one-segment ``babygpt2:`` string of those settings.

``parse_run_string`` checks the text alone (bounded: length, segments, steps, every setting
validated); ``read_run_string`` also refuses markers that cannot be replayed and estimates
the replay's time. Nothing in a run string is ever executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import quote, unquote

from ..core.checks import echo
from ..core.config import LIVE_FIELDS, MAX_SEQUENCE_LENGTH, MAX_STEPS, RunConfig, config_cost

PREFIX = "babygpt2:"
OLD_PREFIX = "babygpt1:"
PREFIXES = (PREFIX, OLD_PREFIX)
TOO_LONG = "too-long"
MAX_SEGMENTS = 100
MAX_REPLAY_SECONDS = 3600.0  # estimated time to retrain a pasted run: at most an hour
MAX_LENGTH = 3 * MAX_SEQUENCE_LENGTH + 2_000  # a maximal sequence of escaped characters and the rest
_INT = re.compile(r"[0-9]{1,20}")  # ASCII digits only: no '٣', no '1_000', no sign or spaces
_FLOAT = re.compile(r"[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]{1,3})?")
_ESCAPES = re.compile(r"(?:[^%]|%[0-9A-Fa-f]{2})*")
_ESCAPED = {ord(c): quote(c, safe="") for c in "%;|="}
# run-string key -> (RunConfig field, type)
_KEYS: dict[str, tuple[str, type]] = {
    "seq": ("sequence", str),
    "alphabet": ("alphabet", str),
    "C": ("context_length", int),
    "layers": ("n_layer", int),
    "heads": ("n_head", int),
    "embd": ("n_embd", int),
    "lr": ("lr", float),
    "wd": ("weight_decay", float),
    "seed": ("seed", int),
    "teach": ("teach", str),  # rows set by hand (teach / nudge), in force for that segment's steps
}
_FIELD_KEYS = {field: key for key, (field, _) in _KEYS.items()}
_LIVE_KEYS = tuple(_FIELD_KEYS[f] for f in LIVE_FIELDS)


@dataclass(frozen=True)
class Segment:
    config: RunConfig  # every setting of this stretch of training
    steps: int


@dataclass(frozen=True)
class RunPlan:
    """A parsed run string: the segments to replay (none when ``too_long``), in order."""

    segments: tuple[Segment, ...]
    steps: int  # in all
    exact: bool = True  # False: the first segment's settings are assumed, not recorded (`exact=0`)
    too_long: bool = False  # the `too-long` marker: nothing to replay

    @property
    def first(self) -> RunConfig:
        return self.segments[0].config

    @property
    def final(self) -> RunConfig:
        """The settings the run ends with (alphabet and context never change part-way)."""
        return self.segments[-1].config

    def changes(self) -> list[tuple[int, dict[str, Any]]]:
        """(global step, settings to configure) at each segment boundary after the first."""
        out, step = [], 0
        for before, segment in zip(self.segments, self.segments[1:]):
            step += before.steps
            out.append((step, _changed_fields(before.config, segment.config)))
        return out


# -- writing ---------------------------------------------------------------------------------------
def escape(value: str) -> str:
    """A value with the run string's delimiters escaped (``%`` ``;`` ``|`` ``=``)."""
    return value.translate(_ESCAPED)


def settings_text(config: RunConfig, before: RunConfig | None = None) -> str:
    """``key=value;`` for every setting (first segment) or for the live ones changed since ``before``."""
    values = config.to_dict()
    if before is None:  # every setting; `teach` only when rows are taught (most runs never do)
        keys = [k for k in _KEYS if k != "teach" or values["teach"]]
    else:
        old = before.to_dict()
        keys = [k for k in _LIVE_KEYS if values[_KEYS[k][0]] != old[_KEYS[k][0]]]
    return "".join(f"{k}={escape(str(values[_KEYS[k][0]]))};" for k in keys)


def format_run_string(segments: Sequence[Segment], exact: bool = True) -> str:
    """The run string of these segments (consecutive ones differ in live settings only)."""
    parts, before = [], None
    for segment in segments:
        parts.append(f"{settings_text(segment.config, before)}steps={segment.steps}")
        before = segment.config
    return PREFIX + ("" if exact else "exact=0;") + "|".join(parts)


def too_long_text(steps: int) -> str:
    return f"{PREFIX}{TOO_LONG};steps={steps}"


# -- reading ---------------------------------------------------------------------------------------
def parse_run_string(text: Any) -> RunPlan:
    """The run string's segments, every setting validated. Raises ValueError starting
    ``run_string:`` on anything malformed: unknown or repeated keys, numbers that are not plain
    ASCII digits, a later segment changing an architecture setting or nothing, too many
    segments, characters or steps. The ``too-long`` marker parses (with no segments)."""
    example = format_run_string([Segment(RunConfig(), 50)])
    if not isinstance(text, str) or not text.strip().startswith(PREFIXES):
        raise ValueError(f"run_string: must start with {PREFIX!r} (or {OLD_PREFIX!r}), e.g. {example!r}; "
                         f"got {echo(text)}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"run_string: at most {MAX_LENGTH:,} characters; got {len(text):,}")
    text = text.strip()
    if text.startswith(OLD_PREFIX):
        config, steps = _parse_v1(text[len(OLD_PREFIX):])
        return RunPlan((Segment(config, steps),), steps)
    body = text[len(PREFIX):]
    if body.startswith(TOO_LONG + ";") or body == TOO_LONG:
        rest = body[len(TOO_LONG) + 1:]
        if not rest.startswith("steps=") or not _INT.fullmatch(rest[6:]):
            raise ValueError(f"run_string: the {TOO_LONG} marker takes only steps=<count>; got {echo(body)}")
        return RunPlan((), _check_steps(int(rest[6:]), "steps"), exact=False, too_long=True)
    parts = body.split("|")
    if len(parts) > MAX_SEGMENTS:
        raise ValueError(f"run_string: at most {MAX_SEGMENTS} segments (settings changed part-way at most "
                         f"{MAX_SEGMENTS - 1} times); got {len(parts):,}")
    segments: list[Segment] = []
    exact = True
    for number, part in enumerate(parts, 1):
        where = f"segment {number}: " if len(parts) > 1 else ""
        first = number == 1
        values, steps, marker = _segment_values(part, where, first)
        exact = exact and not marker
        if number < len(parts) and steps == 0:
            raise ValueError(f"run_string: {where}steps must be at least 1 when a later segment follows "
                             "(settings changed twice without training merge into one segment)")
        config = _segment_config(values, segments[-1].config if segments else None, where)
        segments.append(Segment(config, steps))
    total = _check_steps(sum(s.steps for s in segments), "steps in all")
    return RunPlan(tuple(segments), total, exact)


def read_run_string(text: Any) -> RunPlan:
    """``parse_run_string``, then refuse what cannot be replayed here: the too-long marker, and
    runs whose retraining is estimated above MAX_REPLAY_SECONDS."""
    plan = parse_run_string(text)
    if plan.too_long:
        raise ValueError(f"run_string: this run changed its settings more often (or with longer sequences) than a "
                         f"run string holds ({MAX_SEGMENTS} segments, {MAX_LENGTH:,} characters), so it cannot be "
                         f"rebuilt from one; share a saved run file instead (save / load)")
    seconds = replay_seconds(plan)
    if seconds > MAX_REPLAY_SECONDS:
        raise ValueError(f"run_string: retraining {plan.steps:,} steps at these settings would take "
                         f"~{seconds / 60:,.0f} min (the limit is {MAX_REPLAY_SECONDS / 60:.0f} min); "
                         f"share a saved run file instead, or fewer steps")
    return plan


def replay_seconds(plan: RunPlan) -> float:
    """Estimated time to replay: every segment's steps at its own cost, plus one evaluation at
    each settings change (a new sequence re-evaluates the chain)."""
    return sum((s.steps + (i > 0)) * config_cost(s.config).step_seconds for i, s in enumerate(plan.segments))


def _check_steps(steps: int, what: str) -> int:
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"run_string: {what} must be from 0 to {MAX_STEPS:,} (the most a run holds); got {steps:,}")
    return steps


def _segment_values(part: str, where: str, first: bool) -> tuple[dict[str, Any], int, bool]:
    """(RunConfig field -> value, steps, exact=0 given) of one segment's text."""
    items = part.split(";")
    if not items[-1].startswith("steps="):
        raise ValueError(f"run_string: {where}must end with steps=<count>; got {echo(part)}")
    values: dict[str, Any] = {}
    seen: set[str] = set()
    steps, marker = 0, False
    allowed = [*_KEYS, "steps"] if first else [*_LIVE_KEYS, "steps"]
    for index, item in enumerate(items):
        key, sep, raw = item.partition("=")
        if first and key == "exact" and index == 0:
            if raw != "0":
                raise ValueError(f"run_string: exact takes only 0 (settings assumed, not recorded); got {echo(raw)}")
            marker = True
            continue
        if not sep or key not in allowed:
            if not first and key in _KEYS:
                raise ValueError(f"run_string: {where}{key} cannot change part-way through a run (it rebuilds the "
                                 f"model from the seed); only {', '.join(_LIVE_KEYS)} can")
            raise ValueError(f"run_string: {where}cannot read {echo(item)}; keys are {', '.join(allowed)}")
        if key in seen:
            raise ValueError(f"run_string: {where}{key} is given twice")
        if key == "steps" and index != len(items) - 1:
            raise ValueError(f"run_string: {where}steps must come last in its segment")
        seen.add(key)
        if not _ESCAPES.fullmatch(raw):
            raise ValueError(f"run_string: {where}{key}: '%' must start an escape like %3B; got {echo(raw)}")
        try:
            value = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise ValueError(f"run_string: {where}{key}: its escapes are not UTF-8; got {echo(raw)}") from None
        kind = int if key == "steps" else _KEYS[key][1]
        values_of_kind = _number(key, value, kind, where)
        if key == "steps":
            steps = _check_steps(values_of_kind, f"{where}steps")
        else:
            values[_KEYS[key][0]] = values_of_kind
    return values, steps, marker


def _number(key: str, value: str, kind: type, where: str) -> Any:
    pattern = _INT if kind is int else _FLOAT if kind is float else None
    if pattern is not None and not (pattern.fullmatch(value) and any(c.isdigit() for c in value)):
        raise ValueError(f"run_string: {where}{key}={echo(value)} is not a valid {kind.__name__} (ASCII digits only)")
    return kind(value)


def _segment_config(values: dict[str, Any], before: RunConfig | None, where: str) -> RunConfig:
    try:
        if before is None:
            return RunConfig(**values).validated()
        for field, value in values.items():
            if value == getattr(before, field):
                raise ValueError(f"{_FIELD_KEYS[field]}={echo(escape(str(value)))} changes nothing "
                                 "(a later segment names only the settings it changes)")
        if not values:
            raise ValueError("changes no setting (a later segment names the settings it changes)")
        return before.updated(**values)
    except ValueError as e:
        raise ValueError(f"run_string: {where}{e}") from None


def _changed_fields(before: RunConfig, after: RunConfig) -> dict[str, Any]:
    return {f: getattr(after, f) for f in LIVE_FIELDS if getattr(after, f) != getattr(before, f)}


def _parse_v1(body: str) -> tuple[RunConfig, int]:
    """Version 1: one segment, keys once each in any order, every value percent-encoded."""
    fields: dict[str, Any] = {}
    seen: set[str] = set()
    steps = 0
    for part in filter(None, body.split(";")):
        key, sep, raw = part.partition("=")
        if not sep or (key not in _KEYS and key != "steps"):
            raise ValueError(f"run_string: cannot read {echo(part)}; keys are {', '.join([*_KEYS, 'steps'])}")
        if key in seen:
            raise ValueError(f"run_string: {key} is given twice")
        seen.add(key)
        value = unquote(raw)
        kind = int if key == "steps" else _KEYS[key][1]
        number = _number(key, value, kind, "")
        if key == "steps":
            steps = _check_steps(number, "steps")
        else:
            fields[_KEYS[key][0]] = number
    try:
        config = RunConfig(**fields).validated()
    except ValueError as e:
        raise ValueError(f"run_string: {e}") from None
    return config, steps


__all__ = ["MAX_LENGTH", "MAX_REPLAY_SECONDS", "MAX_SEGMENTS", "OLD_PREFIX", "PREFIX", "PREFIXES", "RunPlan",
           "Segment", "escape", "format_run_string", "parse_run_string", "read_run_string", "replay_seconds",
           "too_long_text"]
