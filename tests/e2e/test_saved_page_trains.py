"""A saved page trains with no kernel and no network (issue 21): opened from file:// with every
request that is not a file: request aborted and recorded (none may happen). The saved page of a
50-step default run: Train ×50 → step 100 and the `101 → 011` edge's probability equals Python's
`BabyGPT().train(100)` value; Play then Pause moves the step and stops it; Reset returns to the
seed's step-0 value of that edge. Controls the page's engine does not answer (loading a run
string) stay disabled and say they need a Python kernel. Screenshot at 1280×720 after Train ×50."""

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

SHOTS = ARTIFACTS / "saved-page"
TOL = 1e-4

BUILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from babygpt_widget import BabyGPT, BabyGPTWidget
    out = Path(sys.argv[1])
    w = BabyGPTWidget()
    w.train(50)
    w.save_html(out / "saved-50.html")
    i = w.states.index("101")
    later = BabyGPT()
    later.train(100)
    expected = {"p100": float(later.transition_matrix()[i, 1]), "p0": float(BabyGPT().transition_matrix()[i, 1]),
                "index": i, "all100": later.transition_matrix().astype(float).ravel().tolist()}
    (out / "expected.json").write_text(json.dumps(expected))
    """
)

# P(next token 1 | 101): the page model's live `probs` trait (little-endian float32, states x 2)
LIVE_P = """i => { const m = window.babygptPages[0].model; const v = m.get("probs");
  return { step: m.get("global_step"), p: v.getFloat32((2 * i + 1) * 4, true), playing: m.get("playing"),
           training: m.get("training") }; }"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("trains")
    (d / "build.py").write_text(BUILD)
    done = subprocess.run([sys.executable, str(d / "build.py"), str(d)], capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return d / "saved-50.html", json.loads((d / "expected.json").read_text())


def test_saved_page_trains_offline(saved, web_page):
    path, exp = saved
    off = Offline(web_page)
    view = off.open(path)
    page = off.page
    expect(view.nodes).to_have_count(8, timeout=30_000)
    expect(view.static_badge).to_be_visible()
    assert "run in the page" in view.static_badge.inner_text()
    # the engine runs in a Web Worker (started from the page's own bundled source, file:// and offline)
    assert page.locator("[data-bgp-root]").first.get_attribute("data-engine") == "worker"
    expect(page.locator('[data-role="page-note"]')).to_contain_text("train in the page")
    # what the page's engine answers is enabled; the rest needs a kernel and says so
    for action in ("step", "train", "play", "reset"):
        expect(view.button(action)).to_be_enabled()
    expect(view.field("lr")).to_be_enabled()  # settings too: test_saved_page_settings.py
    expect(view.field("run_string")).to_be_disabled()
    assert "needs a Python kernel" in (view.field("run_string").get_attribute("title") or "")

    view.field("train_n").fill("50")
    view.button("train").click()
    expect(view.step_readout).to_have_text("100", timeout=120_000)
    page.wait_for_function("() => window.babygptPages[0].model.get('training') === false", timeout=60_000)
    live = page.evaluate(LIVE_P, exp["index"])
    assert live["step"] == 100 and abs(live["p"] - exp["p100"]) <= TOL, (live, exp)
    # every edge of the chain, not just that one; the measured gap goes to the artifacts
    check_chain(page, exp["all100"], TOL, SHOTS / "trains-exactness.json", 100, exp["index"])
    # the history grew by the 50 steps: the slider reaches step 100 and can go back to 50
    assert view.slider.get_attribute("max") is not None
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "saved-page-trained-100-1280x720.png"))

    play_pause_reset(view, page, exp["index"], after=100, p0=exp["p0"], tol=TOL)

    assert off.blocked == [], f"the page asked the network for {off.blocked}"
    assert off.errors() == [], off.errors()
