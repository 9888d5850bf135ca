"""The standalone page (`python -m babygpt_widget page out.html`, issue 21 §2) in Chromium from
file:// with every request that is not a file: request aborted and recorded (none may happen):
it draws under its heading and line, fills the window at 1280×720 and 1600×1000 (bar, chain,
slider and note on screen together, nothing cut off), and trains in its Web Worker: Train ×50 →
step 50 with the `101 → 011` edge (and every other edge) equal to Python's `BabyGPT().train(50)`
within 1e-4; Play then Pause; Reset back to the seed's step 0; no console errors.
Screenshots: test-artifacts/standalone-page/."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .page_training import check_chain, play_pause_reset
from .test_saved_page_offline import Offline

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "standalone-page"
TOL = 1e-4

EXPECTED = textwrap.dedent(
    """
    import json, sys
    from babygpt_widget import BabyGPT
    run = BabyGPT()
    i = run.states.index("101")
    p0 = float(run.transition_matrix()[i, 1])
    run.train(50)
    print(json.dumps({"index": i, "p0": p0, "p50": float(run.transition_matrix()[i, 1]),
                      "all50": run.transition_matrix().astype(float).ravel().tolist()}))
    """
)
LIVE = """i => { const m = window.babygptPages[0].model; const v = m.get("probs");
  return { step: m.get("global_step"), p: v.getFloat32((2 * i + 1) * 4, true), playing: m.get("playing"),
           training: m.get("training") }; }"""


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    d = tmp_path_factory.mktemp("standalone")
    out = d / "babygpt.html"
    made = subprocess.run([sys.executable, "-m", "babygpt_widget", "page", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert made.returncode == 0, made.stderr
    exp = subprocess.run([sys.executable, "-c", EXPECTED], capture_output=True, text=True, timeout=300)
    assert exp.returncode == 0, exp.stderr
    return out, json.loads(exp.stdout)


def _box(loc) -> dict:
    b = loc.bounding_box()
    assert b, loc
    return b


@pytest.mark.parametrize("width, height", [(1280, 720), (1600, 1000)])
def test_standalone_page_fills_the_window_under_its_heading(standalone, web_page, width, height):
    path, _exp = standalone
    off = Offline(web_page, width, height)
    view = off.open(path)
    page = off.page
    expect(view.nodes).to_have_count(8, timeout=30_000)
    head = page.locator('[data-role="page-intro"]')
    expect(head.locator("h1")).to_have_text("babyGPT: a tiny GPT as a Markov chain")
    expect(head.locator("p")).to_contain_text("It trains here in your browser")
    page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"standalone-{width}x{height}.png"))
    h, w, note = _box(head), _box(view.root), _box(page.locator('[data-role="page-note"]'))
    # heading and its line: one short band at the top (the line fits one row at these widths)
    assert h["y"] == 0 and h["height"] <= 70, h
    # the widget: full width under the heading, down to the note, nothing scrolled away
    assert w["width"] >= width - 24 and w["y"] >= h["y"] + h["height"] - 1, w
    assert note["y"] + note["height"] <= height + 0.5 and w["y"] + w["height"] <= note["y"] + 1, (w, note)
    assert note["y"] - (w["y"] + w["height"]) <= 24, "the widget leaves a gap above the note"
    for loc in (view.button("train"), view.button("play"), view.slider, view.step_readout, view.static_badge):
        b = _box(loc)
        assert 0 <= b["y"] and b["y"] + b["height"] <= note["y"], (loc, b)
    stage = _box(view.graph)
    assert stage["height"] >= 0.5 * (height - 200), stage  # the chain gets most of the height
    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight + 1")
    assert off.blocked == [] and off.errors() == [], (off.blocked, off.errors())


def test_standalone_page_trains_offline_like_python(standalone, web_page):
    path, exp = standalone
    off = Offline(web_page)
    view = off.open(path)
    page = off.page
    expect(view.nodes).to_have_count(8, timeout=30_000)
    assert page.locator("[data-bgp-root]").first.get_attribute("data-engine") == "worker"
    for action in ("step", "train", "play", "reset"):
        expect(view.button(action)).to_be_enabled()
    expect(view.step_readout).to_have_text("0")

    view.field("train_n").fill("50")
    view.button("train").click()
    expect(view.step_readout).to_have_text("50", timeout=120_000)
    page.wait_for_function("() => window.babygptPages[0].model.get('training') === false", timeout=60_000)
    live = page.evaluate(LIVE, exp["index"])
    assert live["step"] == 50 and abs(live["p"] - exp["p50"]) <= TOL, (live, exp)
    check_chain(page, exp["all50"], TOL, SHOTS / "standalone-exactness.json", 50, exp["index"])
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "standalone-trained-50-1280x720.png"))

    play_pause_reset(view, page, exp["index"], after=50, p0=exp["p0"], tol=TOL)

    assert off.blocked == [], f"the page asked the network for {off.blocked}"
    assert off.errors() == [], off.errors()
