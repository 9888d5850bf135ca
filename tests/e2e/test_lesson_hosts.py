"""The seed lesson on the other screens the issue names: JupyterLab's dark theme and Jupyter
Notebook 7, both at 1280×720. The learner walks the first pages by their own actions (Next,
clicking Train for the train wait, dragging the history slider back to step 0) past the lit
edge 101 → 011; on every page the card equals Python's ``w.lesson.card()`` and the highlight is
checked by geometry as in test_lesson.py (lit, on screen, uncovered, apart from the card, full
strength; the card's buttons on screen and uncovered)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import Lab, LectureView, Notebook7, open_in_lab, wait_for_widget, write_notebook
from .test_lesson import CARD, CELL, SHOTS, check_page, python_card

pytestmark = pytest.mark.browser


def walk_first_pages(host: Lab, view: LectureView, name: str) -> list[dict]:
    """Pages 1 → 5 by the learner: Next, Train (the wait), the lit edge, the slider dragged to 0."""
    page, root = host.page, view.root
    card = root.locator('[data-role="lesson"]')
    nxt = card.locator('button[data-action="lesson-next"]')
    expect(view.button("step")).to_be_enabled(timeout=90_000)
    expect(card.locator('[data-role="lesson-count"]')).to_have_text("1 / 13", timeout=30_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    seen: list[dict] = []

    def settle(k: int) -> None:
        py = python_card(host, 1)
        assert py["page"] == k, py
        root.evaluate("el => el.scrollIntoView({block: 'start'})")
        expect(card.locator('[data-role="lesson-title"]')).to_have_text(py["title"], timeout=20_000)
        expect(card.locator('[data-role="lesson-text"]')).to_have_text(py["text"], timeout=20_000)
        seen.append(py)
        check_page(view, k, name)

    settle(0)
    assert seen[0]["step"] == 0 and "over 8 states" in seen[0]["text"]
    nxt.click()
    settle(1)
    expect(nxt).to_be_disabled()
    view.button("train").click()  # the learner's Train ×50
    expect(nxt).to_be_enabled(timeout=90_000)
    settle(1)
    assert seen[-1]["step"] == 50 and "started at 0.6635" in seen[-1]["text"]
    page.screenshot(path=str(SHOTS / f"{name}-page02-trained.png"))
    nxt.click()
    settle(2)
    assert seen[-1]["title"] == "101 → 011 at 79%, not 100%"
    page.screenshot(path=str(SHOTS / f"{name}-page03-edge.png"))
    nxt.click()
    settle(3)
    expect(nxt).to_be_disabled()
    box = view.slider.bounding_box()  # drag the history slider to step 0 with the mouse
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] - 3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 2, y, steps=8)
    page.mouse.up()
    expect(nxt).to_be_enabled(timeout=20_000)
    settle(3)
    assert "at step 0" in seen[-1]["text"]
    page.screenshot(path=str(SHOTS / f"{name}-page04-slider.png"))
    nxt.click()
    settle(4)
    assert "says 45%" in seen[-1]["text"]
    return seen


def test_the_lesson_in_jupyterlab_dark(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "lesson_dark.ipynb", jupyter_server.root, [CELL, CARD])
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    card = view.root.locator('[data-role="lesson"]')
    expect(card).to_be_visible(timeout=60_000)
    # the card follows the theme: a dark card with light text, not a white box
    colours = card.evaluate("""e => {
        const t = getComputedStyle(e.querySelector('[data-role="lesson-title"]'));
        const lum = c => { const m = c.match(/[\\d.]+/g).map(Number);
            return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; };
        let bg = e, b = 'rgba(0, 0, 0, 0)';
        while (bg && (b = getComputedStyle(bg).backgroundColor) === 'rgba(0, 0, 0, 0)') bg = bg.parentElement;
        return {bg: lum(b), text: lum(t.color)}; }""")
    assert colours["bg"] < 0.35 and colours["text"] > 0.6, colours
    walk_first_pages(lab, view, "dark")
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})
    lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'", timeout=30_000)


def test_the_lesson_in_notebook7(nb7: Notebook7, notebook7_server):
    nb7.page.set_viewport_size({"width": 1280, "height": 720})
    nb = write_notebook(notebook7_server.root / "nb7_lesson.ipynb", [CELL, CARD])
    nb7.open(nb.relative_to(notebook7_server.root).as_posix())
    nb7.run_all()
    wait_for_widget(nb7.page, nb7.page.locator(".babygpt-widget"), timeout=90_000)
    view = LectureView(nb7.code_cells.nth(0).locator(".babygpt-widget"))
    walk_first_pages(nb7, view, "notebook7")
