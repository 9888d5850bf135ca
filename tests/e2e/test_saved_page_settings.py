"""A saved page's settings work with no kernel and no network (issue 21 §1): opened from file://
with every outside request aborted. On the saved page of a 20-step default run a reader types a
bad learning rate (Python's message inline, nothing changes), a new sequence and trains, changes
the learning rate and trains on; the run string the page shows then rebuilds in Python
(``BabyGPT.from_run_string``) to the page's chain within 1e-6. Context length 2 redraws the chain
with 4 states equal to Python's fresh model of those settings at step 0 and after training; a
context the page's engine does not follow exactly (256 states) is refused inline; Reset, then
Undo reset brings the run back exactly. Screenshot at 1280×720 after the settings change."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .page_training import run_build
from .test_saved_page_offline import Offline

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "saved-page"
EXACT = 1e-6

BUILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from babygpt_widget import BabyGPTWidget
    w = BabyGPTWidget()
    w.train(20)
    w.save_html(Path(sys.argv[1]) / "saved-20.html")
    """
)

# Python's chain of each run string: rebuilt by from_run_string, read on the training step's path
# (the one the page's engine follows bit for bit) and through transition_matrix (fused attention)
REBUILD = textwrap.dedent(
    """
    import json, sys
    import torch
    from babygpt_widget import BabyGPT
    out = []
    for s in json.loads(sys.argv[1]):
        run = BabyGPT.from_run_string(s)
        with torch.enable_grad():
            _, probs = run._trainer._loss_and_probs()
        n_prefix = len(run.state_space(include_prefixes=True)) - len(run.states)
        out.append({"step": run.global_step, "states": list(run.states),
                    "training": probs.detach()[n_prefix:].numpy().astype(float).ravel().tolist(),
                    "matrix": run.transition_matrix().astype(float).ravel().tolist()})
    print(json.dumps(out))
    """
)

MODEL = "window.babygptPages[0].model"
LIVE = f"""() => {{ const m = {MODEL}; const v = m.get("probs");
  return {{ step: m.get("global_step"), run: m.get("run_string"), states: m.get("states"), training: m.get("training"),
           probs: Array.from({{length: v.byteLength / 4}}, (_, k) => v.getFloat32(4 * k, true)) }}; }}"""


