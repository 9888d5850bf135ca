"""write_page: a standalone page of a babyGPT run, TensorFlow-Playground-style (issue 21 §2).

One self-contained HTML file with no network request at all — the save_html machinery
(render/html_export.py) with a heading and one line saying what the page is. The widget trains
in the page (js/engine in a Web Worker) from the run's state at its last step, so a lecturer can
put the file on any static host (or mail it) and every reader trains their own copy.
`python -m babygpt_widget page out.html` is the command-line form (babygpt_widget/__main__.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from ..core.field_checks import FieldError, echo
from ..engine import BabyGPT
from ..render.html_export import SavedPage, check_target, save_widget_html
from ..render.page_engine import not_exact_reason

DEFAULT_TITLE = "babyGPT: a tiny GPT as a Markov chain"


def _check_folder(path: Any) -> None:
    """Refuse a path that cannot be written before any training starts."""
    if not isinstance(path, (str, os.PathLike)):
        return  # an open file: writing tells
    p = Path(path)
    if p.is_dir():
        raise FieldError("path", f"{echo(os.fspath(path))} is a folder; give a file name such as page.html")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise FieldError("path", f"cannot write {echo(os.fspath(path))}: the folder {echo(str(folder))} does not exist")


def intro_line(run: BabyGPT) -> str:
    """The page's one line under its heading: what the reader looks at and what they can do."""
    cfg = run.config
    c = cfg.context_length
    what = (f"A {run.num_parameters:,}-parameter GPT trained on {cfg.sequence}, shown as the Markov chain it "
            f"defines over its {c}-token contexts.")
    why = not_exact_reason(cfg)
    if why is None:
        return what + " It trains here in your browser: press Step, Train or Play."
    return what + (f" Too large to train in the page ({why}): scrub its history and sample; "
                   "training it needs Python (pip install babygpt-widget).")


def write_page(path: Any, run_string: str | None = None, title: str | None = None,
               progress: bool | Callable[[int, int], Any] = False) -> SavedPage:
    """Write a standalone page (one self-contained HTML file, no network needed) that shows a run
    and trains it in the reader's browser. ``run_string``: open at that run (rebuilt here with
    ``BabyGPT.from_run_string``, history included); None: the seed's experiment at step 0.
    ``title``: the page's heading (default "babyGPT: a tiny GPT as a Markov chain").
    ``progress`` as in ``from_run_string``. Returns what was written (size, steps kept).
    Bad values raise ValueError naming the field (path, run_string, title) before any training."""
    path = check_target(path)
    _check_folder(path)
    if title is None:
        title = DEFAULT_TITLE
    if not isinstance(title, str) or not title.strip():
        raise FieldError("title", f"must be a non-empty string; got {echo(title)}")
    if run_string is not None and not isinstance(run_string, str):
        raise FieldError("run_string", f"must be a string or None; got {echo(run_string)}")
    run = BabyGPT() if run_string is None else BabyGPT.from_run_string(run_string.strip(), progress=progress)
    from .widget import BabyGPTWidget

    widget = BabyGPTWidget(**run.config.to_dict())
    try:
        with widget._owner():
            widget.engine = run
            widget._push(history=True)
            return save_widget_html(widget, path, title, extra={"inside_replay": widget._inside_replay()},
                                    intro=intro_line(run))
    finally:
        widget.close()
