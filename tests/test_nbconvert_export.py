"""`jupyter nbconvert --to babygpt_html` (babygpt_widget/nbconvert_export.py) on notebooks built here
with the widget state nbclient would store: babyGPT widgets become self-contained places, other
widgets keep the html-manager with a visible message naming them, and a notebook without widget
state shows the text repr (nbconvert's own choice)."""

from __future__ import annotations

import nbformat
import pytest
from conftest import SMALL

from babygpt_widget import BabyGPTWidget
from babygpt_widget.render.nbconvert_export import STATE_MIME, VIEW_MIME, OfflineHTMLExporter
from babygpt_widget.render.page_data import read_page_data


def _notebook(*widgets, with_state: bool = True) -> nbformat.NotebookNode:
    from ipywidgets.embed import dependency_state, embed_data

    nb = nbformat.v4.new_notebook()
    for w in widgets:
        cell = nbformat.v4.new_code_cell("w")
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            VIEW_MIME: {"version_major": 2, "version_minor": 0, "model_id": w.model_id}, "text/plain": repr(w)[:100]})]
        nb.cells.append(cell)
    if with_state:
        state = dependency_state(list(widgets), drop_defaults=False)  # these widgets only, not every live one
        nb.metadata["widgets"] = {STATE_MIME: embed_data(views=list(widgets), drop_defaults=False, state=state)["manager_state"]}
    return nb


@pytest.fixture(scope="module")
def widget() -> BabyGPTWidget:
    w = BabyGPTWidget(**SMALL)
    w.train(20)
    return w


def test_a_babygpt_widget_is_drawn_by_the_page_runtime_and_nothing_loads_from_a_cdn_for_it(widget):
    html, _ = OfflineHTMLExporter().from_notebook_node(_notebook(widget))
    assert html.count('<div class="bgp-root"') == 1 and 'id="bgp-widget-js"' in html
    assert "embed-amd.js" not in html and 'class="bgp-widget-fallback"' not in html, "no other widget: no manager, no message"
    assert f'"model_id": "{widget.model_id}"' not in html.split("widget-state+json")[0], "the view script would draw it twice"
    traits, info = read_page_data(html)
    for name in ("probs", "history_probs", "history_steps", "data_counts"):
        assert traits[name] == getattr(widget, name), name
    assert traits["config"] == widget.config and info["kept"] == info["recorded"] == 21
    assert "saved_by" in info and "nbconvert" in info["saved_by"]


def test_another_widget_keeps_the_html_manager_with_a_visible_message(widget):
    import ipywidgets

    other = ipywidgets.IntSlider(value=3)
    html, _ = OfflineHTMLExporter().from_notebook_node(_notebook(widget, other))
    assert html.count('class="bgp-widget-fallback"') == 1 and "could not load" in html
    assert "IntSlider(value=3" in html  # the message names the widget by its text repr
    assert "html-manager@" in html and "embed-amd.js" in html  # its renderer is still loaded for it
    assert html.count('<div class="bgp-root"') == 1


def test_without_saved_widget_state_nbconvert_shows_the_text_repr(widget):
    """nbconvert keeps a widget view only when the notebook saved its model's state; otherwise it
    writes the output's next representation, the widget's text/plain repr: not blank either."""
    html, _ = OfflineHTMLExporter().from_notebook_node(_notebook(widget, with_state=False))
    assert "BabyGPTWidget(V=2, C=3, 8 states" in html
    assert '<div class="bgp-root"' not in html and 'id="bgp-widget-js"' not in html


def test_the_exporter_is_registered_for_nbconvert():
    from nbconvert.exporters import get_exporter

    assert get_exporter("babygpt_html") is OfflineHTMLExporter
