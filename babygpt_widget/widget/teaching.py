"""Push the chain yourself (issue 23 §2): ``nudge`` one edge, ``teach`` whole rows, ``undo``.

The engine does the training (core/teaching.py); here the widget keeps the run it replaced for
``undo`` (a copy taken before, so undo is exact: weights, optimizer, step, history, run string)
and tells the front end what moved (the `taught` trait: the chain before, for ghost labels, and
the summary). A teach holds the run's lock for its steps, so it is bounded in time: at most
TEACH_SECONDS of estimated training (the cost guard's per-step estimate).
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from ..core.config import config_cost
from ..core.field_checks import FieldError, check_count, clip
from ..core.teaching import MAX_TEACH_STEPS, TeachResult
from ..engine import BabyGPT

TEACH_SECONDS = 60.0
UNDOABLE = ("reset", "nudge", "teach")


def result_summary(result: TeachResult) -> dict[str, Any]:
    """The `taught` trait: JSON for the front end (the chain before: every state's row)."""
    return {
        "step": result.start_step + result.steps, "start_step": result.start_step, "steps": result.steps,
        "lr": result.lr, "weight": result.weight, "targets": result.targets,
        "before": [[float(p) for p in row] for row in result.before],
        "top_movers": [{"state": s, "token": t, "change": d} for s, t, d in result.top_movers(5)],
        "unseen_moved": result.unseen_moved(), "distance": result.distance(), "summary": result.summary(),
    }


class TeachingCommands:
    """Mixed into BabyGPTWidget: needs `engine`, `_owner()`, `stop()`, `_push`, the traits
    `taught`, `can_undo`, `can_undo_reset`, `errors`, and `_undo_engine` / `_undo_what`."""

    def nudge(self, state: str, token: str, p: float, steps: int = 20, weight: float | None = None,
              lr: float | None = None) -> TeachResult:
        """Push one edge toward probability ``p`` for ``steps`` steps (see ``BabyGPT.nudge``); the
        widget draws how every other edge moved. ``undo()`` goes back to before it, exactly."""
        return self._teach_with("nudge", steps, lambda run: run.nudge(state, token, p, steps, weight, lr))

    def teach(self, targets: dict[str, dict[str, float]], steps: int = 60, weight: float | None = None,
              lr: float | None = None) -> TeachResult:
        """Train toward transition rows set by hand (see ``BabyGPT.teach``), e.g.
        ``w.teach({"000": {"0": 0.9, "1": 0.1}}, steps=60)``. ``undo()`` goes back before it."""
        return self._teach_with("teach", steps, lambda run: run.teach(targets, steps, weight, lr))

    def undo(self) -> None:
        """Go back to before the last reset, nudge or teach (until the next training step or
        settings change), exactly: weights, optimizer, step, history and run string."""
        what = self._undo_what or "reset, nudge or teach"
        if self._undo_engine is None:
            raise FieldError("undo", f"nothing to undo: no {what} since the last training step or settings change")
        self.stop()
        with self._owner():
            if self._undo_engine is None:  # another thread trained in between
                raise FieldError("undo", "nothing to undo: the run trained since")
            self.engine, self._undo_engine, self._undo_what = self._undo_engine, None, ""
            with self.hold_sync():
                self.can_undo_reset = False
                self.can_undo = ""
                self.taught = {}
                self.errors = {k: v for k, v in self.errors.items() if k != "teach"}
                self._push(history=True, view_live=True)

    def _check_teach_time(self, steps: Any) -> int:
        steps = check_count("steps", steps, 1, MAX_TEACH_STEPS)
        seconds = config_cost(self.engine.config).step_seconds
        most = max(1, min(MAX_TEACH_STEPS, int(TEACH_SECONDS / seconds)))
        if steps > most:
            raise FieldError("steps", f"at these settings at most {most:,} steps (~{TEACH_SECONDS:.0f} s of training "
                                      f"while the run is held); got {steps:,}")
        return steps

    def _teach_with(self, what: str, steps: Any, action: Callable[[BabyGPT], TeachResult]) -> TeachResult:
        self._check_teach_time(steps)
        self.stop()
        with self._owner():
            before = copy.deepcopy(self.engine)  # what undo() brings back, exactly
            try:
                result = action(self.engine)
            except ValueError as e:
                field = getattr(e, "field", None) or str(e).split(":")[0]
                self.errors = {**self.errors, "teach": clip(str(e))}
                self._push(history=True)  # a divergence may have trained some steps
                raise FieldError(field, str(e).split(": ", 1)[-1]) from None
            self._undo_engine, self._undo_what = before, what
            with self.hold_sync():
                self.errors = {k: v for k, v in self.errors.items() if k != "teach"}
                self.can_undo_reset = False
                self.can_undo = what
                self.taught = result_summary(result)
                self.shown_index = -1
                self._push(history=True, view_live=True)
        return result


__all__ = ["TEACH_SECONDS", "TeachingCommands", "result_summary"]
