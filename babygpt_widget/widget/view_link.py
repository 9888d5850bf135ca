"""View links: a run and what is on screen, in one line a lecturer can hand out.

    babygpt-view1:run=babygpt2:seq%3D111101111011110%3Balphabet%3D01%3B…%3Bsteps%3D50;step=20;layout=force;T=0.5;marked=000,101;select=101;open=view,inside,run;hide=compare,inside

``key=value`` pairs separated by ``;`` after the versioned prefix. ``run`` is the run's exact
run string (see runs/runstring.py) as one escaped value; the rest is the view: the shown
training step (``live`` or a step), the layout, the temperature, the marked (naughty) states,
the selected state, the side panel's open sections (``none`` for none; left out when they are
the default ones), the controls hidden (TensorFlow Playground's ``hide``: a trimmed widget
for a class) and the lesson page on the card (``lesson=3``: 0-based like ``w.lesson.page``;
left out when no lesson is open).
Values are percent-encoded (UTF-8) except ``A-Z a-z 0-9 - . _ ~ : @ /``, so a link is safe
as a URL's ``#`` part as it is. The formatter writes the keys in this order, ``marked`` and
``select``, ``open``, ``hide`` and ``lesson`` only when not the default; js/app/viewLink.ts
writes the same text (golden test).

``parse_link`` is bounded (length, number of marks) and validates every value with a
ValueError starting ``link:`` that names the key; unknown or repeated keys are refused.
Nothing in a link is executed. Whether the marked states exist is checked against the run
when the link is applied (``BabyGPTWidget.from_link``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import quote, unquote

from ..core.config import MAX_STEPS
from ..core.field_checks import echo
from ..lesson.schema import MAX_PAGES
from ..runs.runstring import MAX_LENGTH as RUN_MAX_LENGTH
from ..runs.runstring import parse_run_string, too_long_text
from .traits import CONTROLS, DEFAULT_OPEN, LAYOUTS, SECTIONS

PREFIX = "babygpt-view1:"
KEYS = ("run", "step", "layout", "T", "marked", "select", "open", "hide", "lesson")
MAX_MARKED = 4096  # the most states a chain draws with marks
# Every character of a maximal run string may take 3 characters escaped (ASCII delimiters);
# longer links (long sequences of non-ASCII characters) carry the run's too-long marker.
MAX_LENGTH = 3 * RUN_MAX_LENGTH + 200_000
_SAFE = ":@/"  # with A-Z a-z 0-9 - . _ ~ (quote's own): left as they are
_VALUE = re.compile(r"(?:[^%;=#\s]|%[0-9A-Fa-f]{2})*")
_STEP = re.compile(r"[0-9]{1,8}")
_NUMBER = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,400})?")


@dataclass(frozen=True)
class ViewLink:
    run: str  # the run string
    step: int | None = None  # the training step shown; None = live
    layout: str = "circular"
    temperature: float = 1.0
    marked: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()  # controls not shown, in CONTROLS order
    select: str = ""  # the selected state ("" = none)
    open: tuple[str, ...] = DEFAULT_OPEN  # the side panel's open sections, in SECTIONS order
    lesson: int | None = None  # the lesson page on the card (0-based); None = no lesson open

    @property
    def controls(self) -> list[str]:
        """The controls shown (the widget's ``controls`` trait)."""
        return [c for c in CONTROLS if c not in self.hide]


def escape_value(value: str) -> str:
    """A value with everything but ``A-Z a-z 0-9 - . _ ~ : @ /`` percent-encoded (UTF-8)."""
    return quote(value, safe=_SAFE)


def plain_number(x: float) -> str:
    """The shortest decimal that reads back as x, with no exponent and no trailing ``.0``
    (``0.5``, ``1``, ``0.00001``): the same text as the front end's formatter."""
    text = repr(float(x))
    if "e" in text:
        mantissa, exponent = text.split("e")
        digits = mantissa.replace(".", "").lstrip("-")
        point = mantissa.find(".") if "." in mantissa else len(mantissa)
        point += int(exponent)
        if point <= 0:
            text = "0." + "0" * -point + digits
        else:
            text = digits.ljust(point, "0")[:point] + ("." + digits[point:] if len(digits) > point else "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_link(view: ViewLink) -> str:
    """The link's text (a run string too long for a link is replaced by its too-long marker)."""
    pairs = [("run", escape_value(view.run)),
             ("step", "live" if view.step is None else str(int(view.step))),
             ("layout", view.layout),
             ("T", plain_number(view.temperature))]
    if view.marked:
        pairs.append(("marked", ",".join(escape_value(s) for s in view.marked)))
    if view.select:
        pairs.append(("select", escape_value(view.select)))
    opened = tuple(c for c in SECTIONS if c in view.open)
    if opened != DEFAULT_OPEN:
        pairs.append(("open", ",".join(opened) or "none"))
    if view.hide:
        pairs.append(("hide", ",".join(c for c in CONTROLS if c in view.hide)))
    if view.lesson is not None:
        pairs.append(("lesson", str(int(view.lesson))))
    text = PREFIX + ";".join(f"{k}={v}" for k, v in pairs)
    if len(text) > MAX_LENGTH:
        steps = parse_run_string(view.run).steps
        return format_link(ViewLink(too_long_text(steps), view.step, view.layout, view.temperature,
                                    view.marked, view.hide, view.select, view.open, view.lesson))
    return text


def parse_link(text: Any) -> ViewLink:
    """The view a link describes, every value checked. Also takes a whole URL whose ``#`` part is
    a link. Raises ValueError ``link: <key>: …`` on anything malformed."""
    example = f"{PREFIX}run=babygpt2:…;step=20;layout=force;T=0.5;marked=000"
    if not isinstance(text, str):
        raise ValueError(f"link: must be a string starting {PREFIX!r}, e.g. {example!r}; got {echo(text)}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"link: at most {MAX_LENGTH:,} characters; got {len(text):,}")
    text = text.strip()
    hash_at = text.find("#" + PREFIX)
    if hash_at >= 0:
        text = text[hash_at + 1:]  # a page's URL: its fragment is the link
    if not text.startswith(PREFIX):
        raise ValueError(f"link: must start with {PREFIX!r}, e.g. {example!r}; got {echo(text[:80])}")
    items = text[len(PREFIX):].split(";")
    if items and items[-1] == "":
        items.pop()  # a trailing ';'
    raw: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key not in KEYS:
            raise ValueError(f"link: cannot read {echo(item[:80])}; keys are {', '.join(KEYS)}")
        if key in raw:
            raise ValueError(f"link: {key} is given twice")
        if not _VALUE.fullmatch(value):
            raise ValueError(f"link: {key}: '%' must start an escape like %3B (and no spaces or '#'); "
                             f"got {echo(value[:80])}")
        raw[key] = value
    if "run" not in raw:
        raise ValueError(f"link: run is missing (the run string, escaped), e.g. {example!r}")
    run = _decode("run", raw["run"])
    try:
        parse_run_string(run)
    except ValueError as e:
        raise ValueError(f"link: run: {str(e).removeprefix('run_string: ')}") from None
    return ViewLink(run=run, step=_step(raw.get("step", "live")), layout=_layout(raw.get("layout", "circular")),
                    temperature=_temperature(raw.get("T", "1")), marked=_marked(raw.get("marked", "")),
                    hide=_hide(raw.get("hide", "")), select=_select(raw.get("select", "")),
                    open=_open(raw.get("open")), lesson=_lesson(raw.get("lesson")))


def _decode(key: str, value: str) -> str:
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        raise ValueError(f"link: {key}: its escapes are not UTF-8; got {echo(value[:80])}") from None


def _step(value: str) -> int | None:
    if value == "live":
        return None
    if not _STEP.fullmatch(value) or int(value) > MAX_STEPS:
        raise ValueError(f"link: step must be live or a training step from 0 to {MAX_STEPS:,} (ASCII digits); "
                         f"got {echo(value[:80])}")
    return int(value)


def _layout(value: str) -> str:
    if value not in LAYOUTS:
        raise ValueError(f"link: layout must be one of {', '.join(LAYOUTS)}; got {echo(value[:80])}")
    return value


def _temperature(value: str) -> float:
    if not _NUMBER.fullmatch(value) or not 0 <= float(value) <= 2:
        raise ValueError(f"link: T (temperature) must be a number from 0 to 2 like 0.5; got {echo(value[:80])}")
    return float(value)


def _marked(value: str) -> tuple[str, ...]:
    if value == "":
        return ()
    parts = value.split(",")
    if len(parts) > MAX_MARKED:
        raise ValueError(f"link: marked: at most {MAX_MARKED:,} states; got {len(parts):,}")
    states = tuple(_decode("marked", p) for p in parts)
    if any(s == "" for s in states):
        raise ValueError("link: marked: an empty state (states are separated by single commas)")
    if len(set(states)) < len(states):
        raise ValueError("link: marked: a state is given twice")
    return states


def _hide(value: str) -> tuple[str, ...]:
    if value == "":
        return ()
    names = value.split(",")
    unknown = [n for n in names if n not in CONTROLS]
    if unknown:
        raise ValueError(f"link: hide: unknown control {echo(unknown[0][:40])}; controls are {', '.join(CONTROLS)}")
    if len(set(names)) < len(names):
        raise ValueError("link: hide: a control is given twice")
    return tuple(c for c in CONTROLS if c in names)


def _select(value: str) -> str:
    state = _decode("select", value)
    if value and len(state) > 64:
        raise ValueError(f"link: select: a state of at most 64 characters; got {len(state):,}")
    return state


def _open(value: str | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_OPEN
    if value == "none":
        return ()
    names = value.split(",")
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise ValueError(f"link: open: unknown section {echo(unknown[0][:40])}; sections are {', '.join(SECTIONS)} "
                         "(or none)")
    if len(set(names)) < len(names):
        raise ValueError("link: open: a section is given twice")
    return tuple(c for c in SECTIONS if c in names)


def _lesson(value: str | None) -> int | None:
    if value is None:
        return None
    if not re.fullmatch(r"0|[1-9][0-9]?", value) or int(value) >= MAX_PAGES:
        raise ValueError(f"link: lesson: must be a lesson page from 0 to {MAX_PAGES - 1} "
                         f"(0-based, ASCII digits, no leading zeros); got {echo(value[:80])}")
    return int(value)


def hidden_controls(shown: Sequence[str]) -> tuple[str, ...]:
    """The ``hide`` list of a ``controls`` trait."""
    return tuple(c for c in CONTROLS if c not in shown)


__all__ = ["KEYS", "MAX_LENGTH", "MAX_MARKED", "PREFIX", "ViewLink", "escape_value", "format_link", "hidden_controls",
           "parse_link", "plain_number"]
