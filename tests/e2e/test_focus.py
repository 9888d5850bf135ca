"""The focus view (issue 18 item 9) in a real JupyterLab: Focus on `000` of the seed's 8-state
chain (2 steps) and on states of bigger chains lays the neighbourhood out with no two nodes
overlapping, no edge over a node it does not touch or along another edge, no label over a node,
and the drawing's toolbar on one row — at 1280×720 (file browser closed and open) and 1600×1000.
Geometry, not pixels (geometry_js.FOCUS_JS)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .geometry_js import FOCUS_JS
from .helpers import BabyGPTView, Lab, wait_for_widget, write_notebook

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "focus"
IMPORT = "from babygpt_widget import BabyGPTWidget"
CELLS = [
    "w = BabyGPTWidget()\nw.train(50)\nw",
    "w10 = BabyGPTWidget(alphabet='01', context_length=10, sequence='0110100110010110' * 8)\nw10",
    "wa = BabyGPTWidget(alphabet='ACGT', context_length=3, sequence='ACGTTGCAACGGTACCGTAGGCTAAC' * 2)\nwa.train(20)\nwa",
]


def _open(lab: Lab, notebook_dir, size=(1280, 720)) -> list[BabyGPTView]:
    lab.page.set_viewport_size({"width": size[0], "height": size[1]})
    nb = write_notebook(notebook_dir / "focus.ipynb", [IMPORT, *CELLS])
    lab.open(nb.relative_to(nb.parents[1]).as_posix())
    lab.command("application:toggle-left-area")  # sidebar closed
    lab.run_all()
    wait_for_widget(lab.page, lab.page.locator(".babygpt-widget"), len(CELLS))
    return [BabyGPTView.nth(lab, i) for i in range(len(CELLS))]


def _focus(view: BabyGPTView, state: str, k: int | None = None) -> dict:
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    status = view.root.locator('[data-role="focus-status"]').inner_text()
    if status and not status.endswith(f" {state}"):
        view.button("focus-back").click()  # another state: back to the whole chain first
    view.root.locator('input[data-field="search_state"]').fill(state)
    view.root.locator('input[data-field="search_state"]').press("Enter")
    if view.root.locator('[data-role="focus-status"]').inner_text() == "":
        view.button("focus").click()
    if k is not None:
        view.root.locator('select[data-field="focus-k"]').select_option(str(k))
    expect(view.root.locator(".bg-graph-stack")).to_have_attribute("data-render-mode", "svg")
    expect(view.root.locator('[data-role="focus-status"]')).to_contain_text(state)
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    view.page.mouse.move(2, 300)
    view.page.wait_for_timeout(400)
    return view.root.evaluate(FOCUS_JS)


def _assert_clean(got: dict, what: str) -> None:
    assert got["bad"] == [], f"{what}: {got['bad'][:6]}"
    assert got["covered"] == [], f"{what}: labels over nodes {got['covered'][:6]}"
    assert got["hidden"] == [], f"{what}: the centre of these nodes does not hit them: {got['hidden']}"
    assert got["toolbarRows"] == 1, f"{what}: the toolbar wraps"


def test_focus_on_000_and_bigger_chains_lays_out_apart(lab, notebook_dir):
    seed, big, acgt = _open(lab, notebook_dir)
    got = _focus(seed, "000")
    assert set(got["nodes"]) == {"000", "001", "100", "010", "011", "110"}, got["nodes"]  # 2 steps in and out
    _assert_clean(got, "000, 2 steps")
    lab.screenshot(SHOTS / "focus-000-k2.png", seed.root.locator(".bg-graph-box"))
    for k in (1, 3):
        _assert_clean(_focus(seed, "000", k), f"000, {k} steps")
    got = _focus(big, "0110100110", 2)
    assert len(got["nodes"]) >= 10
    _assert_clean(got, "1,024 states, 0110100110, 2 steps")
    lab.screenshot(SHOTS / "focus-1024-k2.png", big.root.locator(".bg-graph-box"))
    _assert_clean(_focus(big, "0000000000", 3), "1,024 states, 0000000000, 3 steps")
    # four tokens: one step by default (two are ~40 states and ~110 edges)
    got = _focus(acgt, "ACG")
    expect(acgt.root.locator('select[data-field="focus-k"]')).to_have_value("1")
    _assert_clean(got, "ACGT, ACG, 1 step")
    lab.screenshot(SHOTS / "focus-acgt-k1.png", acgt.root.locator(".bg-graph-box"))
    # presentation: bigger text, the same rules, the toolbar still on one row
    seed.button("presentation").click()
    _assert_clean(_focus(seed, "000", 2), "000 in presentation")
    lab.screenshot(SHOTS / "focus-000-presentation.png", seed.root.locator(".bg-graph-box"))
    seed.button("presentation").click()
    # JupyterLab's file browser open (its default): the drawing's box is ~350 px wide
    lab.command("application:toggle-left-area")
    lab.page.wait_for_timeout(800)
    got = _focus(seed, "000", 2)
    _assert_clean(got, "000 with the file browser open")
    lab.screenshot(SHOTS / "focus-000-filebrowser.png", seed.root.locator(".bg-graph-box"))


def test_focus_at_1600x1000_dark(lab, notebook_dir):
    seed, big, _ = _open(lab, notebook_dir, (1600, 1000))
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    lab.page.wait_for_function("document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    _assert_clean(_focus(seed, "000"), "000 at 1600×1000")
    lab.screenshot(SHOTS / "focus-000-1600-dark.png", seed.root.locator(".bg-graph-box"))
    _assert_clean(_focus(big, "1111111111", 2), "1,024 states at 1600×1000")
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})
