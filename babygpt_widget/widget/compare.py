"""Runs compared, in the widget: the seed ensemble, another run (or step) side by side, and
hitting probability against temperature (the engine does the work: ensemble.py, compare.py).

Traits (Python-owned, JSON lists over the current state order):
  ensemble   {} | {seeds, steps, median, min, max, per_seed, seen}
  comparison {} | {label, step, other_probs, tv, mean_tv, max_tv}
  hitting    {} | {targets, k, start, step, temperatures, probabilities}
A seed ensemble (or a run string to compare with) trains in a worker thread: its torch ops
release the GIL, so the kernel and the run stay usable; an asyncio task on the kernel's main
loop mirrors its progress into `training` / `progress`, and Stop sets its cancel Event.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any, Callable

import numpy as np

from ..analysis.compare import Comparison, HittingCurve
from ..analysis.ensemble import Cancelled, SeedEnsemble, max_seeds
from ..analysis.run_questions import check_comparable, reach_args
from ..core.memory_release import release_free_memory
from ..analysis.request_cost import DEFAULT_TEMPERATURES, SHORT_REQUEST_SECONDS, check_reach, replay_limit
from ..runs.runstring import PREFIX, PREFIXES, read_run_string
from ..core.field_checks import FieldError, check_count, clip, echo, field_message, json_safe

# command -> the key of its inline error in `errors`
ERROR_KEYS = {"compare_seeds": "k", "compare": "other", "hitting": "hitting"}
PROGRESS_POLL = 0.05  # s between progress updates of a background comparison (and Stop's latency bound)
BACKGROUND_SLOTS = ("_compare_cancel", "_hitting_cancel")  # cancel Events of work Stop ends
MAX_REACH_STEPS = 10_000  # the hitting command's k; its cost estimate decides below that


def _f32(a: np.ndarray) -> list:
    """float32 precision is what the front end draws; JSON lists keep the trait readable."""
    return np.asarray(a, dtype=np.float32).tolist()


def ensemble_trait(ens: SeedEnsemble) -> dict:
    return {"seeds": list(ens.seeds), "steps": int(ens.steps), "median": _f32(ens.median), "min": _f32(ens.min),
            "max": _f32(ens.max), "per_seed": _f32(ens.probs), "seen": [bool(s) for s in ens.seen]}


def comparison_trait(c: Comparison, label: str, step: int) -> dict:
    return {"label": label, "step": int(step), "other_probs": _f32(c.other_probs), "tv": [float(t) for t in c.tv],
            "mean_tv": c.mean_tv, "max_tv": c.max_tv}


def hitting_trait(h: HittingCurve) -> dict:
    return {"targets": list(h.targets), "k": int(h.k), "start": h.start, "step": int(h.step),
            "temperatures": [float(t) for t in h.temperatures], "probabilities": [float(p) for p in h.probabilities]}


def other_label(other: Any) -> str:
    if isinstance(other, (int, np.integer)) and not isinstance(other, bool):
        return f"step {int(other)}"
    if isinstance(other, str) and other.startswith(PREFIXES):
        return other
    if isinstance(other, (str, os.PathLike)):
        return f"file {os.fspath(other)}"
    run = getattr(other, "run_string", None)
    return f"another run ({run})" if isinstance(run, str) else "another run"


class CompareMixin:
    """Mixed into BabyGPTWidget (before TrainingRunner). Needs `engine`, `_owner()`, `_main_loop()`,
    the traits, `_clear_error` and TrainingRunner's `_request_stop`."""

    def _init_compare(self) -> None:
        self._compare_cancel: threading.Event | None = None  # the running background comparison's
        self._hitting_cancel: threading.Event | None = None  # the running hitting curve's (worker or a cell)
        self._compare_config: dict | None = None  # the settings the results were computed for
        self._compare_engine: Any = None  # the run `comparison` / `hitting` describe
        self._compare_future: asyncio.Future | None = None  # the worker's (tests wait for it)

    # -- Python twins -----------------------------------------------------------------------------
    def compare_seeds(self, k: int = 8, steps: int | None = None, seeds: Any = None) -> SeedEnsemble:
        """k copies of this run differing only in the seed (see ``BabyGPT.compare_seeds``); the
        widget draws each edge's spread across them. Blocks this cell; the button trains in the
        background."""
        with self._owner():
            engine, settings = self.engine, self.config
        ens = engine.compare_seeds(k, steps=steps, seeds=seeds)
        self._set_result("ensemble", ensemble_trait(ens), engine, settings)
        return ens

    def compare(self, other: Any) -> Comparison:
        """This run against ``other`` (a run string, saved run path, BabyGPT / widget, or an int
        step of this run's history); the widget colours edges by the difference."""
        with self._owner():
            engine, settings = self.engine, self.config
        result = engine.compare(other)
        self._set_result("comparison", comparison_trait(result, other_label(other), engine.global_step), engine, settings)
        return result

    def hitting_curve(self, targets: Any = None, k: int | None = None, start: str | None = None,
                      temperatures: Any = None, step: int | None = None) -> HittingCurve:
        """P(reach a marked state within k steps) against temperature (default 0, 0.1, …, 2),
        defaulting to the widget's marked states, reach k, start state and shown step. Refused
        at once when estimated too long (see BabyGPT.hitting_curve); Stop cancels it."""
        engine, settings, (targets, k, start, step) = self._hitting_args(targets, k, start, step)
        cancel = threading.Event()
        self._hitting_cancel = cancel  # Stop (any thread) sets it; the engine holds its lock for the logits only
        try:
            curve = engine.hitting_curve(targets, k, start, temperatures=temperatures, step=step, cancel=cancel)
        finally:
            if self._hitting_cancel is cancel:
                self._hitting_cancel = None
        self._set_result("hitting", hitting_trait(curve), engine, settings)
        return curve

    def _hitting_args(self, targets: Any, k: Any, start: Any, step: Any) -> tuple[Any, dict, tuple]:
        """(engine, settings, (targets, k, start, step)) with the widget's defaults filled in."""
        with self._owner():
            engine, settings = self.engine, self.config
            targets = list(self.naughty) if targets is None else targets
            if isinstance(targets, (list, tuple)) and not targets:
                raise FieldError("naughty", "mark at least one state (click a node) to plot its hitting probability")
            k = self.reach_k if k is None else k
            start = (self.sample_start or None) if start is None else start
            step = self._shown_step if step is None else step
        return engine, settings, (targets, k, start, step)

    def clear_compare(self, everything: bool = False) -> None:
        """Leave the comparison (the drawing returns to this run); ``everything=True`` also
        forgets the seed ensemble and the hitting curve."""
        with self._owner(), self.hold_sync():
            self.comparison = {}
            if everything:
                self.ensemble, self.hitting = {}, {}

    # -- commands ---------------------------------------------------------------------------------
    def _compare_handlers(self, content: dict) -> dict[str, Callable[[], Any]]:
        return {
            "compare_seeds": lambda: self._reporting("compare_seeds", lambda: self._compare_seeds_command(content.get("k", 8))),
            "compare": lambda: self._reporting("compare", lambda: self._compare_command(content.get("other"))),
            "clear_compare": self.clear_compare,
            "hitting": lambda: self._reporting("hitting", lambda: self._hitting_command(content.get("k"), content.get("start"))),
        }

    def _reporting(self, cmd: str, run: Callable[[], Any]) -> None:
        """Refusals also show inline (errors[key]); a success clears the key."""
        key = ERROR_KEYS[cmd]
        try:
            run()
        except Exception as e:
            field = getattr(e, "field", None) or str(e).split(":")[0]
            with self._owner():
                self.errors = {**self.errors, key: field_message(field if isinstance(field, str) else key, e, None)}
            raise
        with self._owner():
            self._clear_error(key)

    def _compare_seeds_command(self, k: Any) -> None:
        with self._owner():
            engine, settings = self.engine, self.config
        k = check_count("k", k, 1, max_seeds(engine.config))
        if self._compare_cancel is not None:
            raise FieldError("k", "a seed ensemble or comparison is already training; Stop it first")
        steps = engine.global_step
        self._in_background(lambda progress, cancel: engine.compare_seeds(k, progress=progress, cancel=cancel),
                            lambda ens: self._set_result("ensemble", ensemble_trait(ens), engine, settings), steps, "k")

    def _compare_command(self, other: Any) -> None:
        if isinstance(other, str) and other.strip().startswith(PREFIXES):
            if self._compare_cancel is not None:
                raise FieldError("other", "a seed ensemble or comparison is already training; Stop it first")
            with self._owner():
                engine, settings = self.engine, self.config
            try:  # refused at once, before anything trains: the parse knows the other run's states
                plan = read_run_string(other)
                check_comparable(engine.config, plan.final)
            except ValueError as e:
                raise FieldError("other", str(e).removeprefix("run_string: ").removeprefix("other: ")) from None
            steps, text = plan.steps, other.strip()

            def work(progress: Callable[[int, int], Any], cancel: threading.Event) -> Comparison:
                def report(done: int, total: int) -> None:
                    if cancel.is_set():
                        raise Cancelled("compare: cancelled")
                    progress(done, total)
                return engine.compare(text, progress=report)

            self._in_background(work, lambda c: self._set_result(
                "comparison", comparison_trait(c, other_label(text), engine.global_step), engine, settings), steps, "other")
            return
        if isinstance(other, bool) or not isinstance(other, (int, np.integer)):
            raise FieldError("other", f"must be a run string ({PREFIX}…) or a step of this run's history; "
                                      f"got {echo(other)}")
        self.compare(int(other))

    def _hitting_command(self, k: Any, start: Any) -> None:
        """Checked and estimated at once (refusals name k, start or naughty); a request estimated
        over SHORT_REQUEST_SECONDS runs in a worker thread (Stop, or the next request, cancels it)."""
        if k is not None:
            k = check_count("k", k, 0, MAX_REACH_STEPS)
        if start is not None and (not isinstance(start, str) or len(start) > 64):
            raise FieldError("start", f"must be a state; got {echo(start)}")
        engine, settings, (targets, k, start, step) = self._hitting_args(None, k, start or None, None)
        with engine.lock:
            reach_args(engine, targets, k, start)  # state and k checks, before anything starts
            config, past = engine.config, step is not None and step != engine.global_step
        replay = replay_limit(config) if past else 0  # a past step may replay up to this much
        cost = check_reach(config, k, DEFAULT_TEMPERATURES, "k", max(0, replay))
        previous = self._hitting_cancel
        if previous is not None:
            previous.set()  # the newest request wins (the plot follows the slider)
        if cost.seconds <= SHORT_REQUEST_SECONDS or self._main_loop() is None:
            self.hitting_curve(targets, k, start, step=step)
            return
        self._in_background(
            lambda progress, cancel: engine.hitting_curve(targets, k, start, step=step, cancel=cancel, progress=progress),
            lambda curve: self._set_result("hitting", hitting_trait(curve), engine, settings),
            k * DEFAULT_TEMPERATURES, "hitting", slot="_hitting_cancel")

    # -- background work (a worker thread, mirrored by a task on the kernel's main loop) ----------
    def _in_background(self, work: Callable[[Callable[[int, int], Any], threading.Event], Any],
                       finish: Callable[[Any], None], total: int, key: str, slot: str = "_compare_cancel") -> None:
        """`slot`: the attribute holding this job's cancel Event (Stop sets every slot's)."""
        cancel = threading.Event()
        done = [0]

        def progress(d: int, _total: int) -> None:
            done[0] = d

        loop = self._main_loop()
        if loop is None:  # plain Python: no kernel to keep free
            finish(work(progress, cancel))
            return
        setattr(self, slot, cancel)
        with self._owner(), self.hold_sync():
            self.training = True
            self.progress = {"done": 0, "total": int(total)}

        async def mirror() -> None:
            future = loop.run_in_executor(None, work, progress, cancel)
            self._compare_future = future
            shown = 0
            try:
                while not future.done():
                    await asyncio.wait({future}, timeout=PROGRESS_POLL)
                    if done[0] != shown and not cancel.is_set():
                        shown = done[0]
                        with self._owner():
                            self.progress = {"done": shown, "total": int(total)}
                result = future.result()
                if not cancel.is_set():
                    finish(result)
            except Cancelled:
                pass
            except Exception as e:  # noqa: BLE001 - shown inline, never raised into the kernel
                with self._owner():
                    self.errors = {**self.errors, key: clip(f"{key}: stopped by {type(e).__name__}: {e}")}
            finally:
                if getattr(self, slot) is cancel:
                    setattr(self, slot, None)
                with self._owner(), self.hold_sync():  # stopped, superseded or done: idle unless other work runs
                    busy = self._busy() or any(getattr(self, s) is not None for s in BACKGROUND_SLOTS)
                    if self.training != busy:
                        self.training = busy
                    if not busy and self.progress:
                        self.progress = {}
                release_free_memory(force=True)  # the worker thread's arena keeps what the job freed

        if self._running_here(loop):
            loop.create_task(mirror())
        else:
            loop.call_soon_threadsafe(lambda: loop.create_task(mirror()))

    @staticmethod
    def _running_here(loop: asyncio.AbstractEventLoop) -> bool:
        try:
            return asyncio.get_running_loop() is loop
        except RuntimeError:
            return False

    def _request_stop(self) -> None:
        for slot in BACKGROUND_SLOTS:
            cancel = getattr(self, slot)
            if cancel is not None:
                cancel.set()  # the worker stops before its next step, lock or not
                setattr(self, slot, None)
        super()._request_stop()  # type: ignore[misc]

    # -- results follow the run -------------------------------------------------------------------
    def _set_result(self, name: str, value: dict, engine: Any, config: dict) -> None:
        """`config`: the settings when the work started (configure changes an engine in place)."""
        with self._owner():
            if config != self.config or (name != "ensemble" and engine is not self.engine):
                return  # the settings (or, for a comparison, the run) changed meanwhile: no use now
            if config != self._compare_config:
                self.ensemble, self.comparison, self.hitting = {}, {}, {}
            self._compare_config = config
            if name != "ensemble":
                self._compare_engine = engine
            setattr(self, name, value)

    def _compare_follow(self) -> None:
        """Called with every structure push: new settings clear all results; a new run (reset,
        undo, loaded run) clears the comparison and hitting curve, which describe that run."""
        if self._compare_config is not None and self.config != self._compare_config:
            self._compare_config = None
            self.ensemble, self.comparison, self.hitting = {}, {}, {}
        elif self._compare_engine is not None and self._compare_engine is not self.engine:
            self._compare_engine = None
            self.comparison, self.hitting = {}, {}
