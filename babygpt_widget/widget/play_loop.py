"""One owner of the run: the widget's lock, the kernel's main event loop, background training.

With ipykernel 7 and JupyterLab's default `commsOverSubshells`, comm messages are handled on a
subshell thread (with its own event loop) while cells run on the main thread. So:
- every engine operation of the widget holds `self._lock` (an RLock, taken before the engine's);
- long work (Play, big Train ×N, loaded runs) always runs as one task on the *main* loop, in
  slices that release the lock, so Stop and other commands get through between slices;
- Stop needs no lock to take effect: it bumps a counter the loop checks before every slice and
  the engine before every step of a slice, so training ends within one step of its arrival;
- Play never runs ahead of what the page shows (flow control): a front end acknowledges each
  step it receives (the `seen` command), and the next slice waits until the push before the
  last one has arrived. A browser behind on its messages (a busy machine) slows training down
  instead of queueing seconds of updates that kept the readout moving after Stop. A front end
  that stops acknowledging (closed, an old bundle) turns flow control off after ACK_WAIT.

"The main loop" is the loop cells run on. Under ipykernel that is the kernel's loop on the main
thread. marimo runs cells on an asyncio loop too, and hands widget messages to the same thread:
the process's main thread under `marimo edit`, but one thread per session under `marimo run`
(its app view), so there it is the loop of the thread that built the widget.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ..core.config import MAX_STEPS
from ..core.memory_release import release_free_memory

CHUNK_SECONDS = 1 / 30  # a slice of training: <= ~30 front-end updates/s, Stop acts within one slice
SHORT_SECONDS = CHUNK_SECONDS * 2  # requests shorter than this run at once, longer ones in the background
ACK_WAIT = 1.0  # s a slice waits for the page to acknowledge; after that flow control is off until the next ack
ACK_DEPTH = 2  # pushes that may be on their way to the page at once (one drawn while the next trains)
LIVE_PUSH_SPEED = 30.0  # at or below this Play speed (steps/s) every step is pushed, and the history
# as often as its size allows (widget.HISTORY_BYTES_PER_SECOND: every step while it is small)


def running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The IPython kernel's main (cell) loop, when this process is a running kernel."""
    try:
        from ipykernel.kernelbase import Kernel

        if Kernel.initialized():
            io_loop = Kernel.instance().io_loop
            return getattr(io_loop, "asyncio_loop", None)
    except Exception:  # noqa: BLE001 - not a kernel, or an ipykernel without these attributes
        return None
    return None


