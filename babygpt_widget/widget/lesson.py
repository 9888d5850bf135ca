"""The widget's lesson: pages on a card beside the chain (babygpt_widget/lesson for the data).

`w.lesson` is a `LessonControl` (go / next / back / leave / card); the front end's Back, Next and
Leave send the command `lesson` with `page`. Opening a lesson keeps the learner's view aside
(temperature, layout, marks, shorter contexts, shown step, walk, inside panel); the first page that
sets `settings` also keeps the learner's whole run aside (weights, optimizer, history, undo) and
gives the lesson a fresh run of its own. Leave puts both back exactly as they were.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.config import RunConfig
from ..core.field_checks import FieldError, check_count, echo
from ..engine import BabyGPT
from ..lesson import SEED_LESSON, FigureContext, fill, validate_lesson

VIEW_TRAITS = ("temperature", "graph_layout", "naughty", "show_prefixes", "walk", "sample_start")


def resolve_lesson(lesson: Any) -> list[dict]:
    """"seed" (the built-in lesson) or a list of pages, checked (LessonError naming the field)."""
    if isinstance(lesson, str):
        if lesson != "seed":
            raise FieldError("lesson", f'must be "seed" or a list of pages; got {echo(lesson)}')
        return validate_lesson(SEED_LESSON)
    return validate_lesson(lesson)


class LessonControl:
    """``w.lesson``: the widget's lesson. ``go(k)`` shows page k (0-based), ``leave()`` closes it."""

    def __init__(self, widget: "LessonMixin") -> None:
        self._w = widget

    @property
    def pages(self) -> list[dict]:
        return list(self._w.lesson_pages)

    @property
    def page(self) -> int | None:
        """The page shown (0-based), None while the lesson is closed."""
        return None if self._w.lesson_page < 0 else self._w.lesson_page

    def open(self, lesson: Any = "seed", page: int = 0) -> None:
        """Load a lesson ("seed" or a list of pages) and show its page `page`."""
        pages = resolve_lesson(lesson)
        if self._w.lesson_page >= 0:
            self.leave()
        self._w.lesson_pages = pages
        self.go(page)

    def go(self, k: int) -> None:
        """Show page k (0 … n-1), applying what it sets."""
        self._w._lesson_go(check_count("page", k, 0, len(self._w.lesson_pages) - 1))

    def next(self) -> None:
        self.go(min((self.page or 0) + 1, len(self._w.lesson_pages) - 1))

    def back(self) -> None:
        self.go(max((self.page or 0) - 1, 0))

    def leave(self) -> None:
        """Close the card and put back the learner's run and view."""
        self._w._lesson_leave()

    def card(self) -> dict[str, str]:
        """The shown page's title and text with their figures filled from what the widget shows now."""
        if self.page is None:
            return {}
        page = self._w.lesson_pages[self.page]
        ctx = self._w._figure_context()
        return {"title": fill(page["title"], ctx), "text": fill(page["text"], ctx)}

    def __repr__(self) -> str:
        at = "closed" if self.page is None else f"page {self.page + 1} / {len(self._w.lesson_pages)}"
        return f"<lesson: {len(self._w.lesson_pages)} pages, {at}>"


