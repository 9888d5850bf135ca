"""The lecture notebook runs top to bottom in a fresh kernel and tells the seed's numbers."""

from __future__ import annotations

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).parent.parent / "examples" / "babygpt.ipynb"


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True).execute()
    return nb


def text_of(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_runs_without_errors(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_tells_the_seed_figures(executed):
    text = text_of(executed)
    assert "step 0 loss 0.6635   step 49 loss 0.4700" in text
    assert "P(1 | 101) = 79%" in text and "P(1 | 111) = 45%" in text and "P(1 | 000) = 73%" in text
    assert "14 states" in text


def test_saves_widget_state_for_static_pages(executed):
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    ours = [m for m in state.values() if m["state"].get("_anywidget_id", "").endswith("BabyGPTWidget")]
    assert len(ours) == 2  # the seed's widget and the V=3 exercise
    for model in ours:  # binary traits are stored as base64 buffers beside the JSON state
        assert {"probs", "history_steps", "history_probs", "history_losses"} <= {b["path"][0] for b in model["buffers"]}


def test_generated_notebook_is_up_to_date():
    """examples/babygpt.ipynb is written by examples/make_notebook.py: they must agree."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebook", NOTEBOOK.with_name("make_notebook.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    saved = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in saved.cells] == [c.source for c in module.CELLS]
