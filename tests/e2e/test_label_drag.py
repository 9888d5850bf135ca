"""Nudge an edge by dragging its label (issue 23 §2) in JupyterLab at 1280×720, with the real
mouse: after 50 steps the `101 → 011` label (`1(79%)`) dragged up 32 px previews `1(79% → 95%)`
on the label itself (on screen, not covered) and in the Push panel's form; the release nudges for
the form's 20 steps (Python's `w.taught` holds the target); a second drag cancelled with Escape
sends nothing; the chart neither pans nor zooms meanwhile."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import LectureView, open_in_lab

pytestmark = pytest.mark.browser

CELL = "from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(50)\nw"
AFTER = """import json
print(json.dumps({"step": w.engine.global_step, "targets": w.taught.get("targets"), "can_undo": w.can_undo}))"""

# Where the dragged label is and what the page shows at its centre.
LABEL_AT = """g => {
  const text = g.querySelector('text'), box = text.getBoundingClientRect();
  const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
  const hit = document.elementFromPoint(x, y);
  const svg = g.ownerSVGElement.getBoundingClientRect();
  return {text: text.textContent, box: [box.left, box.top, box.right, box.bottom],
          svg: [svg.left, svg.top, svg.right, svg.bottom], hitInLabel: g.contains(hit),
          dragging: g.classList.contains('bg-dragging'), vw: innerWidth, vh: innerHeight};
}"""


def test_drag_a_label_to_nudge_its_edge(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "label_drag.ipynb", jupyter_server.root, [CELL])
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    root, page = view.root, lab.page
    expect(view.button("play")).to_be_enabled(timeout=60_000)
    root.locator('button[data-action="section-push"]').click()
    push = root.locator('[data-role="push"]')
    expect(push.locator('input[data-field="nudge_steps"]')).to_have_value("20")
    label = view.edge("101", "011", "1")
    expect(label.locator("text")).to_have_text("1(79%)")
    assert "bg-nudgeable" in (label.get_attribute("class") or "")
    viewport = root.locator("svg.bg-graph g.bg-viewport")
    zoom_before = viewport.get_attribute("transform")

    # hovering: the drag cursor and the hover box's line
    label.scroll_into_view_if_needed()
    box = label.locator("text").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    assert label.evaluate("g => getComputedStyle(g.querySelector('text')).cursor") == "ns-resize"
    expect(view.tooltip.locator('[data-role="nudge-hint"]')).to_have_text("drag its label up or down to nudge this edge")

    # drag up 32 px (2 px a point): 79% → 95%
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(x, y - 4 * k)
    expect(label.locator("text")).to_have_text("1(79% → 95%)")
    at = label.evaluate(LABEL_AT)
    left, top, right, bottom = at["box"]
    assert at["dragging"] and at["hitInLabel"], at  # the preview is on top, not covered (tooltip, panel)
    assert 0 <= left and right <= at["vw"] and 0 <= top and bottom <= at["vh"], at
    sl, st, sr, sb = at["svg"]
    assert sl <= left and right <= sr and st <= top and bottom <= sb, at  # inside the drawing's box
    expect(push.locator('select[data-field="nudge_state"]')).to_have_value("101")
    expect(push.locator('select[data-field="nudge_token"]')).to_have_value("1")
    expect(push.locator('input[data-field="nudge_p"]')).to_have_value("95")
    shots = ARTIFACTS / "push"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "label-drag-1280x720.png"))
    page.mouse.up()
    expect(push.locator('[data-role="push-head"]')).to_have_text("taught for 20 steps (step 50 → 70, lr 0.003)", timeout=30_000)
    assert viewport.get_attribute("transform") == zoom_before  # no pan, no zoom
    expect(label.locator("text")).not_to_contain_text("→")

    # a second drag, cancelled with Escape: nothing is sent
    box = label.locator("text").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x, y + 6 * k)
    expect(label.locator("text")).to_contain_text("→")
    page.keyboard.press("Escape")
    expect(label.locator("text")).not_to_contain_text("→")
    page.mouse.up()
    expect(push.locator('input[data-field="nudge_p"]')).to_have_value("95")  # the form as it was
    assert viewport.get_attribute("transform") == zoom_before

    out = lab.add_and_run_cell(AFTER)
    py = json.loads(out.locator(".jp-OutputArea-output").last.inner_text())
    assert py["targets"] == {"101": {"0": 0.05, "1": 0.95}}, py
    assert py["step"] == 70 and py["can_undo"] == "nudge", py  # the cancelled drag sent nothing
    expect(view.step_readout).to_contain_text("70")


DENSE = ("from babygpt_widget import BabyGPTWidget\n\n"
         "w = BabyGPTWidget(alphabet='01', context_length=7, sequence='0110100110010110' * 8)\nw.train(20)\nw")
# An edge and a point of its stroke where it is on top (no other edge or node there).
ON_EDGE = """root => {
  for (const g of root.querySelectorAll('svg.bg-graph g.bg-edge-line:not(.bg-loop)')) {
    const p = g.querySelector('path.bg-edge-hit'), m = p.getScreenCTM(), L = p.getTotalLength();
    for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      const q = p.getPointAtLength(L * t), x = q.x * m.a + q.y * m.c + m.e, y = q.x * m.b + q.y * m.d + m.f;
      if (document.elementFromPoint(x, y) === p) return [g.dataset.from, g.dataset.to, g.dataset.token, x, y];
    }
  }
  return null; }"""


def test_a_dense_chain_drags_the_label_its_hovered_edge_shows(lab, notebook_dir, jupyter_server):
    """128 states (SVG, labels on hover only): hovering an edge shows its label, which then drags."""
    open_in_lab(lab, notebook_dir / "label_drag_dense.ipynb", jupyter_server.root, [DENSE])
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    root, page = view.root, lab.page
    expect(view.button("play")).to_be_enabled(timeout=60_000)
    expect(root.locator(".bg-graph-stack")).to_have_attribute("data-render-mode", "svg-dense")
    root.locator('button[data-action="section-push"]').click()
    page.mouse.move(2, 300)  # off the drawing
    src, dst, token, x, y = root.evaluate(ON_EDGE)
    label = view.edge(src, dst, token)
    page.mouse.move(x, y)
    expect(label).to_have_class(re.compile(r"\bbg-hover\b"))
    box = label.locator("text").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y, steps=4)
    assert label.evaluate("g => getComputedStyle(g.querySelector('text')).cursor") == "ns-resize"
    start = (label.locator("text").text_content() or "").strip()
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x, y + 4 * k)  # 20 px down: 10 points lower
    expect(label.locator("text")).to_contain_text(" → ")
    target = int((label.locator("text").text_content() or "").split("→")[1].strip(" %)"))
    expect(root.locator('[data-role="push"] select[data-field="nudge_state"]')).to_have_value(src)
    expect(root.locator('[data-role="push"] input[data-field="nudge_p"]')).to_have_value(str(target))
    page.screenshot(path=str(ARTIFACTS / "push" / "label-drag-dense-1280x720.png"))
    page.mouse.up()
    expect(root.locator('[data-role="push-head"]')).to_contain_text("taught for 20 steps (step 20 → 40", timeout=30_000)
    assert " → " not in (label.locator("text").text_content() or "") and start
