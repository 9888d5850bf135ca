"""This step (issue 23 §1) in JupyterLab at 1280×720: after 10 steps the view's top mover and
its size equal Python's own ``step_report`` (printed by a cell), the states the data never
visits are named, the rows' text boxes don't overlap and stay inside the side panel; scrubbing
the slider back asks for that step's report. Hovering a *who pushed* example with the mouse lights
its context node and exactly its target edge, by geometry (from the context's circle to the next
state's, on screen, not covered), and the rows read as Python's report."""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import LectureView, open_in_lab

pytestmark = pytest.mark.browser

CELL = "from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(10)\nw"
PYTHON = """import json
r = w.step_report(10)
s = r.summary()
print(json.dumps({"top": s["movers"][0], "unseen": r.unseen_moved(), "n": len(r.examples)}))"""

OVERLAPS_JS = """root => {
    const view = root.querySelector('[data-role="one-step"]');
    const side = root.querySelector('.bg-side-scroll') || root;
    const boxes = [...view.querySelectorAll('.bg-step-edge, .bg-step-num, .bg-step-note, .bg-step-head, .bg-step-title, .bg-step-bar')]
        .filter(e => e.offsetParent !== null).map(e => { const r = e.getBoundingClientRect();
            return {t: e.textContent.slice(0, 20), x: r.x, y: r.y, r: r.right, b: r.bottom}; });
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], c = boxes[j];
        if (a.x < c.r - 1 && c.x < a.r - 1 && a.y < c.b - 1 && c.y < a.b - 1) overlaps.push([a.t, c.t]);
    }
    const s = side.getBoundingClientRect();
    return {overlaps, outside: boxes.filter(b => b.x < s.x - 1 || b.r > s.right + 1).map(b => b.t), count: boxes.length};
}"""


def test_this_step_matches_python_and_follows_the_slider(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "step_view.ipynb", jupyter_server.root, [CELL])
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    root = view.root
    expect(view.button("play")).to_be_enabled(timeout=60_000)
    root.locator('button[data-action="section-step"]').click()
    ask = root.locator('button[data-action="step-report"]')
    expect(ask).to_have_text("What did step 10 do?")
    ask.click()
    head = root.locator('[data-role="step-head"]')
    expect(head).to_contain_text("step 9 → 10", timeout=30_000)
    out = lab.add_and_run_cell(PYTHON)
    py = json.loads(out.locator(".jp-OutputArea-output").inner_text())
    state, token, gain, _seen = py["top"]
    first = root.locator('[data-role="step-movers"] .bg-step-row').first
    expect(first).to_have_attribute("data-state", state)
    expect(first.locator(".bg-step-edge")).to_have_text(f"{state} → {token}")
    expect(first.locator(".bg-step-num")).to_have_text(f"+{gain * 100:.2f} pts")
    unseen = root.locator('[data-role="step-unseen"]')
    expect(unseen).to_contain_text(f"{len(py['unseen'])} states the data never visits moved too ({', '.join(py['unseen'])})")
    expect(root.locator('[data-role="step-examples"] .bg-step-row')).to_have_count(py["n"])
    root.locator('[data-role="one-step"]').scroll_into_view_if_needed()
    shots = ARTIFACTS / "step"
    shots.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=str(shots / "this-step-1280x720.png"))
    geometry = root.evaluate(OVERLAPS_JS)
    assert geometry["count"] > 20 and geometry["overlaps"] == [] and geometry["outside"] == [], geometry
    # scrub back: the open view follows the shown step
    view.set_slider(5)
    expect(head).to_contain_text("step 4 → 5", timeout=30_000)


# Who pushed, hovered (issue 23 §1): one example's context node and its target edge lit, by
# geometry. `want` is {from, token} (an example), or null to read only what is lit.
EDGE_LIT_JS = """(root, want) => {
    const svg = root.querySelector('svg.bg-graph');
    const key = g => `${g.dataset.from}|${g.dataset.token}`;
    const lines = [...svg.querySelectorAll('g.bg-edge-line')];
    const lit = {
        paths: lines.filter(g => g.querySelector('path.bg-edge-path.bg-active')).map(key),
        labels: [...svg.querySelectorAll('g.bg-edge.bg-active')].map(key),
        nodes: [...svg.querySelectorAll('g.bg-node.bg-active')].map(g => g.dataset.state),
        focus: svg.classList.contains('bg-focus'),
        // drawn at full strength (the rest step back to a quarter while one is lit)
        strong: lines.filter(g => Number(getComputedStyle(g.querySelector('path.bg-edge-path')).strokeOpacity) > 0.5).map(key),
    };
    if (!want) return lit;
    const g = lines.find(l => l.dataset.from === want.from && l.dataset.token === want.token);
    const path = g.querySelector('path.bg-edge-path'), m = path.getScreenCTM(), L = path.getTotalLength();
    const at = f => { const p = path.getPointAtLength(f * L); return [m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f]; };
    const node = s => { const b = svg.querySelector(`g.bg-node[data-state="${s}"] circle`).getBoundingClientRect();
        return { x: b.x + b.width / 2, y: b.y + b.height / 2, r: b.width / 2, b }; };
    const a = node(g.dataset.from), z = node(g.dataset.to);
    const dist = (p, n) => Math.hypot(p[0] - n.x, p[1] - n.y);
    const box = path.getBoundingClientRect(), frame = svg.getBoundingClientRect();
    const arrow = 9 * Math.hypot(m.a, m.b);  // the arrowhead fills the gap before the next state
    const touch = (n, t) => box.left <= n.b.right + t && box.right >= n.b.left - t && box.top <= n.b.bottom + t && box.bottom >= n.b.top - t;
    // what the pointer would meet at points along the middle of the edge: the edge itself (its
    // line or its label), not the side panel, a toolbar or another edge
    const hits = [0.4, 0.5, 0.6].map(f => {
        const [x, y] = at(f), e = document.elementFromPoint(x, y);
        const own = !!e && (e.closest('g.bg-edge-line') === g
            || (e.closest('g.bg-edge') !== null && key(e.closest('g.bg-edge')) === key(g)));
        return own ? 'own' : (e ? `${e.tagName}.${e.getAttribute('class')}` : 'nothing');
    });
    return { ...lit, to: g.dataset.to, startGap: dist(at(0), a) - a.r, endGap: dist(at(1), z) - z.r,
             arrow, touches: [touch(a, 2), touch(z, arrow + 2)], hits,
             box: [box.left, box.top, box.right, box.bottom], frame: [frame.left, frame.top, frame.right, frame.bottom],
             screen: [innerWidth, innerHeight] };
}"""
EXAMPLES = """import json
r = w.step_report(10)
print(json.dumps({"summary": r.summary()["examples"],
                  "raw": [[e.context, e.token, e.count, e.loss, e.share] for e in r.examples]}))"""


