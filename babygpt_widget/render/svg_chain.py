"""The chain as a standalone SVG, drawn in pure Python (no Graphviz program needed).

The same picture the widget draws in its circular layout: full contexts clockwise from the top
along a de Bruijn cycle, edges curved and labelled ``t(p%)``, self-loops outside the ring,
opposite pairs bending apart, states unseen in the data dashed; light theme, with a caption.
Geometry mirrors js/drawing/nodePositions.ts (frameFor) and js/drawing/edgeShapes.ts (curveShape, loopShape).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from ..core.chain import edge_label

# js/widget.css light theme: token colours, node fill, text and edge colours.
TOKEN_COLOURS = ("#1c6fd1", "#e8590c", "#2b8a3e", "#9c36b5", "#0c8599", "#a0522d", "#d6336c", "#5c940d")
NODE_FILL, NODE_STROKE, TEXT, TEXT2, BACKGROUND = "#e8f1fb", "#24292f", "#1f2328", "#57606a", "#ffffff"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
BEND_SINGLE, BEND_PAIR = 0.12, 0.3  # js/drawing/edgeShapes.ts
CAPTION_LINE = 20.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    radius: float  # of the ring the nodes sit on
    node_radius: float
    half: float  # half the drawing's side: ring + loops + labels


def frame_for(n: int) -> Frame:
    """js/drawing/nodePositions.ts frameFor: node size shrinks past 16 states, the ring grows to fit them."""
    r = 26.0 if n <= 16 else max(5.0, 26.0 * math.sqrt(16 / n))
    radius = max(190.0, n * (2 * r + max(4.0, r * 2.2)) / (2 * math.pi))
    return Frame(radius, r, radius + r * 3.6)


def de_bruijn(k: int, n: int) -> list[int]:
    """The lexicographically least de Bruijn sequence B(k, n), as js/debruijn.ts builds it."""
    if k == 1:
        return [0]
    seq: list[int] = []
    w = [-1]  # Lyndon words in lexicographic order (Duval); those whose length divides n, joined
    while w:
        w[-1] += 1
        m = len(w)
        if n % m == 0:
            seq.extend(w)
        while len(w) < n:
            w.append(w[len(w) - m])
        while w and w[-1] == k - 1:
            w.pop()
    return seq


def ring_order(states: Sequence[str], alphabet: str, context_length: int) -> list[int]:
    """Indices of ``states`` in de Bruijn cycle order (consecutive states joined by an edge, so
    fewer chords cross); the given order when ``states`` are not exactly the V**C contexts."""
    index = {s: i for i, s in enumerate(states)}
    if len(states) != len(alphabet) ** context_length:
        return list(range(len(states)))
    seq = de_bruijn(len(alphabet), context_length)
    order = [index.get("".join(alphabet[seq[(i + j) % len(seq)]] for j in range(context_length)), -1)
             for i in range(len(seq))]
    return order if sorted(order) == list(range(len(states))) else list(range(len(states)))


def _unit(dx: float, dy: float) -> Point:
    n = math.hypot(dx, dy)
    return (dx / n, dy / n) if n > 1e-9 else (0.0, -1.0)


def _along(c: Point, u: Point, d: float) -> Point:
    return (c[0] + u[0] * d, c[1] + u[1] * d)


def _curve(a: Point, b: Point, bend: float, r: float, arrow: float) -> tuple[str, Point, Point, Point]:
    """Quadratic curve a -> b bending right of its direction: (path, arrow base, tip, label)."""
    dist = math.hypot(b[0] - a[0], b[1] - a[1])
    u = _unit(b[0] - a[0], b[1] - a[1])
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    ctrl = _along(mid, (-u[1], u[0]), bend * dist)
    start = _along(a, _unit(ctrl[0] - a[0], ctrl[1] - a[1]), r)
    tip = _along(b, _unit(ctrl[0] - b[0], ctrl[1] - b[1]), r)
    end = _along(tip, _unit(ctrl[0] - tip[0], ctrl[1] - tip[1]), arrow)
    label = (0.25 * start[0] + 0.5 * ctrl[0] + 0.25 * end[0], 0.25 * start[1] + 0.5 * ctrl[1] + 0.25 * end[1])
    return f"M{_pt(start)}Q{_pt(ctrl)} {_pt(end)}", end, tip, label


def _loop(c: Point, outward: Point, r: float, arrow: float) -> tuple[str, Point, Point, Point]:
    """Self-loop on the node's outer side (js/drawing/edgeShapes.ts loopShape)."""
    base, spread, reach = math.atan2(outward[1], outward[0]), 0.5, r * 2.6

    def at(angle: float, d: float) -> Point:
        return _along(c, (math.cos(angle), math.sin(angle)), d)

    start, c1, c2 = at(base - spread, r), at(base - spread * 1.9, r + reach), at(base + spread * 1.9, r + reach)
    tip = at(base + spread, r)
    end = _along(tip, _unit(c2[0] - tip[0], c2[1] - tip[1]), arrow)
    apex = ((start[0] + 3 * c1[0] + 3 * c2[0] + end[0]) / 8, (start[1] + 3 * c1[1] + 3 * c2[1] + end[1]) / 8)
    label = _along(apex, (math.cos(base), math.sin(base)), r * 0.55)
    return f"M{_pt(start)}C{_pt(c1)} {_pt(c2)} {_pt(end)}", end, tip, label


