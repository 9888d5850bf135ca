"""BabyGPTWidget: a BabyGPT you can see. A thin anywidget shell around the engine.

Python owns model and trainer; traits carry the chain to the front end (binary float32
buffers), and the front end's buttons come back as commands on the widget's one custom-message
channel, handled by the same methods a notebook user calls. Every engine operation holds the
widget's lock (see play_loop.py): comm messages may arrive on another thread than cells.
"""

from __future__ import annotations

import importlib
import math
import sys
import threading
import time
from typing import Any, Callable

import numpy as np

from ..core.config import MAX_STEPS, ConfigError, RunConfig
from ..core.field_checks import (FieldError, check_count, check_optional, check_printable, clip, echo, field_message,
                                 json_safe, short_errors)
from ..engine import BabyGPT
from ..render.html_export import SavedPage, save_widget_html
from ..runs.runstring import read_run_string
from .commands import FrontEndCommands
from .compare import CompareMixin
from .engine_reads import EngineReads
from .engine_state import EngineStateSync
from .inside import InsideMixin
from .lesson import LessonMixin, resolve_lesson
from .linked_view import LinkedViewMixin
from .play_loop import CHUNK_SECONDS, TrainingRunner
from .teaching import TeachingCommands
from .traits import CONTROLS, ERROR_FIELDS, LAYOUTS, PRESENTATION_PLAY_SPEED, PYTHON_OWNED, WidgetTraits

HISTORY_UPDATE_INTERVAL = 0.25  # s between history re-sends; scaled up for large histories
# The whole history is re-sent (traits have no deltas): at most this many bytes a second, so a
# front end slower than the kernel (a busy browser) cannot make the kernel's outgoing queue grow
# (slow Play used to re-send it every step: ~7 MB/s for the default run, issue 19 §9)
HISTORY_BYTES_PER_SECOND = 2**20


