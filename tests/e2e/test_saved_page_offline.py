"""Saved pages with NO network at all (issue 18 item 2, issue 19 item 8): opened from file:// with
every request that is not a file: request aborted and recorded (none may happen).

- `save_html` of the seed run: draws, scrubs by keys and by dragging (readout and edge labels follow
  the history's values), samples, replays the inside panel, says "saved page" at once; no console
  error. Screenshots at 1280×720, light and dark.
- a big chain's page (90-character alphabet) stays under 3 MB by keeping fewer history steps, and
  says how many.
- `jupyter nbconvert --execute --to babygpt_html`: the babyGPT widget draws offline; another
  widget (an ipywidgets slider) shows a visible message in its place instead of a blank, and with
  the html-manager's scripts reachable it renders and the message goes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import LectureView, StaticSite, wait_for_widget

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "saved-page"
BUILD_TIMEOUT = 400  # s, each build subprocess
PAGE_BUDGET = 3_000_000
PANEL = '[data-role="inside"]'
LENS_TOL = 0.06  # percentage points: the replay keeps 4 significant digits, the panel shows 0.1

BUILD_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from babygpt_widget import BabyGPTWidget
    from babygpt_widget.render.page_data import read_page_data
    out = Path(sys.argv[1])
    w = BabyGPTWidget()
    w.train(50)
    w.save_html(out / "saved-50.html")
    # the steps the inside panel's replay got (it stops adding older steps after a few seconds)
    replayed = read_page_data((out / "saved-50.html").read_text())[0]["inside_replay"]["steps"]
    h = w.history
    i101 = w.states.index("101")
    expected = {
        "steps": [int(s) for s in h.steps],
        "p1_101": [float(h.probs[k, i101, 1]) for k in range(len(h.steps))],
        "replayed": replayed,
        "lens_000": {str(s): w.engine.explain("000", s).lens_probs.tolist() for s in (replayed[0], 50)},
    }
    wide = BabyGPTWidget(alphabet="".join(chr(c) for c in range(33, 123)), context_length=1,
                         sequence="It_was_the_best_of_times,_it_was_the_worst_of_times")
    wide.train(300)
    saved = wide.save_html(out / "saved-wide.html")
    expected["wide"] = {"kept": saved.steps_kept, "recorded": saved.steps_recorded, "bytes": saved.bytes,
                        "last": int(wide.global_step)}
    (out / "expected.json").write_text(json.dumps(expected))
    """
)
NB_CELLS = [
    "from babygpt_widget import BabyGPTWidget\nw = BabyGPTWidget()\nw.train(50)\nw",
    "import ipywidgets\nipywidgets.IntSlider(value=3, description='other widget')",
]


