"""Keys pressed while the widget has focus stay with the widget, in JupyterLab and Notebook 7.

The README promises that keys the widget uses never reach the notebook's command-mode shortcuts.
Here every widget key (Space, →, ←, S, R, ?, Esc) and every single-key command-mode shortcut of
the notebook (a, b, c, d d, x, v, m, y, r, z, j, k, o, l, 0 0, i i, 1–6, Enter, arrows, Shift+…)
is pressed with focus on the chain (clicked), a widget button, the history slider and a text
input; the notebook must not act: same cells, types, sources, active cell, execution counts,
command mode, nothing pasted. Shift+Enter and Ctrl+Enter still run the cell, Esc still reaches
the notebook, and the same keys with the notebook focused do act (so the checks can fail).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import Lab, LectureView, Notebook7, wait_for_widget, write_notebook

pytestmark = pytest.mark.browser

CELLS = ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(5)\nw", "1 + 1"]
WIDGET_KEYS = ["ArrowRight", "ArrowLeft", "s", "S", "r", "R", "?", "Escape"]  # and Space, pressed on its own
NOTEBOOK_KEYS = (
    list("abcxvmyrzjkoltfhpuwegnqs") + ["d", "d", "0", "0", "i", "i", "1", "2", "3", "4", "5", "6"]
    + ["Enter", "ArrowUp", "ArrowDown", "Home", "End", "PageDown"]
    + [f"Shift+{k}" for k in ["M", "J", "K", "V", "L", "O", "C", "D", "ArrowUp", "ArrowDown", "Space"]]
)

NOTEBOOK_STATE = """() => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    return {
        cells: nb.widgets.map(c => [c.model.type, c.model.sharedModel.getSource(),
                                    c.model.type === 'code' ? c.model.executionCount : null]),
        active: nb.activeCellIndex,
        mode: nb.mode,
        selected: nb.widgets.filter(c => nb.isSelectedOrActive(c)).length,
    };
}"""

FIRST_COUNT = "window.jupyterapp.shell.currentWidget.content.widgets[0].model.executionCount"

# A stand-in for Jupyter's own key listener (bubbling, on the document): which keys reached it.
RECORD_KEYS = """() => {
    window.__keysSeen = [];
    document.addEventListener('keydown', e => window.__keysSeen.push(
        (e.shiftKey ? 'Shift+' : '') + (e.ctrlKey ? 'Control+' : '') + e.key));
}"""


def _open(page_obj: Lab, server, name: str) -> LectureView:
    nb = write_notebook(server.root / name, CELLS)
    page_obj.open(nb.relative_to(server.root).as_posix())
    page_obj.run_all()
    wait_for_widget(page_obj.page, page_obj.page.locator(".babygpt-widget"), timeout=60_000)
    view = LectureView(page_obj.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.edges).to_have_count(16, timeout=60_000)
    expect(view.button("step")).to_be_enabled(timeout=30_000)  # a kernel answers
    expect(view.step_readout).to_contain_text("5", timeout=30_000)
    return view


def _copy_second_cell(page_obj: Lab) -> None:
    """Put a cell on the notebook's clipboard, so a leaked `v` would paste it."""
    page_obj.page.evaluate("""() => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        nb.mode = 'command'; nb.activeCellIndex = 1; nb.node.focus();
    }""")
    page_obj.page.keyboard.press("c")


def _focus(view: LectureView, target: str) -> None:
    page = view.page
    if target == "chain":  # a click on the drawing, off the nodes (the ring's empty middle)
        drawing = view.root.locator(".bg-graph-box")
        box = drawing.bounding_box()
        # Playwright scrolls it into view (End / PageDown on a button scrolled the notebook, as
        # a browser does) and waits until it stands still before it clicks
        drawing.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    elif target == "button":
        view.button("step").focus()
    elif target == "slider":
        view.slider.focus()
    else:
        view.root.locator('input[data-field="search_state"]').focus()
    inside = page.evaluate("() => !!document.activeElement.closest('.babygpt-widget')")
    assert inside, f"{target}: focus is not in the widget after clicking/focusing it"


