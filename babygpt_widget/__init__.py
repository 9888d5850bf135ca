"""babygpt-widget: a tiny GPT as a live Markov chain you can watch learn."""

import os
import shutil
from pathlib import Path

from .core.config import ConfigError, RunConfig
from .engine import BabyGPT
from .analysis.table import Table
from .core.trainer import TrainingDiverged
from .core.version import __version__

__all__ = ["BabyGPT", "BabyGPTWidget", "ConfigError", "RunConfig", "Table", "TrainingDiverged", "examples",
           "write_page"]
EXAMPLES = ("babygpt.ipynb", "babygpt_marimo.py", "babygpt_marimo.css")


def examples(dest: str | os.PathLike = ".") -> list[Path]:
    """Copy the lecture notebooks (Jupyter ``babygpt.ipynb``; marimo ``babygpt_marimo.py`` with its
    ``babygpt_marimo.css``) into ``dest``; returns their paths. Files already there are left alone."""
    src = Path(__file__).parent / "examples"  # in the wheel: package data
    if not src.is_dir():
        src = Path(__file__).parent.parent / "examples"  # a source checkout (editable install)
    out = Path(dest)
    if out.exists() and not out.is_dir():
        raise ValueError(f"dest: {os.fspath(dest)!r} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in EXAMPLES:
        target = out / name
        if not target.exists():
            shutil.copyfile(src / name, target)
        copied.append(target)
    return copied


def __getattr__(name: str):  # the widget pulls in anywidget; the engine alone does not need it
    if name == "BabyGPTWidget":
        from .widget.widget import BabyGPTWidget

        return BabyGPTWidget
    if name == "write_page":
        from .widget.publish import write_page

        return write_page
    raise AttributeError(name)
