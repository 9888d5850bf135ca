"""save_html: a self-contained page of ONE widget that shows with no network at all, within the
page budget (page_budget.py). page_data.py encodes the traits, page_html.py writes the file."""

from __future__ import annotations

import io
import os
import pathlib
from dataclasses import dataclass
from typing import Any

from .page_budget import PAGE_BUDGET_BYTES
from .page_data import build_page_data, to_json
from .page_engine import page_engine
from .page_html import PAGE_CSS, STANDALONE_NOTE, page_note, render_page
from ..core.field_checks import FieldError, echo, json_safe

STATIC = pathlib.Path(__file__).parent.parent / "static"
SHELL_BYTES = 3_000  # the page's HTML around the inlined parts


def check_target(path: Any) -> Any:
    """A file name (str / PathLike, non-empty) or an open text file."""
    if isinstance(path, (str, os.PathLike)):
        if not os.fspath(path):
            raise FieldError("path", "must be a non-empty file name")
        return path
    if isinstance(path, io.TextIOBase) or hasattr(path, "write"):
        return path
    raise FieldError("path", f"must be a file name or an open text file; got {echo(path)}")


@dataclass(frozen=True)
class SavedPage:
    """What `save_html` wrote (its repr is the notebook's confirmation)."""

    path: str
    bytes: int
    steps_kept: int
    steps_recorded: int
    left_out: tuple[str, ...]
    note: str

    @property
    def kept_text(self) -> str:
        if self.steps_kept >= self.steps_recorded:
            return f"all {self.steps_recorded:,} recorded steps kept"
        return f"{self.steps_kept:,} of {self.steps_recorded:,} recorded steps kept"

    def __repr__(self) -> str:
        left = f"; left out: {', '.join(self.left_out)}" if self.left_out else ""
        return f"saved {self.path}: {self.bytes / 1e6:.2f} MB, {self.kept_text}{left}"


def _runtime() -> str:
    path = STATIC / "page.js"
    if not path.is_file():
        raise RuntimeError("babygpt-widget: the saved-page runtime (static/page.js) is missing; "
                           "run `npm run build` or reinstall the package")
    return path.read_text(encoding="utf-8")


def _text(value: Any) -> str:
    """anywidget's _esm / _css: the file's text (a str trait, or a path in a development setup)."""
    if isinstance(value, os.PathLike):
        return pathlib.Path(value).read_text(encoding="utf-8")
    return value if isinstance(value, str) else ""


def save_widget_html(widget: Any, path: Any, title: Any, extra: dict[str, Any] | None = None,
                     budget: int = PAGE_BUDGET_BYTES, intro: str | None = None) -> SavedPage:
    """Write the page of `widget` (the caller holds its lock). `extra`: traits only the page gets
    (the inside panel's replay). `intro`: a standalone page's line under its heading (publish.py)."""
    path = check_target(path)
    if not isinstance(title, str):
        raise FieldError("title", f"must be a string; got {echo(title)}")
    runtime = _runtime()
    state = {**json_safe(widget.get_state()), **(extra or {})}
    widget_js, widget_css = _text(getattr(widget, "_esm", "")), _text(getattr(widget, "_css", ""))
    from ..core.version import __version__

    outside = len(to_json(widget_js).encode()) + len(widget_css.encode()) + len(runtime.encode()) \
        + len(PAGE_CSS) + len(title.encode()) + SHELL_BYTES \
        + (len(title.encode()) + len(intro.encode()) if intro else 0)
    engine = page_engine(widget.engine) if getattr(widget, "engine", None) is not None else None
    page = build_page_data(state, f"babygpt-widget {__version__} save_html", budget=budget, fixed_extra=outside,
                           engine=engine)
    text = render_page(title, page, widget_js, widget_css, runtime, intro=intro)
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else getattr(path, "name", "the file")
    try:
        if isinstance(path, (str, os.PathLike)):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            path.write(text)
    except OSError as e:
        raise FieldError("path", f"cannot write {echo(name)} ({e.strerror or type(e).__name__})") from None
    info = page.data["page"]
    return SavedPage(str(name), len(text.encode("utf-8")), info["kept"], info["recorded"], tuple(info["left_out"]),
                     page_note(page, **(STANDALONE_NOTE if intro else {})))
