"""A clock the test drives, for the widget's pacing and throttling code (widget/play_loop.py, widget/widget.py).

Installed, the widget's `time.perf_counter` reads this clock, every optimizer step advances it by
`step_seconds`, and the background task's naps (`asyncio.sleep` in widget/play_loop.py) advance it by
their length and return at once. Slice sizes, updates per second and Play's pace then follow from
counted steps instead of the machine's speed: the same numbers on an idle or a loaded machine.
"""

from __future__ import annotations

import asyncio
import time
import types

from babygpt_widget import engine
from babygpt_widget.widget import play_loop as background
from babygpt_widget.widget import widget

_real_sleep = asyncio.sleep


class VirtualClock:
    def __init__(self, step_seconds: float = 0.001) -> None:
        self.now = 0.0
        self.step_seconds = step_seconds
        self.naps: list[tuple[float, float]] = []  # (when, seconds) of every nap the widget asked for
        self.slices: list[tuple[float, int]] = []  # (when, steps) of every engine.train call

    def perf_counter(self) -> float:
        return self.now

    async def sleep(self, seconds: float, result=None):
        self.naps.append((self.now, seconds))
        self.now += max(0.0, seconds)
        return await _real_sleep(0, result)  # still a real yield to the event loop

    def install(self, monkeypatch) -> "VirtualClock":
        clock = types.SimpleNamespace(**{k: getattr(time, k) for k in dir(time) if not k.startswith("__")})
        clock.perf_counter = self.perf_counter
        monkeypatch.setattr(widget, "time", clock)
        monkeypatch.setattr(background, "time", clock)
        loop_api = types.SimpleNamespace(**{k: getattr(asyncio, k) for k in dir(asyncio) if not k.startswith("__")})
        loop_api.sleep = self.sleep
        monkeypatch.setattr(background, "asyncio", loop_api)
        real_train = engine.BabyGPT.train
        me = self

        def train(run, n=1, *args, **kwargs):
            before = run.global_step
            me.slices.append((me.now, n))
            try:
                return real_train(run, n, *args, **kwargs)
            finally:
                me.now += (run.global_step - before) * me.step_seconds

        monkeypatch.setattr(engine.BabyGPT, "train", train)
        return self


async def loop_turns_until(predicate, turns: int = 1_000_000) -> None:
    """Yield to the event loop until `predicate()` holds: bounded by loop turns, not seconds (a
    slice of training runs whole within one turn, so a loaded machine needs no more turns)."""
    for _ in range(turns):
        if predicate():
            return
        await _real_sleep(0)
    raise AssertionError(f"not reached within {turns} loop turns")
