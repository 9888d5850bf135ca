"""The seed lesson walked in JupyterLab at 1280×720 by the learner's own actions (issue 22 §1):
clicking Train, dragging the history slider, clicking 000, pressing Sample, dragging the
temperature to 0, ticking the shorter contexts. On every page the card's title and text equal
Python's ``w.lesson.card()`` at that moment, the highlight lights exactly the page's element,
that element is on screen, uncovered (elementFromPoint) and apart from the card; ←/→ on the card
turn pages without reaching JupyterLab; the card fits with the file browser open and in
presentation; Leave gives back the learner's own run."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import LectureView, open_in_lab

pytestmark = pytest.mark.browser

CELL = "from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget(seed=7)\nw.train(5)\nw.lesson.open('seed')\nw"
CARD = "import json\nprint(json.dumps({**w.lesson.card(), 'page': w.lesson.page, 'step': w.global_step}))"
SHOTS = ARTIFACTS / "lesson"
LIT_CLASS = re.compile(r"\bbg-lesson-lit\b")

# page -> (the selector the highlight must light, or None)
LIT = {
    0: 'g.bg-node[data-state="101"]', 1: 'button[data-action="train"]',
    2: ':is(g.bg-edge-line, g.bg-edge)[data-from="101"][data-token="1"]', 3: 'input[data-role="history-slider"]',
    4: 'g.bg-node[data-state="111"]', 5: 'g.bg-node[data-state="000"]', 6: 'button[data-action="sample"]',
    7: ".bg-temperature", 8: 'section[data-section="analysis"]', 9: ".bg-prefixes",
    10: 'section[data-section="compare"]', 11: None, 12: None,
}

GEOMETRY_JS = """(root, sel) => {
    const lit = [...root.querySelectorAll('.bg-lesson-lit')];
    const card = root.querySelector('[data-role="lesson"]').getBoundingClientRect();
    const inView = r => r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    const out = {lit: lit.length, litRight: lit.every(e => !sel || e.matches(sel)), card: inView(card), cardButtons: [], target: null};
    for (const b of root.querySelectorAll('[data-role="lesson"] .bg-lesson-nav button')) {
        const r = b.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        out.cardButtons.push(inView(r) && (hit === b || b.contains(hit)));
    }
    if (!sel) return out;
    const t = root.querySelector(sel);
    if (!t) return out;
    // an edge: aim at its label (a curve's box centre may be off the curve)
    // a panel: its head (a long section may run past the screen's foot)
    // a node: its disc (a small drawing puts the label beside it)
    const aim = (t.matches('g.bg-edge, g.bg-edge-line') ? root.querySelector('g.bg-edge' + sel.slice(sel.indexOf('[')) + ' text.bg-edge-label')
        : t.matches('g.bg-node') ? t.querySelector('circle, ellipse, rect')
        : t.matches('section') ? t.querySelector('.bg-section-head') : t) || t;
    const r = aim.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    // edge paths and labels let the pointer through (pointer-events: none): for them, what the
    // pointer hits there must still be the drawing itself, not something laid over it
    const uncovered = hit !== null && (aim.contains(hit) || t.contains(hit) || (aim !== t && hit.closest('svg.bg-graph') === t.closest('svg.bg-graph')));
    const apart = r.right <= card.left + 1 || r.left >= card.right - 1 || r.bottom <= card.top + 1 || r.top >= card.bottom - 1;
    // full strength: nothing between it and the page is faded
    let opacity = 1;
    for (let e = t; e && e !== document.body; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
    out.target = {isLit: t.classList.contains('bg-lesson-lit'), inView: inView(r), uncovered, apart, full: opacity > 0.99};
    return out;
}"""


def check_page(view: LectureView, page: int, where: str) -> None:
    root = view.root
    expect(root.locator('[data-role="lesson"]')).to_have_attribute("data-page", str(page), timeout=30_000)
    sel = LIT[page]
    if sel is None:
        expect(root.locator(".bg-lesson-lit")).to_have_count(0)
    else:
        expect(root.locator(sel).first).to_have_class(LIT_CLASS, timeout=10_000)
    view.page.wait_for_timeout(150)  # a smooth scrollIntoView settles
    g = root.evaluate(GEOMETRY_JS, sel)
    assert g["card"] and all(g["cardButtons"]), (where, page, g)
    if sel is not None:
        assert g["lit"] == (2 if "bg-edge" in sel else 1) and g["litRight"] and g["target"] == {"isLit": True, "inView": True, "uncovered": True, "apart": True, "full": True}, \
            (where, page, g)


def python_card(lab, cell_index: int) -> dict:
    lab.run_cell(cell_index)
    out = lab.code_cells.nth(cell_index).locator(".jp-OutputArea-output")
    return json.loads(out.inner_text())


def test_the_seed_lesson_walked_by_the_learner(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "lesson.ipynb", jupyter_server.root, [CELL, CARD])
    page = lab.page
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    root = view.root
    card = root.locator('[data-role="lesson"]')
    text = card.locator('[data-role="lesson-text"]')
    title = card.locator('[data-role="lesson-title"]')
    nxt = card.locator('button[data-action="lesson-next"]')
    expect(view.button("step")).to_be_enabled(timeout=60_000)
    expect(card).to_be_visible()
    expect(card.locator('[data-role="lesson-count"]')).to_have_text("1 / 13")
    SHOTS.mkdir(parents=True, exist_ok=True)
    seen: list[dict] = []

    def settle_and_compare(k: int) -> None:
        py = python_card(lab, 1)
        assert py["page"] == k, py
        root.evaluate("el => el.scrollIntoView({block: 'start'})")
        expect(title).to_have_text(py["title"], timeout=20_000)
        expect(text).to_have_text(py["text"], timeout=20_000)
        seen.append(py)
        check_page(view, k, "lecture layout")

    def drag(locator, to_left: bool) -> None:
        box = locator.bounding_box()
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] - 3, y)
        page.mouse.down()
        page.mouse.move(box["x"] + (2 if to_left else box["width"] - 2), y, steps=8)
        page.mouse.up()

    # 1: eight states at step 0, 101 lit
    settle_and_compare(0)
    assert seen[0]["step"] == 0 and "over 8 states" in seen[0]["text"]
    lab.screenshot(SHOTS / "page01-eight-states.png")
    nxt.click()
    # 2: Train ×50 by the learner's click; Next waits for it
    settle_and_compare(1)
    expect(nxt).to_be_disabled()
    view.button("train").click()
    expect(nxt).to_be_enabled(timeout=60_000)
    settle_and_compare(1)
    assert seen[-1]["step"] == 50 and "started at 0.6635" in seen[-1]["text"]
    lab.screenshot(SHOTS / "page02-trained.png")
    nxt.click()
    # 3: 101 → 011 at 79%, the edge lit
    settle_and_compare(2)
    assert seen[-1]["title"] == "101 → 011 at 79%, not 100%"
    lab.screenshot(SHOTS / "page03-edge-101-011.png")
    nxt.click()
    # 4: drag the slider back to step 0 with the mouse
    settle_and_compare(3)
    expect(nxt).to_be_disabled()
    drag(view.slider, to_left=True)
    expect(nxt).to_be_enabled(timeout=20_000)
    settle_and_compare(3)
    assert "at step 0" in seen[-1]["text"]
    nxt.click()
    # 5: 111 near 45% (live again at step 50)
    settle_and_compare(4)
    assert "says 45%" in seen[-1]["text"]
    nxt.click()
    # 6: click 000 on the chain: the inside panel opens on it
    settle_and_compare(5)
    assert "guesses 1(73%)" in seen[-1]["text"]
    expect(nxt).to_be_disabled()
    root.locator('g.bg-node[data-state="000"]').click()
    expect(nxt).to_be_enabled(timeout=20_000)
    expect(root.locator('[data-role="inside-title"]')).to_have_text("Inside 000", timeout=30_000)
    assert json.loads(json.dumps(root.evaluate("r => r.querySelectorAll('.bg-naughty').length"))) == 0
    lab.screenshot(SHOTS / "page06-inside-000.png")
    nxt.click()
    # 7: Sample
    settle_and_compare(6)
    view.button("sample").click()
    expect(nxt).to_be_enabled(timeout=20_000)
    settle_and_compare(6)
    nxt.click()
    # 8: temperature 0 by dragging its slider to the left
    settle_and_compare(7)
    drag(root.locator('input[data-role="temperature-slider"]'), to_left=True)
    expect(nxt).to_be_enabled(timeout=20_000)
    settle_and_compare(7)
    assert "always goes to 110" in seen[-1]["text"]
    lab.screenshot(SHOTS / "page08-temperature-0.png")
    nxt.click()
    # 9: long-run shares (the page sets temperature 1 back)
    settle_and_compare(8)
    nxt.click()
    # 10: the shorter contexts, ticked by the learner
    settle_and_compare(9)
    root.locator('input[data-field="show_prefixes"]').check()
    expect(nxt).to_be_enabled(timeout=20_000)
    settle_and_compare(9)
    assert seen[-1]["title"] == "14 states, not 8"
    nxt.click()
    # 11: seeds compared: the learner trains eight seeds
    settle_and_compare(10)
    expect(nxt).to_be_disabled()
    root.locator('button[data-action="train-seeds"]').click()
    expect(nxt).to_be_enabled(timeout=120_000)
    expect(root.locator('[data-role="ensemble-summary"]')).not_to_be_empty()
    lab.screenshot(SHOTS / "page11-seeds.png")
    nxt.click()
    # 12: the closing arithmetic; ←/→ on the card do not reach JupyterLab
    settle_and_compare(11)
    assert "31,984 bits ≈ 4.0 kB" in seen[-1]["text"] and "≈ 64.0 kB" in seen[-1]["text"]
    lab.screenshot(SHOTS / "page12-arithmetic.png")
    notebook = "() => { const nb = window.jupyterapp.shell.currentWidget.content; return [nb.activeCellIndex, nb.mode]; }"
    card.focus()
    before = page.evaluate(notebook)  # focusing the card made its cell the active one
    page.keyboard.press("ArrowRight")
    check_page(view, 12, "keys")
    page.keyboard.press("ArrowLeft")
    check_page(view, 11, "keys")
    assert page.evaluate(notebook) == before  # command mode's ↑/↓-like arrows never moved the notebook
    settle_and_compare(11)
    card.focus()
    page.keyboard.press("ArrowRight")
    settle_and_compare(12)
    assert "tools" in seen[-1]["text"]
    expect(nxt).to_be_disabled()  # the last page

    # the card fits with the file browser open, and in presentation
    page.evaluate("() => { void window.jupyterapp.commands.execute('filebrowser:activate'); }")
    page.wait_for_timeout(600)
    assert page.evaluate("() => !window.jupyterapp.shell.leftCollapsed")
    root.evaluate("el => el.scrollIntoView({block: 'start'})")
    for k in (12, 11, 10, 9, 8, 7):  # back through the pages by keys, the file browser open
        check_page(view, k, "file browser open")
        card.focus()
        page.keyboard.press("ArrowLeft")
    check_page(view, 6, "file browser open")
    lab.screenshot(SHOTS / "file-browser-open-page07.png")
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    view.button("presentation").click()
    expect(root).to_have_class(re.compile(r"\bbg-presentation\b"))
    page.wait_for_timeout(600)
    root.evaluate("el => el.scrollIntoView({block: 'start'})")
    for k in (6, 5, 4, 3, 2):
        check_page(view, k, "presentation")
        card.focus()
        page.keyboard.press("ArrowLeft")
    lab.screenshot(SHOTS / "presentation-page02.png")
    view.button("presentation").click()

    # Leave: the learner's own run (seed 7, step 5) comes back
    card.locator('button[data-action="lesson-leave"]').click()
    expect(card).to_be_hidden(timeout=20_000)
    expect(root.locator(".bg-lesson-lit")).to_have_count(0)
    out = lab.add_and_run_cell("print(w.global_step, w.config['seed'], w.lesson.page)")
    assert out.locator(".jp-OutputArea-output").inner_text().strip() == "5 7 None"
    expect(view.step_readout).to_contain_text("5")
