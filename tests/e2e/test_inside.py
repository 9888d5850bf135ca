"""The inside panel (issue 12 §1) in real hosts: JupyterLab at 1280×720 (light and dark, the
default chain and bigger models), Notebook 7, and a save_html page with no kernel.

Values are checked against Python's own ``explain`` (printed by a cell) within the panel's
display rounding (0.1 %); layout by geometry (no horizontal overflow, no overlapping text)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .geometry_js import TEXT_SIZES_JS
from .helpers import Lab, LectureView, Notebook7, StaticSite, open_in_lab, wait_for_widget, write_notebook
from .test_accessibility import _audit

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "inside"
DRAW_TIMEOUT = 90_000  # ms
CELLS = ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(50)\nw"]
PANEL = '[data-role="inside"]'

# Text boxes of the panel that must not overlap one another (and must not overflow it).
GEOMETRY_JS = """root => {
    const panel = root.querySelector('[data-role="inside"]');
    const side = root.querySelector('.bg-side-scroll') || root;
    const sel = '.bg-inside-title, .bg-inside-step, .bg-inside-h, .bg-inside-axis, .bg-lens-cell, .bg-lens-top, '
              + '.bg-inside-decided, .bg-inside-out th, .bg-inside-out td, .bg-inside-hover, button';
    const boxes = [...panel.querySelectorAll(sel)].filter(e => e.offsetParent !== null).map(e => {
        const r = e.getBoundingClientRect();
        return {what: e.className || e.tagName, text: e.textContent.slice(0, 30), x: r.x, y: r.y, r: r.right, b: r.bottom};
    });
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], c = boxes[j];
        if (a.x < c.r - 1 && c.x < a.r - 1 && a.y < c.b - 1 && c.y < a.b - 1) overlaps.push([a, c]);
    }
    const p = panel.getBoundingClientRect();
    const outside = boxes.filter(b => b.x < p.x - 1 || b.r > p.right + 1);
    // text cut short by its own box (overflow hidden / ellipsis) is unreadable too
    const clipped = [...panel.querySelectorAll('.bg-lens-cell, .bg-inside-axis, .bg-inside-out td, .bg-inside-title')]
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);
    return {overlaps: overlaps.slice(0, 5), outside: outside.slice(0, 5), clipped: clipped.slice(0, 5),
            panelOverflow: panel.scrollWidth - panel.clientWidth, sideOverflow: side.scrollWidth - side.clientWidth,
            pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            rootOverflow: root.scrollWidth - root.clientWidth, count: boxes.length};
}"""


def _open_lab(lab: Lab, notebook_dir, jupyter_server, cells: list[str], name: str) -> None:
    open_in_lab(lab, notebook_dir / name, jupyter_server.root, cells)


def _look_inside(view: LectureView, state: str, step: int) -> None:
    """Search the state, press Look inside, wait for the panel at that step."""
    expect(view.button("inside")).to_be_enabled(timeout=30_000)
    view.set_field("search_state", state)
    view.button("inside").click()
    expect(view.root.locator(f'{PANEL}[data-state="{state}"][data-step="{step}"]')).to_have_count(1, timeout=30_000)
    view.root.locator(PANEL).evaluate("el => el.scrollIntoView({block: 'start'})")


def _python_json(lab: Lab, expr: str) -> object:
    cell = lab.add_and_run_cell(f"import json\nprint('JSON' + json.dumps({expr}))")
    out = cell.locator(".jp-OutputArea-output")
    expect(out).to_contain_text("JSON", timeout=30_000)
    return json.loads(out.inner_text().split("JSON", 1)[1].strip())


def _lens_texts(view: LectureView) -> list[list[str]]:
    return view.root.locator(f'{PANEL} [data-role="lens"] .bg-lens-row').evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('.bg-lens-cell')].map(c => c.textContent.trim()))"
    )


def _expected_lens(probs: list[list[float]], alphabet: str) -> list[list[str]]:
    return [[f"{alphabet[t]} {p * 100:.1f}%" for t, p in enumerate(row)] for row in probs]


def _assert_lens_close(view: LectureView, probs: list[list[float]]) -> None:
    """Each lens cell reads Python's probability to the panel's 0.1 % (±0.1 for float32 ties)."""
    shown = view.root.locator(f'{PANEL} [data-role="lens"] .bg-lens-cell').evaluate_all(
        "cs => cs.map(c => parseFloat(c.textContent.trim().split(' ').pop()))"
    )
    flat = [p * 100 for row in probs for p in row]
    assert len(shown) == len(flat), (shown, flat)
    assert all(abs(a - b) <= 0.051 for a, b in zip(shown, flat)), (shown, flat)


def _shoot(view: LectureView, name: str) -> None:
    """Two page screenshots: the panel's top (embeddings, attention), then its lens and output
    (the side panel scrolls on its own)."""
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    scroll = "(el, sel) => { const s = el.closest('.bg-side-scroll'); const t = el.querySelector(sel) || el; if (s) s.scrollTop += t.getBoundingClientRect().top - s.getBoundingClientRect().top; }"
    view.root.locator(PANEL).evaluate(scroll, ".bg-inside-head")
    view.page.wait_for_timeout(200)
    view.page.screenshot(path=str(SHOTS / f"{name}.png"))
    view.root.locator(PANEL).evaluate(scroll, '[data-role="inside-hover"]')
    view.page.wait_for_timeout(200)
    view.page.screenshot(path=str(SHOTS / f"{name}-lens.png"))


def _assert_geometry(view: LectureView, what: str) -> None:
    g = view.root.evaluate(GEOMETRY_JS)
    assert g["count"] > 20, g
    assert not g["overlaps"], f"{what}: text boxes overlap: {g['overlaps']}"
    assert not g["outside"], f"{what}: text sticks out of the panel: {g['outside']}"
    assert not g["clipped"], f"{what}: text cut short: {g['clipped']}"
    assert g["panelOverflow"] <= 1 and g["sideOverflow"] <= 1 and g["rootOverflow"] <= 1 and g["pageOverflow"] <= 1, (what, g)


def test_lab_panel_for_000_matches_python_and_follows_the_slider(lab, notebook_dir, jupyter_server):
    _open_lab(lab, notebook_dir, jupyter_server, CELLS, "inside.ipynb")
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    _look_inside(view, "000", 50)
    expect(view.root.locator('[data-role="inside-title"]')).to_have_text("Inside 000")
    # 4 layers x 4 heads of 3x3 causal maps
    expect(view.root.locator(f"{PANEL} svg.bg-attn")).to_have_count(16)
    assert view.root.locator(f'{PANEL} svg.bg-attn[data-layer="3"][data-head="3"] rect').count() == 9
    # the logit lens equals Python's explain within display rounding; the last row is the edge
    ref = _python_json(lab, 'w.engine.explain("000").lens_probs.tolist()')
    _assert_lens_close(view, ref)
    assert _lens_texts(view)[-1][1].startswith("1 73."), _lens_texts(view)  # the seed's 000 -> 1(73%)
    decided = _python_json(lab, 'w.engine.explain("000").decided_at')
    expect(view.root.locator('[data-role="decided-at"]')).to_have_attribute("data-block", str(decided))
    # hover an attention cell: weight, from and to
    view.root.locator(f'{PANEL} svg.bg-attn[data-layer="0"][data-head="0"] rect[data-row="2"][data-col="1"]').hover()
    expect(view.root.locator('[data-role="inside-hover"]')).to_have_text(re.compile(r"^layer 1, head 1: 0@2 attends to 0@1 with weight 0\.\d{3}$"))
    _assert_geometry(view, "1280×720 light")
    assert not _audit(view), _audit(view)  # axe-core with the panel open: no serious/critical findings
    _shoot(view, "lab-1280x720-light-000-step50")
    view.button("presentation").click()  # larger text: still fits, nothing overlaps
    lab.page.wait_for_function("el => el.classList.contains('bg-presentation')", arg=view.root.element_handle())
    lab.page.wait_for_timeout(300)
    _assert_geometry(view, "1280×720 presentation")
    _shoot(view, "lab-1280x720-presentation-000-step50")
    view.button("presentation").click()

    # scrub the slider to step 10: the panel follows and the values change
    before = _lens_texts(view)
    view.set_slider(10)
    expect(view.root.locator(f'{PANEL}[data-step="10"]')).to_have_count(1, timeout=30_000)
    assert _lens_texts(view) != before
    _assert_lens_close(view, _python_json(lab, 'w.engine.explain("000", 10).lens_probs.tolist()'))

    # temperature 0: greedy, the argmax row takes all
    view.set_slider(int(view.slider.get_attribute("max") or "0"))
    expect(view.root.locator(f'{PANEL}[data-step="50"]')).to_have_count(1, timeout=30_000)
    lab.page.evaluate("() => 0")
    lab.add_and_run_cell("w.temperature = 0")
    expect(view.root.locator(f'{PANEL} [data-role="inside-output"] tr.bg-argmax')).to_have_attribute("data-prob", "1", timeout=15_000)
    lab.add_and_run_cell("w.temperature = 1")

    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    lab.page.wait_for_timeout(500)
    _assert_geometry(view, "1280×720 dark")
    assert not _audit(view), _audit(view)
    # the weights follow the theme (bright = heavy on a dark page)
    fill = view.root.locator(f'{PANEL} svg.bg-attn[data-layer="0"][data-head="0"] rect[data-row="0"][data-col="0"]').get_attribute("fill")
    assert fill and fill != "rgb(8, 48, 107)", fill  # not Blues' darkest navy
    _shoot(view, "lab-1280x720-dark-000-step50")
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})
    lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'", timeout=30_000)

    # Play: the open panel follows the live step (a few explains a second), Pause stops it there
    view.button("play").click()
    view.page.wait_for_function(
        "el => Number(el.dataset.step) >= 80", arg=view.root.locator(PANEL).element_handle(), timeout=60_000)
    view.button("pause").click()
    expect(view.button("play")).to_be_visible(timeout=15_000)
    final = view.step()
    expect(view.root.locator(f'{PANEL}[data-step="{final}"]')).to_have_count(1, timeout=15_000)


LARGE = '[data-role="large-view"]'

# The large inside view: tick rows and columns aligned with the maps' cells, the maps' size.
TICKS_JS = """root => {
    const big = root.querySelector('[data-role="inside-large"]');
    const map = big.querySelector('svg.bg-attn[data-layer="0"][data-head="0"]').getBoundingClientRect();
    const cols = [...big.querySelectorAll('.bg-ticks-x')[0].querySelectorAll('.bg-tick')].map(t => {
        const r = t.getBoundingClientRect(); return { text: t.textContent, x: r.x + r.width / 2 }; });
    const rows = [...big.querySelectorAll('.bg-ticks-y')[0].querySelectorAll('.bg-tick')].map(t => {
        const r = t.getBoundingClientRect(); return { text: t.textContent, y: r.y + r.height / 2 }; });
    const box = big.closest('[data-role="large-view"]').getBoundingClientRect();
    return { map: { x: map.x, y: map.y, w: map.width, h: map.height }, cols, rows,
             box: { w: box.width, h: box.height },
             weightTicks: [...big.querySelectorAll('[data-role="inside-weight-scale"] .bg-scale-tick')].map(t => t.textContent),
             embTicks: [...big.querySelectorAll('[data-role="inside-emb-scale"] .bg-scale-tick')].map(t => t.textContent) };
}"""


def _assert_large_text(view: LectureView, least: float) -> None:
    sizes = view.root.locator(LARGE).evaluate(TEXT_SIZES_JS)
    small = [s for s in sizes if s["px"] < least - 0.05]
    assert len(sizes) > 40 and not small, f"text under {least}px in the large view: {small[:6]}"


def test_large_inside_view_ticks_keys_and_text_sizes(lab, notebook_dir, jupyter_server):
    """Enlarge: over the drawing's box, every attention map's rows and columns named (token@pos),
    colour keys with values, ≥ 14 px text (≥ 18 px in presentation), keyboard only."""
    _open_lab(lab, notebook_dir, jupyter_server, CELLS, "inside-large.ipynb")
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    _look_inside(view, "011", 50)
    compact = view.root.locator(PANEL)
    expect(compact.locator('[data-role="inside-weight-scale"] .bg-scale-tick')).to_have_text(["0", "0.25", "0.5", "0.75", "1"])
    expect(compact.locator('[data-role="inside-emb-scale"] .bg-scale-tick')).to_have_count(5)
    view.button("inside-large").focus()
    lab.page.keyboard.press("Enter")  # from the keyboard
    large = view.root.locator(LARGE)
    expect(large).to_be_visible()
    expect(large).to_have_attribute("data-large", "inside")
    expect(large.locator(".bg-large-title")).to_have_text("Inside 011 · step 50")
    expect(view.button("large-close")).to_be_focused()
    # it covers the drawing's box
    stage = view.root.locator(".bg-graph-box").bounding_box()
    box = large.bounding_box()
    assert box and stage and box["width"] >= stage["width"] - 2 and box["height"] >= stage["height"] - 2, (box, stage)
    got = view.root.evaluate(TICKS_JS)
    assert [c["text"] for c in got["cols"]] == ["0@0", "1@1", "1@2"], got["cols"]
    assert [r["text"] for r in got["rows"]] == ["0@0", "1@1", "1@2"], got["rows"]
    m = got["map"]
    assert m["w"] >= 80 and m["h"] >= 80, m  # 58 px in the side strip
    # each tick sits over (beside) its own column (row) of cells
    for k, c in enumerate(got["cols"]):
        assert abs(c["x"] - (m["x"] + (k + 0.5) * m["w"] / 3)) < m["w"] / 6, (k, c, m)
    for k, r in enumerate(got["rows"]):
        assert abs(r["y"] - (m["y"] + (k + 0.5) * m["h"] / 3)) < m["h"] / 6, (k, r, m)
    assert got["weightTicks"] == ["0", "0.25", "0.5", "0.75", "1"], got
    assert len(got["embTicks"]) == 5 and got["embTicks"][2] == "0" and got["embTicks"][0].startswith("−"), got
    _assert_large_text(view, 14)
    lab.screenshot(SHOTS / "large-1280x720.png", view.root.locator(".bg-graph-box"))
    # hover a cell: its value, in words
    large.locator('svg.bg-attn[data-layer="1"][data-head="2"] rect[data-row="2"][data-col="0"]').hover()
    expect(large.locator('[data-role="inside-hover"]')).to_have_text(re.compile(r"^layer 2, head 3: 1@2 attends to 0@0 with weight 0\.\d{3}$"))
    # Tab stays inside; the slider's step follows
    for _ in range(6):
        lab.page.keyboard.press("Tab")
        assert lab.page.evaluate("el => el.contains(document.activeElement)", large.element_handle())
    view.set_slider(10)
    expect(large.locator(".bg-large-title")).to_have_text("Inside 011 · step 10", timeout=30_000)
    # presentation: ≥ 18 px
    view.button("presentation").click()
    lab.page.wait_for_function("el => el.classList.contains('bg-presentation')", arg=view.root.element_handle())
    lab.page.wait_for_timeout(300)
    _assert_large_text(view, 18)
    lab.screenshot(SHOTS / "large-1280x720-presentation.png", view.root.locator(".bg-graph-box"))
    # Esc leaves; focus back on Enlarge; the side strip is still there
    lab.page.keyboard.press("Escape")
    expect(large).to_be_hidden()
    expect(view.button("inside-large")).to_be_focused()
    expect(compact.locator("svg.bg-attn")).to_have_count(16)
    view.button("presentation").click()


def test_large_inside_view_1600x1000_dark(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "inside-large-1600.ipynb", jupyter_server.root, CELLS, 1600, 1000)
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    _look_inside(view, "000", 50)
    view.button("inside-large").click()
    expect(view.root.locator(LARGE)).to_be_visible()
    _assert_large_text(view, 14)
    m = view.root.evaluate(TICKS_JS)["map"]
    assert m["w"] >= 100, m
    lab.screenshot(SHOTS / "large-1600x1000-dark.png", view.root.locator(".bg-graph-box"))
    view.button("large-close").click()
    expect(view.root.locator(LARGE)).to_be_hidden()
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})


@pytest.mark.parametrize("settings, state, heads, T", [
    ("alphabet='0123', context_length=3", "012", 4, 3),
    ("context_length=10", "0110111101", 4, 10),
], ids=["V4-C3", "V2-C10"])
def test_lab_panel_bigger_models(lab, notebook_dir, jupyter_server, settings, state, heads, T):
    cells = [f"from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget({settings})\nw.train(20)\nw"]
    _open_lab(lab, notebook_dir, jupyter_server, cells, "inside-big.ipynb")
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    _look_inside(view, state, 20)
    expect(view.root.locator(f"{PANEL} svg.bg-attn")).to_have_count(4 * heads)
    assert view.root.locator(f'{PANEL} svg.bg-attn[data-layer="0"][data-head="0"] rect').count() == T * T
    ref = _python_json(lab, f'w.engine.explain("{state}").lens_probs.tolist()')
    _assert_lens_close(view, ref)
    _assert_geometry(view, f"1280×720 {settings}")
    tag = "V4-C3" if "0123" in settings else "V2-C10"
    _shoot(view, f"lab-1280x720-{tag}")


def test_notebook7_panel_opens_and_follows_the_slider(nb7: Notebook7, notebook7_server):
    nb = write_notebook(notebook7_server.root / "nb7_inside.ipynb", CELLS)
    nb7.page.set_viewport_size({"width": 1280, "height": 720})
    nb7.open(nb.relative_to(notebook7_server.root).as_posix())
    nb7.run_all()
    wait_for_widget(nb7.page, nb7.page.locator(".babygpt-widget"), timeout=DRAW_TIMEOUT)
    view = LectureView(nb7.code_cells.nth(0).locator(".babygpt-widget"))
    _look_inside(view, "000", 50)
    expect(view.root.locator(f"{PANEL} svg.bg-attn")).to_have_count(16)
    before = _lens_texts(view)
    view.set_slider(5)
    expect(view.root.locator(f'{PANEL}[data-step="5"]')).to_have_count(1, timeout=30_000)
    assert _lens_texts(view) != before
    _assert_geometry(view, "Notebook 7 at 1280×720")
    _shoot(view, "notebook7-1280x720")


def test_static_page_replays_saved_steps_without_a_kernel(web_page, tmp_path):
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget()
    w.train(50)
    w.explain("000")  # the page opens with the panel on 000, as the lecturer left it
    path = tmp_path / "inside.html"
    w.save_html(path)
    saved = {s: w.engine.explain("000", s).lens_probs.tolist() for s in (0, 50)}

    context, page, console = web_page
    page.set_viewport_size({"width": 1280, "height": 720})
    site = StaticSite.from_files({"/inside.html": path})
    site.install(context)
    page.goto(site.url("/inside.html"), wait_until="domcontentloaded")
    wait_for_widget(page, page.locator(".babygpt-widget"), timeout=60_000)
    view = LectureView(page.locator(".babygpt-widget").first)
    expect(view.static_badge).to_be_visible(timeout=15_000)  # no kernel answered
    expect(view.root.locator(f'{PANEL}[data-state="000"][data-step="50"]')).to_have_count(1, timeout=15_000)
    expect(view.root.locator(f"{PANEL} svg.bg-attn")).to_have_count(16)
    _assert_lens_close(view, saved[50])
    view.set_slider(0)
    expect(view.root.locator(f'{PANEL}[data-step="0"]')).to_have_count(1, timeout=15_000)
    _assert_lens_close(view, saved[0])
    # another saved state works without a kernel (all 14 states were saved)
    view.set_field("search_state", "101")
    expect(view.root.locator(f'{PANEL}[data-state="101"][data-step="0"]')).to_have_count(1, timeout=15_000)
    # kernel-only controls (loading a run string; a saved page trains and changes settings by
    # itself) are disabled; the panel's button is not (all saved)
    expect(view.field("run_string")).to_be_disabled()
    expect(view.button("inside")).to_be_enabled()
    _assert_geometry(view, "static page")
    _shoot(view, "static-1280x720-101-step0")
    assert not site.unrouted, site.unrouted
    assert not [c for c in console if c.startswith("[pageerror]")], console
