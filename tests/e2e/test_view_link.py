"""View links in a real browser. JupyterLab 1280×720: a view set by hand (scrubbed to step 20,
a mark, temperature 0.5, force layout; the compare panel hidden) is copied with Copy link, and
``BabyGPTWidget.from_link`` of the copied text in a new cell shows that exact view."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import Lab, LectureView, first_lecture_view, open_in_lab

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "view-link"
CELL = ("from babygpt_widget import BabyGPTWidget\n\n"
        "w = BabyGPTWidget(controls=[c for c in BabyGPTWidget().controls if c != 'compare'])\nw.train(50)\nw")


def _python(lab: Lab, expr: str) -> object:
    cell = lab.add_and_run_cell(f"import json; print(json.dumps({expr}))")
    return json.loads(cell.locator(".jp-OutputArea-output").last.inner_text())


def _view_facts(view: LectureView) -> dict:
    """What the view shows, read from the DOM."""
    return {
        "slider": view.root.locator('[data-role="slider-pos"]').text_content(),
        "layout": view.layout_select.input_value(),
        "temperature": view.root.locator('input[data-field="temperature"]').input_value(),
        "marked": sorted(view.root.locator("svg.bg-graph g.bg-node.bg-naughty").evaluate_all(
            "els => els.map(e => e.getAttribute('data-state'))")),
        "compare_hidden": view.root.locator('section[data-section="compare"]').evaluate(
            "s => s.classList.contains('bg-off') && s.getBoundingClientRect().height === 0"),
        "labels": view.edge_labels(),
    }


@pytest.mark.timeout(600)
def test_copy_link_then_from_link_shows_the_exact_view(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "viewlink.ipynb", jupyter_server.root, [CELL])
    view = first_lecture_view(lab)
    lab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    view.set_slider(20)
    expect(view.root.locator('[data-role="slider-pos"]')).to_contain_text("step 20 ")
    view.node("000").click()  # mark 000 (naughty)
    expect(view.node("000")).to_have_class(__import__("re").compile("bg-naughty"))
    view.set_input("temperature", 0.5)
    view.layout_select.select_option("force")
    lab.page.wait_for_function("() => true")
    head = view.root.locator('button[data-action="section-run"]')
    if head.get_attribute("aria-expanded") != "true":
        head.click()
    copy = view.button("copy-link")
    copy.scroll_into_view_if_needed()
    # geometry: Copy link sits beside Copy, inside the side panel, not covered
    c, r = copy.bounding_box(), view.button("copy-run").bounding_box()
    assert c and r and abs(c["y"] - r["y"]) < r["height"] and c["x"] >= r["x"] + r["width"] - 1
    hit = lab.page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.dataset.action ?? null",
                            [c["x"] + c["width"] / 2, c["y"] + c["height"] / 2])
    assert hit == "copy-link"
    expect(view.root.locator('[data-role="slider-pos"]')).to_contain_text("step 20 ")
    copy.click()
    expect(copy).to_have_text("Copied ✓")
    link = lab.page.evaluate("() => navigator.clipboard.readText()")
    assert link.startswith("babygpt-view1:run=babygpt2:") and ";step=20;layout=force;T=0.5;marked=000;hide=compare" in link
    assert _python(lab, "w.link") == link  # the front end's link = Python's for the same view
    before = _view_facts(view)
    # a new cell: the link rebuilds the run and shows the same view
    cell = lab.add_and_run_cell(f"w2 = BabyGPTWidget.from_link({link!r})\nw2")
    other = LectureView(cell.locator(".babygpt-widget"))
    expect(other.edges).to_have_count(16, timeout=60_000)
    expect(other.root.locator('[data-role="slider-pos"]')).to_contain_text("step 20 / 50", timeout=120_000)
    after = _view_facts(other)
    assert after == before, (before, after)
    assert before["layout"] == "force" and before["temperature"] == "0.5" and before["marked"] == ["000"]
    assert before["compare_hidden"] is True
    assert _python(lab, "[w2.link == w.link, float(abs(w2.engine.probabilities - w.engine.probabilities).max())]") \
        == [True, 0.0]
    other.root.scroll_into_view_if_needed()
    lab.screenshot(SHOTS / "from-link-jupyterlab.png", other.root)
