"""marimo as a host: `marimo edit --headless --no-token` on a folder of notebooks, driven in Debian
chromium. The widget is shown with `mo.ui.anywidget(BabyGPTWidget())` (marimo renders it in a
shadow root; Playwright's CSS locators pierce it). Checks: the chain is drawn, Train ×50 reads
1(79%), Play then Pause stops the counter, an inline error, Python sees the trained state, the
output fits (no scroll inside the page's scroll), and the shipped lecture notebook runs.

`marimo run` (the app view a class gets) runs each session's kernel on a thread of its own, not
the main thread: Play (background training on that thread's loop) advances and Pause stops it,
the lecture runs there, and a failed cell of the lecture shows its error, not "An internal error
occurred"."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import ARTIFACTS, REPO, _free_port, _isolated_env, _serve
from .helpers import Lab, LectureView, collect_until, wait_for_widget

pytestmark = pytest.mark.browser

DRAW_TIMEOUT = 120_000  # ms: kernel start + torch import on a busy 2-core box
EXAMPLES = REPO / "examples"
CSS = "babygpt_marimo.css"

WIDGET_NOTEBOOK = f'''import marimo

app = marimo.App(width="medium", css_file="{CSS}")


@app.cell
def _():
    import marimo as mo
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget()
    return mo, w


@app.cell
def _(mo, w):
    mo.ui.anywidget(w)
    return


@app.cell
def _(mo, w):
    mo.md(f"python sees step {{w.global_step}} playing {{w.playing}} seed {{w.config['seed']}}")
    return


if __name__ == "__main__":
    app.run()
'''
# marimo's defaults leave cells unrun until the user presses Run; a project setting runs them on open.
PROJECT_CONFIG = "[tool.marimo.runtime]\nauto_instantiate = true\n"


# The case: one cell, the widget alone (Train ×2000 worked there, Play did nothing).
ONE_CELL_APP = '''import marimo

app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget()
    mo.ui.anywidget(w)
    return


if __name__ == "__main__":
    app.run()
'''
FAILING_CELL = '''

@app.cell
def _():
    import marimo as mo

    mo.md("the other cells ran")
    return


@app.cell
def _():
    from babygpt_widget import BabyGPT

    BabyGPT(context_length=99)
    return


if __name__ == "__main__":
    app.run()
'''
# the shipped lecture's script header (its marimo settings) vs marimo's defaults, around the same failing cell
LECTURE_HEADER = (EXAMPLES / "babygpt_marimo.py").read_text(encoding="utf-8").split("import marimo")[0]
LECTURE_HEADER_FAILING = LECTURE_HEADER + "import marimo\n\napp = marimo.App()\n" + FAILING_CELL
PLAIN_FAILING = "import marimo\n\napp = marimo.App()\n" + FAILING_CELL
CONFIG_MESSAGE = "context_length: must be an integer from 1 to 12; got 99"
INTERNAL_ERROR_ID = re.compile(r"An internal error occurred: [0-9a-f-]{36}")  # marimo's stand-in for a hidden error


@dataclass
class MarimoServer:
    url: str
    root: Path
    proc: subprocess.Popen


@pytest.fixture(scope="module")
def marimo_server(tmp_path_factory) -> MarimoServer:
    base = tmp_path_factory.mktemp("marimo")
    root = base / "root"
    root.mkdir()
    (root / "pyproject.toml").write_text(PROJECT_CONFIG)
    (root / "widget.py").write_text(WIDGET_NOTEBOOK)
    (root / "unstyled.py").write_text(WIDGET_NOTEBOOK.replace(f', css_file="{CSS}"', ""))
    for name in ("babygpt_marimo.py", CSS):
        shutil.copy(EXAMPLES / name, root / name)
    env, _dirs = _isolated_env(base)
    env["HOME"] = str(base / "home")  # marimo's user config and state in a temp folder
    env["XDG_CONFIG_HOME"] = str(base / "home" / ".config")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "marimo", "edit", str(root), "--headless", "--no-token", "--host", "127.0.0.1",
           "--port", str(port), "--skip-update-check", "--no-sandbox"]

    def ready() -> bool:
        with urllib.request.urlopen(f"{url}/", timeout=2) as r:
            return r.status == 200

    for proc in _serve("marimo-server", cmd, env, root, base / "marimo.log", ready):
        yield MarimoServer(url=url, root=root, proc=proc)


@pytest.fixture(scope="module")
def marimo_run_server(tmp_path_factory) -> MarimoServer:
    """`marimo run` on a folder: the one-cell app, the lecture, and two failing apps."""
    base = tmp_path_factory.mktemp("marimo-run")
    root = base / "root"
    root.mkdir()
    (root / "one_cell.py").write_text(ONE_CELL_APP)
    (root / "failing_lecture_header.py").write_text(LECTURE_HEADER_FAILING)
    (root / "failing_plain.py").write_text(PLAIN_FAILING)
    for name in ("babygpt_marimo.py", CSS):
        shutil.copy(EXAMPLES / name, root / name)
    env, _dirs = _isolated_env(base)
    env["HOME"] = str(base / "home")
    env["XDG_CONFIG_HOME"] = str(base / "home" / ".config")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "marimo", "run", str(root), "--headless", "--host", "127.0.0.1", "--port", str(port),
           "--no-sandbox", "--session-ttl", "5"]

    def ready() -> bool:
        with urllib.request.urlopen(f"{url}/", timeout=2) as r:
            return r.status == 200

    for proc in _serve("marimo-run-server", cmd, env, root, base / "marimo-run.log", ready):
        yield MarimoServer(url=url, root=root, proc=proc)


def open_notebook(page: Page, server: MarimoServer, name: str, count: int = 1) -> list[LectureView]:
    page.goto(f"{server.url}/?file={name}", wait_until="domcontentloaded")
    roots = page.locator(".babygpt-widget")
    wait_for_widget(page, roots, count=count, timeout=DRAW_TIMEOUT)
    views = [LectureView(roots.nth(i)) for i in range(count)]
    for view in views:
        expect(view.nodes.first).to_be_visible(timeout=DRAW_TIMEOUT)
    return views


def marimo_cell(page: Page, text: str) -> Locator:
    return page.locator(".marimo-cell").filter(has_text=text).first


def rerun(page: Page, cell: Locator) -> None:
    """Run one cell again, as its ▶ button does."""
    cell.hover()
    cell.locator("[data-testid=run-button]").first.click()


def python_says(page: Page) -> Locator:
    return page.locator(".marimo-cell .output-area").filter(has_text="python sees step").first


def step_of(view: LectureView) -> int:
    return view.step()


def pause_button(view: LectureView) -> Locator:
    return view.root.locator('button[data-action="pause"], button[data-action="stop"]').first


def output_area_fit(view: LectureView) -> dict:
    """The marimo output box that holds this widget: its cap, whether it scrolls, and heights."""
    return view.root.evaluate(
        """el => {
            let n = el;
            while (n && !(n.classList && n.classList.contains('output-area')))
                n = n.parentElement || (n.getRootNode && n.getRootNode().host);
            if (!n) return null;
            const cs = getComputedStyle(n);
            return {maxHeight: cs.maxHeight, overflowY: cs.overflowY, scrollHeight: n.scrollHeight,
                    clientHeight: n.clientHeight, widget: el.getBoundingClientRect().height};
        }"""
    )


def test_marimo_draws_trains_plays_and_shows_errors(web_page, marimo_server):
    _context, page, console = web_page
    (view,) = open_notebook(page, marimo_server, "widget.py")
    expect(view.nodes).to_have_count(8, timeout=DRAW_TIMEOUT)
    expect(view.edges).to_have_count(16)
    expect(python_says(page)).to_contain_text("python sees step 0", timeout=DRAW_TIMEOUT)

    # Train ×50 from the page: the seed's 1(79%) on 101 -> 011
    view.set_field("train_n", 50)
    expect(view.button("train")).to_be_enabled(timeout=60_000)
    view.button("train").click()
    expect(view.step_readout).to_have_text(re.compile(r"\b50\b"), timeout=90_000)
    expect(view.edge_label("101", "011")).to_have_text("1(79%)", timeout=30_000)
    # Python sees the trained state through the widget's traits
    rerun(page, marimo_cell(page, "python sees step"))
    expect(python_says(page)).to_contain_text("python sees step 50 playing False", timeout=60_000)

    # Play, then Pause: the counter moves, then stops
    view.button("play").click()
    deadline = time.monotonic() + 60
    while step_of(view) <= 50:
        assert time.monotonic() < deadline, "Play did not advance the step"
        page.wait_for_timeout(100)
    pause_button(view).click()
    # Play is back (`playing` is the kernel's): no step after this one; Python reads the final
    # step, and the readout comes to rest on it (events, not fixed waits)
    expect(view.button("play")).to_be_visible(timeout=30_000)
    rerun(page, marimo_cell(page, "python sees step"))
    said = python_says(page)
    expect(said).not_to_contain_text("python sees step 50 ", timeout=60_000)
    expect(said).to_contain_text("playing False")
    stopped = int(re.search(r"python sees step (\d+)", said.inner_text())[1])
    assert stopped > 50
    collect_until(lambda: step_of(view), lambda s: s == stopped, timeout=60, page=page)

    # A bad seed: inline error next to the field, nothing changes
    expect(view.error_for("seed")).to_have_text(re.compile(r"^\s*$"))
    view.set_field("seed", "-5")
    expect(view.error_for("seed")).not_to_have_text(re.compile(r"^\s*$"), timeout=15_000)
    error = view.error_for("seed").inner_text()
    assert "seed" in error.lower()
    assert step_of(view) == stopped
    rerun(page, marimo_cell(page, "python sees step"))
    expect(python_says(page)).to_contain_text(f"python sees step {stopped} playing False seed 1337", timeout=60_000)
    assert not [c for c in console if c.startswith("[pageerror]")], console
    Lab(page=page, base_url=marimo_server.url).screenshot(ARTIFACTS / "marimo.png", view.root)
    print(f"marimo: 8 nodes, 16 edges; Train x50 -> step 50, 101->011 1(79%); Pause at step {stopped}; "
          f"seed error: {error!r}")


def test_marimo_output_fits_without_scroll_inside_scroll(web_page, marimo_server):
    """marimo caps outputs at 610 px (overflow: auto); babygpt_marimo.css lifts the cap for
    widget outputs, so the whole widget sits in the page's own scroll."""
    _context, page, _console = web_page
    (unstyled,) = open_notebook(page, marimo_server, "unstyled.py")
    capped = output_area_fit(unstyled)
    assert capped["maxHeight"] == "610px" and capped["scrollHeight"] > capped["clientHeight"] + 1, capped  # the problem
    (view,) = open_notebook(page, marimo_server, "widget.py")
    fit = output_area_fit(view)
    assert fit["maxHeight"] == "none", fit
    assert fit["scrollHeight"] <= fit["clientHeight"] + 1, fit  # nothing scrolls inside the output
    assert fit["clientHeight"] >= fit["widget"] - 1, fit
    print(f"marimo output: unstyled {capped}; with {CSS} {fit}")