class LessonMixin:
    """Mixed into BabyGPTWidget: needs its traits, `_owner()`, `engine`, `stop()`, `_push`, `show_step`,
    `_queue_or_run` and `explain`."""

    def _init_lesson(self) -> None:
        self._lesson_view: dict[str, Any] | None = None  # the learner's view while a lesson is open
        self._lesson_run: tuple[Any, ...] | None = None  # the learner's run, when the lesson has its own

    @property
    def lesson(self) -> LessonControl:
        """The lesson on the card beside the chain: ``w.lesson.go(3)``, ``w.lesson.leave()``."""
        return LessonControl(self)  # type: ignore[arg-type]

    def _lesson_command(self, page: Any) -> None:
        """{"cmd": "lesson", "page": k}: show page k; -1 leaves."""
        if isinstance(page, (int, np.integer)) and not isinstance(page, bool) and page == -1:
            self._lesson_leave()
            return
        self.lesson.go(page)

    def _lesson_go(self, k: int) -> None:
        page = self.lesson_pages[k]
        with self._owner():
            self._keep_learner_view()
            self._apply_set(page.get("set", {}))
            self.lesson_page = k

    def _lesson_show(self, k: int) -> None:
        """Open the card at page k over the view as it is (a view link restores that page's view
        itself): nothing the page sets is applied. Leave comes back to this view."""
        with self._owner():
            self._keep_learner_view()
            self.lesson_page = k

    def _keep_learner_view(self) -> None:
        if self.lesson_page < 0:
            self._lesson_view = {name: getattr(self, name) for name in VIEW_TRAITS}
            self._lesson_view["shown_step"] = self._shown_step
            self._lesson_view["inside"] = (self.inside or {}).get("state")

    def _apply_set(self, s: dict) -> None:
        if "settings" in s:
            wanted = {**RunConfig().to_dict(), **s["settings"]}
            if self._lesson_run is None or self.engine.config.to_dict() != wanted:
                self.stop()
                if self._lesson_run is None:  # the learner's run waits for Leave, undo and all
                    self._lesson_run = (self.engine, self._undo_engine, self.can_undo_reset)
                self.engine, self._undo_engine = BabyGPT(**wanted), None
                self.can_undo_reset = False
                self.inside = {}
                self._push(history=True, view_live=True)
        states = set(self.engine.state_space(include_prefixes=True).labels)
        if "temperature" in s:
            self.temperature = s["temperature"]
        if "layout" in s:
            self.graph_layout = s["layout"]
        if "marks" in s:
            self.naughty = [m for m in s["marks"] if m in states]
        if "prefixes" in s:
            self.show_prefixes = s["prefixes"]
        if "step" in s:
            missing = s["step"] - self.engine.global_step
            if missing > 0:
                self.shown_index = -1
                self._queue_or_run(missing)
            elif missing < 0:  # trained past it: show the step the page talks about
                self.show_step(s["step"])
            else:
                self.shown_index = -1
        if "shown_step" in s:
            if s["shown_step"] == "live":
                self.shown_index = -1
            elif s["shown_step"] <= self.engine.global_step:
                self.show_step(s["shown_step"])
        if "inside" in s and s["inside"] in states:
            self.explain(s["inside"])

    def _lesson_leave(self) -> None:
        if self.lesson_page < 0:
            return
        with self._owner():
            if self._lesson_run is not None:
                self.stop()
                self.engine, self._undo_engine, can_undo = self._lesson_run
                self._lesson_run = None
                with self.hold_sync():
                    self.can_undo_reset = can_undo
                    self.inside = {}
                    self._push(history=True, view_live=True)
            view, self._lesson_view = self._lesson_view or {}, None
            with self.hold_sync():
                for name in VIEW_TRAITS:
                    if name in view:
                        setattr(self, name, view[name])
                self.lesson_page = -1
            shown = view.get("shown_step")
            self.shown_index = -1 if shown is None else self.engine.history.at_step(shown)
            self.inside = {}
        if view.get("inside"):
            self.explain(view["inside"])

    def _figure_context(self) -> FigureContext:
        """What the widget shows now, as the figures read it (the front end reads the same traits)."""
        with self._owner():
            engine = self.engine
            space = engine.state_space(include_prefixes=True)
            n_prefix = len(space.labels) - len(engine.states)
            history = engine.history
            shown = -1 if self.shown_index < 0 else self.shown_index
            if shown < 0:
                every = engine.transition_matrix(include_prefixes=True).astype(np.float32)
                step, loss = engine.global_step, float(engine.loss)
            else:
                prefix = history.prefix_probs[shown] if history.prefix_probs is not None else np.zeros((n_prefix, 0))
                every = np.concatenate([prefix, history.probs[shown]]).astype(np.float32)
                step, loss = int(history.steps[shown]), float(history.losses[shown])
            counts = engine.data_counts(include_prefixes=True)
            order = list(range(n_prefix, len(space.labels))) + list(range(n_prefix))  # full contexts first
            config = engine.config
            return FigureContext(
                states=[space.labels[i] for i in order], n_full=len(engine.states), tokens=engine.alphabet,
                context_length=config.context_length, probs=every[order], counts=counts[order],
                history_steps=np.asarray(history.steps), history_losses=np.asarray(history.losses, dtype=np.float32),
                step=step, loss=float(np.float32(loss)), temperature=float(self.temperature), sequence=config.sequence,
                start=self.sample_start or engine.alphabet[-1] * config.context_length,
                walk=str((self.walk or {}).get("tokens", "")))