class TrainingRunner:
    """Mixin for the widget: serialized engine access and the background training task.

    The widget provides `engine`, `_step_timing`, traits `playing training progress play_speed`,
    `_push`, `_guarded`, `_report_train_error` and `_forget_undo`.
    """

    def _init_owner(self) -> None:
        self._lock = threading.RLock()
        self._waiting = 0  # threads waiting for the lock: Play then yields a moment between slices
        self._waiting_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._want_play = False
        self._pending_steps = 0  # accepted Train ×N steps not yet run by the background task
        self._plan: list[tuple[int, dict[str, Any]]] = []  # a loaded run's settings changes: (step, settings)
        self._progress_done = 0
        self._progress_total = 0
        self._stop_serial = 0  # bumped by stop() from any thread, without the lock
        self._seen_stop = 0
        self._pushed: deque[int] = deque(maxlen=ACK_DEPTH)  # steps of the newest background pushes
        self._acked = -1  # the step the page last said it received (`seen`, any thread, no lock)
        self._acks = False  # a page acknowledges: flow control on
        # the thread whose loop runs cells: this one when it runs a loop and is not an ipykernel
        # subshell (ipykernel's cells always run on the main thread)
        self._cell_thread = threading.current_thread() if kernel_loop() is None else threading.main_thread()
        self._main_loop()

    @contextmanager
    def _owner(self) -> Iterator[None]:
        with self._waiting_lock:
            self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._waiting_lock:
                self._waiting -= 1
        try:
            yield
        finally:
            self._lock.release()

    def _others_waiting(self) -> bool:
        return self._waiting > 0

    # -- slices sized from the measured speed; Stop ----------------------------------------------
    def _stop_now(self) -> None:
        """Under the lock: stop Play and queued steps (the background task ends before its next slice)."""
        self._stop_serial += 1
        self._absorb_stop()

    def _seconds_per_step(self) -> float | None:
        """Measured on the current model and settings only: after switching to a heavier model
        or a longer sequence the first slice is one step, timed, instead of a slice sized from the
        old speed."""
        timing = self._step_timing
        if timing is None or timing[0] is not self.engine.model or timing[1] != self.engine.config:
            return None  # a new model or new data (a longer sequence is slower): time it again
        return timing[2]

    def _steps_per_chunk(self) -> int:
        seconds = self._seconds_per_step()
        return 1 if seconds is None else max(1, int(CHUNK_SECONDS / max(seconds, 1e-6)))

    def _chunks(self, n: int):
        while n > 0:
            k = min(n, self._steps_per_chunk())
            yield k
            n -= k

    # -- which loop runs background work ---------------------------------------------------------
    def _main_loop(self) -> asyncio.AbstractEventLoop | None:
        """The cell thread's running loop (remembered), else the kernel's; None in plain Python."""
        loop = running_loop()
        if loop is not None and threading.current_thread() in (threading.main_thread(), self._cell_thread):
            self._loop = loop
            return loop
        if self._loop is not None and not self._loop.is_closed() and self._loop.is_running():
            return self._loop
        return kernel_loop()

    def _run_on_main_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        if running_loop() is loop:
            self._ensure_task()
        else:
            loop.call_soon_threadsafe(self._ensure_task)

    def _ensure_task(self) -> None:
        """On the main loop: start the background task unless one is alive (all under the lock,
        so a task deciding to end and a new request cannot miss each other)."""
        with self._owner():
            if self._task is not None and not self._task.done():
                return
            if not (self._want_play or self._pending_steps > 0):
                return
            self._task = asyncio.get_running_loop().create_task(self._background_loop())

    # -- requests ---------------------------------------------------------------------------------
    def _start_play(self) -> None:
        loop = self._main_loop()
        if loop is None:
            raise RuntimeError("play: needs a running event loop (a Jupyter kernel); use train(n) instead")
        with self._owner():
            self._absorb_stop()
            self._want_play = True
            self.playing = True
            self.training = True
        self._run_on_main_loop(loop)

    def _queue_steps(self, n: int, loop: asyncio.AbstractEventLoop) -> None:
        with self._owner():
            self._absorb_stop()
            if self._pending_steps == 0:
                self._progress_done = self._progress_total = 0
            self._pending_steps += n
            self._progress_total += n
            self.progress = {"done": self._progress_done, "total": self._progress_total}
            self.training = True
        self._run_on_main_loop(loop)

    def _seen(self, step: object) -> None:
        """The page received `step` (the `seen` command): no lock, it only lets Play go on."""
        if isinstance(step, int) and not isinstance(step, bool):
            self._acked = step
            self._acks = True

    def _stopping(self) -> bool:
        return self._stop_serial != self._seen_stop

    def _request_stop(self) -> None:
        self._stop_serial += 1  # seen by the background task before its next slice, lock or not
        with self._owner():
            self._absorb_stop()

    def _absorb_stop(self) -> None:
        """Under the lock: apply any Stop not yet applied (drop Play and queued steps)."""
        if self._stop_serial == self._seen_stop:
            return
        self._seen_stop = self._stop_serial
        self._want_play = False
        self._pending_steps = 0
        self._pushed.clear()
        self._plan = []
        self._progress_done = self._progress_total = 0
        with self.hold_sync():
            self.playing = False
            self.training = False
            self.progress = {}

    def _busy(self) -> bool:
        return self._want_play or self._pending_steps > 0

    # -- the background task ----------------------------------------------------------------------
    async def _background_loop(self) -> None:
        me = asyncio.current_task()
        self._pushed.clear()
        try:
            while True:
                await self._wait_for_page()
                with self._owner():
                    if self._stop_serial != self._seen_stop or not self._busy():
                        self._absorb_stop()
                        self._finish_background(me)
                        return
                    started = time.perf_counter()
                    pace = self._background_slice()
                    if pace is None:  # the slice failed (divergence): everything stopped
                        self._finish_background(me)
                        return
                # outside the lock: let Stop, commands and other threads in
                release_free_memory()  # what other threads' work freed meanwhile (at most every 10 s)
                wait = pace - (time.perf_counter() - started)
                await self._sleep_unless_stopped(wait)
        finally:
            if self._task is me:  # cancelled or crashed: leave a consistent, idle widget
                with self._owner():
                    self._finish_background(me)

    def _background_slice(self) -> float | None:
        """Under the lock: one slice; returns how long the slice should take (pacing), None on failure."""
        speed = self.play_speed
        if self._pending_steps > 0:  # queued Train ×N runs at full speed, before Play's own steps
            n = min(self._pending_steps, self._steps_per_chunk())
            pace = 0.0
        elif speed > 0:
            n = max(1, min(self._steps_per_chunk(), int(speed * CHUNK_SECONDS)))
            pace = n / speed
        else:
            n, pace = self._steps_per_chunk(), 0.0
        try:
            self._forget_undo()
            done = len(self._guarded(lambda: self._train_engine(n, stop=self._stopping)))
        except Exception as e:  # noqa: BLE001 - _guarded reported it in errors["train"]
            if not isinstance(e, ValueError):
                self._report_train_error(e)
            return None
        if done < n:
            pace = pace * done / n  # cut short by Stop
        queued = min(done, self._pending_steps)
        self._pending_steps -= queued
        with self.hold_sync():
            self._clear_error("train")
            if queued:
                self._progress_done += queued
                self.progress = ({"done": self._progress_done, "total": self._progress_total}
                                 if self._pending_steps else {})
                self.training = self._busy()
            slow = 0 < speed <= LIVE_PUSH_SPEED and not queued
            self._push(every_step=slow)
        self._pushed.append(self.engine.global_step)
        return pace

    async def _wait_for_page(self) -> None:
        """Flow control: before a slice, the push before the last must have reached the page
        (at most ACK_WAIT; a page that does not answer in time turns flow control off)."""
        if not self._acks or len(self._pushed) < ACK_DEPTH:
            return
        if self._pushed[-1] < self._pushed[0]:  # the run went back (reset, new settings): start over
            self._pushed.clear()
            return
        need, serial = self._pushed[0], self._stop_serial
        deadline = time.perf_counter() + ACK_WAIT
        while self._acks and self._acked < need and self._stop_serial == serial:
            if time.perf_counter() > deadline:
                self._acks = False  # no page is drawing (closed, hidden, an old front end)
                return
            await asyncio.sleep(0.002)
    def _train_engine(self, n: int, stop: Callable[[], bool] | None = None) -> list[float]:
        """Under the lock: n steps of the engine (fewer at the MAX_STEPS bound), applying a loaded
        run's settings changes (`_plan`) at the steps they happened, so its string replays exactly."""
        engine = self.engine
        room = MAX_STEPS - engine.global_step
        if n > 0 and room <= 0:
            raise ValueError(f"train: the run is at step {engine.global_step:,}, the most a run holds; "
                             "reset it (or save it and start another) to train on")
        n = min(n, room)
        losses: list[float] = []
        while True:
            while self._plan and engine.global_step >= self._plan[0][0]:
                step, values = self._plan[0]
                if step == engine.global_step:
                    engine.configure(**values)
                self._plan.pop(0)  # after the change: an interrupted configure is tried again
            if n <= 0:
                return losses
            k = min(n, self._plan[0][0] - engine.global_step) if self._plan else n
            done = engine.train(k, stop=stop)
            losses.extend(done)
            if len(done) < k:
                return losses  # stopped
            n -= k

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        """Yield to the loop; pace slow Play in short naps that notice Stop at once."""
        serial, speed = self._stop_serial, self.play_speed
        deadline = time.perf_counter() + seconds
        await asyncio.sleep(0.001 if self._others_waiting() else 0)
        while (self._stop_serial == serial and self.play_speed == speed and not self._pending_steps
               and (left := deadline - time.perf_counter()) > 0):  # a new speed or a Train ×N wakes it
            await asyncio.sleep(min(left, 0.01))

    def _finish_background(self, me: asyncio.Task | None) -> None:
        if self._task is me:
            self._task = None
        self._want_play = False
        self._pending_steps = 0
        self._plan = []
        self._progress_done = self._progress_total = 0
        with self.hold_sync():  # first, alone: the small message that says training stopped
            self.playing = False
            self.training = False
            self.progress = {}
        self._push(history=True)  # then the whole history (can be megabytes)
        if getattr(self, "_link_step", None) is not None:  # a view link's step (linked_view.py)
            self._show_link_step()
