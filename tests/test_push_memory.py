"""Issue 19 §9: kernel memory with a front end attached.

Slow Play (≤ 30 steps/s) re-sent the whole history with every step: ~7 MB/s for the default run
once its history is full. A front end that reads slower than that (a busy browser) leaves the
messages queued in the kernel's IOPub socket — native memory that grew from 352 to 606 MB in 5
minutes in bench/soak.py's set-up, with no Python object growing. Now the history goes out at most
HISTORY_BYTES_PER_SECOND (every step while it is small), and no push keeps anything per message.
"""

from __future__ import annotations

import asyncio
import json
import time
import tracemalloc

import pytest
from conftest import SMALL

from babygpt_widget import BabyGPTWidget
from babygpt_widget.widget.widget import HISTORY_BYTES_PER_SECOND

HANG_GUARD = 120.0


def record_sends(w: BabyGPTWidget, monkeypatch) -> list[tuple[dict, int]]:
    """What the comm sends: (message, bytes of its binary buffers)."""
    sent: list[tuple[dict, int]] = []
    monkeypatch.setattr(w.comm, "send", lambda data=None, buffers=None, **kw: sent.append(
        (data, sum(len(memoryview(b).cast("B")) for b in buffers or []))))
    return sent


def carries_history(data: dict) -> bool:
    """An update with the history (bytes travel as binary buffers, named in buffer_paths)."""
    return ["history_probs"] in data.get("buffer_paths", []) or "history_probs" in data.get("state", {})


def history_size(w: BabyGPTWidget) -> int:
    return len(w.history_probs) + len(w.history_prefix_probs) + len(w.history_steps) + len(w.history_losses)


@pytest.mark.timeout(300)
def test_slow_play_resends_the_history_at_a_bounded_byte_rate(monkeypatch):
    w = BabyGPTWidget(**SMALL)
    w.train(1500)  # a long history: ~180 kB a copy
    size = history_size(w)
    assert size > 100_000
    w.play_speed = 30
    sent = record_sends(w, monkeypatch)
    start = w.engine.global_step

    async def main() -> float:
        t0 = time.perf_counter()
        w.play()
        deadline = time.monotonic() + HANG_GUARD
        while w.engine.global_step < start + 60:
            assert time.monotonic() < deadline, "Play did not get 60 steps"
            await asyncio.sleep(0.01)
        w.stop()
        elapsed = time.perf_counter() - t0
        while w._task is not None:
            await asyncio.sleep(0.01)
        return elapsed

    elapsed = asyncio.run(main())
    steps = w.engine.global_step - start
    pushed = [n for data, n in sent if carries_history(data)]
    live = [data for data, _ in sent if "global_step" in data.get("state", {})]
    assert len(live) >= steps - 1  # slow motion still shows every step
    # the history itself: at most the byte rate over the run, plus the closing push (and one spare)
    assert sum(pushed) <= HISTORY_BYTES_PER_SECOND * elapsed + 2 * size, (
        f"{len(pushed)} history pushes ({sum(pushed):,} bytes) for {steps} steps in {elapsed:.1f} s")
    assert len(pushed) < steps / 2


@pytest.mark.timeout(300)
def test_slow_play_still_shows_every_step_of_a_small_history(monkeypatch):
    """A short run's history is small: it still follows every step (the slider shows each)."""
    w = BabyGPTWidget(**SMALL)
    w.play_speed = 30
    sent = record_sends(w, monkeypatch)

    async def main() -> None:
        w.play()
        deadline = time.monotonic() + HANG_GUARD
        while w.engine.global_step < 15:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        w.stop()
        while w._task is not None:
            await asyncio.sleep(0.01)

    asyncio.run(main())
    pushes = sum(1 for data, _ in sent if carries_history(data))
    assert pushes >= w.engine.global_step - 1


def test_pushes_and_commands_keep_nothing_per_message(monkeypatch):
    """A thousand rounds of pushes and front-end messages (view writes, explain, hitting, hello) through a
    comm that serializes and drops them: Python memory does not grow with their number."""
    w = BabyGPTWidget(**SMALL)
    w.train(300)
    w.naughty = ["000"]
    monkeypatch.setattr(w.comm, "send", lambda data=None, buffers=None, **kw: json.dumps(data, default=str))
    w.send = lambda content, buffers=None: json.dumps(content)

    def round_(i: int) -> None:
        w._push(history=True)
        w.set_state({"temperature": (i % 20) / 10, "shown_index": i % 50})
        w._on_message(w, {"cmd": "explain", "state": ["000", "01", "1"][i % 3], "step": [None, 288, 300][i % 3]}, [])
        w._on_message(w, {"cmd": "hitting", "k": 5 + i % 7}, [])
        w._on_message(w, {"cmd": "hello"}, [])
        w.set_state({"shown_index": -1})

    for i in range(100):  # warm up: caches, the snapshot store's rebuilt model, interned strings
        round_(i)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i in range(1000):
            round_(i)
        growth = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert growth < 500_000, f"{growth:,} bytes kept after 1,000 rounds of pushes and commands"


def test_freed_memory_is_given_back_after_commands_and_background_work(monkeypatch):
    """Work off the main thread leaves freed memory in that thread's glibc arena: the widget
    trims after a command (at most every TRIM_SECONDS) and whenever background work ends."""
    from babygpt_widget.core import memory_release
    from babygpt_widget.widget import compare as widget_compare

    trims: list[int] = []
    monkeypatch.setattr(memory_release, "_trim", lambda pad: trims.append(pad) or 1)
    monkeypatch.setattr(memory_release, "_last", -float("inf"))
    w = BabyGPTWidget(**SMALL)
    w.send = lambda content, buffers=None: None
    w._on_message(w, {"cmd": "step"}, [])
    assert trims == [0]
    w._on_message(w, {"cmd": "hello"}, [])
    assert trims == [0]  # rate-limited: not after every message
    monkeypatch.setattr(memory_release, "_last", -float("inf"))
    w._on_message(w, {"cmd": "hello"}, [])
    assert trims == [0, 0]
    # a background job (here a seed ensemble in a worker thread) trims when it ends, whatever the rate
    monkeypatch.setattr(widget_compare, "SHORT_REQUEST_SECONDS", 0.0)

    async def main() -> None:
        w._on_message(w, {"cmd": "compare_seeds", "k": 2}, [])
        deadline = time.monotonic() + HANG_GUARD
        while w.training:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)

    before = len(trims)
    asyncio.run(main())
    assert len(trims) > before and w.ensemble != {}


def test_the_trim_runs_here():
    """On this Linux/glibc machine the trim is really there (elsewhere it is a no-op)."""
    import sys

    from babygpt_widget.core.memory_release import _trim, release_free_memory

    if sys.platform.startswith("linux"):
        assert _trim is not None and release_free_memory(force=True) is True
    else:
        assert release_free_memory(force=True) is False
