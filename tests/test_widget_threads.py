"""One owner of the run: commands from other threads (ipykernel 7 runs comm messages on a subshell
thread with its own event loop), cells and Play's task never train the run at the same time."""

from __future__ import annotations

import asyncio
import random
import threading
import time

import numpy as np
import pytest
from conftest import SMALL
from test_widget import assert_traits_mirror_engine, i32, optimizer_steps

from babygpt_widget import BabyGPTWidget


def collect_replies(w: BabyGPTWidget) -> list:
    replies: list = []
    w.send = lambda content, buffers=None: replies.append(content)  # list.append is thread-safe
    return replies


def in_subshell(work, errors: list) -> threading.Thread:
    """Run `work` on a thread with its own running event loop, as ipykernel's subshells do."""

    async def main() -> None:
        work()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


async def wait_idle(w: BabyGPTWidget, timeout: float = 180.0) -> None:
    deadline = time.perf_counter() + timeout
    while w._task is not None or w._pending_steps or w._want_play:
        assert time.perf_counter() < deadline, "background training did not finish"
        await asyncio.sleep(0.01)


async def join(threads: list[threading.Thread], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while any(t.is_alive() for t in threads):  # keep the main loop running: Play/Train ×N live there
        assert time.perf_counter() < deadline, "a hammer thread hung"
        await asyncio.sleep(0.01)


def assert_consistent(w: BabyGPTWidget) -> None:
    e = w.engine
    assert optimizer_steps(w) <= {e.global_step}, f"optimizer counters {optimizer_steps(w)} at step {e.global_step}"
    steps = e.history.steps
    assert steps[-1] == e.global_step and np.all(np.diff(steps) > 0)
    assert_traits_mirror_engine(w)
    assert w.playing is False and w.training is False and w.progress == {}


@pytest.mark.timeout(300)
def test_every_accepted_step_from_many_threads_counts_once():
    """4 subshell-like threads send Step / Train ×N (short and long) while the main thread trains
    too: the final step count is exactly the sum of what was accepted."""
    errors: list = []

    async def main() -> tuple[BabyGPTWidget, int, list]:
        w = BabyGPTWidget(**SMALL)
        replies = collect_replies(w)
        w.train(20)  # a measured step time: long Train ×N goes to the background
        accepted: list[int] = []

        def hammer(seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(30):
                n = rng.choice([1, 1, 3, 7, 150])
                content = {"cmd": "step"} if n == 1 else {"cmd": "train", "n": n}
                before = len(replies)
                w._on_message(w, content, [])
                assert len(replies) > before
                accepted.append(n)

        threads = [in_subshell(lambda s=s: hammer(s), errors) for s in range(4)]
        for _ in range(20):
            w.train(5)
            accepted.append(5)
            await asyncio.sleep(0.005)
        await join(threads)
        await wait_idle(w)
        return w, sum(accepted), replies

    w, total, replies = asyncio.run(main())
    assert errors == []
    assert all(r["ok"] for r in replies), [r for r in replies if not r["ok"]][:3]
    assert w.engine.global_step == 20 + total
    assert_consistent(w)
    stride = w.engine.history.stride  # none lost or duplicated (thinned evenly past the cap)
    assert i32(w.history_steps).tolist()[:-1] == list(range(0, w.global_step + 1, stride))[: len(w.history_steps) // 4 - 1]


@pytest.mark.timeout(300)
def test_random_commands_from_threads_while_playing():
    """Play, Stop, Reset, Undo, Configure, Step, Train and view-trait writes from 3 threads plus
    training calls from the main thread: no crash, every command answered, counters equal."""
    errors: list = []

    async def main() -> BabyGPTWidget:
        w = BabyGPTWidget(**SMALL)
        replies = collect_replies(w)
        sent = [0]

        def hammer(seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(60):
                choice = rng.random()
                if choice < 0.15:
                    w.set_state({rng.choice(["train_n", "sample_n", "reach_k"]): rng.choice([0, 5, 10**12]),
                                 "shown_index": rng.choice([-1, 0, 3])})
                    continue
                content = rng.choice([
                    {"cmd": "step"}, {"cmd": "train", "n": rng.choice([2, 30, 800])}, {"cmd": "play"},
                    {"cmd": "pause"}, {"cmd": "stop"}, {"cmd": "reset"}, {"cmd": "undo_reset"}, {"cmd": "hello"},
                    {"cmd": "configure", "values": {"lr": rng.choice([1e-3, 2e-3])}},
                    {"cmd": "configure", "values": {"n_embd": rng.choice([4, 8])}},
                ])
                w._on_message(w, content, [])
                sent[0] += 1
                time.sleep(rng.random() * 0.01)

        threads = [in_subshell(lambda s=s: hammer(s), errors) for s in range(3)]
        w.play()
        for i in range(30):
            w.train(7)
            if i % 10 == 0:
                w.play()
            await asyncio.sleep(0.01)
        await join(threads)
        w.stop()
        await wait_idle(w)
        assert len(replies) >= sent[0]  # every command answered (set_state refusals answer too)
        return w

    w = asyncio.run(main())
    assert errors == []
    assert_consistent(w)
    assert set(w.errors) <= {"train_n", "sample_n", "reach_k", "shown_index"}


@pytest.mark.timeout(300)
def test_play_plus_training_from_another_thread_keeps_counters_equal():
    """The issue's case: Play running while a cell (here: another thread) runs w.train(300)."""
    errors: list = []

    async def main() -> tuple[BabyGPTWidget, list]:
        w = BabyGPTWidget(**SMALL)
        collect_replies(w)
        w.play()
        await asyncio.sleep(0.05)
        losses: list = []
        threads = [in_subshell(lambda: losses.append(w.train(300)), errors) for _ in range(2)]
        await join(threads)
        w.stop()
        await wait_idle(w)
        return w, losses

    w, losses = asyncio.run(main())
    assert errors == [] and [len(x) for x in losses] == [300, 300]
    assert w.engine.global_step >= 600
    assert_consistent(w)


@pytest.mark.timeout(120)
def test_long_commands_from_a_subshell_thread_run_on_the_main_loop():
    """A subshell thread has its own running loop: Play and a long Train ×N must still run as one
    task on the kernel's main loop, not on the subshell's (nor synchronously in the handler)."""
    errors: list = []

    async def main() -> None:
        main_loop = asyncio.get_running_loop()
        w = BabyGPTWidget(**SMALL)
        replies = collect_replies(w)
        w.train(10)
        seen: dict = {}

        def handler() -> None:
            w._on_message(w, {"cmd": "train", "n": 50_000}, [])
            seen["step_at_reply"] = w.engine.global_step
            seen["reply"] = replies[-1]

        await join([in_subshell(handler, errors)])
        assert seen["reply"] == {"reply": "train", "ok": True}
        assert seen["step_at_reply"] < 10 + 50_000, "the handler trained 50,000 steps itself"
        await asyncio.sleep(0.05)
        assert w._task is not None and w._task.get_loop() is main_loop
        assert w.training is True and w.progress["total"] == 50_000

        await join([in_subshell(lambda: w._on_message(w, {"cmd": "stop"}, []), errors)])
        await wait_idle(w)
        stopped = w.engine.global_step
        await join([in_subshell(lambda: w._on_message(w, {"cmd": "play"}, []), errors)])
        await asyncio.sleep(0.1)
        assert w._task is not None and w._task.get_loop() is main_loop and w.playing is True
        assert w.engine.global_step > stopped
        w.stop()
        await wait_idle(w)
        assert_consistent(w)

    asyncio.run(main())
    assert errors == []
