"""Shared steps of the browser tests of pages that train with no kernel (saved, standalone,
nbconvert and html-manager pages): export a notebook in an isolated Jupyter environment, read
the page's chain, compare it with Python's, and Play / Pause / Reset in the page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from playwright.sync_api import expect

# the page's live step and the 101 → 011 edge (index i of the state, token 1), and its whole chain
LIVE_EDGE = """i => { const m = window.babygptPages[0].model; const v = m.get("probs");
  return { step: m.get("global_step"), p: v.getFloat32((2 * i + 1) * 4, true) }; }"""
PROBS = """() => { const v = window.babygptPages[0].model.get('probs');
  return Array.from({length: v.byteLength / 4}, (_, k) => v.getFloat32(4 * k, true)); }"""


def export_notebook(d: Path, cells: list[str], to: str) -> Path:
    """`jupyter nbconvert --execute --to <to>` of a notebook of `cells`, in its own Jupyter dirs."""
    env = os.environ.copy()
    for k, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "config")):
        (d / sub).mkdir()
        env[k] = str(d / sub)
    env.pop("JUPYTER_PATH", None)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, d / "lecture.ipynb")
    done = subprocess.run([sys.executable, "-m", "nbconvert", "--execute", "--to", to, str(d / "lecture.ipynb"),
                           "--output-dir", str(d), "--ExecutePreprocessor.timeout=240"],
                          cwd=d, env=env, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    return d / "lecture.html"


def run_build(d: Path, code: str) -> str:
    """Run `code` as d/build.py with `d` as its argument (it writes its pages there); its stdout."""
    (d / "build.py").write_text(code)
    done = subprocess.run([sys.executable, str(d / "build.py"), str(d)], capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def python_expected(code: str) -> dict:
    """What a Python snippet prints as JSON (Python's own numbers, in a fresh process)."""
    exp = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert exp.returncode == 0, exp.stderr
    return json.loads(exp.stdout)


def check_chain(page, expected: list[float], tol: float, artifact: Path, step: int, index: int) -> float:
    """Every edge of the page's chain within `tol` of Python's; the measured gap goes to `artifact`."""
    chain = page.evaluate(PROBS)
    gap = max(abs(a - b) for a, b in zip(chain, expected, strict=True))
    assert gap <= tol, gap
    artifact.parent.mkdir(parents=True, exist_ok=True)
    edge = 2 * index + 1
    artifact.write_text(json.dumps({"step": step, "edge_101_011": {"page": chain[edge], "python": expected[edge]},
                                    "max_abs_dP_all_edges": gap}))
    return gap


def play_pause_reset(view, page, index: int, after: int, p0: float, tol: float) -> None:
    """Play trains past `after`, Pause stops and stays stopped, Reset returns to the seed's step 0."""
    view.button("play").click()
    page.wait_for_function(f"() => window.babygptPages[0].model.get('global_step') >= {after + 3}", timeout=60_000)
    view.button("pause").click()
    page.wait_for_function("() => window.babygptPages[0].model.get('playing') === false", timeout=30_000)
    stopped = page.evaluate(LIVE_EDGE, index)["step"]
    assert stopped > after
    page.wait_for_timeout(500)
    assert page.evaluate(LIVE_EDGE, index)["step"] == stopped
    expect(view.step_readout).to_have_text(str(stopped))
    view.button("reset").click()
    expect(view.step_readout).to_have_text("0", timeout=30_000)
    back = page.evaluate(LIVE_EDGE, index)
    assert back["step"] == 0 and abs(back["p"] - p0) <= tol, (back, p0)
