"""BabyGPTWidget: a BabyGPT you can see. A thin anywidget shell around the engine.

Python owns model and trainer; traits carry the chain to the front end (binary float32
buffers), and the front end's buttons come back as commands on the widget's one custom-message
channel, handled by the same methods a notebook user calls.
"""

from __future__ import annotations

import asyncio
import importlib
import math
import pathlib
import sys
import threading
import time
from typing import Any, Callable

import anywidget
import numpy as np
import traitlets

from .config import ConfigError, RunConfig
from .engine import BabyGPT, _check_count
from .history import HistoryView
from .runstring import parse_run_string

_STATIC = pathlib.Path(__file__).parent / "static"
_MISSING_BUNDLE = """
export default { render({ el }) {
  el.textContent = "babygpt-widget: the front-end bundle is missing (run `npm run build` or reinstall the package).";
} };
"""

# Training runs in slices of ~1/30 s; the chain is sent after each slice (so <= ~30 updates/s
# reach the front end) and Play yields to the kernel between slices.
CHUNK_SECONDS = 1 / 30
HISTORY_UPDATE_INTERVAL = 0.25  # s between history re-sends; scaled up for large histories
LAYOUTS = ("circular", "force")
CONTROLS = ("step", "train", "play", "reset", "slider", "loss", "config", "layout", "sample", "temperature",
            "naughty", "prefixes", "export", "help", "presentation", "runstring")
MAX_FRONTEND_SAMPLE = 10_000
MAX_FRONTEND_REACH_K = 1000


