"""This step (issue 23 §1) in JupyterLab at 1280×720: after 10 steps the view's top mover and
its size equal Python's own ``step_report`` (printed by a cell), the states the data never
visits are named, the rows' text boxes don't overlap and stay inside the side panel; scrubbing
the slider back asks for that step's report."""

from __future__ import annotations

import json

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