def _js_fixed(x: float, digits: int) -> str:
    """JavaScript's toFixed: the exact double rounded half up."""
    return str(Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def test_hovering_an_example_lights_its_context_and_target_edge(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "step_hover.ipynb", jupyter_server.root, [CELL, EXAMPLES])
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    root = view.root
    expect(view.button("play")).to_be_enabled(timeout=60_000)
    py = json.loads(lab.code_cells.nth(1).locator(".jp-OutputArea-output").inner_text())
    root.locator('button[data-action="section-step"]').click()
    root.locator('button[data-action="step-report"]').click()
    expect(root.locator('[data-role="step-head"]')).to_contain_text("step 9 → 10", timeout=30_000)
    rows = root.locator('[data-role="step-examples"] .bg-step-row')
    expect(rows).to_have_count(len(py["summary"]))
    # the rows are Python's report, in its order (largest share first)
    for i, ((ctx, tok, n, loss, share), raw) in enumerate(zip(py["summary"], py["raw"])):
        assert raw[:3] == [ctx, tok, n] and abs(raw[3] - loss) <= 5e-4 * loss and abs(raw[4] - share) <= 5e-4 * share
        row = rows.nth(i)
        expect(row).to_have_attribute("data-state", ctx)
        expect(row.locator(".bg-step-edge")).to_have_text(f"{ctx} → {tok} ×{n}")
        expect(row.locator(".bg-step-num")).to_have_text(f"{math.floor(share * 100 + 0.5)}%")
        times = f"{n} time{'' if n == 1 else 's'}"
        expect(row).to_have_attribute("title", f"loss −log P({tok} | {ctx}) = {_js_fixed(loss, 3)}, {times} in the data")
    # one example of each target token (an edge between two states where there is one), and a loop
    picks: dict[str, int] = {}
    loops = [i for i, (ctx, tok, *_rest) in enumerate(py["summary"]) if ctx[1:] + tok == ctx]
    for i, (ctx, tok, *_rest) in enumerate(py["summary"]):
        if tok not in picks or (picks[tok] in loops and i not in loops):
            picks[tok] = i
    assert {"0", "1"} <= set(picks), py["summary"]
    order = [picks["1"], picks["0"], *loops[:1]]
    shots = ARTIFACTS / "step"
    shots.mkdir(parents=True, exist_ok=True)
    for n, i in enumerate(order):
        ctx, tok = py["summary"][i][:2]
        key = f"{ctx}|{tok}"
        row = rows.nth(i)
        row.scroll_into_view_if_needed()
        b = row.bounding_box()
        lab.page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
        expect(root.locator("svg.bg-graph g.bg-edge-line path.bg-edge-path.bg-active")).to_have_count(1)
        g = root.evaluate(EDGE_LIT_JS, {"from": ctx, "token": tok})
        # exactly this edge and its context are lit; every other edge steps back
        assert g["paths"] == [key] and g["labels"] == [key] and g["strong"] == [key], g
        assert g["nodes"] == [ctx] and g["focus"], g
        # the lit path runs from the context's circle to the next state's (its arrowhead's base
        # one arrow length before that circle)
        assert g["to"] == ctx[1:] + tok, g
        assert abs(g["startGap"]) <= 2 and abs(g["endGap"] - g["arrow"]) <= 2 and g["touches"] == [True, True], g
        # on screen, inside the drawing, and not covered by the side panel or anything else
        x0, y0, x1, y1 = g["box"]
        fx0, fy0, fx1, fy1 = g["frame"]
        assert 0 <= x0 and x1 <= g["screen"][0] and 0 <= y0 and y1 <= g["screen"][1], g
        assert fx0 - 1 <= x0 and x1 <= fx1 + 1 and fy0 - 1 <= y0 and y1 <= fy1 + 1, g
        assert g["hits"][1] == "own" and g["hits"].count("own") >= 2, g
        if n == 0:
            lab.page.screenshot(path=str(shots / "example-hovered-1280x720.png"))
    # the pointer leaves the panel: nothing stays lit
    lab.page.mouse.move(5, 360)
    expect(root.locator("svg.bg-graph path.bg-edge-path.bg-active")).to_have_count(0)
    g = root.evaluate(EDGE_LIT_JS, None)
    assert g["paths"] == [] and g["labels"] == [] and g["nodes"] == [] and not g["focus"], g
    assert len(g["strong"]) == root.locator("svg.bg-graph g.bg-edge-line").count(), g
