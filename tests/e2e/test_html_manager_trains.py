"""`jupyter nbconvert --execute --to html` — the html-manager page Jupyter Book, nbviewer and Quarto
embed — trains too (issue 21 §2): the widget's saved `engine_state` (the run's state at the shown
step) lets the widget's own bundle answer Step / Train / Play / Reset in the page, with no kernel.
Served through Playwright routing only (helpers.StaticSite: the CDN files from local npm packages,
any other request fails the test): Train ×50 after a 50-step cell → step 100 with every edge equal
to Python's `BabyGPT().train(100)` within 1e-4; Reset → the seed's step 0; the settings stay
kernel-only and say so."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import LectureView, StaticSite, wait_for_widget
from .page_training import PROBS, check_chain, export_notebook, python_expected

pytestmark = pytest.mark.browser

TOL = 1e-4
CELLS = ["from babygpt_widget import BabyGPTWidget\nw = BabyGPTWidget()", "w.train(50)\nw"]
EXPECTED = (
    "import json\nfrom babygpt_widget import BabyGPT\nr = BabyGPT()\ni = r.states.index('101')\n"
    "p0 = float(r.transition_matrix()[i, 1])\nr.train(100)\n"
    "print(json.dumps({'index': i, 'p0': p0, 'all100': r.transition_matrix().astype(float).ravel().tolist()}))"
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("html-manager-trains")
    return export_notebook(d, CELLS, "html"), python_expected(EXPECTED)


def test_html_manager_export_trains_like_python(exported, web_page):
    path, exp = exported
    context, page, console = web_page
    page.set_viewport_size({"width": 1280, "height": 720})
    site = StaticSite.from_files({"/lecture.html": path})
    site.install(context)
    page.goto(site.url("/lecture.html"), wait_until="domcontentloaded")
    wait_for_widget(page, page.locator(".babygpt-widget"), timeout=60_000)
    view = LectureView(page.locator(".babygpt-widget").first)
    expect(view.nodes).to_have_count(8, timeout=30_000)
    expect(view.step_readout).to_have_text("50")
    expect(view.button("train")).to_be_enabled(timeout=10_000)
    expect(view.field("lr")).to_be_disabled()
    assert "kernel" in (view.field("lr").get_attribute("title") or "")

    view.field("train_n").fill("50")
    view.button("train").click()
    expect(view.step_readout).to_have_text("100", timeout=120_000)
    page.wait_for_function("() => window.babygptPages[0].model.get('training') === false", timeout=60_000)
    check_chain(page, exp["all100"], TOL, ARTIFACTS / "saved-page" / "html-manager-trains-exactness.json", 100,
                exp["index"])
    view.root.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "saved-page" / "html-manager-trained-100-1280x720.png"))

    view.button("reset").click()
    expect(view.step_readout).to_have_text("0", timeout=30_000)
    assert abs(page.evaluate(PROBS)[2 * exp["index"] + 1] - exp["p0"]) <= TOL
    assert not site.unrouted, site.unrouted
    errors = [c for c in console if c.startswith(("[error]", "[pageerror]"))]
    assert not [c for c in errors if "babyGPT" in c or "pageerror" in c], errors
