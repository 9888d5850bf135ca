"""The lecture notebooks (Jupyter and marimo) run top to bottom and tell the seed's numbers,
with no Graphviz `dot` on the PATH (a pip user, Colab or VS Code has none)."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).parent.parent / "examples" / "babygpt.ipynb"
MARIMO_NOTEBOOK = NOTEBOOK.with_name("babygpt_marimo.py")
NO_DOT_PATH = str(pathlib.Path(sys.executable).parent)  # the venv's bin: python, no Graphviz


def generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebook", NOTEBOOK.with_name("make_notebook.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    """The lecture run in a kernel whose PATH has no `dot`."""
    assert shutil.which("dot", path=NO_DOT_PATH) is None
    nb = nbformat.read(NOTEBOOK, as_version=4)
    before = os.environ["PATH"]
    os.environ["PATH"] = NO_DOT_PATH  # the kernel inherits it
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True).execute()
    finally:
        os.environ["PATH"] = before
    return nb


def text_of(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_runs_without_errors_or_graphviz(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    stderr = [o["text"] for c in executed.cells for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not any("Traceback" in t or "ExecutableNotFound" in t for t in stderr)
    svgs = [o["data"]["image/svg+xml"] for c in executed.cells for o in c.get("outputs", [])
            if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1 and "temperature 0" in svgs[0]  # the greedy FSM, drawn without dot


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
    saved = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in saved.cells] == [c.source for c in generator().CELLS]


def test_marimo_notebook_is_up_to_date():
    """examples/babygpt_marimo.py is written by the same generator from the same cells."""
    assert MARIMO_NOTEBOOK.read_text(encoding="utf-8") == generator().marimo_notebook()


def test_marimo_notebook_runs_as_a_script_without_graphviz(tmp_path):
    """`python babygpt_marimo.py` runs every cell of the marimo lecture (marimo's script mode)."""
    env = {**os.environ, "PATH": NO_DOT_PATH}
    done = subprocess.run([sys.executable, str(MARIMO_NOTEBOOK)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "step 0 loss 0.6635   step 49 loss 0.4700" in done.stdout
    assert "P(1 | 000) = 73%" in done.stdout and "14 states" in done.stdout