class BabyGPTWidget(anywidget.AnyWidget):
    """``BabyGPTWidget()`` shows the seed's experiment at step 0; train it and watch the chain.

    Takes BabyGPT's keyword arguments plus ``graph_layout`` ("circular" | "force") and ``train_n``
    (the Train ×N count). Methods and properties mirror BabyGPT; every call updates the drawing.
    """

    _esm = _STATIC / "widget.js" if (_STATIC / "widget.js").exists() else _MISSING_BUNDLE
    _css = _STATIC / "widget.css" if (_STATIC / "widget.css").exists() else ""

    config = traitlets.Dict().tag(sync=True)
    states = traitlets.List(traitlets.Unicode()).tag(sync=True)
    probs = traitlets.Bytes(b"").tag(sync=True)
    data_counts = traitlets.Bytes(b"").tag(sync=True)
    global_step = traitlets.Int(0).tag(sync=True)
    loss = traitlets.Float(0.0).tag(sync=True)
    history_steps = traitlets.Bytes(b"").tag(sync=True)
    history_losses = traitlets.Bytes(b"").tag(sync=True)
    history_probs = traitlets.Bytes(b"").tag(sync=True)
    shown_index = traitlets.Int(-1).tag(sync=True)
    # not `layout`: that name is ipywidgets' own (a Layout model) on every DOMWidget
    graph_layout = traitlets.Unicode("circular").tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    train_n = traitlets.Int(50).tag(sync=True)
    errors = traitlets.Dict().tag(sync=True)
    # the actual state space: shorter contexts, shown on demand
    prefix_states = traitlets.List(traitlets.Unicode()).tag(sync=True)
    prefix_probs = traitlets.Bytes(b"").tag(sync=True)
    prefix_data_counts = traitlets.Bytes(b"").tag(sync=True)
    history_prefix_probs = traitlets.Bytes(b"").tag(sync=True)
    show_prefixes = traitlets.Bool(False).tag(sync=True)
    # lecture view state; the front end computes walks, long-run shares and reachability itself
    temperature = traitlets.Float(1.0).tag(sync=True)
    walk = traitlets.Dict().tag(sync=True)
    sample_n = traitlets.Int(20).tag(sync=True)
    sample_start = traitlets.Unicode("").tag(sync=True)
    sample_seed = traitlets.Int(0).tag(sync=True)
    naughty = traitlets.List(traitlets.Unicode()).tag(sync=True)
    reach_k = traitlets.Int(10).tag(sync=True)
    controls = traitlets.List(traitlets.Unicode(), default_value=list(CONTROLS)).tag(sync=True)
    presentation = traitlets.Bool(False).tag(sync=True)
    run_string = traitlets.Unicode("").tag(sync=True)

    def __init__(self, *, graph_layout: str = "circular", train_n: int = 50, controls: list[str] | None = None,
                 presentation: bool = False, **run_settings: Any) -> None:
        engine = BabyGPT(**run_settings)  # bad settings raise here, before any widget exists
        self.engine = engine
        super().__init__(graph_layout=graph_layout, train_n=train_n, presentation=presentation,
                         controls=list(CONTROLS) if controls is None else list(controls))
        self._play_task: asyncio.Task | None = None
        self._pending_steps = 0  # Train ×N requests not yet run by the background loop
        self._last_history_push = 0.0
        self._shown_step: int | None = None
        self.on_msg(self._on_message)
        self._push(history=True)
        _warm_up_optimizer_imports()

    # -- validation of view traits: bad values are refused, old value kept ----------------------
    @traitlets.validate("graph_layout")
    def _valid_layout(self, proposal: dict) -> str:
        if proposal["value"] not in LAYOUTS:
            raise traitlets.TraitError(f"graph_layout: must be one of {', '.join(LAYOUTS)}; got {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("train_n")
    def _valid_train_n(self, proposal: dict) -> int:
        return _check_count("train_n", proposal["value"], 1, 100_000)

    @traitlets.validate("shown_index")
    def _valid_shown_index(self, proposal: dict) -> int:
        value = proposal["value"]
        if not -1 <= value < max(1, len(self.history_steps) // 4):
            raise traitlets.TraitError(f"shown_index: must be -1 (live) or a history index; got {value}")
        return value

    @traitlets.validate("controls")
    def _valid_controls(self, proposal: dict) -> list[str]:
        unknown = [c for c in proposal["value"] if c not in CONTROLS]
        if unknown:
            raise traitlets.TraitError(f"controls: unknown {unknown}; choose from {', '.join(CONTROLS)}")
        return list(proposal["value"])

    @traitlets.validate("temperature")
    def _valid_temperature(self, proposal: dict) -> float:
        value = proposal["value"]
        if not 0 <= value <= 2:
            raise traitlets.TraitError(f"temperature: must be from 0 to 2; got {value}")
        return value

    @traitlets.validate("sample_n")
    def _valid_sample_n(self, proposal: dict) -> int:
        return _check_count("sample_n", proposal["value"], 1, MAX_FRONTEND_SAMPLE)

    @traitlets.validate("reach_k")
    def _valid_reach_k(self, proposal: dict) -> int:
        return _check_count("reach_k", proposal["value"], 0, MAX_FRONTEND_REACH_K)

    @traitlets.validate("sample_start")
    def _valid_sample_start(self, proposal: dict) -> str:
        value = proposal["value"]
        if value and value not in self.engine.state_space(include_prefixes=True).index:
            raise traitlets.TraitError(f"sample_start: {value!r} is not a state")
        return value

    @traitlets.validate("naughty")
    def _valid_naughty(self, proposal: dict) -> list[str]:
        index = self.engine.state_space(include_prefixes=True).index
        bad = [s for s in proposal["value"] if s not in index]
        if bad:
            raise traitlets.TraitError(f"naughty: {bad} are not states")
        return list(dict.fromkeys(proposal["value"]))

    @traitlets.observe("shown_index")
    def _remember_shown_step(self, change: dict) -> None:
        steps = np.frombuffer(self.history_steps, dtype="<i4")
        self._shown_step = None if change["new"] < 0 else int(steps[change["new"]])

    # -- the engine's API, mirrored ---------------------------------------------------------------
    def train(self, n: int = 1) -> list[float]:
        """Run n optimizer steps (drawing updates stream while it runs); returns the n losses."""
        n = _check_count("n", n, 0, 1_000_000)
        losses: list[float] = []
        for chunk in self._chunks(n):
            losses.extend(self._guarded(lambda: self.engine.train(chunk)))
            self._push()
        self._push(history=True)
        return losses

    def step(self) -> float:
        """One optimizer step; returns its loss."""
        return self.train(1)[0]

    def reset(self) -> None:
        """Re-initialise from the seed (weights, optimizer, history)."""
        self.pause()
        self.engine.reset()
        self._clear_error("train")
        self._push(history=True, view_live=True)

    def configure(self, **values: Any) -> None:
        """Change settings (see ``BabyGPT.configure``). A bad value raises ValueError, is shown
        inline next to its field, and changes nothing."""
        try:
            rebuilt_before = self.engine.model
            self.engine.configure(**values)
        except ConfigError as e:
            self.errors = {**self.errors, e.field: str(e)}
            raise
        self.errors = {k: v for k, v in self.errors.items() if k not in values and k != "train"}
        self._push(history=True, view_live=self.engine.model is not rebuilt_before)

    def play(self) -> None:
        """Train continuously in the background, in short slices that keep the kernel free."""
        if self._play_task is not None and not self._play_task.done():
            self.playing = True
            return
        self.playing = True
        self._play_task = self._start_background()

    def pause(self) -> None:
        """Stop continuous training, and any queued Train ×N, after the current slice (< ~30 ms)."""
        self.playing = False
        self._pending_steps = 0

    def show_step(self, step: int | None) -> None:
        """Show the chain as it was at a training step (None = live)."""
        self.shown_index = -1 if step is None else self.engine.history.at_step(step)

    def sample(self, n: int = 20, start: str | None = None, temperature: float = 1.0, seed: int | None = None) -> str:
        """Walk the chain (see ``BabyGPT.sample``); the widget animates the walk."""
        text = self.engine.sample(n, start=start, temperature=temperature, seed=seed)
        start = text[: len(text) - n]
        self.walk = {"start": start, "tokens": text[len(start):], "temperature": temperature, "seed": seed}
        return text

    def reach_probability(self, targets: Any = None, k: int | None = None, start: str | None = None,
                          temperature: float | None = None) -> float:
        """``BabyGPT.reach_probability``, defaulting to the widget's marked states, k, start and temperature."""
        return self.engine.reach_probability(
            self.naughty if targets is None else targets, self.reach_k if k is None else k,
            start=start or self.sample_start or None, temperature=self.temperature if temperature is None else temperature)

    def load_run(self, run_string: str) -> None:
        """Replace this widget's run with a shared one (see ``run_string``). In a kernel the
        steps train in the background, so the kernel stays free and the chain is seen learning."""
        try:
            config, steps = parse_run_string(run_string)
        except ValueError as e:
            self.errors = {**self.errors, "run_string": str(e)}
            raise
        self.pause()
        self.engine = BabyGPT(**config.to_dict())
        self.errors = {}
        self._push(history=True, view_live=True)
        if steps:
            self._queue_or_run(steps)

    @classmethod
    def from_run_string(cls, run_string: str, **view: Any) -> "BabyGPTWidget":
        """A widget of a shared run: same settings, trained for the same number of steps (in a
        kernel, a long run keeps training in the background while it is shown)."""
        widget = cls(**view)
        widget.load_run(run_string)
        return widget

    def save(self, path: Any) -> None:
        self.engine.save(path)

    @classmethod
    def load(cls, path: Any, **view: Any) -> "BabyGPTWidget":
        """A widget showing a run saved with ``save`` (BabyGPT or widget)."""
        engine = BabyGPT.load(path)
        widget = cls(**view, **engine.config.to_dict())
        widget.engine = engine
        widget._push(history=True)
        return widget

    def save_html(self, path: Any, title: str = "babyGPT as a Markov chain") -> None:
        """A standalone page of this widget with its whole recorded history: no kernel needed to
        scrub the history, switch layouts, hover and sample. Loads ipywidgets' embed manager and
        anywidget from their CDNs when opened."""
        from ipywidgets.embed import embed_minimal_html

        self._push(history=True)
        # drop_defaults=False: the bundle (_esm) is a default-valued trait and must be kept.
        embed_minimal_html(path, views=[self], title=title, drop_defaults=False)

    def __getattr__(self, name: str) -> Any:
        # Everything else a BabyGPT has (probabilities, history, to_graphviz, …) reads through.
        if name != "engine" and "engine" in self.__dict__ and hasattr(self.engine, name):
            return getattr(self.engine, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def probabilities(self) -> np.ndarray:
        return self.engine.probabilities

    @property
    def history(self) -> HistoryView:
        return self.engine.history

    # -- commands from the front end: one channel, answered every time ----------------------------
    def _on_message(self, _widget: Any, content: Any, buffers: list) -> None:
        if not isinstance(content, dict) or "cmd" not in content:
            return
        cmd = content["cmd"]
        handlers: dict[str, Callable[[], Any]] = {
            "step": lambda: self._queue_or_run(1),
            "train": lambda: self._queue_or_run(_check_count("train_n", content.get("n", self.train_n), 1, 100_000)),
            "play": self.play,
            "pause": self.pause,
            "reset": self.reset,
            "configure": lambda: self.configure(**dict(content.get("values") or {})),
            "load_run": lambda: self.load_run(content.get("value")),
            "hello": lambda: None,  # the front end's "is there a kernel?" probe
        }
        reply: dict[str, Any] = {"reply": cmd, "ok": True}
        try:
            if cmd not in handlers:
                raise ValueError(f"cmd: unknown command {cmd!r}; known: {', '.join(handlers)}")
            handlers[cmd]()
        except (ValueError, TypeError, RuntimeError, traitlets.TraitError) as e:  # answer every command
            field = getattr(e, "field", None) or str(e).split(":")[0]
            reply.update(ok=False, error=str(e), field=field)
            if field in ("train_n", "run_string") and field not in self.errors:
                self.errors = {**self.errors, field: str(e)}
        self.send(reply)

    def _queue_or_run(self, n: int) -> None:
        """Short requests run now (between slices of a running Play, so each counts once); long
        ones run in the background in slices, so Pause and other cells get through."""
        if n * self._seconds_per_step() <= CHUNK_SECONDS * 4 or _running_loop() is None:
            self.train(n)
            return
        self._pending_steps += n
        if self._play_task is None or self._play_task.done():
            self._play_task = self._start_background()

    # -- background training ----------------------------------------------------------------------
    def _start_background(self) -> asyncio.Task:
        loop = _running_loop()
        if loop is None:
            self.playing = False
            raise RuntimeError("play: needs a running event loop (a Jupyter kernel); use train(n) instead")
        return loop.create_task(self._background_loop())

    async def _background_loop(self) -> None:
        try:
            while self.playing or self._pending_steps > 0:
                n = self._steps_per_chunk()
                queued = min(n, self._pending_steps)  # queued Train ×N steps share Play's slices
                self._pending_steps -= queued
                if not self.playing:
                    n = queued
                try:
                    self._guarded(lambda: self.engine.train(n))
                except ValueError:
                    break
                self._push()
                await asyncio.sleep(0)  # let the kernel handle Pause, other commands and cells
        finally:
            self.playing = False
            self._pending_steps = 0
            self._push(history=True)

    def _guarded(self, run: Callable[[], Any]) -> Any:
        """Run training; on divergence stop playing, show the message, keep the last finite state."""
        start = time.perf_counter()
        before = self.engine.global_step
        try:
            result = run()
        except ValueError as e:
            self.playing = False
            self._pending_steps = 0
            self.errors = {**self.errors, "train": str(e)}
            self._push(history=True)
            raise
        steps = self.engine.global_step - before
        if steps:
            self._step_seconds = (time.perf_counter() - start) / steps
        return result

    def _seconds_per_step(self) -> float:
        return getattr(self, "_step_seconds", 0.004)

    def _steps_per_chunk(self) -> int:
        return max(1, int(CHUNK_SECONDS / self._seconds_per_step()))

    def _chunks(self, n: int):
        while n > 0:
            k = min(n, self._steps_per_chunk())
            yield k
            n -= k

    # -- engine -> traits -------------------------------------------------------------------------
    def _push(self, history: bool = False, view_live: bool = False) -> None:
        """Send the live chain and, at most every HISTORY_UPDATE_INTERVAL unless asked, the history."""
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
            if history or now - self._last_history_push >= self._history_interval():
                self._push_history(view_live)
                self._last_history_push = now

    def _push_structure(self) -> None:
        """Settings, state labels and data counts: change only with the settings."""
        engine = self.engine
        every = engine.state_space(include_prefixes=True)
        n_prefix = len(every) - len(engine.states)
        counts = engine.data_counts(include_prefixes=True).astype("<i4")
        self.config = engine.config.to_dict()
        self.states = engine.states
        self.prefix_states = every.labels[:n_prefix]
        self.data_counts = counts[n_prefix:].tobytes()
        self.prefix_data_counts = counts[:n_prefix].tobytes()
        valid = set(every.labels)
        self.naughty = [s for s in self.naughty if s in valid]
        if self.sample_start not in valid:
            self.sample_start = engine.alphabet[-1] * engine.config.context_length
        if self.walk and self.walk.get("start") not in valid:
            self.walk = {}

    def _history_interval(self) -> float:
        return HISTORY_UPDATE_INTERVAL * max(1.0, len(self.history_probs) / 2**18)

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

    def _clear_error(self, field: str) -> None:
        if field in self.errors:
            self.errors = {k: v for k, v in self.errors.items() if k != field}

    def __repr__(self) -> str:
        return f"{type(self).__name__}{repr(self.engine).removeprefix('BabyGPT')}"


def _warm_up_optimizer_imports() -> None:
    """The first optimizer imports torch._dynamo (~1 s). Do it in the background after the first
    drawing, so neither the drawing nor the first Train click waits for it."""
    if "torch._dynamo" not in sys.modules:
        threading.Thread(target=importlib.import_module, args=("torch._dynamo",), daemon=True).start()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


__all__ = ["BabyGPTWidget", "RunConfig"]