def test_marimo_lecture_notebook_runs(web_page, marimo_server):
    """examples/babygpt_marimo.py in marimo: both widgets drawn, the seed's trained chain shown."""
    _context, page, console = web_page
    seed, exercise = open_notebook(page, marimo_server, "babygpt_marimo.py", count=2)
    expect(seed.step_readout).to_have_text(re.compile(r"\b50\b"), timeout=DRAW_TIMEOUT)
    expect(seed.edge_label("101", "011")).to_have_text("1(79%)", timeout=30_000)
    expect(exercise.nodes).to_have_count(9, timeout=DRAW_TIMEOUT)
    expect(page.get_by_text("losses while training: step 0 0.6635 → step 49 0.4700")).to_be_visible(timeout=DRAW_TIMEOUT)
    expect(page.locator(".marimo-cell .output-area svg text.bg-caption").first).to_contain_text("temperature 0")
    errors = page.locator(".marimo-cell [data-testid=cell-error], .marimo-cell .marimo-error").count()
    assert errors == 0
    for view in (seed, exercise):
        fit = output_area_fit(view)
        assert fit["scrollHeight"] <= fit["clientHeight"] + 1, fit
    assert not [c for c in console if c.startswith("[pageerror]")], console
    seed.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / "marimo-lecture.png"))


