"""The widget on other hosts (issue 5): Jupyter Notebook 7 and Voila, each a real server started
by a session fixture (free 127.0.0.1 port, temp dirs, no token). Train ×50 from the page must
make the 101->011 edge read 1(79%), as in JupyterLab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import Lab, LectureView, Notebook7, wait_for_widget, write_notebook

pytestmark = pytest.mark.browser

UNTRAINED_CELLS = ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw"]
DRAW_TIMEOUT = 90_000  # ms


def _train_50_reads_79(view: LectureView) -> None:
    expect(view.nodes).to_have_count(8, timeout=DRAW_TIMEOUT)
    expect(view.edges).to_have_count(16, timeout=DRAW_TIMEOUT)
    expect(view.step_readout).to_have_text(re.compile(r"\b0\b"), timeout=30_000)
    view.set_field("train_n", 50)
    expect(view.field("train_n")).to_have_value("50")
    expect(view.button("train")).to_be_enabled(timeout=30_000)  # a kernel answered the hello
    view.button("train").click()
    expect(view.step_readout).to_have_text(re.compile(r"\b50\b"), timeout=60_000)
    expect(view.edge_label("101", "011")).to_have_text("1(79%)", timeout=30_000)


def test_notebook7_renders_and_trains(nb7: Notebook7, notebook7_server):
    nb = write_notebook(notebook7_server.root / "nb7_untrained.ipynb", UNTRAINED_CELLS)
    nb7.open(nb.relative_to(notebook7_server.root).as_posix())
    nb7.run_all()
    page = nb7.page
    wait_for_widget(page, page.locator(".babygpt-widget"), timeout=DRAW_TIMEOUT)
    view = LectureView(nb7.code_cells.nth(0).locator(".babygpt-widget"))
    _train_50_reads_79(view)
    # the click trained the kernel's model
    cell = nb7.add_and_run_cell("print('py-step', w.global_step)")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("py-step 50", timeout=30_000)
    nb7.screenshot(ARTIFACTS / "notebook7.png", view.root)


def test_voila_renders_and_trains(web_page, voila_server):
    _context, page, console = web_page
    page.goto(voila_server.url, wait_until="domcontentloaded", timeout=DRAW_TIMEOUT)
    try:
        wait_for_widget(page, page.locator(".babygpt-widget"), timeout=DRAW_TIMEOUT)
    except AssertionError as e:
        body = page.locator("body").inner_text()[-2000:]
        pytest.fail(f"{e}\npage text: {body}\nconsole: {console[-20:]}")
    view = LectureView(page.locator(".babygpt-widget").first)
    _train_50_reads_79(view)
    assert not [c for c in console if c.startswith("[pageerror]")], console
    # Lab.screenshot only needs the page: it grows the viewport to fit the widget
    Lab(page=page, base_url=voila_server.url).screenshot(ARTIFACTS / "voila.png", view.root)
