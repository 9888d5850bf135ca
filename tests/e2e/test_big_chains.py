"""Big chains on a lecturer's screen (issue 18 item 8), in a real JupyterLab at 1280×720:

- 64 states (V=2 C=6, and ACGT C=3): every state label nearer its own node than any other node
  and a quarter em from every other label; every edge label on or beside its own edge, with no
  other edge running through it; no edge thinner than ~1.4 px on screen.
- 4,096 states (V=2 C=12): one line says what to do and focuses on the likeliest state; the
  matrix has a labelled colour key, values, sort and filter, and scrolls all 4,096 rows.

Geometry, not pixels (geometry_js.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .geometry_js import LABELS_JS, TEXT_SIZES_JS
from .helpers import BabyGPTView, Lab, wait_for_widget, write_notebook

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "big-chains"
IMPORT = "from babygpt_widget import BabyGPTWidget"
RINGS = [
    ("64-bin", "w = BabyGPTWidget(alphabet='01', context_length=6, sequence='0110100110010110' * 4)\nw.train(50)\nw"),
    ("64-acgt", "w = BabyGPTWidget(alphabet='ACGT', context_length=3, sequence='ACGTTGCAACGGTACCGTAGGCTAAC' * 2)\nw.train(50)\nw"),
]


def _open(lab: Lab, notebook_dir, cells: list[str], size=(1280, 720)) -> list[BabyGPTView]:
    lab.page.set_viewport_size({"width": size[0], "height": size[1]})
    nb = write_notebook(notebook_dir / "big.ipynb", [IMPORT, *cells])
    lab.open(nb.relative_to(nb.parents[1]).as_posix())
    lab.command("application:toggle-left-area")  # a lecturer's screen: sidebar closed
    lab.run_all()
    wait_for_widget(lab.page, lab.page.locator(".babygpt-widget"), len(cells))
    return [BabyGPTView.nth(lab, i) for i in range(len(cells))]


def _show(view: BabyGPTView) -> None:
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    view.page.mouse.move(2, 300)  # off the drawing: no hovered node revealing its labels
    view.page.wait_for_timeout(500)


def _assert_labels(view: BabyGPTView, name: str) -> dict:
    got = view.root.evaluate(LABELS_JS)
    assert got["nodes"] == 64, got["nodes"]
    assert got["stray"] == [], f"{name}: state labels nearer another node: {got['stray'][:6]}"
    assert got["close"] == [], f"{name}: labels closer than 1/4 em: {got['close'][:6]}"
    assert got["off"] == [], f"{name}: edge labels away from their edge: {got['off'][:6]}"
    assert got["crossed"] == [], f"{name}: another edge runs through an edge label: {got['crossed'][:6]}"
    assert got["thin"] == [], f"{name}: hairline edges: {got['thin'][:6]}"
    return got


def test_64_state_rings_name_every_state_by_its_node_and_label_edges_unambiguously(lab, notebook_dir):
    views = _open(lab, notebook_dir, [c for _, c in RINGS])
    for (name, _), view in zip(RINGS, views):
        expect(view.nodes).to_have_count(64, timeout=30_000)
        _show(view)
        got = _assert_labels(view, name)
        assert got["states"] == 64, f"{name}: {got['states']} of 64 states named"
        assert got["minFont"] >= 13 - 0.05, got["minFont"]
        print(f"\n[big] {name}: 64 states named, {got['edges']} edge labels, smallest text {got['minFont']:.1f} px")
        lab.screenshot(SHOTS / f"ring-{name}.png", view.root.locator(".bg-graph-box"))
    # presentation mode (larger text): the same rules, whatever can be named
    view = views[1]
    view.button("presentation").click()
    expect(view.root).to_have_class(re.compile(r"\bbg-presentation\b"))
    _show(view)
    got = _assert_labels(view, "64-acgt presentation")
    assert got["minFont"] >= 17 - 0.05 and got["states"] >= 32, got  # (fonts are rounded to 0.1 unit)
    lab.screenshot(SHOTS / "ring-64-acgt-presentation.png", view.root.locator(".bg-graph-box"))
    # dark theme: the edge floor holds (widths do not depend on colours, the check is cheap)
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    lab.page.wait_for_function("document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    _show(views[0])
    _assert_labels(views[0], "64-bin dark")
    lab.screenshot(SHOTS / "ring-64-bin-dark.png", views[0].root.locator(".bg-graph-box"))
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})


MATRIX_HOVER_JS = """(root, where) => {
    const m = root.querySelector('[data-role="matrix"]');
    const g = JSON.parse(m.dataset.geometry);
    const s = m.querySelector('.bg-matrix-scroll').getBoundingClientRect();
    return [s.x + g.labelW + 1.5 * g.cellW, where === 'top' ? s.y + g.headerH + g.rowH / 2 : s.bottom - g.rowH / 2 - 2, g.font];
}"""


def _hover_row(view: BabyGPTView, where: str) -> tuple[str, str]:
    x, y, _ = view.root.evaluate(MATRIX_HOVER_JS, where)
    view.page.mouse.move(x, y)
    view.page.wait_for_timeout(150)
    matrix = view.root.locator('[data-role="matrix"]')
    return matrix.get_attribute("data-hover-row") or "", view.root.locator('[data-role="matrix-hover"]').inner_text()


def test_4096_states_hint_and_matrix_sort_filter_scroll(lab, notebook_dir):
    cell = ("w = BabyGPTWidget(alphabet='01', context_length=12, sequence='0110100110010110' * 16)\nw.train(3)\n"
            "import numpy as np\np1 = np.asarray(w.probabilities)[:, 1]\nprint('TOP', w.states[int(np.argmax(p1))], f'{p1.max() * 100:.1f}')\nw")
    (view,) = _open(lab, notebook_dir, [cell])
    stack = view.root.locator(".bg-graph-stack")
    expect(stack).to_have_attribute("data-render-mode", "canvas", timeout=90_000)
    out = lab.code_cells.nth(1).locator(".jp-OutputArea-output").first.inner_text()
    top_state, top_pct = re.search(r"TOP (\d+) ([\d.]+)", out).groups()
    _show(view)
    # one line on what to do, with a way in
    hint = view.root.locator('[data-role="big-hint"]')
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("4,096 states")
    expect(view.button("focus-likeliest")).to_be_visible(timeout=30_000)
    sizes = hint.evaluate(TEXT_SIZES_JS)
    assert min(s["px"] for s in sizes) >= 14, sizes
    lab.screenshot(SHOTS / "4096-hint.png", view.root.locator(".bg-graph-box"))

    # the matrix: a colour key with values, the value under the pointer, sort, filter, scroll
    view.button("hint-matrix").click()
    matrix = view.root.locator('[data-role="matrix"]')
    expect(matrix).to_be_visible()
    expect(matrix.locator('[data-role="matrix-scale"] .bg-scale-tick')).to_have_text(["0%", "25%", "50%", "75%", "100%"])
    view.button("matrix-large").click()  # big, over the drawing
    expect(view.root.locator('[data-role="large-view"]')).to_have_attribute("data-large", "matrix")
    lab.page.wait_for_timeout(300)
    assert view.root.evaluate(MATRIX_HOVER_JS, "top")[2] >= 14  # text size of the canvas
    sizes = view.root.locator('[data-role="large-view"]').evaluate(TEXT_SIZES_JS)
    assert min(s["px"] for s in sizes) >= 14, [s for s in sizes if s["px"] < 14][:5]
    row, text = _hover_row(view, "top")
    assert row == "0" and text.startswith("000000000000 → 1: "), (row, text)
    view.root.locator('select[data-field="matrix-sort"]').select_option("p:1")
    row, text = _hover_row(view, "top")
    shown = re.match(r"(\d+) → 1: ([\d.]+)%", text)
    assert shown and shown[1] == top_state, (text, top_state)  # the likeliest "1", as Python says
    assert abs(float(shown[2]) - float(top_pct)) <= 0.051, (text, top_pct)
    view.root.locator('input[data-field="matrix-filter"]').fill("0101")
    expect(view.root.locator('[data-role="matrix-count"]')).to_have_text("256 of 4,096 states")
    row, text = _hover_row(view, "top")
    assert text.startswith("0101"), text
    view.root.locator('input[data-field="matrix-filter"]').fill("")
    view.root.locator('select[data-field="matrix-seen"]').select_option("unseen")
    n_unseen = int(view.root.locator('[data-role="matrix-count"]').get_attribute("data-shown") or "0")
    assert 0 < n_unseen < 4096
    view.root.locator('select[data-field="matrix-seen"]').select_option("all")
    view.root.locator('select[data-field="matrix-sort"]').select_option("state")
    expect(view.root.locator('[data-role="matrix-count"]')).to_have_text("4,096 states")
    # virtualised: the last of 4,096 rows is reached by scrolling, and hovered there
    matrix.locator(".bg-matrix-scroll").evaluate("e => { e.scrollTop = e.scrollHeight; }")
    lab.page.wait_for_timeout(300)
    row, text = _hover_row(view, "bottom")
    assert row == "4095" and text.startswith("111111111111 → 1"), (row, text)
    expect(matrix).to_have_attribute("data-top", re.compile(r"^1111111"))  # the rows painted are the last ones
    lab.screenshot(SHOTS / "4096-matrix-large.png", view.root.locator(".bg-graph-box"))
    lab.page.keyboard.press("Escape")
    expect(view.root.locator('[data-role="large-view"]')).to_be_hidden()
    expect(view.button("matrix-large")).to_be_focused()
    view.button("matrix").click()  # the toolbar's Matrix: closed again, the hint is back
    expect(hint).to_be_visible()
    # Focus on the likeliest state: a named neighbourhood in SVG
    target = re.search(r"Focus on (\d+)", view.button("focus-likeliest").inner_text()).group(1)
    view.button("focus-likeliest").click()
    expect(stack).to_have_attribute("data-render-mode", "svg")
    expect(view.root.locator('[data-role="focus-status"]')).to_contain_text(target)
    expect(view.root.locator(f'svg.bg-graph g.bg-node[data-state="{target}"]')).to_have_count(1)
    _show(view)
    lab.screenshot(SHOTS / "4096-focus-likeliest.png", view.root.locator(".bg-graph-box"))
