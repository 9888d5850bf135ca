"""The settings a run trained with, and from which step: its run string, kept as it happens.

A run starts one segment when it is built (or reset, or rebuilt by an architecture change).
A live change (lr, weight decay, sequence) starts a new segment at the current step; changes at
the same step, before any training, merge into one (and one that restores the previous
segment's settings removes it), so the log is canonical: one run, one string. The steps of the
last segment are the run's own ``global_step`` minus its start, so an interrupted step, a
divergence rolled back or any whole-step count reads right without bookkeeping here.

A log past MAX_SEGMENTS segments or MAX_LENGTH characters keeps no segments and writes the
``too-long`` marker: the run trains on, but its string says it cannot be rebuilt from one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.config import RunConfig
from .runstring import MAX_LENGTH, MAX_SEGMENTS, PREFIX, RunPlan, settings_text, too_long_text

_STEPS_CHARS = len("steps=10000000")  # room kept for the last segment's step count


@dataclass(frozen=True)
class RunLog:
    starts: tuple[tuple[RunConfig, int], ...]  # (settings, the global step they apply from)
    exact: bool = True  # False: the first segment's settings are assumed (a run/1 file)
    too_long: bool = False
    head: str = ""  # the run string up to the last segment's step count

    @classmethod
    def start(cls, config: RunConfig, exact: bool = True) -> "RunLog":
        return cls._of(((config, 0),), exact)

    @classmethod
    def of_plan(cls, plan: RunPlan, final: RunConfig) -> "RunLog":
        """The log of a run that replayed ``plan`` completely (a loaded run file's string)."""
        if plan.too_long:
            return cls((), exact=False, too_long=True)
        starts, step = [], 0
        for segment in plan.segments:
            starts.append((segment.config, step))
            step += segment.steps
        starts[-1] = (final, starts[-1][1])  # equal settings, the file's own object
        return cls._of(tuple(starts), plan.exact)

    @classmethod
    def _of(cls, starts: tuple[tuple[RunConfig, int], ...], exact: bool) -> "RunLog":
        parts, before = [], None
        for (config, start), following in zip(starts, starts[1:] + ((None, None),)):
            parts.append(settings_text(config, before))
            if following[1] is not None:
                parts.append(f"steps={following[1] - start}|")
            before = config
        head = PREFIX + ("" if exact else "exact=0;") + "".join(parts)
        if len(starts) > MAX_SEGMENTS or len(head) + _STEPS_CHARS > MAX_LENGTH:
            return cls((), exact=False, too_long=True)
        return cls(starts, exact, False, head)

    def changed(self, config: RunConfig, step: int) -> "RunLog":
        """The log after the live settings became ``config`` at ``step`` (an architecture change
        rebuilds the run instead: ``RunLog.start``)."""
        if self.too_long:
            return self
        last, start = self.starts[-1]
        if config == last:
            return self
        if start == step:  # nothing trained with `last`: replace it
            starts = self.starts[:-1]
            if starts and starts[-1][0] == config:  # back to the settings before: one segment again
                return self._of(starts, self.exact)
            return self._of(starts + ((config, step),) if starts else ((config, 0),), self.exact)
        return self._of(self.starts + ((config, step),), self.exact)

    def text(self, global_step: int) -> str:
        if self.too_long:
            return too_long_text(global_step)
        # a step count below the last change cannot happen (a rollback never crosses a change:
        # configure drops the trainer's checkpoint); never write a negative count anyway
        return f"{self.head}steps={max(0, global_step - self.starts[-1][1])}"


__all__ = ["RunLog"]
