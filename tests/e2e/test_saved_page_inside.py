"""The inside panel in a saved page that trains (issue 21): opened from file:// with every request
that is not a file: request aborted and recorded (none may happen). The saved page of a 50-step
default run: Train ×10 → step 60, Look inside 000 → the panel shows step 60's forward pass, its
`inside` trait (computed by the page's own engine, in its Web Worker) equal to Python's
`w.explain("000", 60)` within float32 rounding; scrub the slider to step 20 → the panel follows
with Python's step-20 values (replayed in the worker from the seed's weights, as Python replays
from a snapshot). Screenshot at 1280×720. A page that cannot train (a width the page's engine
does not follow bit for bit: no state saved) still replays the saved steps (`inside_replay`)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .test_saved_page_offline import Offline

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "saved-page"
PANEL = '[data-role="inside"]'
KEYS = ("token_embeddings", "position_embeddings", "attention", "lens_probs", "logits", "probs")

BUILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from babygpt_widget import BabyGPTWidget
    out = Path(sys.argv[1])
    w = BabyGPTWidget()
    w.train(50)
    w.save_html(out / "saved-50.html")
    w.train(10)  # the same run continued in Python: what the page must show after Train x10
    expected = {}
    for step in (60, 20):
        w.explain("000", step)
        expected[step] = dict(w.inside)
    (out / "expected.json").write_text(json.dumps(expected))
    """
)

INSIDE = "() => window.babygptPages[0].model.get('inside')"


def _flat(v) -> list[float]:
    return [x for item in v for x in _flat(item)] if isinstance(v, list) else [v]


def _gap(page_inside: dict, python_inside: dict) -> float:
    """Largest difference over every number, relative above 1 (both hold 6 significant digits)."""
    worst = 0.0
    for key in KEYS:
        a, b = _flat(page_inside[key]), _flat(python_inside[key])
        assert len(a) == len(b), key
        worst = max([worst] + [abs(x - y) / max(1.0, abs(y)) for x, y in zip(a, b)])
    return worst


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("inside")
    (d / "build.py").write_text(BUILD)
    done = subprocess.run([sys.executable, str(d / "build.py"), str(d)], capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return d / "saved-50.html", {int(k): v for k, v in json.loads((d / "expected.json").read_text()).items()}


def test_saved_page_inside_panel_follows_training_and_the_slider(saved, web_page):
    path, exp = saved
    off = Offline(web_page)
    view = off.open(path)
    page = off.page
    expect(view.nodes).to_have_count(8, timeout=30_000)
    assert page.locator("[data-bgp-root]").first.get_attribute("data-engine") == "worker"

    view.field("train_n").fill("10")
    view.button("train").click()
    expect(view.step_readout).to_have_text("60", timeout=120_000)
    page.wait_for_function("() => window.babygptPages[0].model.get('training') === false", timeout=60_000)

    # Look inside 000: answered by the page's engine at the live step (not the saved replay's step 50)
    expect(view.button("inside")).to_be_enabled()
    view.set_field("search_state", "000")
    view.button("inside").click()
    panel = view.root.locator(PANEL)
    expect(view.root.locator(f'{PANEL}[data-state="000"][data-step="60"]')).to_have_count(1, timeout=60_000)
    expect(panel.locator("svg.bg-attn")).to_have_count(16)
    live = page.evaluate(INSIDE)
    assert live["state"] == "000" and live["step"] == 60 and live["decided_at"] == exp[60]["decided_at"], live
    gap60 = _gap(live, exp[60])
    assert gap60 <= 1e-5, gap60
    # the DOM's lens reads Python's probabilities to the panel's 0.1 %
    shown = panel.locator('[data-role="lens"] .bg-lens-cell').evaluate_all(
        "cs => cs.map(c => parseFloat(c.textContent.trim().split(' ').pop()))")
    assert len(shown) == 10 and all(abs(a - b * 100) <= 0.051 for a, b in zip(shown, _flat(exp[60]["lens_probs"]))), shown
    hint = panel.locator('[data-role="inside-hint"]')
    assert "saved" not in (hint.inner_text() if hint.is_visible() else "")

    # scrub back to step 20: the panel follows, rebuilt by replay in the worker
    steps = page.evaluate("() => { const v = window.babygptPages[0].model.get('history_steps');"
                          " return Array.from({length: v.byteLength / 4}, (_, k) => v.getInt32(4 * k, true)); }")
    view.set_slider(steps.index(20))
    expect(view.root.locator(f'{PANEL}[data-state="000"][data-step="20"]')).to_have_count(1, timeout=60_000)
    past = page.evaluate(INSIDE)
    assert past["step"] == 20 and past["asked"] == 20, past
    gap20 = _gap(past, exp[20])
    assert gap20 <= 1e-5, gap20
    assert _gap(past, exp[60]) > 1e-3  # it did change with the step

    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "inside-exactness.json").write_text(json.dumps({"step60_max_gap": gap60, "step20_max_gap": gap20}))
    scroll = "(el, sel) => { const s = el.closest('.bg-side-scroll'); const t = el.querySelector(sel) || el; if (s) s.scrollTop += t.getBoundingClientRect().top - s.getBoundingClientRect().top; }"
    panel.evaluate(scroll, ".bg-inside-head")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "saved-page-inside-step20-1280x720.png"))

    assert off.blocked == [], f"the page asked the network for {off.blocked}"
    assert off.errors() == [], off.errors()


FALLBACK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from babygpt_widget import BabyGPTWidget
    out = Path(sys.argv[1])
    w = BabyGPTWidget(n_embd=6, n_head=2)  # a width the page's engine does not follow bit for bit: no state saved
    w.train(50)
    w.explain("000")
    w.save_html(out / "replay-only.html")
    lens = {s: w.engine.explain("000", s).lens_probs.astype(float).ravel().tolist() for s in (0, 50)}
    (out / "lens.json").write_text(json.dumps(lens))
    """
)


def test_a_page_that_cannot_train_still_replays_the_saved_inside_steps(web_page, tmp_path):
    (tmp_path / "build.py").write_text(FALLBACK)
    done = subprocess.run([sys.executable, str(tmp_path / "build.py"), str(tmp_path)], capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    lens = {int(k): v for k, v in json.loads((tmp_path / "lens.json").read_text()).items()}
    off = Offline(web_page)
    view = off.open(tmp_path / "replay-only.html")
    page = off.page
    expect(view.nodes).to_have_count(8, timeout=30_000)
    expect(view.button("train")).to_be_disabled()  # nothing to train from: replay only
    panel = view.root.locator(PANEL)
    expect(view.root.locator(f'{PANEL}[data-state="000"][data-step="50"]')).to_have_count(1, timeout=30_000)
    read = "cs => cs.map(c => parseFloat(c.textContent.trim().split(' ').pop()))"
    shown = panel.locator('[data-role="lens"] .bg-lens-cell').evaluate_all(read)
    assert len(shown) == len(lens[50]) and all(abs(a - b * 100) <= 0.051 for a, b in zip(shown, lens[50])), shown
    view.set_slider(0)
    expect(view.root.locator(f'{PANEL}[data-state="000"][data-step="0"]')).to_have_count(1, timeout=30_000)
    shown = panel.locator('[data-role="lens"] .bg-lens-cell').evaluate_all(read)
    assert all(abs(a - b * 100) <= 0.051 for a, b in zip(shown, lens[0])), shown
    assert off.blocked == [], f"the page asked the network for {off.blocked}"
    assert off.errors() == [], off.errors()