@dataclass
class Pages:
    saved: Path
    wide: Path
    nbconvert: Path
    expected: dict


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Pages:
    """The pages, built in parallel subprocesses (each imports torch)."""
    d = tmp_path_factory.mktemp("saved-pages")
    env = os.environ.copy()
    for k, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "config")):
        (d / sub).mkdir()
        env[k] = str(d / sub)
    env.pop("JUPYTER_PATH", None)
    (d / "build.py").write_text(BUILD_SCRIPT)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NB_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, d / "two.ipynb")
    jobs = {
        "pages": [sys.executable, str(d / "build.py"), str(d)],
        "nbconvert": [sys.executable, "-m", "nbconvert", "--execute", "--to", "babygpt_html", str(d / "two.ipynb"),
                      "--output-dir", str(d), "--ExecutePreprocessor.timeout=240"],
    }  # fmt: skip
    procs = {n: subprocess.Popen(c, cwd=d, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for n, c in jobs.items()}  # fmt: skip
    failures = []
    for name, p in procs.items():
        try:
            text, _ = p.communicate(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            text, _ = p.communicate()
        if p.returncode != 0:
            failures.append(f"{name}: exit {p.returncode}\n{text[-3000:]}")
    if failures:
        pytest.fail("building the pages failed:\n" + "\n\n".join(failures))
    return Pages(d / "saved-50.html", d / "saved-wide.html", d / "two.html", json.loads((d / "expected.json").read_text()))


class Offline:
    """A browser context where only file: requests go through; everything else is aborted and kept."""

    def __init__(self, web_page, width: int = 1280, height: int = 720):
        self.context, self.page, self.console = web_page
        self.page.set_viewport_size({"width": width, "height": height})
        self.blocked: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("internetdisconnected")

    def open(self, path: Path) -> LectureView:
        self.page.goto(path.as_uri(), wait_until="domcontentloaded")
        wait_for_widget(self.page, self.page.locator(".babygpt-widget"), timeout=60_000)
        return LectureView(self.page.locator(".babygpt-widget").first)

    def errors(self) -> list[str]:
        return [c for c in self.console if c.startswith(("[error]", "[pageerror]"))]


def label(token: str, p: float) -> str:
    """The edge label the front end draws (js/util/format.ts: Math.round of the percentage)."""
    r = math.floor(p * 100 + 0.5)
    pct = "<1%" if r <= 0 < p else ">99%" if r >= 100 and p < 1 else f"{r}%"
    return f"{token}({pct})"


def _lens(view: LectureView) -> list[float]:
    return view.root.locator(f'{PANEL} [data-role="lens"] .bg-lens-cell').evaluate_all(
        "cs => cs.map(c => parseFloat(c.textContent.trim().split(' ').pop()))")


# ----------------------------------------------------------------------------------------------
def test_saved_page_works_with_no_network(pages, web_page):
    off = Offline(web_page)
    view = off.open(pages.saved)
    exp = pages.expected
    expect(view.nodes).to_have_count(8, timeout=30_000)
    expect(view.edges).to_have_count(16)
    # it knows there is no kernel and says "saved page", not "saved page or busy kernel"
    expect(view.static_badge).to_be_visible()
    badge = view.static_badge.inner_text()
    assert badge.startswith("saved page") and "busy" not in badge, badge
    # the page trains by itself, settings too (test_saved_page_trains.py, test_saved_page_settings.py);
    # loading a run string stays kernel-only and says why
    expect(view.button("train")).to_be_enabled()
    expect(view.field("lr")).to_be_enabled()
    expect(view.field("run_string")).to_be_disabled()
    assert "saved page" in (view.field("run_string").get_attribute("title") or "")
    note = off.page.locator('[data-role="page-note"]')
    expect(note).to_be_visible()
    expect(note).to_contain_text("all 51 recorded steps")

    # live: the history's last row
    expect(view.edge_label("101", "011")).to_have_text(label("1", exp["p1_101"][-1]))
    # keys: Home = step 0, → three times = step 3
    view.slider.focus()
    view.slider.press("Home")
    expect(view.step_readout).to_have_text("0")
    expect(view.edge_label("101", "011")).to_have_text(label("1", exp["p1_101"][0]))
    for _ in range(3):
        view.slider.press("ArrowRight")
    expect(view.step_readout).to_have_text("3")
    expect(view.edge_label("101", "011")).to_have_text(label("1", exp["p1_101"][3]))
    # a drag with the mouse to about two thirds of the track
    box = view.slider.bounding_box()
    assert box
    off.page.mouse.move(box["x"] + 4, box["y"] + box["height"] / 2)
    off.page.mouse.down()
    off.page.mouse.move(box["x"] + box["width"] * 0.66, box["y"] + box["height"] / 2, steps=8)
    off.page.mouse.up()
    step = view.step()
    assert 20 <= step <= 45, step
    expect(view.edge_label("101", "011")).to_have_text(label("1", exp["p1_101"][exp["steps"].index(step)]))
    view.slider.press("End")
    expect(view.step_readout).to_have_text("50")

    # sampling runs in the page
    view.button("sample").click()
    view.button("skip").click()
    expect(view.ticker).to_be_visible()
    off.page.wait_for_function("el => el.textContent.replace(/\\s/g, '').length >= 20", arg=view.ticker.element_handle())
    assert set(view.ticker_sampled()) <= {"0", "1"} and len(view.ticker_sampled()) >= 20

    # the inside panel replays the saved explanations: 000 at step 50, then at the first saved step
    view.set_field("search_state", "000")
    view.button("inside").click()
    expect(view.root.locator(f'{PANEL}[data-state="000"][data-step="50"]')).to_have_count(1, timeout=15_000)
    flat = [p * 100 for row in exp["lens_000"]["50"] for p in row]
    shown = _lens(view)  # the logit lens: every layer's next-token probabilities
    assert len(shown) == len(flat) and all(abs(a - b) <= LENS_TOL for a, b in zip(shown, flat)), (shown, flat)
    view.slider.press("Home")
    first = exp["replayed"][0]
    expect(view.root.locator(f'{PANEL}[data-step="{first}"]')).to_have_count(1, timeout=15_000)
    flat0 = [p * 100 for row in exp["lens_000"][str(first)] for p in row]
    shown = _lens(view)
    assert len(shown) == len(flat0) and all(abs(a - b) <= LENS_TOL for a, b in zip(shown, flat0)), (shown, flat0)

    assert off.blocked == [], f"the page asked the network for {off.blocked}"
    assert off.errors() == [], off.errors()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_saved_page_screenshots(pages, web_page, scheme):
    off = Offline(web_page)
    off.page.emulate_media(color_scheme=scheme)
    view = off.open(pages.saved)
    expect(view.nodes).to_have_count(8, timeout=30_000)
    expect(view.static_badge).to_be_visible()
    off.page.wait_for_timeout(300)  # let transitions settle before the picture
    SHOTS.mkdir(parents=True, exist_ok=True)
    off.page.screenshot(path=str(SHOTS / f"saved-page-1280x720-{scheme}.png"))
    bg = off.page.evaluate("getComputedStyle(document.body).backgroundColor")
    widget_bg = view.root.evaluate("e => getComputedStyle(e).backgroundColor")
    dark = scheme == "dark"
    for colour in (bg, widget_bg):
        r, g, b = [int(x) for x in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
        assert (r + g + b < 150) == dark, (scheme, colour)
    # everything a reader needs is on screen at 1280×720: slider, note, badge
    for loc in (view.slider, off.page.locator('[data-role="page-note"]'), view.static_badge):
        b = loc.bounding_box()
        assert b and b["y"] >= 0 and b["y"] + b["height"] <= 720, (loc, b)
    assert off.blocked == [] and off.errors() == [], (off.blocked, off.errors())


def test_big_chain_page_keeps_fewer_steps_under_3_mb_and_says_so(pages, web_page):
    wide = pages.expected["wide"]
    assert pages.wide.stat().st_size == wide["bytes"] <= PAGE_BUDGET
    assert 2 < wide["kept"] < wide["recorded"] == 301
    off = Offline(web_page)
    view = off.open(pages.wide)
    expect(view.static_badge).to_be_visible(timeout=30_000)
    note = off.page.locator('[data-role="page-note"]')
    expect(note).to_contain_text(f"{wide['kept']} of 301 recorded steps")
    view.slider.focus()
    view.slider.press("Home")
    expect(view.step_readout).to_have_text("0")
    # the arrow keys walk the kept steps (the slider's positions follow the loss chart's step
    # axis, sliderStops.ts): kept - 1 presses from the first reach the last, one fewer does not
    for _ in range(wide["kept"] - 2):
        view.slider.press("ArrowRight")
    expect(view.step_readout).not_to_have_text(str(wide["last"]))
    view.slider.press("ArrowRight")
    expect(view.step_readout).to_have_text(str(wide["last"]))
    view.slider.press("Home")
    expect(view.step_readout).to_have_text("0")
    view.slider.press("End")
    expect(view.step_readout).to_have_text(str(wide["last"]))
    assert off.blocked == [] and off.errors() == [], (off.blocked, off.errors())


def test_nbconvert_export_offline_draws_babygpt_and_shows_a_message_for_other_widgets(pages, web_page):
    off = Offline(web_page)
    view = off.open(pages.nbconvert)
    expect(view.nodes).to_have_count(8, timeout=30_000)
    expect(view.static_badge).to_be_visible()
    assert view.static_badge.inner_text().startswith("saved page")
    message = off.page.locator(".bgp-widget-fallback")
    expect(message).to_have_count(1)
    expect(message).to_be_visible()
    expect(message).to_contain_text("could not load")
    box = message.bounding_box()
    assert box and box["height"] > 20 and box["width"] > 200, box
    SHOTS.mkdir(parents=True, exist_ok=True)
    message.scroll_into_view_if_needed()
    off.page.screenshot(path=str(SHOTS / "nbconvert-offline-other-widget.png"))
    # what it asked the network for: only the html-manager path of the other widget and the
    # template's own CDN scripts (require.js, MathJax); the babyGPT widget needed none of them
    assert off.blocked and all(("cdnjs" in u or "unpkg" in u or "jsdelivr" in u) for u in off.blocked), off.blocked
    assert not [c for c in off.errors() if "babyGPT" in c or "pageerror" in c], off.errors()


def test_nbconvert_export_online_renders_the_other_widget_and_the_message_goes(pages, web_page):
    context, page, console = web_page
    site = StaticSite.from_files({"/two.html": pages.nbconvert})
    site.install(context)
    page.goto(site.url("/two.html"), wait_until="domcontentloaded")
    wait_for_widget(page, page.locator(".babygpt-widget"), timeout=60_000)
    expect(page.locator(".widget-subarea .widget-slider, .widget-subarea .widget-hslider").first).to_be_visible(timeout=60_000)
    expect(page.locator(".bgp-widget-fallback")).to_be_hidden()
    expect(page.locator(".babygpt-widget")).to_have_count(1)  # drawn once, by the page runtime, not twice
    assert not site.unrouted, site.unrouted


def test_saved_page_is_never_blank_without_javascript_or_when_its_data_is_broken(pages, web_page, tmp_path):
    context, page, _console = web_page
    # JavaScript off: the <noscript> message and the loading place's own text are on screen
    quiet = context.browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 720})
    try:
        p = quiet.new_page()
        p.goto(pages.saved.as_uri())
        expect(p.locator("noscript, .bgp-message").first).to_be_visible()
        text = p.locator("body").inner_text()
        assert "JavaScript" in text and "Loading the saved babyGPT chain" in text, text[:400]
    finally:
        quiet.close()
    # data from a newer format: the place says so, visibly
    broken = tmp_path / "broken.html"
    broken.write_text(pages.saved.read_text(encoding="utf-8").replace('"version":1,', '"version":99,', 1), encoding="utf-8")
    off = Offline(web_page)
    off.page.goto(broken.as_uri(), wait_until="domcontentloaded")
    alert = off.page.locator('[data-role="page-error"][role="alert"]')
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_contain_text("format 99")
    assert off.blocked == []
