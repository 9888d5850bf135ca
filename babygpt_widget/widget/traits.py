"""The widget's synced traits, their validation and the front end's writes (Python owns its state).

View traits ("both") are validated; a refused value raises FieldError — a ValueError for Python
callers and a TraitError, so traitlets rolls the write back. Front-end writes go through
`set_state`: Python-owned traits are read-only there, and every refused write is reverted on
both sides (the kernel's value is sent back) with an inline error and an error reply.
"""

from __future__ import annotations

import pathlib

import anywidget
import numpy as np
import traitlets

from ..core.config import RunConfig
from ..core.field_checks import (Bool, Dict, FieldError, Float, Int, List, Unicode, check_count, check_speed, echo,
                                 field_message, json_safe)
from .trait_docs import document

_STATIC = pathlib.Path(__file__).parent.parent / "static"
_MISSING_BUNDLE = """
export default { render({ el }) {
  el.textContent = "babygpt-widget: the front-end bundle is missing (run `npm run build` or reinstall the package).";
} };
"""

LAYOUTS = ("circular", "force")
CONTROLS = ("step", "train", "play", "reset", "slider", "loss", "config", "layout", "sample", "temperature",
            "naughty", "prefixes", "export", "help", "presentation", "runstring", "inside", "compare", "lesson")
# the side panel's sections, top to bottom; all open at first but This step and Push the chain
SECTIONS = ("view", "inside", "step", "push", "sample", "analysis", "compare", "settings", "run")
DEFAULT_OPEN = tuple(s for s in SECTIONS if s not in ("step", "push"))
MAX_TRAIN_N = 100_000  # the Train ×N field
MAX_FRONTEND_SAMPLE = 10_000
MAX_FRONTEND_REACH_K = 1000
MIN_PLAY_SPEED, MAX_PLAY_SPEED = 0.5, 5000.0
# Play's steps/s in presentation mode unless a speed was chosen: the first steps, where the
# chain changes most, stay on screen long enough for a class to follow (max would fly past).
PRESENTATION_PLAY_SPEED = 10.0
# Traits only the kernel sets: a front-end write is reverted and answered with an error reply.
PYTHON_OWNED = frozenset({
    "config", "states", "probs", "data_counts", "global_step", "loss", "history_steps", "history_losses",
    "history_probs", "prefix_states", "prefix_probs", "prefix_data_counts", "history_prefix_probs", "playing",
    "training", "progress", "run_string", "can_undo_reset", "errors", "controls",
    "ensemble", "comparison", "hitting",  # runs compared (widget/compare.py)
    "inside", "inside_replay", "one_step",
    "taught", "can_undo",  # push the chain yourself (widget/teaching.py)
    "engine_state",  # the run's state blob at rest, for pages that train (widget/engine_state.py)
    "lesson_pages", "lesson_page",  # the lesson (widget/lesson.py): the `lesson` command moves it
})
# Keys `errors` may hold: settings, view fields and the two actions that can fail.
ERROR_FIELDS = frozenset(RunConfig.__dataclass_fields__) | {
    "train", "train_n", "run_string", "graph_layout", "shown_index", "temperature", "walk", "sample_n",
    "sample_start", "sample_seed", "naughty", "reach_k", "presentation", "show_prefixes", "play_speed",
    "k", "other", "hitting",  # runs compared: compare_seeds, compare, hitting
    "open_sections", "selected_state",  # what a view link carries besides the above
}


