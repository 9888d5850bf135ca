"""Nothing a user clicks can crash the kernel or corrupt the run (issue 11), in JupyterLab with its
default settings — so widget messages arrive over a kernel subshell (`commsOverSubshells`) on
another thread than the cells."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from .helpers import BabyGPTView, Lab, write_notebook
from .test_widget import open_and_draw, wait_step

pytestmark = pytest.mark.browser

CELLS = ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw"]
# The run must be whole: traits equal to the engine, every optimizer counter at global_step.
CHECK = (
    "import time\n"
    "w.stop()\n"
    "e = w.engine\n"
    "counters = {int(s['step']) for s in e._trainer.optimizer.state.values()}\n"
    "print('consistent', w.global_step == e.global_step and counters <= {e.global_step}\n"
    "      and int(e.history.steps[-1]) == e.global_step and not w.training,\n"
    "      'step', e.global_step, 'counters', sorted(counters))"
)


@pytest.fixture
def widget_notebook(notebook_dir, jupyter_server) -> str:
    nb = write_notebook(notebook_dir / "robust.ipynb", CELLS)
    return nb.relative_to(jupyter_server.root).as_posix()


def assert_consistent(lab: Lab) -> str:
    # a random click may have put the widget in full screen, above the notebook: leave it as a
    # user would (Esc) before typing into the next cell
    lab.page.evaluate("() => document.fullscreenElement && document.exitFullscreen()")
    lab.page.wait_for_function("() => !document.fullscreenElement")
    cell = lab.add_and_run_cell(CHECK, timeout=60_000)
    out = cell.locator(".jp-OutputArea-output")
    expect(out).to_contain_text("consistent", timeout=30_000)
    text = out.inner_text()
    assert "consistent True" in text, text
    tracebacks = [t for t in lab.error_outputs() if "Error" in t or "Traceback" in t]
    assert not tracebacks, tracebacks
    return text


def random_action(rng: random.Random, view: BabyGPTView) -> str:
    """One seeded random user action on the widget: a button, the slider, a number, a select."""
    root = view.root
    kind = rng.choices(["button", "slider", "train_n", "select", "key"], weights=[10, 3, 2, 1, 1])[0]
    if kind == "slider" and view.slider.count():
        top = int(view.slider.get_attribute("max") or 0)
        view.set_slider(rng.randint(0, max(0, top)))
        return "slider"
    if kind == "train_n" and view.field("train_n").count():
        value = rng.choice([1, 5, 50, 500, 5000, 0, -2, 10**7])
        view.set_field("train_n", value)
        return f"train_n={value}"
    if kind == "select":
        selects = root.locator("select:visible")
        if selects.count():
            select = selects.nth(rng.randrange(selects.count()))
            options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            select.select_option(rng.choice(options), timeout=2_000)
            return "select"
    if kind == "key":
        view.graph.first.focus() if view.graph.count() else None
        key = rng.choice(["ArrowLeft", "ArrowRight", "r", " "])
        view.page.keyboard.press(key)
        return f"key {key}"
    # buttons: Play, Pause, Step, Train, Reset, Undo, presentation, layout, … (never the exports:
    # downloads are not what this test is about)
    buttons = root.locator("button:visible:not([disabled])")
    actions = buttons.evaluate_all("bs => bs.map(b => b.dataset.action || b.textContent.trim())")
    choices = [i for i, a in enumerate(actions) if not re.search(r"svg|png|html|export|download", a, re.I)]
    if not choices:
        return "none"
    # Play/Step/Train/Pause/Reset are the point: weigh them up
    weights = [4 if actions[i] in ("play", "pause", "stop", "step", "train") else 2 if actions[i] == "reset" else 1
               for i in choices]
    i = rng.choices(choices, weights=weights)[0]
    buttons.nth(i).click(timeout=2_000, no_wait_after=True)
    return f"click {actions[i]}"


def kernel_log_since(server, offset: int) -> str:
    """What the server (and the kernels it started: their stderr) logged since ``offset``."""
    return server.log.read_text(errors="replace")[offset:]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("seed", [11, 12])
def test_150_random_clicks_leave_the_kernel_alive_and_the_run_whole(lab, widget_notebook, jupyter_server, seed):
    log_start = len(jupyter_server.log.read_text(errors="replace"))
    view = open_and_draw(lab, widget_notebook)
    rng = random.Random(seed)
    done: list[str] = []
    for _ in range(150):
        try:
            done.append(random_action(rng, view))
        except PlaywrightError as e:  # an element re-rendered or covered for a moment: a user re-clicks
            done.append(f"missed ({str(e).splitlines()[0][:60]})")
        lab.page.wait_for_timeout(rng.choice([0, 10, 30, 80]))
    assert sum(d.startswith("click") for d in done) >= 60, done
    text = assert_consistent(lab)
    print(f"seed {seed}: {text}; actions: {done[:20]} …")
    # the kernel still answers the widget: Step moves the drawn counter
    before = int(re.search(r"step (\d+)", text)[1])
    lab.add_and_run_cell("w.show_step(None)")
    view.button("step").click()
    wait_step(view, lambda s: s == before + 1, what=f"== {before + 1} after a Step")
    errors = [m for m in lab.console if m.startswith("[pageerror]")]
    assert not errors, "\n".join(errors)
    logged = kernel_log_since(jupyter_server, log_start)
    assert "Traceback" not in logged and "Segmentation" not in logged, logged[-3000:]


@pytest.mark.timeout(600)
def test_play_while_a_cell_trains_keeps_counters_consistent(lab, widget_notebook, jupyter_server):
    log_start = len(jupyter_server.log.read_text(errors="replace"))
    view = open_and_draw(lab, widget_notebook)
    view.button("play").click()
    first = wait_step(view, lambda s: s > 0, what="> 0 after Play")
    cell = lab.add_and_run_cell("before = w.engine.global_step\nlosses = w.train(300)\n"
                                "print('trained', len(losses), w.engine.global_step - before >= 300)")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("trained 300 True")
    wait_step(view, lambda s: s > first + 300, what=f"> {first + 300}: Play went on after the cell")
    for _ in range(3):  # Step clicks during Play count too
        view.button("step").click()
    assert_consistent(lab)
    logged = kernel_log_since(jupyter_server, log_start)
    assert "Traceback" not in logged, logged[-3000:]


@pytest.mark.timeout(600)
def test_interrupting_a_training_cell_leaves_the_widget_equal_to_the_engine(lab, widget_notebook):
    """Kernel > Interrupt during `w.train(100000)`: the drawn step, `w.global_step` and
    `w.run_string` are the engine's (a shared run string reproduces the run that is shown)."""
    view = open_and_draw(lab, widget_notebook)
    for round_ in range(2):
        n = lab.code_cells.count()
        lab.page.evaluate(
            """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                       nb.mode = 'command'; nb.activeCellIndex = nb.widgets.length - 1; }""")
        lab.command("notebook:insert-cell-below")
        expect(lab.code_cells).to_have_count(n + 1)
        lab.code_cells.nth(n).locator(".jp-InputArea-editor .cm-content").click()
        lab.page.keyboard.insert_text("w.train(100000)")
        lab.page.keyboard.press("Control+Enter")
        first = wait_step(view, lambda s: s > 0 if round_ == 0 else True, what="training")
        wait_step(view, lambda s: s > first + 50, what=f"> {first + 50} while the cell trains")
        lab.command("kernelmenu:interrupt")
        expect(lab.code_cells.nth(n).locator(".jp-OutputArea-output")).to_contain_text("KeyboardInterrupt",
                                                                                       timeout=30_000)
        lab.wait_kernel_idle()
    cell = lab.add_and_run_cell("import numpy as np\ne = w.engine\n"
                                "last = int(np.frombuffer(w.history_steps, '<i4')[-1])\n"
                                "print('equal', w.global_step == e.global_step == last and "
                                "w.run_string == e.run_string, e.global_step)")
    out = cell.locator(".jp-OutputArea-output")
    expect(out).to_contain_text("equal")
    assert "equal True" in out.inner_text(), out.inner_text()
    step = int(out.inner_text().split()[-1])
    wait_step(view, lambda s: s == step, what=f"the drawn step == {step}")
