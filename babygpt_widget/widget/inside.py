"""The widget's "inside" panel: one state's forward pass as a JSON-safe trait, and its replay in saved pages.

`explain(state, step)` fills the Python-owned trait `inside` (the front end re-asks when the
shown step changes, at most a few times a second while training). `replay(...)` precomputes
explanations at recorded steps for `save_html`, so a page without a kernel still shows them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.field_checks import FieldError, echo

if TYPE_CHECKING:
    from ..engine import BabyGPT
    from ..analysis.explain import Explanation

# Saved pages: at most this many numbers of explanations (≈ 6 bytes each in the page's JSON: the
# default run's page stays < 1 MB with its bundle and history), over at most REPLAY_STEPS recorded
# steps, all states when there are at most REPLAY_ALL_STATES.
REPLAY_MAX_NUMBERS = 80_000
REPLAY_STEPS = 16
REPLAY_ALL_STATES = 128
REPLAY_MIN_STEPS = 8  # fewer than this for all states: save the open state only, at more steps
REPLAY_SECONDS = 4.0  # rebuilding past weights replays training: stop adding steps after this
DIGITS = 6  # significant digits of `inside`: float32 has ~7, the panel shows 3
REPLAY_DIGITS = 4  # saved pages: probabilities to the panel's 0.1 %; embeddings and weights get 3


def _rounded(a: np.ndarray, digits: int) -> Any:
    """A float array as nested lists of `digits` significant digits (JSON stays small)."""
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"), otypes=[float])(a).tolist() if a.size else a.tolist()


def inside_dict(e: "Explanation", digits: int = DIGITS) -> dict[str, Any]:
    """The JSON-safe form of an Explanation (the `inside` trait's contract)."""
    def r(a: np.ndarray) -> Any:
        return _rounded(a, digits)

    def coarse(a: np.ndarray) -> Any:  # saved pages: drawn as colours, hovered to 3 decimals
        return _rounded(a, digits if digits >= DIGITS else 3)

    return {
        "state": e.state, "step": int(e.step), "tokens": list(e.tokens),
        "token_embeddings": coarse(e.token_embeddings), "position_embeddings": coarse(e.position_embeddings),
        "attention": coarse(e.attention), "lens_probs": r(e.lens_probs), "logits": r(e.logits),
        "probs": r(e.probs), "decided_at": int(e.decided_at),
    }


def check_explain_args(state: Any, step: Any) -> tuple[str | None, int | None]:
    """Types only (the engine checks that the state exists and the step can be rebuilt)."""
    if state is not None and not isinstance(state, str):
        raise FieldError("state", f"must be a state (a string) or None to close; got {echo(state)}")
    if isinstance(state, str) and len(state) > 64:
        raise FieldError("state", f"{echo(state)} is not a state")
    if step is not None and (isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0):
        raise FieldError("step", f"must be a training step (an integer >= 0) or None for the shown step; got {echo(step)}")
    return state, None if step is None else int(step)


def replay_steps(history_steps: np.ndarray, now: int, limit: int = REPLAY_STEPS) -> list[int]:
    """At most `limit` recorded steps, evenly over the history, always the first and the live one."""
    steps = sorted({int(s) for s in history_steps} | {int(now)})
    if len(steps) <= limit:
        return steps
    picks = np.unique(np.round(np.linspace(0, len(steps) - 1, limit)).astype(int))
    return [steps[i] for i in picks]


def replay(engine: "BabyGPT", open_state: str | None, shown_step: int | None) -> dict[str, Any]:
    """`{steps, states, entries: {state: [inside dict per step]}, complete}` for a saved page.

    States: all of them when there are at most REPLAY_ALL_STATES, else the open one. Steps: the
    live one first (always), then the shown one, then the others evenly, while the time and size
    budgets last; `complete` says whether every chosen step made it."""
    labels = list(engine.state_space(include_prefixes=True).labels)
    now = engine.global_step
    wanted = replay_steps(engine.history.steps, now)
    if shown_step is not None and shown_step not in wanted:
        wanted = sorted(wanted + [shown_step])  # the slider's step as saved
    c = engine.config
    T, d, L, H, V = c.context_length, c.n_embd, c.n_layer, c.n_head, len(c.alphabet)
    per_state = 2 * T * d + L * H * T * T + (L + 1) * V + 2 * V
    fits = REPLAY_MAX_NUMBERS // max(1, per_state * len(labels))
    if len(labels) <= REPLAY_ALL_STATES and fits >= min(REPLAY_MIN_STEPS, len(wanted)):
        states = labels
    else:
        states = [open_state] if open_state in labels else []
    first = [now] + ([shown_step] if shown_step is not None and shown_step in wanted else [])
    order = first + [s for s in reversed(wanted) if s not in first]
    rows: dict[int, list[dict[str, Any]]] = {}
    start = time.perf_counter()
    for step in order:
        if rows and (time.perf_counter() - start > REPLAY_SECONDS or (len(rows) + 1) * per_state * len(states) > REPLAY_MAX_NUMBERS):
            break
        try:
            rows[step] = [inside_dict(engine.explain(s, None if step == now else step), REPLAY_DIGITS) for s in states]
        except ValueError:  # a step before the oldest weight snapshot: not rebuildable
            continue
    steps = sorted(rows)
    return {"steps": steps, "states": states, "entries": {s: [rows[t][i] for t in steps] for i, s in enumerate(states)},
            "complete": len(steps) == len(wanted)}


class InsideMixin:
    """BabyGPTWidget's inside panel. Needs `engine`, `_owner()`, `_shown_step` and the `inside` trait."""

    engine: "BabyGPT"
    inside: dict
    _shown_step: int | None
    _inside_model: Any = None  # the model `inside` was computed from (a rebuilt one closes the panel)

    def explain(self, state: str, step: int | None = None) -> "Explanation":
        """The forward pass behind ``state``'s edges (see ``BabyGPT.explain``) at ``step``; None =
        the step the widget shows (live, or the history slider's). Also shown in the inside panel.
        A past step too costly to rebuild is refused naming the nearest one that can be shown."""
        return self._explain(state, step, nearest=False)

    def _explain(self, state: Any, step: Any, nearest: bool) -> "Explanation":
        state, step = check_explain_args(state, step)
        if state is None:
            raise FieldError("state", "must be a state (a string); got None")
        with self._owner():  # type: ignore[attr-defined]
            engine, model = self.engine, self.engine.model
            asked = self._shown_step if step is None else step
        e = engine.explain(state, asked, nearest=nearest)  # a past step's replay holds no lock
        with self._owner():  # type: ignore[attr-defined]
            if self.engine is engine and engine.model is model:  # else a rebuilt run: the answer is stale
                self.inside = {**inside_dict(e), "asked": asked if asked is not None else e.step}
                self._inside_model = model
        return e

    def _explain_command(self, content: dict) -> None:
        """{"cmd": "explain", "state", "step"}: state None (or "") closes the panel. A past step
        whose rebuild would pass the replay budget is answered at the nearest step that fits
        (`inside.step`; `inside.asked` is the step asked for)."""
        state, step = check_explain_args(content.get("state"), content.get("step"))
        if not state:
            with self._owner():  # type: ignore[attr-defined]
                self.inside = {}
            return
        self._explain(state, step, nearest=True)

    def _inside_replay(self) -> dict[str, Any]:
        """Under the lock: the explanations a saved page replays (see `replay`)."""
        return replay(self.engine, self.inside.get("state"), self._shown_step)