# -- marimo run ------------------------------------------------------------------------------------
def test_marimo_run_plays_and_pauses(web_page, marimo_run_server):
    """The issue's one-cell app in `marimo run`: Play advances the step counter (it stayed at 0),
    the button turns into Pause; Pause stops the counter and Play comes back."""
    _context, page, console = web_page
    (view,) = open_notebook(page, marimo_run_server, "one_cell.py")
    expect(view.step_readout).to_have_text(re.compile(r"\b0\b"), timeout=DRAW_TIMEOUT)
    expect(view.button("play")).to_be_enabled(timeout=60_000)
    view.button("play").click()
    expect(pause_button(view)).to_be_visible(timeout=30_000)
    seen = [0]
    deadline = time.monotonic() + 60
    while len(set(seen)) < 3:  # the counter moves, and keeps moving
        assert time.monotonic() < deadline, f"Play did not advance the step in marimo run: {seen}"
        page.wait_for_timeout(200)
        seen.append(step_of(view))
    assert seen == sorted(seen), seen
    pause_button(view).click()
    expect(view.button("play")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)  # in-flight steps land
    stopped = step_of(view)
    later = set()
    for _ in range(15):
        page.wait_for_timeout(100)
        later.add(step_of(view))
    assert later == {stopped}, f"step kept changing after Pause: {stopped} then {sorted(later)}"
    assert not [c for c in console if c.startswith("[pageerror]")], console
    Lab(page=page, base_url=marimo_run_server.url).screenshot(ARTIFACTS / "marimo-run.png", view.root)
    print(f"marimo run: Play went {seen[:6]}…{seen[-1]}; Pause held step {stopped}")


