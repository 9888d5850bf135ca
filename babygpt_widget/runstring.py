"""A compact, shareable description of a run: settings plus how many steps were trained.

    babygpt1:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=50

Training is deterministic (full batch, seeded init), so settings + steps rebuild the exact run.
Values are percent-encoded, so any alphabet character survives.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from .config import RunConfig

PREFIX = "babygpt1:"
MAX_STEPS = 1_000_000
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
    """(validated config, steps). Raises ValueError naming `run_string` on anything malformed."""
    example = format_run_string(RunConfig(), 50)
    if not isinstance(text, str) or not text.strip().startswith(PREFIX):
        raise ValueError(f"run_string: must start with {PREFIX!r}, e.g. {example!r}")
    fields: dict[str, Any] = {}
    steps = 0
    for part in filter(None, text.strip()[len(PREFIX):].split(";")):
        key, sep, raw = part.partition("=")
        if not sep or (key not in _KEYS and key != "steps"):
            raise ValueError(f"run_string: cannot read {part!r}; keys are {', '.join([*_KEYS, 'steps'])}")
        value = unquote(raw)
        try:
            if key == "steps":
                steps = int(value)
            else:
                field, parse = _KEYS[key]
                fields[field] = parse(value)
        except ValueError:
            raise ValueError(f"run_string: {key}={value!r} is not a valid {'int' if key == 'steps' else _KEYS[key][1].__name__}") from None
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"run_string: steps must be from 0 to {MAX_STEPS}; got {steps}")
    try:
        config = RunConfig(**fields).validated()
    except ValueError as e:
        raise ValueError(f"run_string: {e}") from None
    return config, steps
