"""The lesson's structure and its validation: a lesson is a list of pages (plain dicts, JSON-able).

    {"title": "Train fifty steps",                      # 1-80 characters
     "text": "The loss is {loss} at step {step}.",     # 1-700 characters; {figures}: see figures.py
     "set": {"settings": {...}, "step": 50, "shown_step": 0 | "live", "temperature": 1.0,
             "layout": "circular", "marks": ["000"], "prefixes": False, "panel": "inside",
             "inside": "000"},                          # each key optional
     "highlight": {"node": "101"} | {"edge": "101>1"} | {"control": "train"} | {"panel": "sample"},
     "wait": {"action": "train", "step": 50} | {"action": "slider", "step": 0}
             | {"action": "click", "state": "000"} | {"action": "temperature", "value": 0}
             | {"action": "sample"} | {"action": "prefixes"} | {"action": "inside", "state": "000"}
             | {"action": "compare_seeds"}}

Every refusal is a ValueError naming the field, e.g. ``lesson[3].wait.action: must be one of …``.
States and tokens are checked against the run when the page is shown (settings may change them).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from ..core.config import MAX_STEPS, RunConfig
from ..core.field_checks import FieldError, echo
from .figures import check_figures

MAX_PAGES = 50
MAX_TITLE = 80
MAX_TEXT = 700
MAX_TRAIN_STEPS = 100_000  # a page's `step` / train wait: what Train ×N allows
MAX_MARKS = 64
MAX_STATE = 32  # characters of a state named by a page

# what a page may open (js/panels, side sections) and point at (the bar's and the View's controls)
PANELS = ("view", "sample", "analysis", "settings", "run", "inside", "step", "compare")
CONTROLS = ("step", "train", "play", "reset", "slider", "temperature", "layout", "sample", "prefixes")
ACTIONS = ("train", "slider", "click", "temperature", "sample", "prefixes", "inside", "compare_seeds")
LAYOUTS = ("circular", "force")
PAGE_KEYS = ("title", "text", "set", "highlight", "wait")
SET_KEYS = ("settings", "step", "shown_step", "temperature", "layout", "marks", "prefixes", "panel", "inside")
HIGHLIGHT_KEYS = ("node", "edge", "control", "panel")
# what each wait needs besides `action`
WAIT_ARGS: dict[str, tuple[str, ...]] = {
    "train": ("step",), "slider": ("step",), "click": ("state",), "temperature": ("value",), "sample": (),
    "prefixes": (), "inside": ("state",), "compare_seeds": (),
}


class LessonError(FieldError):
    """A lesson that does not follow the structure: names the field (``lesson[2].set.layout``)."""


def _fail(field: str, message: str) -> None:
    raise LessonError(field, message)


def _keys(where: str, value: Any, allowed: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        _fail(where, f"must be an object (dict); got {echo(value)}")
    for key in value:
        if key not in allowed:
            _fail(f"{where}.{key}" if isinstance(key, str) and len(key) <= 40 else where,
                  f"unknown key {echo(key)}; allowed: {', '.join(allowed)}")
    return value


def _text(where: str, value: Any, longest: int) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) or len(value) > longest:
        _fail(where, f"must be a string of 1 to {longest} characters; got {echo(value)}")
    return value


def _int(where: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        _fail(where, f"must be an integer from {low:,} to {high:,}; got {echo(value)}")
    return int(value)


def _temperature(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)) \
            or not 0 <= float(value) <= 2:
        _fail(where, f"must be a number from 0 to 2; got {echo(value)}")
    return float(value)


def _choice(where: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed or not isinstance(value, str):
        _fail(where, f"must be one of {', '.join(allowed)}; got {echo(value)}")
    return value


def _state(where: str, value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_STATE:
        _fail(where, f"must be a state (a string of 1 to {MAX_STATE} tokens); got {echo(value)}")
    return value


def _edge(where: str, value: Any) -> str:
    if not isinstance(value, str) or value.count(">") != 1 or not all(value.split(">")) or len(value) > 2 * MAX_STATE:
        _fail(where, f"must be an edge written STATE>TOKEN (e.g. 101>1); got {echo(value)}")
    return value


def _settings(where: str, value: Any) -> dict:
    fields = tuple(RunConfig.__dataclass_fields__)
    _keys(where, value, fields)
    try:
        RunConfig().updated(**value)
    except ValueError as e:  # RunConfig names the field first: "lr: must be ..."
        _fail(f"{where}.{str(e).split(':')[0]}", str(e).split(": ", 1)[-1])
    return dict(value)


def _set(where: str, value: Any) -> dict:
    out = dict(_keys(where, value, SET_KEYS))
    if "settings" in out:
        out["settings"] = _settings(f"{where}.settings", out["settings"])
    if "step" in out:
        _int(f"{where}.step", out["step"], 0, MAX_TRAIN_STEPS)
    if "shown_step" in out and out["shown_step"] != "live":
        _int(f"{where}.shown_step", out["shown_step"], 0, MAX_STEPS)
    if "temperature" in out:
        out["temperature"] = _temperature(f"{where}.temperature", out["temperature"])
    if "layout" in out:
        _choice(f"{where}.layout", out["layout"], LAYOUTS)
    if "marks" in out:
        marks = out["marks"]
        if not isinstance(marks, list) or len(marks) > MAX_MARKS:
            _fail(f"{where}.marks", f"must be a list of at most {MAX_MARKS} states; got {echo(marks)}")
        out["marks"] = [_state(f"{where}.marks[{i}]", s) for i, s in enumerate(marks)]
    if "prefixes" in out and not isinstance(out["prefixes"], bool):
        _fail(f"{where}.prefixes", f"must be true or false; got {echo(out['prefixes'])}")
    if "panel" in out:
        _choice(f"{where}.panel", out["panel"], PANELS)
    if "inside" in out:
        _state(f"{where}.inside", out["inside"])
    return out


def _highlight(where: str, value: Any) -> dict:
    _keys(where, value, HIGHLIGHT_KEYS)
    if len(value) != 1:
        _fail(where, f"must name exactly one of {', '.join(HIGHLIGHT_KEYS)}; got {echo(value)}")
    (kind, target), = value.items()
    check = {"node": _state, "edge": _edge, "control": lambda w, v: _choice(w, v, CONTROLS),
             "panel": lambda w, v: _choice(w, v, PANELS)}[kind]
    check(f"{where}.{kind}", target)
    return {kind: target}


def _wait(where: str, value: Any) -> dict:
    if not isinstance(value, dict):
        _fail(where, f"must be an object (dict) with an action; got {echo(value)}")
    action = _choice(f"{where}.action", value.get("action"), ACTIONS)
    _keys(where, value, ("action", *WAIT_ARGS[action]))
    for arg in WAIT_ARGS[action]:
        if arg not in value:
            _fail(f"{where}.{arg}", f"a {action} wait needs {arg}")
    if action in ("train", "slider"):
        _int(f"{where}.step", value["step"], 1 if action == "train" else 0, MAX_TRAIN_STEPS)
    if action in ("click", "inside"):
        _state(f"{where}.state", value["state"])
    if action == "temperature":
        return {"action": action, "value": _temperature(f"{where}.value", value["value"])}
    return dict(value)


def validate_page(page: Any, index: int) -> dict:
    where = f"lesson[{index}]"
    _keys(where, page, PAGE_KEYS)
    for key in ("title", "text"):
        if key not in page:
            _fail(f"{where}.{key}", "missing (every page has a title and a text)")
    out: dict[str, Any] = {"title": _text(f"{where}.title", page["title"], MAX_TITLE),
                           "text": _text(f"{where}.text", page["text"], MAX_TEXT)}
    try:
        check_figures(out["text"])
    except ValueError as e:
        _fail(f"{where}.text", str(e))
    if "set" in page:
        out["set"] = _set(f"{where}.set", page["set"])
    if "highlight" in page:
        out["highlight"] = _highlight(f"{where}.highlight", page["highlight"])
    if "wait" in page:
        out["wait"] = _wait(f"{where}.wait", page["wait"])
    return out


def validate_lesson(pages: Any) -> list[dict]:
    """A checked copy of a lesson (a list of 1 to MAX_PAGES pages); LessonError naming the field."""
    if isinstance(pages, (str, bytes, dict)) or not isinstance(pages, (list, tuple)):
        _fail("lesson", f'must be "seed" or a list of pages (dicts); got {echo(pages)}')
    if not 1 <= len(pages) <= MAX_PAGES:
        _fail("lesson", f"must have 1 to {MAX_PAGES} pages; got {len(pages)}")
    return [validate_page(page, i) for i, page in enumerate(pages)]
