"""A compact, shareable description of a run: settings plus how many steps were trained.

    babygpt1:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=50

Training is deterministic (full batch, seeded init), so settings + steps rebuild the exact run.
Values are percent-encoded, so any alphabet character survives.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from .checks import echo
from .config import MAX_SEQUENCE_LENGTH, RunConfig, config_cost

PREFIX = "babygpt1:"
MAX_STEPS = 1_000_000
MAX_REPLAY_SECONDS = 3600.0  # estimated time to retrain a pasted run: at most an hour
MAX_LENGTH = 3 * MAX_SEQUENCE_LENGTH + 2_000  # a percent-encoded maximal sequence and the rest
_INT = re.compile(r"[0-9]{1,20}")  # ASCII digits only: no '٣', no '1_000', no sign or spaces
_FLOAT = re.compile(r"[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]{1,3})?")
# run-string key -> (RunConfig field, parser)
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
}


def format_run_string(config: RunConfig, steps: int) -> str:
    values = config.to_dict()
    parts = [f"{key}={quote(str(values[field]), safe='')}" for key, (field, _) in _KEYS.items()]
    return PREFIX + ";".join(parts + [f"steps={steps}"])


def parse_run_string(text: Any) -> tuple[RunConfig, int]:
    """(validated config, steps). Raises ValueError naming `run_string` on anything malformed:
    unknown or repeated keys, numbers that are not plain ASCII digits, too many steps."""
    example = format_run_string(RunConfig(), 50)
    if not isinstance(text, str) or not text.strip().startswith(PREFIX):
        raise ValueError(f"run_string: must start with {PREFIX!r}, e.g. {example!r}; got {echo(text)}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"run_string: at most {MAX_LENGTH:,} characters; got {len(text):,}")
    fields: dict[str, Any] = {}
    seen: set[str] = set()
    steps = 0
    for part in filter(None, text.strip()[len(PREFIX):].split(";")):
        key, sep, raw = part.partition("=")
        if not sep or (key not in _KEYS and key != "steps"):
            raise ValueError(f"run_string: cannot read {echo(part)}; keys are {', '.join([*_KEYS, 'steps'])}")
        if key in seen:
            raise ValueError(f"run_string: {key} is given twice")
        seen.add(key)
        value = unquote(raw)
        kind = int if key in ("steps", "C", "layers", "heads", "embd", "seed") else _KEYS[key][1]
        number = _INT if kind is int else _FLOAT if kind is float else None
        if number is not None and not (number.fullmatch(value) and any(c.isdigit() for c in value)):
            raise ValueError(f"run_string: {key}={echo(value)} is not a valid {kind.__name__} (ASCII digits only)")
        if key == "steps":
            steps = int(value)
        else:
            field, _ = _KEYS[key]
            fields[field] = kind(value)
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"run_string: steps must be from 0 to {MAX_STEPS:,}; got {steps:,}")
    try:
        config = RunConfig(**fields).validated()
    except ValueError as e:
        raise ValueError(f"run_string: {e}") from None
    seconds = steps * config_cost(config).step_seconds
    if seconds > MAX_REPLAY_SECONDS:
        raise ValueError(f"run_string: retraining {steps:,} steps at these settings would take "
                         f"~{seconds / 60:,.0f} min (the limit is {MAX_REPLAY_SECONDS / 60:.0f} min); "
                         f"share a saved run file instead, or fewer steps")
    return config, steps
