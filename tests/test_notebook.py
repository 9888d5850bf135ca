"""The lecture notebooks (Jupyter and marimo) run top to bottom and tell the seed's numbers,
with no Graphviz `dot` on the PATH (a pip user, Colab or VS Code has none) and no pandas (the
README's pip install does not bring it). `make test-pip-lecture` runs them in a venv built the
README's pip way."""

from __future__ import annotations

import os
import pathlib
import re
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


# pandas is not found, as on a plain pip install: every import finder answers "no such module"
# for it (a None in sys.modules would not do: marimo takes any "pandas" key there for an
# imported pandas, and a finder that raises breaks torch's own find_spec calls)
BLOCK_PANDAS = """import sys


class NoPandas:
    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pandas":
            return None
        return self.finder.find_spec(name, path, target)

    def __getattr__(self, attr):
        return getattr(self.finder, attr)


sys.meta_path[:] = [NoPandas(f) for f in sys.meta_path]
"""


def without_pandas_env(tmp: pathlib.Path) -> dict[str, str]:
    """PATH without `dot`, and a sitecustomize that makes `import pandas` fail."""
    (tmp / "sitecustomize.py").write_text(BLOCK_PANDAS)
    return {"PATH": NO_DOT_PATH, "PYTHONPATH": str(tmp)}


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> nbformat.NotebookNode:
    """The lecture run in a kernel whose PATH has no `dot` and that cannot import pandas."""
    assert shutil.which("dot", path=NO_DOT_PATH) is None
    nb = nbformat.read(NOTEBOOK, as_version=4)
    before = dict(os.environ)
    os.environ.update(without_pandas_env(tmp_path_factory.mktemp("no-pandas")))  # the kernel inherits it
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True).execute()
    finally:
        os.environ.clear()
        os.environ.update(before)
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


def outputs_of(nb: nbformat.NotebookNode, source_start: str) -> list[dict]:
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(source_start)]
    return cell.get("outputs", [])


def test_kernel_has_no_pandas_in_that_setting(tmp_path):
    """What `executed` sets up really hides pandas from the kernel: a probe cell fails to import it."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "try:\n    import pandas\n    print('pandas', pandas.__version__)\nexcept ImportError:\n    print('no pandas')")])
    before = dict(os.environ)
    os.environ.update(without_pandas_env(tmp_path))
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        os.environ.clear()
        os.environ.update(before)
    assert nb.cells[0].outputs[0]["text"].strip() == "no pandas"


def test_tables_render_as_html_tables(executed):
    """w.probabilities_table() and ens.table().round(3): HTML tables (no tab-separated text)."""
    for start, columns, digits in (("w.probabilities_table()", ["state", "P(0)", "P(1)", "data 0", "data 1"], 4),
                                   ("ens = w.compare_seeds", ["state", "seen", "median P(1)", "min", "max"], 3)):
        (result,) = [o for o in outputs_of(executed, start) if o["output_type"] == "execute_result"]
        markup = result["data"]["text/html"]
        assert markup.startswith('<table class="babygpt-table"') and markup.count("<tr>") == 9
        assert all(f">{c}</th>" in markup for c in columns)
        assert "\t" not in result["data"]["text/plain"]
        first = result["data"]["text/plain"].splitlines()[1].split()
        assert first[0] == "000" and len(first[2].split(".")[-1]) == digits, first  # P(1) / median P(1)


def test_tells_the_seed_figures(executed):
    text = text_of(executed)
    assert "losses while training: step 0 0.6635 → step 49 0.4700" in text
    assert "loss after step 50 (the widget's readout): 0.4670" in text
    assert "P(1 | 101) = 79%" in text and "P(1 | 111) = 45%" in text and "P(1 | 000) = 73%" in text
    assert "14 states" in text


def test_compares_with_step_10(executed):
    """The w.compare(10) cell prints what its text says: mean/max TV and the state that moved most."""
    text = "".join(o.get("text", "") for o in outputs_of(executed, "change = w.compare(10)"))
    assert text.splitlines() == ["mean TV 0.147   max TV 0.173", "moved most: 111, P(1) 63% at step 10 → 45% at step 50"]
    markdown = [c.source for c in executed.cells if c.cell_type == "markdown" and "moved most" in c.source]
    assert len(markdown) == 1 and "`111` (63% → 45% for `1`)" in markdown[0]


def test_saves_widget_state_for_static_pages(executed):
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    ours = [m for m in state.values() if m["state"].get("_anywidget_id", "").endswith("BabyGPTWidget")]
    assert len(ours) == 4  # the seed's widget, the V=3 exercise, the seed lesson and a custom one
    lessons = sorted(m["state"]["lesson_page"] for m in ours)
    assert lessons == [-1, -1, 0, 0]  # the lesson widgets open on their first page
    for model in ours:  # binary traits are stored as base64 buffers beside the JSON state
        assert {"probs", "history_steps", "history_probs", "history_losses"} <= {b["path"][0] for b in model["buffers"]}


def test_generated_notebook_is_up_to_date():
    """examples/babygpt.ipynb is written by examples/make_notebook.py: they must agree."""
    saved = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in saved.cells] == [c.source for c in generator().CELLS]


def test_marimo_notebook_is_up_to_date():
    """examples/babygpt_marimo.py is written by the same generator from the same cells."""
    assert MARIMO_NOTEBOOK.read_text(encoding="utf-8") == generator().marimo_notebook()


def test_marimo_notebook_exports_without_graphviz_or_pandas(tmp_path):
    """`marimo export html` runs every cell of the marimo lecture headless (exit 1 if any cell
    fails); its outputs hold what the lecture prints (sent to the cell outputs, which `marimo
    run` shows, unlike the console) and the two tables as HTML."""
    env = {**os.environ, **without_pandas_env(tmp_path)}
    for name in ("babygpt_marimo.py", "babygpt_marimo.css"):
        shutil.copy(NOTEBOOK.with_name(name), tmp_path / name)
    out = tmp_path / "lecture.html"
    done = subprocess.run([sys.executable, "-m", "marimo", "export", "html", "babygpt_marimo.py", "-o", str(out),
                           "--no-include-code", "--no-sandbox"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), out.read_text(encoding="utf-8"))
    assert "losses while training: step 0 0.6635 → step 49 0.4700" in page
    assert "P(1 | 000) = 73%" in page and "14 states" in page and "moved most: 111" in page
    assert len(re.findall(r'<table class=\\?"babygpt-table', page)) == 2


def test_marimo_cells_that_print_send_it_to_the_output():
    """Every printing cell of the marimo lecture wraps its prints in mo.redirect_stdout()."""
    source = MARIMO_NOTEBOOK.read_text(encoding="utf-8")
    cells = source.split("@app.cell")[1:]
    printing = [c for c in cells if "print(" in c]
    assert len(printing) >= 10
    assert all("    with mo.redirect_stdout():\n" in c for c in printing)