def _pt(p: Point) -> str:
    return f"{p[0]:.1f},{p[1]:.1f}"


def _arrowhead(base: Point, tip: Point, width: float) -> str:
    u = _unit(tip[0] - base[0], tip[1] - base[1])
    n = (-u[1] * width, u[0] * width)
    return " ".join(_pt(p) for p in (tip, (base[0] + n[0], base[1] + n[1]), (base[0] - n[0], base[1] - n[1])))


def _ring(states: Sequence[str], alphabet: str, radius: float) -> list[Point]:
    """Node centres: clockwise from the top in de Bruijn order (js/drawing/nodePositions.ts circularPositions)."""
    n, pos = len(states), [(0.0, 0.0)] * len(states)
    for slot, i in enumerate(ring_order(states, alphabet, len(states[0]))):
        a = -math.pi / 2 + 2 * math.pi * slot / n
        pos[i] = (radius * math.cos(a), radius * math.sin(a))
    return pos


def _edge(src: str, dst: str, token: str, d: str, head: str, colour: str, width: float) -> str:
    return (f'<g class="bg-edge" data-from={quoteattr(src)} data-to={quoteattr(dst)} data-token={quoteattr(token)}>'
            f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width:.2f}" stroke-linecap="round"/>'
            f'<polygon points="{head}" fill="{colour}"/></g>')


def _label(src: str, dst: str, text: str, at: Point, colour: str) -> str:
    return (f'<text class="bg-edge-label" x="{at[0]:.1f}" y="{at[1]:.1f}" fill="{colour}" '
            f'data-from={quoteattr(src)} data-to={quoteattr(dst)}>{escape(text)}</text>')


def _node(state: str, at: Point, r: float, unseen: bool) -> str:
    dash = ' stroke-dasharray="6 4"' if unseen else ""  # not in the data: the model's own guess
    size = max(5.0, min(14.0, r * 1.6 / len(state)))
    return (f'<g class="bg-node{" bg-unseen" if unseen else ""}" data-state={quoteattr(state)}>'
            f'<circle cx="{at[0]:.1f}" cy="{at[1]:.1f}" r="{r:.1f}" fill="{NODE_FILL}" stroke="{NODE_STROKE}" '
            f'stroke-width="1.5"{dash}/><text x="{at[0]:.1f}" y="{at[1]:.1f}" font-family="{MONO}" '
            f'font-size="{size:.1f}" fill="{TEXT}">{escape(state)}</text></g>')


