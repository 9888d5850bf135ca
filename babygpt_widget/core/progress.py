"""Progress of a long plain-Python training run: a printed line or a callback, ~once a second."""

from __future__ import annotations

import time
from typing import Any, Callable

from .checks import echo


def progress_reporter(progress: Any, total: int) -> Callable[[int], None] | None:
    """None (no reporting), or a function of steps done that prints or calls back ~once a second."""
    if progress is False or progress is None:
        return None
    if progress is True:
        def show(done: int, total: int) -> None:
            print(f"\rtrained {done:,} / {total:,} steps", end="\n" if done == total else "", flush=True)
        callback: Callable[[int, int], Any] = show
    elif callable(progress):
        callback = progress
    else:
        raise ValueError(f"progress: must be True, False or a function of (done, total); got {echo(progress)}")
    last = [time.monotonic()]

    def report(done: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] >= 1.0:
            last[0] = now
            callback(done, total)
    return report