def _space(view: LectureView, target: str) -> None:
    """Space: on the chain Play, then (once the kernel says it plays) Pause; on a button it
    presses the button, in a box it types, on the slider nothing."""
    page = view.page
    page.keyboard.press("Space")
    if target == "chain":
        expect(view.button("pause")).to_be_visible(timeout=30_000)
        page.keyboard.press("Space")
        expect(view.button("play")).to_be_visible(timeout=30_000)


def _keys_do_not_reach_the_notebook(page_obj: Lab, view: LectureView) -> None:
    page = page_obj.page
    _copy_second_cell(page_obj)
    page.evaluate(RECORD_KEYS)
    # the slider first: R (reset) on the chain or a button leaves one snapshot, which disables it
    for target in ("slider", "text input", "chain", "button"):
        _focus(view, target)
        before = page.evaluate(NOTEBOOK_STATE)
        page.evaluate("() => { window.__keysSeen = []; }")
        _space(view, target)
        for key in WIDGET_KEYS + NOTEBOOK_KEYS:
            page.keyboard.press(key)
        if target == "text input":
            page.keyboard.press("Escape")  # leave the box's text as is; Esc is the notebook's
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        after = page.evaluate(NOTEBOOK_STATE)
        assert after == before, f"focus on the {target}: the notebook acted\nbefore {before}\nafter  {after}"
        seen = page.evaluate("() => window.__keysSeen")
        # Esc is the notebook's; a lone Shift (the first half of Shift+M) is no shortcut
        assert set(seen) <= {"Escape", "Shift+Shift"}, f"focus on the {target}: keys reached the document: {seen}"


def _run_keys_still_run_the_cell(page_obj: Lab, view: LectureView) -> None:
    page = page_obj.page
    count = lambda: page.evaluate(NOTEBOOK_STATE)["cells"][0][2]  # noqa: E731
    # Esc reaches the notebook (its job there) when the widget has nothing to close
    _focus(view, "chain")
    page.evaluate("() => { window.__keysSeen = []; }")
    page.keyboard.press("Escape")
    assert page.evaluate("() => window.__keysSeen") == ["Escape"]
    # Ctrl+Enter runs the widget's cell in place
    first = count()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"() => {FIRST_COUNT} > {first}", timeout=60_000)
    page_obj.wait_kernel_idle()
    # Shift+Enter runs it and moves on to the next cell
    view = LectureView(page_obj.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.edges).to_have_count(16, timeout=60_000)
    _focus(view, "chain")
    second = count()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(f"() => {FIRST_COUNT} > {second}", timeout=60_000)
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex") == 1


def _notebook_focus_acts(page_obj: Lab) -> None:
    """The control: the same shortcut with the notebook focused does act in this host."""
    page = page_obj.page
    page.evaluate("""() => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        nb.mode = 'command'; nb.activeCellIndex = 1; nb.node.focus();
    }""")
    n = len(page.evaluate(NOTEBOOK_STATE)["cells"])
    page.keyboard.press("b")
    page.wait_for_function(f"() => window.jupyterapp.shell.currentWidget.content.widgets.length === {n + 1}",
                           timeout=10_000)


def test_jupyterlab_keys_stay_in_the_widget(lab: Lab, jupyter_server):
    view = _open(lab, jupyter_server, "keys_lab.ipynb")
    _keys_do_not_reach_the_notebook(lab, view)
    _run_keys_still_run_the_cell(lab, view)
    _notebook_focus_acts(lab)


def test_notebook7_keys_stay_in_the_widget(nb7: Notebook7, notebook7_server):
    view = _open(nb7, notebook7_server, "keys_nb7.ipynb")
    _keys_do_not_reach_the_notebook(nb7, view)
    _run_keys_still_run_the_cell(nb7, view)
    _notebook_focus_acts(nb7)
