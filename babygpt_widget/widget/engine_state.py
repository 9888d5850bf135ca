"""The `engine_state` trait (issue 21 §2): the run's state blob (weights, both AdamW moments,
step, settings; render/page_engine.py) synced when the run comes to rest, so a notebook's saved
widget state carries what a page's local engine needs to keep training (`jupyter nbconvert
--to babygpt_html` hands it to the page runtime). Empty bytes when the page's engine would not
follow the run exactly.

Never every step: a token bucket lets a burst of BURST rests send at once (a notebook run top to
bottom rests a few times a second: each cell's blob must go out while the cell runs, for nbclient
to store it), then at most REFILL_PER_S a second; a rest that finds the bucket empty is sent by a
timer, in the resting cell's context, once a token is back. Cost (default run): ~0.6 ms to build,
~154 kB a push (bench/page_engine_chromium.py measures both).
"""

from __future__ import annotations

import contextvars
import threading
import time

from ..render.page_engine import not_exact_reason, state_blob

BURST = 8
REFILL_PER_S = 2.0


class EngineStateSync:
    """Mixed into the widget: `_state_at_rest()` after each resting push (under the run's lock)."""

    _state_tokens = float(BURST)
    _state_checked = float("-inf")
    _state_timer: threading.Timer | None = None

    def _state_at_rest(self) -> None:
        now = time.perf_counter()
        self._state_tokens = min(float(BURST), self._state_tokens + (now - self._state_checked) * REFILL_PER_S)
        self._state_checked = now
        if self._state_tokens >= 1.0:
            self._state_tokens -= 1.0
            self._send_engine_state()
        elif self._state_timer is None:
            run_here = contextvars.copy_context().run  # the comm message keeps the resting cell as parent
            timer = threading.Timer((1.0 - self._state_tokens) / REFILL_PER_S, run_here, (self._late_engine_state,))
            timer.daemon = True
            self._state_timer = timer
            timer.start()

    def _late_engine_state(self) -> None:
        with self._owner():  # type: ignore[attr-defined]
            self._state_timer = None
            self._state_at_rest()

    def _send_engine_state(self) -> None:
        engine = self.engine  # type: ignore[attr-defined]
        self.engine_state = b"" if not_exact_reason(engine.config) is not None else state_blob(engine)  # type: ignore[attr-defined]