def draw_chain(states: Sequence[str], alphabet: str, probs: np.ndarray, unseen: Sequence[str],
               caption: Sequence[str] = (), title: str = "babyGPT Markov chain") -> str:
    """SVG document of the chain over full contexts ``states``: from state s, token t leads to
    s[1:] + t with probability ``probs[s, t]``; zero-probability edges are left out."""
    index = {s: i for i, s in enumerate(states)}
    fr = frame_for(len(states))
    r, arrow = fr.node_radius, max(4.0, fr.node_radius * 0.38)
    pos = _ring(states, alphabet, fr.radius)
    edges = [(i, index[s[1:] + tok], t) for i, s in enumerate(states) for t, tok in enumerate(alphabet)
             if probs[i, t] > 0]
    pairs = {(i, j) for i, j, _ in edges}
    top, side, height = -fr.half, 2 * fr.half, 2 * fr.half + CAPTION_LINE * len(caption) + 8
    parts = [f"<title>{escape(title)}</title>",
             f'<rect x="{top:.1f}" y="{top:.1f}" width="{side:.1f}" height="{height:.1f}" fill="{BACKGROUND}"/>']
    labels = []
    for i, j, t in edges:
        p, colour = float(probs[i, t]), TOKEN_COLOURS[t % len(TOKEN_COLOURS)]
        if i == j:
            d, end, tip, at = _loop(pos[i], _unit(*pos[i]), r, arrow)
        else:
            d, end, tip, at = _curve(pos[i], pos[j], BEND_PAIR if (j, i) in pairs else BEND_SINGLE, r, arrow)
        width = 0.8 + 3.2 * p  # thicker = likelier, as in the widget
        head = _arrowhead(end, tip, arrow * 0.45 + width * 0.3)
        parts.append(_edge(states[i], states[j], alphabet[t], d, head, colour, width))
        labels.append(_label(states[i], states[j], edge_label(alphabet[t], p), at, colour))
    unseen_set = set(unseen)
    parts += [_node(s, pos[i], r, s in unseen_set) for i, s in enumerate(states)]
    # Labels last, with a halo of the background, so no edge or node covers them.
    font = max(5.0, min(13.0, r * 0.5))
    parts.append(f'<g font-family="{FONT}" font-size="{font:.1f}" paint-order="stroke" stroke="{BACKGROUND}" '
                 f'stroke-width="5" stroke-linejoin="round">{"".join(labels)}</g>')
    for k, line in enumerate(caption):
        parts.append(f'<text class="bg-caption" x="0" y="{fr.half + CAPTION_LINE * (k + 0.5):.1f}" '
                     f'font-family="{FONT}" font-size="13" fill="{TEXT2 if k else TEXT}">{escape(line)}</text>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="{top:.1f} {top:.1f} {side:.1f} {height:.1f}" width="{side:.0f}" height="{height:.0f}" '
            f'text-anchor="middle" dominant-baseline="central">\n' + "\n".join(parts) + "\n</svg>\n")


def caption_of(gpt: Any, temperature: float) -> list[str]:
    """Step, loss and the settings that rebuild the run."""
    c = gpt.config
    seq = c.sequence if len(c.sequence) <= 48 else c.sequence[:45] + "…"
    first = f"step {gpt.global_step} · loss {gpt.loss:.4f}"
    if temperature != 1:
        first += f" · temperature {temperature:g}"
    return [first, f"data {seq} · V={len(c.alphabet)}, C={c.context_length}",
            f"{c.n_layer} layers, {c.n_head} heads, {c.n_embd} dims · lr {c.lr:g} · wd {c.weight_decay:g} "
            f"· seed {c.seed}"]


def chain_svg(gpt: Any, temperature: float = 1.0) -> str:
    """``BabyGPT.to_svg``: the run's chain at ``temperature`` with its caption."""
    return draw_chain(gpt.states, gpt.alphabet, gpt.transition_matrix(temperature), gpt.unseen_states,
                      caption_of(gpt, temperature))
