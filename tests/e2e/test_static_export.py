"""Static pages with no kernel (issue 5) through the html-manager path: nbconvert's own HTML export
of examples/babygpt.ipynb (`--to html`, the way Jupyter Book, nbviewer and JupyterLab's export
embed widgets). Served through Playwright routing only (see ``helpers.StaticSite``): the CDN files
come from local npm packages, MathJax is stubbed, SRI ``integrity`` attributes are stripped, and
any other outside request fails the test. (``save_html`` pages need no CDN at all and are tested
from file:// with no network in test_saved_page_offline.py.)

What must work with no kernel (docs/state-contract.md, "Lecture features and static pages"):
the drawing, the history slider, layouts, tooltips and client-side sampling; the kernel-only
controls are disabled with a reason, and a badge says the page is static.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, EXAMPLE_NB
from .helpers import NODE_MODULES, LectureView, StaticSite, collect_until, wait_for_widget

pytestmark = pytest.mark.browser

STATES = ["000", "001", "010", "011", "100", "101", "110", "111"]
KERNEL_ONLY = ['input[data-field="sequence"]', 'input[data-field="lr"]']
# the page trains these itself from the saved engine_state (issue 21; tests/e2e/test_html_manager_trains.py)
IN_PAGE = ['button[data-action="step"]', 'button[data-action="train"]', 'button[data-action="play"]',
           'button[data-action="reset"]']  # fmt: skip
BUILD_TIMEOUT = 300  # s, the export subprocess


@dataclass
class Exports:
    nbconvert: Path  # examples/babygpt.ipynb executed by nbconvert (stored widget state)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Exports:
    """Execute and export the lecture notebook in a subprocess."""
    d = tmp_path_factory.mktemp("static-export")
    env = os.environ.copy()
    for k, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "config")):
        (d / sub).mkdir()
        env[k] = str(d / sub)
    env.pop("JUPYTER_PATH", None)
    nb = d / "babygpt.ipynb"
    nb.write_bytes(EXAMPLE_NB.read_bytes())
    out = Exports(nbconvert=d / "babygpt.html")
    jobs = {
        "nbconvert": [sys.executable, "-m", "nbconvert", "--execute", "--to", "html", str(nb),
                      "--output-dir", str(d), "--ExecutePreprocessor.timeout=240"],
    }  # fmt: skip
    procs = {
        name: subprocess.Popen(cmd, cwd=d, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for name, cmd in jobs.items()
    }
    failures = []
    for name, p in procs.items():
        try:
            text, _ = p.communicate(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            text, _ = p.communicate()
            failures.append(f"{name}: timed out\n{text[-3000:]}")
            continue
        if p.returncode != 0 or not getattr(out, name).is_file():
            failures.append(f"{name}: exit {p.returncode}\n{text[-3000:]}")
    if failures:
        pytest.fail("building the static pages failed:\n" + "\n\n".join(failures))
    return out


PAGES = {"nbconvert": "/babygpt-nbconvert.html"}


@pytest.fixture(params=list(PAGES), ids=list(PAGES))
def static_page(request, exports, web_page):
    """One static page open in a browser with no kernel and no network; yields (view, site).
    Fails the test on any request that was not routed."""
    context, page, console = web_page
    site = StaticSite.from_files({PAGES["nbconvert"]: exports.nbconvert})
    site.install(context)
    page.goto(site.url(PAGES[request.param]), wait_until="domcontentloaded")
    try:
        wait_for_widget(page, page.locator(".babygpt-widget"), timeout=60_000)
    except AssertionError as e:
        pytest.fail(f"{e}\nunrouted requests: {site.unrouted}\nconsole:\n" + "\n".join(console[-30:]))
    view = LectureView(page.locator(".babygpt-widget").first)  # nbconvert: `w` is the first widget
    expect(view.edges).to_have_count(16, timeout=30_000)
    yield view, site
    for url in site.local_misses:
        print(f"[static] same-origin 404 (expected require.js probing): {url}")
    print(f"[static] routed: {site.routed}")
    assert not site.unrouted, f"requests not routed to local files (would hit the network): {site.unrouted}"


# ----------------------------------------------------------------------------------------------


def test_static_page_draws_and_scrubs_history(static_page):
    """8 nodes, 16 edges; slider to 0 shows the untrained chain (101->011 ≈ 55%), back to the end
    shows 1(79%); edge widths and the loss marker follow the slider."""
    view, site = static_page
    page = view.page
    expect(view.nodes).to_have_count(8)
    assert sorted(view.nodes.evaluate_all("els => els.map(e => e.getAttribute('data-state'))")) == STATES
    # the CDN files really came from the local packages, in the versions the page asked for
    local_aw = json.loads((NODE_MODULES / "anywidget" / "package.json").read_text())["version"]
    asked = site.versions.get("anywidget", "")
    assert asked, f"the page never requested anywidget from a CDN: {site.routed}"
    assert asked.lstrip("~^").split(".")[:2] == local_aw.split(".")[:2], (asked, local_aw)
    assert any("require" in u for u in site.routed) and any("html-manager" in u for u in site.routed), site.routed

    expect(view.edge_label("101", "011")).to_have_text("1(79%)", timeout=15_000)
    expect(view.slider).to_be_enabled()
    end = int(view.slider.get_attribute("max") or "0")
    assert end >= 50, f"slider max {end}: the saved history should hold the 50 training steps"
    widths_end = view.edge_widths()
    marker_end = view.loss_marker_state()

    view.set_slider(0)
    expect(view.edge_label("101", "011")).not_to_have_text("1(79%)", timeout=15_000)
    token, pct = view.edge_percent("101", "011")
    assert token == "1" and 45 <= pct <= 60, f"step 0: 101->011 reads {token}({pct}%), expected ≈55% (seed: 54.8%)"
    expect(view.step_readout).to_have_text(re.compile(r"\b0\b"))
    widths_0 = view.edge_widths()
    marker_0 = view.loss_marker_state()
    assert widths_0 != widths_end, "edge widths did not change with the slider"
    assert marker_0 != marker_end, f"loss marker did not move: {marker_0} vs {marker_end}"
    assert marker_0["step"] in (None, "0"), marker_0
    expect(view.static_badge).to_be_visible(timeout=10_000)  # screenshot the settled static view
    view.root.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "static-page-nbconvert-step0.png"), full_page=False)

    view.set_slider(end)
    expect(view.edge_label("101", "011")).to_have_text("1(79%)", timeout=15_000)
    expect(view.step_readout).to_have_text(re.compile(r"\b50\b"))
    # the same probabilities again: the same widths (to the 0.1 unit they are rounded to; an edge at
    # its on-screen floor follows the fit's scale, which the badge's arrival may have nudged)
    back = [float(w) for w in view.edge_widths()]
    assert back == pytest.approx([float(w) for w in widths_end], abs=0.15), (back, widths_end)


def test_static_page_layout_and_tooltip(static_page):
    """Force layout moves the nodes; hovering a node shows the tooltip."""
    view, _site = static_page
    page = view.page
    before = view.node_positions()
    view.layout_select.select_option("force")
    collect_until(
        view.node_positions,
        lambda now: sum(abs(now[s][0] - before[s][0]) + abs(now[s][1] - before[s][1]) > 5 for s in STATES) >= 4,
        timeout=10,
        page=page,
    )
    view.node("101").hover()
    expect(view.tooltip).to_be_visible(timeout=5_000)
    expect(view.tooltip).to_contain_text("101")
    page.mouse.move(2, 2)
    expect(view.tooltip).to_be_hidden(timeout=5_000)


def test_static_page_sample_walk(static_page):
    """The Sample button walks the chain in the page (no kernel) and fills the ticker."""
    view, _site = static_page
    page = view.page
    n = int(view.field("sample_n").input_value() or "20")
    view.button("sample").click()
    # mid-walk: some but not all tokens shown (the nbconvert page starts with the saved walk of
    # the notebook's last w.sample() complete in the ticker; a new walk restarts it)
    collect_until(lambda: len(view.ticker_sampled()), lambda k: 0 < k < n, timeout=15, page=page)
    view.button("skip").click()
    expect(view.ticker).to_be_visible()
    collect_until(lambda: len(view.ticker_sampled()), lambda k: k == n, timeout=10, page=page)
    sampled = view.ticker_sampled()
    assert set(sampled) <= {"0", "1"}, sampled


def test_static_page_kernel_only_controls_disabled(static_page):
    """No kernel: the settings are disabled, each with a reason; Step/Train/Play/Reset train in the
    page (the notebook saved the run's state); the static badge shows."""
    view, _site = static_page
    expect(view.static_badge).to_be_visible(timeout=10_000)  # after the ~2 s hello timeout
    for sel in KERNEL_ONLY:
        el = view.root.locator(sel).first
        expect(el).to_be_attached()
        expect(el).to_be_disabled()
        title = (el.get_attribute("title") or "").strip()
        assert title, f"{sel} is disabled but has no title saying why"
        assert "kernel" in title.lower(), f"{sel} title {title!r} does not mention the kernel"
    for sel in IN_PAGE:
        expect(view.root.locator(sel).first).to_be_enabled()
    # front-end features stay usable
    expect(view.slider).to_be_enabled()
    expect(view.button("sample")).to_be_enabled()
    view.root.scroll_into_view_if_needed()
    view.page.screenshot(path=str(ARTIFACTS / "static-page-nbconvert.png"))
