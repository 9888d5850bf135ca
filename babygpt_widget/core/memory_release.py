"""Give memory the kernel freed back to the system (glibc's malloc_trim), now and then.

With a front end attached, work also runs off the main thread: commands on the comm's subshell
thread (Step, a short Train ×N, explain), seed ensembles and long hitting curves in worker
threads. glibc gives each thread an arena of its own and keeps what is freed there, so kernel
RSS rose in steps after such work although no Python object was left behind (bench/soak.py's
hostile front end: 357 → 434 MB in 4 minutes; 372 MB with a trim after the work). The widget
calls `release_free_memory()` after a command and when background work ends: a trim costs
1–25 ms with the GIL released, and runs at most every TRIM_SECONDS unless forced.
No-op where there is no glibc (macOS, Windows, musl).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
import time
from typing import Callable

TRIM_SECONDS = 10.0


def _find_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # no libc found, or one without malloc_trim (musl)
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_trim = _find_trim()
_last = -float("inf")
_lock = threading.Lock()


def release_free_memory(force: bool = False) -> bool:
    """Trim glibc's free memory (at most every TRIM_SECONDS unless `force`); True if it ran."""
    global _last
    if _trim is None:
        return False
    now = time.monotonic()
    with _lock:
        if not force and now - _last < TRIM_SECONDS:
            return False
        _last = now
    _trim(0)
    return True


__all__ = ["TRIM_SECONDS", "release_free_memory"]