class BabyGPTWidget(LessonMixin, LinkedViewMixin, InsideMixin, CompareMixin, TeachingCommands, FrontEndCommands,
                    TrainingRunner, EngineReads, EngineStateSync, WidgetTraits):
    """``BabyGPTWidget()`` shows the seed's experiment at step 0; train it and watch the chain.

    Takes BabyGPT's keyword arguments plus ``graph_layout`` ("circular" | "force") and ``train_n``
    (the Train ×N count) and ``lesson`` ("seed", the built-in lesson, or your own list of pages: see
    babygpt_widget/lesson; opened at its first page; without it the Lesson button offers "seed"). Methods and properties mirror BabyGPT: the ones that change the run
    (train, step, reset, configure, sample, load_run, ...) are here and update the drawing; the
    ones that read it (alphabet, probabilities, history, transition_matrix, to_svg, ...) are in
    ``EngineReads`` (engine_reads.py). ``engine`` is the BabyGPT itself.
    """

    def __init__(self, *, graph_layout: str = "circular", train_n: int = 50, controls: list[str] | None = None,
                 presentation: bool = False, play_speed: float | None = None, lesson: Any = None,
                 **run_settings: Any) -> None:
        pages = resolve_lesson("seed" if lesson is None else lesson)  # a bad lesson raises before anything
        engine = BabyGPT(**run_settings)  # bad settings raise here, before any widget exists
        self.engine = engine
        self._init_owner()
        self._init_compare()
        self._init_lesson()
        # Play's pace: full speed, or in presentation a pace a class can follow (widget/traits.py)
        speed = (PRESENTATION_PLAY_SPEED if presentation else 0.0) if play_speed is None else play_speed
        self._speed_auto = play_speed is None  # before the traits' observers run
        super().__init__(graph_layout=graph_layout, train_n=train_n, presentation=presentation, play_speed=speed,
                         controls=list(CONTROLS) if controls is None else list(controls))
        self._speed_auto = play_speed is None  # the init's own writes do not count as a choice
        self._last_history_push = 0.0
        self._shown_step: int | None = None
        self._one_step_model: Any = None  # the model the This step view's report came from
        self._undo_engine: BabyGPT | None = None  # the run before the last reset / nudge / teach
        self._undo_what = ""
        self._step_timing: tuple[Any, Any, float] | None = None  # (model, config measured on, s/step)
        self.on_msg(self._on_message)
        self._push(history=True)
        self.lesson_pages = pages
        if lesson is not None:
            self.lesson.go(0)
        _warm_up_optimizer_imports()

    # -- the engine's API, mirrored ---------------------------------------------------------------
    def train(self, n: int = 1) -> list[float]:
        """Run n optimizer steps (drawing updates stream while it runs); returns the n losses."""
        n = check_count("n", n, 0, MAX_STEPS)
        self._check_room(n, "n")
        losses: list[float] = []
        try:
            for chunk in self._chunks(n):
                with self._owner():
                    self._forget_undo()
                    losses.extend(self._guarded(lambda: self._train_engine(chunk)))
                    self._push()
                if self._others_waiting():
                    time.sleep(0.0005)  # hand the lock to a waiting command between slices
            with self._owner():
                self._clear_error("train", "train_n")
        finally:  # an interrupt (or any error) still leaves the traits equal to the engine's
            self._settle()
        return losses

    def step(self) -> float:
        """One optimizer step; returns its loss."""
        return self.train(1)[0]

    def reset(self) -> None:
        """Re-initialise from the seed (weights, optimizer, history). ``undo_reset()`` brings the
        previous run back until the next training step or settings change."""
        self.stop()
        with self._owner():
            fresh = BabyGPT(**self.engine.config.to_dict())
            self._undo_engine, self._undo_what, self.engine = self.engine, "reset", fresh
            with self.hold_sync():
                self.can_undo_reset = True
                self.can_undo = "reset"
                self.taught = {}
                self._clear_error("train", "train_n")
                self._push(history=True, view_live=True)

    def undo_reset(self) -> None:
        """Bring back the run a ``reset()`` replaced (until the next training step or config change)."""
        nothing = FieldError("undo_reset", "nothing to undo: no reset since the last training step or settings change")
        if self._undo_engine is None or self._undo_what != "reset":
            raise nothing  # before stop(): a refused command changes nothing
        self.undo()

    def configure(self, **values: Any) -> None:
        """Change settings (see ``BabyGPT.configure``). A bad value raises ValueError, is shown
        inline next to its field, and changes nothing."""
        for field, value in values.items():
            check_printable(field, value)
        with self._owner(), short_errors():
            try:
                rebuilt_before = self.engine.model
                self.engine.configure(**values)
            except ConfigError as e:
                if e.field in ERROR_FIELDS:
                    self.errors = {**self.errors, e.field: clip(str(e))}
                raise
            with self.hold_sync():
                self._forget_undo()
                self._plan = []  # a loaded run still replaying: the user's change takes over from here
                self.errors = {k: v for k, v in self.errors.items() if k not in values and k != "train"}
                self._push(history=True, view_live=self.engine.model is not rebuilt_before)

    def play(self) -> None:
        """Train continuously in the background (at ``play_speed`` steps/s, 0 = full speed), in
        short slices that keep the kernel free."""
        self._start_play()

    def stop(self) -> None:
        """Stop Play and any queued or background Train ×N before the next slice (< ~35 ms)."""
        self._request_stop()

    def pause(self) -> None:
        """Alias of ``stop()``."""
        self._request_stop()

    def show_step(self, step: int | None) -> None:
        """Show the chain as it was at a training step (None = live)."""
        if step is not None:
            step = check_count("step", step, 0, MAX_STEPS)
        with self._owner():
            self.shown_index = -1 if step is None else self.engine.history.at_step(step)

    def sample(self, n: int = 20, start: str | None = None, temperature: float = 1.0, seed: int | None = None) -> str:
        """Walk the chain (see ``BabyGPT.sample``); the widget animates the walk."""
        check_optional("n", n, (int, np.integer), "an integer")
        check_optional("start", start, str, "a state (a string)")
        check_optional("temperature", temperature, (int, float, np.number), "a number")
        check_optional("seed", seed, (int, np.integer), "an integer or None")
        with self._owner(), short_errors():
            text = self.engine.sample(n, start=start, temperature=temperature, seed=seed)
            begin = text[: len(text) - int(n)]  # the engine accepted n: an integer
            self.walk = {"start": begin, "tokens": text[len(begin):], "temperature": float(temperature),
                         "seed": None if seed is None else int(seed)}
        return text

    def reach_probability(self, targets: Any = None, k: int | None = None, start: str | None = None,
                          temperature: float | None = None) -> float:
        """``BabyGPT.reach_probability``, defaulting to the widget's marked states, k, start and temperature."""
        if targets is not None and not isinstance(targets, str) and (
                not isinstance(targets, (list, tuple, set, frozenset)) or not all(isinstance(t, str) for t in targets)):
            raise FieldError("targets", f"must be a state or a list of states; got {echo(targets)}")
        check_optional("k", k, (int, np.integer), "an integer")
        check_optional("start", start, str, "a state (a string)")
        check_optional("temperature", temperature, (int, float, np.number), "a number")
        with self._owner():  # the widget's defaults; the engine holds its own lock for the chain only
            engine, targets = self.engine, self.naughty if targets is None else targets
            k, start = self.reach_k if k is None else k, start or self.sample_start or None
            temperature = self.temperature if temperature is None else temperature
        with short_errors():
            return engine.reach_probability(targets, k, start=start, temperature=temperature)

    def load_run(self, run_string: str) -> None:
        """Replace this widget's run with a shared one (see ``run_string``): its segments replay,
        each settings change at the step it happened. In a kernel the steps train in the
        background (with progress and Stop), so the kernel stays free."""
        try:
            if not isinstance(run_string, str):
                raise FieldError("run_string", f"must be a string; got {echo(run_string)}")
            plan = read_run_string(run_string)
        except ValueError as e:
            message = field_message("run_string", e, run_string)
            with self._owner():
                self.errors = {**self.errors, "run_string": message}
            raise FieldError("run_string", message.removeprefix("run_string: ")) from None
        self.stop()
        with self._owner():
            self.engine = BabyGPT._start_of(plan)
            self._plan = plan.changes()
            self._undo_engine, self._undo_what = None, ""
            with self.hold_sync():
                self.can_undo_reset = False
                self.can_undo = ""
                self.taught = {}
                self.errors = {}
                self._push(history=True, view_live=True)
            if plan.steps:  # still under the lock: a finishing background task cannot drop the plan
                self._queue_or_run(plan.steps)

    @classmethod
    def from_run_string(cls, run_string: str, **view: Any) -> "BabyGPTWidget":
        """A widget of a shared run: its settings, replayed segment by segment to the same step (in
        a kernel, a long run keeps training in the background while it is shown)."""
        widget = cls(**view)
        widget.load_run(run_string)
        return widget

    def save(self, path: Any) -> None:
        """Save the whole run (see ``BabyGPT.save``); ``BabyGPTWidget.load`` or ``BabyGPT.load`` reads it."""
        with self._owner():
            self.engine.save(path)

    @classmethod
    def load(cls, path: Any, **view: Any) -> "BabyGPTWidget":
        """A widget showing a run saved with ``save`` (BabyGPT or widget)."""
        engine = BabyGPT.load(path)
        widget = cls(**view, **engine.config.to_dict())
        with widget._owner():
            widget.engine = engine
            widget._push(history=True)
        return widget

    def save_html(self, path: Any, title: str = "babyGPT as a Markov chain") -> SavedPage:
        """A self-contained page of this widget (only this one) that shows with no network at all:
        the chain, its history (thinned to keep the page under ~3 MB; the page says how many steps
        it keeps), hovering, sampling and the inside panel's replay, without a kernel. Returns what
        was written (size, steps kept)."""
        with self._owner():
            self._push(history=True)
            return save_widget_html(self, path, title, extra={"inside_replay": self._inside_replay()})

    # -- training bookkeeping ---------------------------------------------------------------------
    def _check_room(self, n: int, field: str) -> None:
        """Refuse at once (shown inline under Train) what would pass the MAX_STEPS bound."""
        with self._owner():
            now = self.engine.global_step
            if n <= MAX_STEPS - now:
                return
            message = (f"the run is at step {now:,} and holds at most {MAX_STEPS:,} steps, so at most "
                       f"{MAX_STEPS - now:,} more; got {n:,}")
            self.errors = {**self.errors, "train": clip(f"train: {message}")}
        raise FieldError(field, message)

    def _guarded(self, run: Callable[[], Any]) -> Any:
        """Run training; on divergence stop everything, show the message, keep the last finite state."""
        start = time.perf_counter()
        model = self.engine.model
        before = self.engine.global_step
        try:
            result = run()
        except ValueError as e:
            self._stop_now()
            self.errors = {**self.errors, "train": clip(str(e))}
            self._push(history=True)
            raise
        steps = self.engine.global_step - before
        if steps and self.engine.model is model:
            self._step_timing = (model, self.engine.config, (time.perf_counter() - start) / steps)
        return result

    def _report_train_error(self, error: BaseException) -> None:
        self._stop_now()
        self.errors = {**self.errors, "train": clip(f"train: stopped by {type(error).__name__}: {error}")}

    def _forget_undo(self) -> None:
        """Training or a settings change since: undo would lose it, and the ghosts are stale."""
        if self._undo_engine is not None:
            self._undo_engine, self._undo_what = None, ""
            self.can_undo_reset = False
            self.can_undo = ""
        if self.taught:
            self.taught = {}

    # -- engine -> traits -------------------------------------------------------------------------
    def _push(self, history: bool = False, view_live: bool = False, every_step: bool = False) -> None:
        """Send the live chain and, unless asked, the history at most every HISTORY_UPDATE_INTERVAL
        (`every_step`: slow Play, as often as HISTORY_BYTES_PER_SECOND allows)."""
        now = time.perf_counter()
        engine = self.engine
        with self.hold_sync():
            if history or self.config != engine.config.to_dict():
                self._push_structure()
            n_prefix = len(self.prefix_states)
            every = engine.transition_matrix(include_prefixes=True)
            self.probs = every[n_prefix:].astype("<f4").tobytes()
            self.prefix_probs = every[:n_prefix].astype("<f4").tobytes()
            self.global_step = engine.global_step
            self.run_string = engine.run_string
            if math.isfinite(engine.loss):
                self.loss = engine.loss
            # abs: a clock set back (a test's virtual clock) must not stop the history for good
            if history or abs(now - self._last_history_push) >= self._history_interval(every_step):
                self._push_history(view_live)
                self._last_history_push = now
            if history:  # a whole-history push is a resting point: the run's state goes out too
                self._state_at_rest()

    def _settle(self, attempts: int = 3) -> None:
        """The closing push after train(): a second Ctrl-C landing inside it would leave the
        traits half-sent, so the push is redone (the interrupt is re-raised afterwards)."""
        interrupt: KeyboardInterrupt | None = None
        for _ in range(attempts):
            try:
                with self._owner():
                    self._push(history=True)
                break
            except KeyboardInterrupt as e:
                interrupt = e
        if interrupt is not None:
            raise interrupt

    def _push_structure(self) -> None:
        """Settings, state labels and data counts: change only with the settings."""
        engine = self.engine
        every = engine.state_space(include_prefixes=True)
        n_prefix = len(every) - len(engine.states)
        counts = engine.data_counts(include_prefixes=True).astype("<i4")
        if self.inside and self.engine.model is not self._inside_model:
            self.inside = {}  # a rebuilt model: the open state's forward pass was another model's
        if self.one_step and self.engine.model is not self._one_step_model:
            self.one_step = {}  # the same for the This step view
        self.config = json_safe(engine.config.to_dict())
        self.states = engine.states
        self.prefix_states = every.labels[:n_prefix]
        self.data_counts = counts[n_prefix:].tobytes()
        self.prefix_data_counts = counts[:n_prefix].tobytes()
        valid = set(every.labels)
        self.naughty = [s for s in self.naughty if s in valid]
        if self.sample_start not in valid:
            self.sample_start = engine.alphabet[-1] * engine.config.context_length
        if self.selected_state not in valid:
            self.selected_state = ""
        if self.walk and self.walk.get("start") not in valid:
            self.walk = {}
        self._compare_follow()

    def _history_interval(self, every_step: bool = False) -> float:
        size = (len(self.history_probs) + len(self.history_prefix_probs) + len(self.history_steps)
                + len(self.history_losses))
        by_bytes = size / HISTORY_BYTES_PER_SECOND
        return by_bytes if every_step else max(HISTORY_UPDATE_INTERVAL, by_bytes)

    def _push_history(self, view_live: bool) -> None:
        view = self.engine.history
        self.history_steps = view.steps.astype("<i4").tobytes()
        self.history_losses = view.losses.astype("<f4").tobytes()
        self.history_probs = view.probs.astype("<f4").tobytes()
        self.history_prefix_probs = (view.prefix_probs.astype("<f4").tobytes()
                                     if view.prefix_probs is not None else b"")
        if view_live or self._shown_step is None:
            self.shown_index = -1
        else:  # thinning moves indices: keep showing the same step
            self.shown_index = view.at_step(self._shown_step)

    def _clear_error(self, *fields: str) -> None:
        if any(f in self.errors for f in fields):
            self.errors = {k: v for k, v in self.errors.items() if k not in fields}

    def __repr__(self) -> str:
        return f"{type(self).__name__}{repr(self.engine).removeprefix('BabyGPT')}"


def _warm_up_optimizer_imports() -> None:
    """The first optimizer imports torch._dynamo (~1 s). Do it in the background after the first
    drawing, so neither the drawing nor the first Train click waits for it."""
    if "torch._dynamo" not in sys.modules:
        threading.Thread(target=importlib.import_module, args=("torch._dynamo",), daemon=True).start()


__all__ = ["BabyGPTWidget", "RunConfig", "CHUNK_SECONDS", "LAYOUTS", "PYTHON_OWNED"]
