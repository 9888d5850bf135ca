"""A notebook exported with `jupyter nbconvert --execute --to babygpt_html` trains in the page
(issue 21 §2): the widget's saved `engine_state` is handed to the page's local engine. Opened from
file:// with every request that is not a file: request aborted: the widget draws from its saved
state at step 50, Train ×50 → step 100 with the `101 → 011` edge (and every edge) equal to Python's
`BabyGPT().train(100)` within 1e-4; no request, no console error from the widget."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .page_training import LIVE_EDGE, check_chain, export_notebook, python_expected
from .test_saved_page_offline import Offline

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "saved-page"
TOL = 1e-4
CELLS = [
    "from babygpt_widget import BabyGPTWidget\nw = BabyGPTWidget()",
    "w.train(50)\nw",
    "w.global_step, round(w.loss, 4)",
]
EXPECTED = (
    "import json\nfrom babygpt_widget import BabyGPT\nr = BabyGPT()\ni = r.states.index('101')\nr.train(100)\n"
    "print(json.dumps({'index': i, 'p100': float(r.transition_matrix()[i, 1]),"
    " 'all100': r.transition_matrix().astype(float).ravel().tolist()}))"
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("nbconvert-trains")
    return export_notebook(d, CELLS, "babygpt_html"), python_expected(EXPECTED)


def test_nbconvert_export_trains_offline_like_python(exported, web_page):
    path, exp = exported
    off = Offline(web_page)
    view = off.open(path)
    page = off.page
    expect(view.nodes).to_have_count(8, timeout=30_000)
    assert page.locator("[data-bgp-root]").first.get_attribute("data-engine") == "worker"
    expect(view.step_readout).to_have_text("50")
    expect(view.button("train")).to_be_enabled()
    view.field("train_n").fill("50")
    view.button("train").click()
    expect(view.step_readout).to_have_text("100", timeout=120_000)
    page.wait_for_function("() => window.babygptPages[0].model.get('training') === false", timeout=60_000)
    live = page.evaluate(LIVE_EDGE, exp["index"])
    assert live["step"] == 100 and abs(live["p"] - exp["p100"]) <= TOL, (live, exp)
    check_chain(page, exp["all100"], TOL, SHOTS / "nbconvert-trains-exactness.json", 100, exp["index"])
    view.root.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "nbconvert-trained-100-1280x720.png"))
    # the template's own CDN scripts (require.js, MathJax) may be asked for; the widget needed nothing
    assert all(("cdnjs" in u or "unpkg" in u or "jsdelivr" in u) for u in off.blocked), off.blocked
    assert not [c for c in off.errors() if "babyGPT" in c or "pageerror" in c], off.errors()
