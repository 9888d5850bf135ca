"""The harness itself works: a plain ipywidgets IntSlider renders and talks to its kernel."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import write_notebook

pytestmark = pytest.mark.browser


def test_intslider_renders_and_syncs(lab, notebook_dir, jupyter_server):
    nb = write_notebook(
        notebook_dir / "slider.ipynb",
        ["import ipywidgets as W\ns = W.IntSlider(value=3, min=0, max=10)\ns", "print('value', s.value)"],
    )
    lab.open(nb.relative_to(jupyter_server.root).as_posix())
    lab.run_all()
    slider = lab.page.locator(".jp-OutputArea .widget-slider, .jp-OutputArea .jupyter-widgets.widget-slider").first
    expect(slider).to_be_visible(timeout=30_000)
    readout = lab.page.locator(".jp-OutputArea .widget-readout").first
    expect(readout).to_have_text("3")
    expect(lab.code_cells.nth(1).locator(".jp-OutputArea-output")).to_contain_text("value 3")
    # front end -> kernel: move the slider with the keyboard, read the value from Python
    lab.page.locator(".jp-OutputArea .noUi-handle, .jp-OutputArea .slider-handle").first.focus()
    lab.page.keyboard.press("End")
    expect(readout).to_have_text("10", timeout=10_000)
    cell = lab.add_and_run_cell("print('now', s.value)")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("now 10", timeout=30_000)
    # kernel -> front end
    lab.add_and_run_cell("s.value = 7")
    expect(readout).to_have_text("7", timeout=10_000)


def test_run_all_stops_at_an_error(lab, notebook_dir, jupyter_server):
    nb = write_notebook(notebook_dir / "boom.ipynb", ["x = 1", "1/0", "print('never')"])
    lab.open(nb.relative_to(jupyter_server.root).as_posix())
    lab.run_all()
    errors = lab.error_outputs()
    assert any("ZeroDivisionError" in e for e in errors), errors
    assert lab.prompts()[2] in ("[ ]:", "[*]:") or "never" not in lab.page.content()