class WidgetTraits(anywidget.AnyWidget):
    """The synced state. Subclasses provide `engine`, `_owner()` (the run's lock) and `_clear_error`."""

    _esm = _STATIC / "widget.js" if (_STATIC / "widget.js").exists() else _MISSING_BUNDLE
    _css = _STATIC / "widget.css" if (_STATIC / "widget.css").exists() else ""

    config = Dict().tag(sync=True)
    states = List(Unicode()).tag(sync=True)
    probs = traitlets.Bytes(b"").tag(sync=True)
    data_counts = traitlets.Bytes(b"").tag(sync=True)
    global_step = Int(0).tag(sync=True)
    loss = Float(0.0).tag(sync=True)
    history_steps = traitlets.Bytes(b"").tag(sync=True)
    history_losses = traitlets.Bytes(b"").tag(sync=True)
    history_probs = traitlets.Bytes(b"").tag(sync=True)
    shown_index = Int(-1).tag(sync=True)
    # not `layout`: that name is ipywidgets' own (a Layout model) on every DOMWidget
    graph_layout = Unicode("circular").tag(sync=True)
    playing = Bool(False).tag(sync=True)
    training = Bool(False).tag(sync=True)  # Play or a background Train ×N is running
    progress = Dict().tag(sync=True)  # {"done", "total"} of a background Train ×N; {} when idle
    play_speed = Float(0.0).tag(sync=True)  # Play's steps/s; 0 = full speed
    can_undo_reset = Bool(False).tag(sync=True)
    train_n = Int(50).tag(sync=True)
    errors = Dict().tag(sync=True)
    # the actual state space: shorter contexts, shown on demand
    prefix_states = List(Unicode()).tag(sync=True)
    prefix_probs = traitlets.Bytes(b"").tag(sync=True)
    prefix_data_counts = traitlets.Bytes(b"").tag(sync=True)
    history_prefix_probs = traitlets.Bytes(b"").tag(sync=True)
    show_prefixes = Bool(False).tag(sync=True)
    # lecture view state; the front end computes walks, long-run shares and reachability itself
    temperature = Float(1.0).tag(sync=True)
    walk = Dict().tag(sync=True)
    sample_n = Int(20).tag(sync=True)
    sample_start = Unicode("").tag(sync=True)
    sample_seed = Int(0).tag(sync=True)
    naughty = List(Unicode()).tag(sync=True)
    reach_k = Int(10).tag(sync=True)
    controls = List(Unicode(), default_value=list(CONTROLS)).tag(sync=True)
    presentation = Bool(False).tag(sync=True)
    open_sections = List(Unicode(), default_value=list(DEFAULT_OPEN)).tag(sync=True)
    selected_state = Unicode("").tag(sync=True)
    run_string = Unicode("").tag(sync=True)
    # runs compared (widget/compare.py): {} until computed
    ensemble = Dict().tag(sync=True)
    comparison = Dict().tag(sync=True)
    hitting = Dict().tag(sync=True)
    inside = Dict().tag(sync=True)  # the inside panel: one state's forward pass (widget/inside.py)
    inside_replay = Dict().tag(sync=True)  # {} here: only a save_html page carries it (widget_inside.replay)
    one_step = Dict().tag(sync=True)  # the This step view: StepReport.summary() of the asked step
    taught = Dict().tag(sync=True)  # the last nudge / teach: the chain before and what moved (widget/teaching.py)
    can_undo = Unicode("").tag(sync=True)  # "reset", "nudge" or "teach": what undo() would take back
    engine_state = traitlets.Bytes(b"").tag(sync=True)  # the run's state blob at rest (widget/engine_state.py)
    lesson_pages = List(Dict()).tag(sync=True)  # the lesson's pages (babygpt_widget/lesson/schema.py)
    lesson_page = Int(-1).tag(sync=True)  # the page on the card; -1 = closed

    # -- validation of view traits: refused values raise FieldError (a ValueError and a
    #    TraitError, so traitlets rolls the write back) and the old value is kept -----------------
    @traitlets.validate("graph_layout")
    def _valid_layout(self, proposal: dict) -> str:
        if proposal["value"] not in LAYOUTS:
            raise FieldError("graph_layout", f"must be one of {', '.join(LAYOUTS)}; got {echo(proposal['value'])}")
        return proposal["value"]

    @traitlets.validate("train_n")
    def _valid_train_n(self, proposal: dict) -> int:
        return check_count("train_n", proposal["value"], 1, MAX_TRAIN_N)

    @traitlets.validate("shown_index")
    def _valid_shown_index(self, proposal: dict) -> int:
        value = proposal["value"]
        if not -1 <= value < max(1, len(self.history_steps) // 4):
            raise FieldError("shown_index", f"must be -1 (live) or a history index; got {echo(value)}")
        return value

    @traitlets.validate("controls")
    def _valid_controls(self, proposal: dict) -> list[str]:
        unknown = [c for c in proposal["value"] if c not in CONTROLS]
        if unknown:
            raise FieldError("controls", f"unknown {echo(unknown)}; choose from {', '.join(CONTROLS)}")
        return list(proposal["value"])

    @traitlets.validate("open_sections")
    def _valid_open_sections(self, proposal: dict) -> list[str]:
        unknown = [c for c in proposal["value"] if c not in SECTIONS]
        if unknown:
            raise FieldError("open_sections", f"unknown {echo(unknown)}; choose from {', '.join(SECTIONS)}")
        return [c for c in SECTIONS if c in proposal["value"]]

    @traitlets.validate("selected_state")
    def _valid_selected_state(self, proposal: dict) -> str:
        value = proposal["value"]
        if value and value not in self.engine.state_space(include_prefixes=True).index:
            raise FieldError("selected_state", f"{echo(value)} is not a state")
        return value

    @traitlets.validate("temperature")
    def _valid_temperature(self, proposal: dict) -> float:
        value = proposal["value"]
        if not 0 <= value <= 2:
            raise FieldError("temperature", f"must be from 0 to 2; got {echo(value)}")
        return value

    @traitlets.validate("play_speed")
    def _valid_play_speed(self, proposal: dict) -> float:
        return check_speed(proposal["value"], MIN_PLAY_SPEED, MAX_PLAY_SPEED)

    # -- Play's pace in presentation mode (PRESENTATION_PLAY_SPEED) ------------------------------
    _speed_auto = True  # play_speed is the default or the presentation rule's, not a choice
    _writing_speed = False

    @traitlets.observe("play_speed")
    def _speed_chosen(self, _change: dict) -> None:
        if not self._writing_speed:
            self._speed_auto = False

    @traitlets.observe("presentation")
    def _presentation_pace(self, change: dict) -> None:
        """Presentation starts Play at a pace a class can follow, unless a speed was chosen;
        leaving presentation goes back to full speed if that pace was never changed."""
        if not self._speed_auto:
            return
        target = PRESENTATION_PLAY_SPEED if change["new"] else 0.0
        if self.play_speed in (0.0, PRESENTATION_PLAY_SPEED) and self.play_speed != target:
            self._writing_speed = True
            try:
                self.play_speed = target
            finally:
                self._writing_speed = False

    @traitlets.validate("sample_n")
    def _valid_sample_n(self, proposal: dict) -> int:
        return check_count("sample_n", proposal["value"], 1, MAX_FRONTEND_SAMPLE)

    @traitlets.validate("sample_seed")
    def _valid_sample_seed(self, proposal: dict) -> int:
        return check_count("sample_seed", proposal["value"], 0, 2**32 - 1)

    @traitlets.validate("reach_k")
    def _valid_reach_k(self, proposal: dict) -> int:
        return check_count("reach_k", proposal["value"], 0, MAX_FRONTEND_REACH_K)

    @traitlets.validate("sample_start")
    def _valid_sample_start(self, proposal: dict) -> str:
        value = proposal["value"]
        if value and value not in self.engine.state_space(include_prefixes=True).index:
            raise FieldError("sample_start", f"{echo(value)} is not a state")
        return value

    @traitlets.validate("naughty")
    def _valid_naughty(self, proposal: dict) -> list[str]:
        index = self.engine.state_space(include_prefixes=True).index
        bad = [s for s in proposal["value"] if s not in index]
        if bad:
            raise FieldError("naughty", f"{echo(bad)} are not states")
        return list(dict.fromkeys(proposal["value"]))

    @traitlets.validate("walk")
    def _valid_walk(self, proposal: dict) -> dict:
        return json_safe(proposal["value"])

    @traitlets.observe("shown_index")
    def _remember_shown_step(self, change: dict) -> None:
        steps = np.frombuffer(self.history_steps, dtype="<i4")
        self._shown_step = None if change["new"] < 0 else int(steps[change["new"]])

    # -- front-end writes: Python-owned traits are read-only, refused values revert on both sides --
    def set_state(self, sync_data: dict) -> None:
        """Called with the front end's trait writes (on the comm's thread)."""
        if not isinstance(sync_data, dict):
            return
        refused: dict[str, str] = {}
        with self._owner():
            for name, value in sync_data.items():
                if name in PYTHON_OWNED:
                    refused[name] = f"{name}: set by the kernel only"
                    continue
                try:
                    super().set_state({name: value})
                except Exception as e:  # noqa: BLE001 - any refusal is answered, never raised into the kernel
                    refused[name] = field_message(name, e, value)
                    if name in ERROR_FIELDS:
                        self.errors = {**self.errors, name: refused[name]}
                else:
                    self._clear_error(name)
            if refused:
                self.send_state(list(refused))  # the kernel's value goes back: both sides agree again
        for name, error in refused.items():
            self.send({"reply": name, "ok": False, "error": error, "field": name})



document(WidgetTraits.class_own_traits())