def test_marimo_run_lecture_runs_with_tables(web_page, marimo_run_server):
    """examples/babygpt_marimo.py as an app: both widgets, the trained chain, the two tables as
    HTML tables, the w.compare(10) figures, and no failed cell."""
    _context, page, console = web_page
    seed, exercise = open_notebook(page, marimo_run_server, "babygpt_marimo.py", count=2)
    expect(seed.step_readout).to_have_text(re.compile(r"\b50\b"), timeout=DRAW_TIMEOUT)
    expect(seed.edge_label("101", "011")).to_have_text("1(79%)", timeout=30_000)
    expect(exercise.nodes).to_have_count(9, timeout=DRAW_TIMEOUT)
    expect(page.get_by_text("losses while training: step 0 0.6635 → step 49 0.4700")).to_be_visible(timeout=DRAW_TIMEOUT)
    expect(page.get_by_text("moved most: 111")).to_be_visible(timeout=DRAW_TIMEOUT)
    tables = page.locator("table.babygpt-table")
    expect(tables).to_have_count(2, timeout=DRAW_TIMEOUT)  # probabilities_table(), ens.table().round(3)
    expect(tables.nth(1).locator("th")).to_have_text(["state", "seen", "median P(1)", "min", "max"])
    expect(tables.nth(1).locator("tbody tr")).to_have_count(8)
    assert page.get_by_text(INTERNAL_ERROR_ID).count() == 0
    assert page.locator(".marimo-cell [data-testid=cell-error], .marimo-cell .marimo-error").count() == 0
    assert not [c for c in console if c.startswith("[pageerror]")], console
    tables.nth(1).evaluate("el => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(ARTIFACTS / "marimo-run-lecture-table.png"))


def test_marimo_run_shows_errors_with_the_lectures_header(web_page, marimo_run_server):
    """marimo run hides a raised exception (the failed cell shows nothing; the server logs "An
    internal error occurred: <id>") unless runtime.show_tracebacks is set; the lecture's script
    header sets it, so our ValueError's message (field and allowed range) reaches the class."""
    _context, page, _console = web_page
    page.goto(f"{marimo_run_server.url}/?file=failing_plain.py", wait_until="domcontentloaded")
    expect(page.get_by_text("the other cells ran")).to_be_visible(timeout=DRAW_TIMEOUT)
    page.wait_for_timeout(2000)  # the failing cell's output has arrived by now (it ran first: no dependencies)
    assert page.get_by_text(CONFIG_MESSAGE).count() == 0  # marimo's default: the message is hidden
    page.goto(f"{marimo_run_server.url}/?file=failing_lecture_header.py", wait_until="domcontentloaded")
    expect(page.get_by_text("the other cells ran")).to_be_visible(timeout=DRAW_TIMEOUT)
    expect(page.get_by_text(CONFIG_MESSAGE).first).to_be_visible(timeout=DRAW_TIMEOUT)
    expect(page.get_by_text("ConfigError").first).to_be_visible()
    assert page.get_by_text(INTERNAL_ERROR_ID).count() == 0
    page.screenshot(path=str(ARTIFACTS / "marimo-run-error.png"))
