"""The widget's view link: ``w.link`` (the run and what is on screen, view_link.py's format) and
``BabyGPTWidget.from_link(link)``, which rebuilds the run from its run string and shows that view."""

from __future__ import annotations

from typing import Any

from ..core.field_checks import FieldError
from .lesson import resolve_lesson
from .view_link import ViewLink, format_link, hidden_controls, parse_link


class LinkedViewMixin:
    """Mixin for the widget: needs `engine`, `_owner()`, `load_run`, `stop` and the view traits."""

    _link_step: int | None = None  # a linked shown step waiting for its run's replay to reach it

    @property
    def link(self) -> str:
        """The view link of what is on screen: the run string plus the shown step, layout,
        temperature, marked and selected states, open side-panel sections, hidden controls and the
        lesson page on the card (``BabyGPTWidget.from_link`` rebuilds it)."""
        with self._owner():  # type: ignore[attr-defined]
            index = self.shown_index  # type: ignore[attr-defined]
            history = self.engine.history  # type: ignore[attr-defined]
            step = None if index < 0 or index >= len(history.steps) else int(history.steps[index])
            return format_link(ViewLink(
                run=self.run_string, step=step, layout=self.graph_layout,  # type: ignore[attr-defined]
                temperature=float(self.temperature), marked=tuple(self.naughty),  # type: ignore[attr-defined]
                hide=hidden_controls(self.controls),  # type: ignore[attr-defined]
                select=self.selected_state, open=tuple(self.open_sections),  # type: ignore[attr-defined]
                lesson=None if self.lesson_page < 0 else int(self.lesson_page)))  # type: ignore[attr-defined]

    @classmethod
    def from_link(cls, link: str, **view: Any) -> Any:
        """A widget showing a view link's run and view. The run is rebuilt from its run string (in
        a kernel in the background, like ``from_run_string``); the shown step is applied when the
        replay reaches it. A ``lesson`` page opens the card at that page of the widget's lesson (the
        built-in one, or ``lesson=my_pages`` passed here) over the linked view, without re-applying
        what the page sets. A bad link raises ValueError naming the key (``link: marked: …``)."""
        parsed = parse_link(link)
        pages = view.pop("lesson", None)  # loaded closed: the link says which page (if any) is open
        widget = cls(graph_layout=parsed.layout, controls=parsed.controls, **view)
        if pages is not None:
            widget.lesson_pages = resolve_lesson(pages)
        try:
            widget.load_run(parsed.run)
        except ValueError as e:
            raise ValueError(f"link: run: {str(e).removeprefix('run_string: ')}") from None
        try:
            widget._apply_view(parsed)
        except ValueError:
            widget.stop()
            raise
        return widget

    def _apply_view(self, parsed: ViewLink) -> None:
        """Temperature, marks, lesson page and shown step of a link, on this widget's (just loaded) run."""
        with self._owner():  # type: ignore[attr-defined]
            n_pages = len(self.lesson_pages)  # type: ignore[attr-defined]
            if parsed.lesson is not None and parsed.lesson >= n_pages:
                raise FieldError("link", f"lesson: page {parsed.lesson} is not a page of this widget's lesson "
                                         f"(pages 0 to {n_pages - 1})" if n_pages else
                                         f"lesson: page {parsed.lesson}, but this widget has no lesson")
            states = self.engine.state_space(include_prefixes=True).index  # type: ignore[attr-defined]
            unknown = [s for s in (*parsed.marked, parsed.select) if s and s not in states]
            if unknown:
                key = "marked" if unknown[0] in parsed.marked else "select"
                raise FieldError("link", f"{key}: {unknown[0]!r} is not a state of this run "
                                         f"(alphabet {self.engine.alphabet!r}, context "  # type: ignore[attr-defined]
                                         f"{self.engine.config.context_length})")  # type: ignore[attr-defined]
            with self.hold_sync():  # type: ignore[attr-defined]
                self.temperature = parsed.temperature
                self.naughty = list(parsed.marked)
                self.selected_state = parsed.select
                self.open_sections = list(parsed.open)
            if parsed.lesson is not None:
                self._lesson_show(parsed.lesson)  # type: ignore[attr-defined]
            if parsed.step is not None:
                self._link_step = parsed.step
                if not self.training:  # type: ignore[attr-defined]
                    self._show_link_step()

    def _show_link_step(self) -> None:
        """Under the lock, once the replay is done: show the linked step (the nearest recorded
        at or before it), unless the user moved the slider meanwhile."""
        step, self._link_step = self._link_step, None
        if step is not None and self.shown_index < 0:  # type: ignore[attr-defined]
            self.shown_index = self.engine.history.at_step(step)  # type: ignore[attr-defined]


__all__ = ["LinkedViewMixin"]
