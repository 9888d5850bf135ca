"""Live figures in a lesson's text, filled from what the widget shows at that moment.

A figure is ``{name}``, ``{name:arg}`` or ``{name@K}`` (K: a recorded training step). The same
grammar and formatting live in js/model/lessonFigures.ts; the browser test checks that a card's
figures equal these.

| figure | value |
|---|---|
| ``{step}``, ``{loss}``, ``{loss@K}`` | the shown step; its loss (4 decimals); the loss recorded at step K (— before it) |
| ``{p:101>1}`` | P(next token 1 after 101) on the shown chain at the shown temperature, e.g. ``79%`` |
| ``{label:000>1}`` | the edge's label as drawn, e.g. ``1(73%)`` |
| ``{data:111>1}`` | the share of 1 after 111 in the training data (— for a state the data never shows) |
| ``{share:110}`` | the long-run share of a walk's time in 110 (one decimal, %) |
| ``{greedy:111}`` | the state the likeliest token leads to from 111 (temperature 0: the deterministic machine) |
| ``{states}``, ``{actual}``, ``{V}``, ``{C}`` | V^C states; with the shorter contexts; tokens; context |
| ``{bits}``, ``{size}`` | bits of one state, log2(V)·C, and in bytes; ``{bits:50257x2048}``: any V×C |
| ``{sequence}``, ``{start}``, ``{walk}`` | the training sequence; the walk's start; the last walk's tokens |
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..core.chain import stationary_distribution

FIGURE = re.compile(r"\{([A-Za-z]+)(?:@(\d{1,8}))?(?::([^{}]{1,40}))?\}")
NAMES = ("step", "loss", "p", "label", "data", "share", "greedy", "states", "actual", "V", "C", "bits", "size",
         "sequence", "start", "walk")
NEEDS_ARG = ("p", "label", "data", "share", "greedy")
AT_STEP = ("loss",)
MISSING = "—"


def check_figures(text: str) -> None:
    """ValueError for a figure this grammar does not know (named, with what is known)."""
    rest = FIGURE.sub("", text)
    if "{" in rest or "}" in rest:
        raise ValueError(f"a brace that opens no figure; figures are {{name}} or {{name:arg}} with name one of "
                         f"{', '.join(NAMES)}")
    for m in FIGURE.finditer(text):
        name, at, arg = m.groups()
        if name not in NAMES:
            raise ValueError(f"unknown figure {{{name}}}; known: {', '.join(NAMES)}")
        if at is not None and name not in AT_STEP:
            raise ValueError(f"{{{name}@…}}: only {', '.join(AT_STEP)} takes a step")
        if name in NEEDS_ARG and arg is None:
            raise ValueError(f"{{{name}}} needs an argument, e.g. {{{name}:101{'>1' if name in ('p', 'label', 'data') else ''}}}")
        if name in ("p", "label", "data") and (arg.count(">") != 1 or not all(arg.split(">"))):
            raise ValueError(f"{{{name}:{arg}}}: write STATE>TOKEN, e.g. {{{name}:101>1}}")
        if name in ("bits", "size") and arg is not None and not re.fullmatch(r"\d{1,9}x\d{1,9}", arg):
            raise ValueError(f"{{{name}:{arg}}}: write VxC, e.g. {{{name}:50257x2048}}")


@dataclass
class FigureContext:
    """What the widget shows: the chain at the shown step (full contexts, then the shorter ones)."""

    states: list[str]  # full contexts, then shorter ones (the widget's prefix_states)
    n_full: int
    tokens: str
    context_length: int
    probs: np.ndarray  # (len(states), V) float32 at the shown step
    counts: np.ndarray  # (len(states), V) data counts
    history_steps: np.ndarray
    history_losses: np.ndarray
    step: int
    loss: float
    temperature: float
    sequence: str
    start: str
    walk: str

    def row(self, state: str) -> np.ndarray | None:
        if state not in self.states:
            return None
        p = self.probs[self.states.index(state)].astype(np.float64)
        return tempered(p, self.temperature)


def tempered(p: np.ndarray, temperature: float) -> np.ndarray:
    """p^(1/T) renormalised (softmax(logits / T)); T = 0: all on the likeliest token (first on ties)."""
    if temperature <= 0:
        out = np.zeros_like(p)
        out[int(np.argmax(p))] = 1.0
        return out
    q = np.power(np.maximum(p, 0.0), 1.0 / temperature)
    total = q.sum()
    return q / total if total > 0 else np.full_like(p, 1.0 / len(p))


def percent(x: float, digits: int = 0) -> str:
    return f"{x * 100:.{digits}f}%"


def bits_text(bits: float) -> str:
    if abs(bits - round(bits)) < 1e-9:
        return f"{round(bits):,}"
    return f"{bits:,.0f}" if bits >= 100 else f"{bits:.2f}"


def size_text(bits: float) -> str:
    size = bits / 8
    return f"{size:.3g} bytes" if size < 999.5 else f"{size / 1000:,.1f} kB"


def _vc(ctx: FigureContext, arg: str | None) -> tuple[int, int]:
    if arg is None:
        return len(ctx.tokens), ctx.context_length
    v, c = arg.split("x")
    return int(v), int(c)


def figure(ctx: FigureContext, name: str, at: str | None, arg: str | None) -> str:
    """One figure's text (MISSING when it names a state, token or step the run does not have)."""
    V, C = len(ctx.tokens), ctx.context_length
    if name == "step":
        return f"{ctx.step:,}"
    if name == "loss":
        if at is None:
            return f"{ctx.loss:.4f}" if math.isfinite(ctx.loss) else MISSING
        hit = np.nonzero(ctx.history_steps == int(at))[0]
        return f"{float(ctx.history_losses[hit[0]]):.4f}" if len(hit) else MISSING
    if name in ("p", "label", "data"):
        state, token = arg.split(">")
        if len(token) != 1 or token not in ctx.tokens or state not in ctx.states:
            return MISSING
        t = ctx.tokens.index(token)
        if name == "data":
            counts = ctx.counts[ctx.states.index(state)]
            return percent(counts[t] / counts.sum()) if counts.sum() > 0 else MISSING
        p = percent(ctx.row(state)[t])
        return p if name == "p" else f"{token}({p})"
    if name == "share":
        if arg not in ctx.states[: ctx.n_full]:
            return MISSING
        full = np.stack([tempered(r.astype(np.float64), ctx.temperature) for r in ctx.probs[: ctx.n_full]])
        return percent(float(stationary_distribution(full, next_index(ctx))[ctx.states.index(arg)]), 1)
    if name == "greedy":
        row = ctx.row(arg)
        return MISSING if row is None else (arg + ctx.tokens[int(np.argmax(row))])[-C:]
    if name == "states":
        return f"{V ** C:,}"
    if name == "actual":
        return f"{sum(V ** k for k in range(1, C + 1)):,}"
    if name == "V":
        return f"{V:,}"
    if name == "C":
        return f"{C:,}"
    if name in ("bits", "size"):
        v, c = _vc(ctx, arg)
        bits = math.log2(v) * c if v > 0 else 0.0
        return bits_text(bits) if name == "bits" else size_text(bits)
    if name == "sequence":
        return ctx.sequence
    if name == "start":
        return ctx.start
    if name == "walk":
        return ctx.walk or MISSING
    raise ValueError(f"unknown figure {{{name}}}")


def next_index(ctx: FigureContext) -> np.ndarray:
    full = ctx.states[: ctx.n_full]
    where = {s: i for i, s in enumerate(full)}
    return np.array([[where[(s + t)[1:]] for t in ctx.tokens] for s in full], dtype=np.int64)


def fill(text: str, ctx: FigureContext) -> str:
    """The text with each figure replaced by its value now."""
    return FIGURE.sub(lambda m: figure(ctx, *m.groups()), text)