def python_chains(tmp_path, run_strings: list[str]) -> list[dict]:
    script = tmp_path / "rebuild.py"
    script.write_text(REBUILD)
    done = subprocess.run([sys.executable, str(script), json.dumps(run_strings)], capture_output=True, text=True,
                          timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("settings")
    run_build(d, BUILD)
    return d / "saved-20.html"


def test_saved_page_settings_train_offline(saved, web_page, tmp_path):
    off = Offline(web_page)
    view = off.open(saved)
    page = off.page

    def live() -> dict:
        return page.evaluate(LIVE)

    def settle(step: int) -> dict:
        page.wait_for_function(f"() => {MODEL}.get('global_step') === {step} && {MODEL}.get('training') !== true",
                               timeout=120_000)
        expect(view.step_readout).to_have_text(str(step), timeout=30_000)
        return live()

    def train(n: int, step: int) -> dict:
        view.field("train_n").fill(str(n))
        view.button("train").click()
        return settle(step)

    expect(view.nodes).to_have_count(8, timeout=30_000)
    assert page.locator("[data-bgp-root]").first.get_attribute("data-engine") == "worker"
    for field in ("sequence", "lr", "weight_decay", "seed", "context_length", "n_layer", "n_head", "n_embd"):
        expect(view.field(field)).to_be_enabled()
    expect(view.field("run_string")).to_be_disabled()  # loading a run string still needs a kernel
    start = settle(20)

    # a bad value: Python's own message inline, and nothing changed
    view.set_field("lr", "20")
    expect(view.error_for("lr")).to_have_text("lr: must be a finite number greater than 0 and at most 10; got 20")
    view.set_field("sequence", "11a2")
    expect(view.error_for("sequence")).to_have_text("sequence: characters '2a' are not in the alphabet '01'")
    page.wait_for_timeout(300)
    assert live() == start
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.field("lr").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "saved-page-settings-errors-1280x720.png"))

    # a new sequence, trained; then a new learning rate, trained on
    view.set_field("sequence", "1100110011")
    page.wait_for_function(f"() => {MODEL}.get('config').sequence === '1100110011'", timeout=30_000)
    expect(view.error_for("sequence")).to_have_text("")
    after_seq = train(10, 30)
    view.set_field("lr", "0.003")
    expect(view.error_for("lr")).to_have_text("")
    page.wait_for_function(f"() => {MODEL}.get('run_string').includes('|lr=0.003;steps=0')", timeout=30_000)
    trained = train(10, 40)
    assert trained["probs"] != after_seq["probs"] != start["probs"]
    shown = view.root.locator('[data-role="run-string"]').text_content()
    assert shown == trained["run"], (shown, trained["run"])
    assert trained["run"].endswith("steps=20|seq=1100110011;steps=10|lr=0.003;steps=10"), trained["run"]

    # context 2: the chain redraws with 4 states, Python's fresh model of those settings; then trains
    view.set_field("context_length", "2")
    expect(view.nodes).to_have_count(4, timeout=30_000)
    fresh = settle(0)
    assert fresh["states"] == ["00", "01", "10", "11"]
    page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "saved-page-settings-context2-1280x720.png"))
    context2 = train(10, 10)

    # a context the page's engine does not follow bit for bit is refused inline; the run stays
    view.set_field("context_length", "8")
    expect(view.error_for("context_length")).to_contain_text("256 states: the page trains chains of fewer than 256 states")
    page.wait_for_timeout(300)
    assert live() == context2
    expect(view.nodes).to_have_count(4)

    # Reset, then Undo reset: the run before the reset, exactly
    view.button("reset").click()
    settle(0)
    expect(view.button("undo-reset")).to_be_visible()
    view.button("undo-reset").click()
    assert settle(10) == context2

    python = python_chains(tmp_path, [trained["run"], fresh["run"], context2["run"]])
    gaps = {}
    for name, ours, theirs in zip(("seq+lr step 40", "context 2 step 0", "context 2 step 10"),
                                  (trained, fresh, context2), python, strict=True):
        assert theirs["step"] == ours["step"] and theirs["states"] == ours["states"]
        gaps[name] = {
            "training_path": max(abs(a - b) for a, b in zip(ours["probs"], theirs["training"], strict=True)),
            "transition_matrix": max(abs(a - b) for a, b in zip(ours["probs"], theirs["matrix"], strict=True)),
        }
        assert gaps[name]["training_path"] <= EXACT, (name, gaps[name])
    (SHOTS / "settings-exactness.json").write_text(json.dumps({"run_strings": [trained["run"], context2["run"]],
                                                                "max_abs_dP": gaps}, indent=1))
    assert off.blocked == [], f"the page asked the network for {off.blocked}"
    assert off.errors() == [], off.errors()


def test_saved_page_trains_on_the_main_thread_without_workers(saved, web_page, tmp_path):
    """Where no Worker can start, the page runs the same bundled engine source on the main thread
    (page.js carries it once): a setting and training still equal Python's run bit for bit."""
    off = Offline(web_page)
    off.page.add_init_script("Object.defineProperty(window, 'Worker', { value: undefined })")
    view = off.open(saved)
    page = off.page
    expect(view.nodes).to_have_count(8, timeout=30_000)
    assert page.locator("[data-bgp-root]").first.get_attribute("data-engine") == "main thread"
    view.set_field("lr", "0.003")
    page.wait_for_function(f"() => {MODEL}.get('run_string').includes('|lr=0.003;steps=0')", timeout=30_000)
    view.field("train_n").fill("5")
    view.button("train").click()
    page.wait_for_function(f"() => {MODEL}.get('global_step') === 25 && {MODEL}.get('training') === false",
                           timeout=120_000)
    ours = page.evaluate(LIVE)
    assert ours["run"].endswith("steps=20|lr=0.003;steps=5"), ours["run"]
    theirs = python_chains(tmp_path, [ours["run"]])[0]
    assert max(abs(a - b) for a, b in zip(ours["probs"], theirs["training"], strict=True)) <= EXACT
    assert off.blocked == [] and off.errors() == [], (off.blocked, off.errors())
