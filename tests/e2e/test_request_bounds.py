"""Issue 19 §6 in JupyterLab: scrubbing the inside panel to a step whose rebuild would replay more
than its budget shows the nearest step the kernel can rebuild, says so, and does not ask again
and again (the front end keeps at most one explain in flight)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import LectureView, open_in_lab
from .test_inside import PANEL, _look_inside

pytestmark = pytest.mark.browser

# as for a model whose steps are slow: a replay may cover 3 steps; snapshots are every 16
CELLS = ["from babygpt_widget import BabyGPTWidget\nfrom babygpt_widget.analysis import past_steps\n"
         "past_steps.replay_limit = lambda config: 3\n\n"
         "w = BabyGPTWidget()\nw.train(40)\nw",
         "explains = []\nw.on_msg(lambda _w, content, _b: explains.append(content) if content.get('cmd') == 'explain' else None)"]


def test_the_inside_panel_shows_the_nearest_step_the_kernel_can_rebuild(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "bounds.ipynb", jupyter_server.root, CELLS)
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    _look_inside(view, "000", 40)
    view.set_slider(15)  # 15 steps from the step-0 snapshot: over the budget; 16 is a snapshot
    panel = view.root.locator(PANEL)
    expect(view.root.locator(f'{PANEL}[data-step="16"]')).to_have_count(1, timeout=30_000)
    hint = view.root.locator('[data-role="inside-hint"]')
    expect(hint).to_have_text("nearest step the kernel rebuilds quickly: 16 (the slider shows 15)")
    expect(view.root.locator('[data-role="inside-step"]')).to_have_text("step 16")
    expect(view.root.locator('[data-error-for="inside"]')).to_have_text("")
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    panel.evaluate("el => { const s = el.closest('.bg-side-scroll'); if (s) s.scrollTop += el.getBoundingClientRect().top - s.getBoundingClientRect().top; }")
    (ARTIFACTS / "request-bounds").mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=str(ARTIFACTS / "request-bounds" / "inside-nearest-step.png"))
    # answered once: the panel does not ask for step 15 again and again
    lab.page.wait_for_timeout(1500)
    cell = lab.add_and_run_cell("print('ASKED', sum(1 for c in explains if c.get('step') == 15))")
    out = cell.locator(".jp-OutputArea-output")
    expect(out).to_contain_text("ASKED", timeout=30_000)
    asked = int(out.inner_text().split("ASKED", 1)[1].split()[0])
    assert asked <= 2, f"step 15 was asked {asked} times"
    # within the budget: the exact step
    view.set_slider(18)
    expect(view.root.locator(f'{PANEL}[data-step="18"]')).to_have_count(1, timeout=30_000)
    expect(hint).to_be_hidden()
