"""save_html: a standalone page of ONE widget (and the widgets it refers to), nothing else."""

from __future__ import annotations

import html
import io
import os
from typing import Any

from .widget_checks import FieldError, echo, json_safe


def check_target(path: Any) -> Any:
    """A file name (str / PathLike, non-empty) or an open text file."""
    if isinstance(path, (str, os.PathLike)):
        if not os.fspath(path):
            raise FieldError("path", "must be a non-empty file name")
        return path
    if isinstance(path, io.TextIOBase) or hasattr(path, "write"):
        return path
    raise FieldError("path", f"must be a file name or an open text file; got {echo(path)}")


def save_widget_html(widget: Any, path: Any, title: Any) -> None:
    from ipywidgets.embed import dependency_state, embed_minimal_html

    path = check_target(path)
    if not isinstance(title, str):
        raise FieldError("title", f"must be a string; got {echo(title)}")
    # Only this widget's state (not every live widget in the kernel), numpy scalars made plain.
    # drop_defaults=False: the bundle (_esm) is a default-valued trait and must be kept.
    state = {model_id: {**entry, "state": json_safe(entry["state"])}
             for model_id, entry in dependency_state(widget, drop_defaults=False).items()}
    try:
        # indent=None: nested lists (the inside panel's replay) would take ~5x the bytes indented
        embed_minimal_html(path, views=[widget], state=state, title=html.escape(title), drop_defaults=False, indent=None)
    except OSError as e:
        name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else path
        raise FieldError("path", f"cannot write {echo(name)} ({e.strerror or type(e).__name__})") from None
