"""Argument checks shared by the engine's public methods: one error contract.

Every bad argument raises ``ValueError`` whose message starts with the field name, states the
allowed values and echoes at most ECHO_CHARS characters of what was given — whatever its type
or size (a 10 MB string, ``10**5000``, an object whose ``repr`` raises).
"""

from __future__ import annotations

import io
import numbers
import os
from typing import Any

import numpy as np

ECHO_CHARS = 120  # of the input echoed in a message; messages stay well under 300 characters
MAX_PATH_CHARS = 4096


def echo(value: Any) -> str:
    """A short, always-formattable description of `value` for an error message."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        try:
            digits = int(value).bit_length()
        except Exception:
            digits = 0
        if digits > 300:  # repr would be huge or raise (Python's int-to-str digit limit)
            return f"an integer of {digits:,} bits"
    if isinstance(value, (str, bytes)) and len(value) > ECHO_CHARS:
        return f"{value[:ECHO_CHARS - 20]!r}… ({len(value):,} characters)"
    try:
        text = repr(value)
    except Exception:
        return f"a {type(value).__name__}"
    if len(text) > ECHO_CHARS:
        text = f"{text[:ECHO_CHARS - 1]}… (a {type(value).__name__})"
    return text


def check_count(field: str, value: Any, low: int, high: int) -> int:
    """An integer (Python or numpy, not bool) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ValueError(f"{field}: must be an integer from {low:,} to {high:,}; got {echo(value)}")
    return int(value)


def check_number(field: str, value: Any, low: float, high: float) -> float:
    """A finite real number (int, float, numpy scalar; not bool) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{field}: must be a finite number from {low:g} to {high:g}; got {echo(value)}")
    try:
        inside = low <= value <= high  # before float(): a huge int would overflow it
    except Exception:
        inside = False
    if not inside:
        raise ValueError(f"{field}: must be a finite number from {low:g} to {high:g}; got {echo(value)}")
    return float(value)


def check_flag(field: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{field}: must be True or False; got {echo(value)}")
    return bool(value)


def check_path(value: Any, mode: str) -> str | io.IOBase:
    """A file path (str or os.PathLike, non-empty) or an open binary file object: for mode "r"
    one that can read and seek (e.g. io.BytesIO), for mode "w" one that can write."""
    needs = ("read", "seek") if mode == "r" else ("write",)
    if not isinstance(value, (str, bytes, os.PathLike)):
        if all(callable(getattr(value, name, None)) for name in needs) and not isinstance(value, io.TextIOBase):
            return value
        raise ValueError(f"path: must be a file path (str or pathlib.Path) or a binary file object; got {echo(value)}")
    try:
        text = os.fspath(value)
        if isinstance(text, bytes):
            text = os.fsdecode(text)
    except Exception:
        raise ValueError(f"path: must be a file path (str or pathlib.Path); got {echo(value)}") from None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PATH_CHARS or "\0" in text:
        raise ValueError(f"path: must be a non-empty file path of at most {MAX_PATH_CHARS} characters; "
                         f"got {echo(value)}")
    return text
