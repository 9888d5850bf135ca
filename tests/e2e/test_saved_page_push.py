"""Pushes in a saved page, with no kernel and no network (issue 23 §2: "both work in saved pages
once the in-browser engine exists"): opened from file:// with every outside request aborted, the
saved page of a 50-step default run nudges `101 → 011` to 95% for 20 steps in its own engine —
past 90%, the panel's head, movers and unseen states equal to Python's own `w.nudge` on the same
run, the marks on the chain — and its run string rebuilds in Python to the same chain; Undo
returns to step 50 exactly; a bad row is refused inline with Python's message; Teach on two
hand-set rows brings them within 5 points, again rebuilt by Python to the page's chain.
Screenshots at 1280×720 after the nudge and the teach."""

from __future__ import annotations

import json
import textwrap

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .page_training import run_build
from .push_steps import refuse_then_teach
from .test_saved_page_offline import Offline
from .test_saved_page_settings import LIVE, MODEL, python_chains

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "saved-page"
EXACT = 1e-6

BUILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from babygpt_widget import BabyGPTWidget
    w = BabyGPTWidget()
    w.train(50)
    w.save_html(Path(sys.argv[1]) / "saved-50.html")
    w.nudge("101", "1", 0.95, steps=20)  # Python's own push of the same run: what the page must show
    print(json.dumps(w.taught))
    """
)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("push")
    out = run_build(d, BUILD)
    return d / "saved-50.html", json.loads(out.strip().splitlines()[-1])


def test_saved_page_nudges_teaches_and_undoes_offline(saved, web_page, tmp_path):
    path, python_nudge = saved
    off = Offline(web_page)
    view = off.open(path)
    page, root = off.page, view.root

    def settle(step: int) -> dict:
        page.wait_for_function(f"() => {MODEL}.get('global_step') === {step} && {MODEL}.get('training') !== true",
                               timeout=120_000)
        expect(view.step_readout).to_have_text(str(step), timeout=30_000)
        return page.evaluate(LIVE)

    def taught() -> dict:
        return page.evaluate(f"() => {MODEL}.get('taught')")

    expect(view.nodes).to_have_count(8, timeout=30_000)
    start = settle(50)
    root.locator('button[data-action="section-push"]').click()
    push = root.locator('[data-role="push"]')
    for action in ("nudge", "teach-add"):
        expect(push.locator(f'button[data-action="{action}"]')).to_be_enabled()
    expect(push.locator('select[data-field="nudge_state"]')).to_have_value("101")

    # nudge 101 -> 1 to 95% for 20 steps, in the page's engine
    push.locator('input[data-field="nudge_p"]').fill("95")
    push.locator('input[data-field="nudge_steps"]').fill("20")
    push.locator('button[data-action="nudge"]').click()
    expect(push.locator('[data-role="push-head"]')).to_have_text("taught for 20 steps (step 50 → 70, lr 0.003)", timeout=60_000)
    nudged = settle(70)
    ours = taught()
    p101 = nudged["probs"][2 * nudged["states"].index("101") + 1]
    assert p101 > 0.9, p101
    assert ours["summary"] == python_nudge["summary"], (ours["summary"], python_nudge["summary"])
    assert ours["unseen_moved"] == python_nudge["unseen_moved"] and "000" in ours["unseen_moved"]
    assert [(m["state"], m["token"]) for m in ours["top_movers"]] == [(m["state"], m["token"]) for m in python_nudge["top_movers"]]
    expect(push.locator('[data-role="push-unseen"]')).to_contain_text(f"({', '.join(ours['unseen_moved'])})")
    expect(push.locator('.bg-push-edge[data-token="1"] .bg-push-ghost')).to_have_text("79.3%")
    expect(root.locator('svg.bg-graph path.bg-push-moved[data-from="101"][data-token="1"]')).to_have_count(1)
    expect(root.locator('svg.bg-graph path.bg-push-moved[data-from="000"]')).to_have_count(2)
    assert "|lr=0.003;teach=101:0.05/0.95@36.0;steps=20|lr=0.001;teach=;steps=0" in nudged["run"], nudged["run"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    push.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "saved-page-nudge-1280x720.png"))

    # Undo: step 50 again, the chain and run string exactly as before
    undo = push.locator('button[data-action="undo"]')
    expect(undo).to_have_text("Undo nudge")
    undo.click()
    back = settle(50)
    assert (back["probs"], back["run"]) == (start["probs"], start["run"])
    expect(undo).to_be_disabled()

    # a bad row: Python's message inline, nothing trains; then two hand-set rows for 60 steps
    def unchanged() -> None:
        page.wait_for_timeout(300)
        still = page.evaluate(LIVE)
        assert (still["step"], still["probs"], still["run"]) == (start["step"], start["probs"], start["run"])

    refuse_then_teach(push, unchanged, timeout=120_000)
    done = settle(110)
    states = done["states"]
    assert abs(done["probs"][2 * states.index("000")] - 0.9) <= 0.05 and abs(done["probs"][2 * states.index("111")] - 0.2) <= 0.05
    page.screenshot(path=str(SHOTS / "saved-page-teach-1280x720.png"))

    # Python rebuilds both pushed runs from the page's run strings: the same chains
    theirs = python_chains(tmp_path, [nudged["run"], done["run"]])
    gaps = [max(abs(a - b) for a, b in zip(o["probs"], t["training"], strict=True)) for o, t in zip((nudged, done), theirs)]
    assert all(t["step"] == o["step"] for o, t in zip((nudged, done), theirs))
    assert max(gaps) <= EXACT, gaps
    (SHOTS / "push-exactness.json").write_text(json.dumps({"run_strings": [nudged["run"], done["run"]], "max_abs_dP": gaps}))
    assert off.blocked == [], f"the page asked the network for {off.blocked}"
    assert off.errors() == [], off.errors()
