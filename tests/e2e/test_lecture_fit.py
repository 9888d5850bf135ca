"""The lecture screen as a lecturer meets it (issue 18 items 5, 6, 11), in a real JupyterLab and
Voila, by geometry: the chain fills its box (ring vs box, labels inside), with JupyterLab's file
browser closed and open (its default), in normal, presentation and presentation + full screen,
light and dark, at 1280×720 and 1600×1000; bar, chain, slider and readout on screen at once;
the slider is the loss chart's step axis (same x for the same step, linear and log); text of
the timeline, toolbar and key ≥ 18 px in presentation; no overlapping labels; the kernel badge
after a restart says what to do and covers nothing; Esc closing the help gives the widget the
focus back; Voila's first screen holds bar, chain and slider."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import Lab, LectureView, collect_until, first_lecture_view, open_in_lab, wait_for_widget
from .test_drawing import CHAINS, OVERLAPS_JS
from .test_lecture_screen import AREA_JS, PARTS

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "lecture-fit"
SHOTS.mkdir(parents=True, exist_ok=True)
CELL = "from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(50)\nw"
RING_FILL = 0.75  # the ring's extent across the box's limiting dimension
PRESENT_PX = 18  # least text size in presentation

# The ring (node circles) against the drawing's box; texts drawn outside the SVG's box.
FIT_JS = """root => {
    const box = root.querySelector('.bg-graph-box').getBoundingClientRect();
    const svg = root.querySelector('svg.bg-graph').getBoundingClientRect();
    const rs = [...root.querySelectorAll('svg.bg-graph .bg-node > circle:first-child')].map(n => n.getBoundingClientRect());
    const vis = e => { for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
        const cs = getComputedStyle(n); if (cs.display === 'none' || cs.visibility === 'hidden') return false; } return true; };
    const ts = [...root.querySelectorAll('svg.bg-graph text')].filter(vis).map(t => t.getBoundingClientRect()).filter(r => r.width > 0);
    const all = [...rs, ...ts];
    const w = Math.max(...rs.map(r => r.right)) - Math.min(...rs.map(r => r.left));
    const h = Math.max(...rs.map(r => r.bottom)) - Math.min(...rs.map(r => r.top));
    const dw = Math.max(...all.map(r => r.right)) - Math.min(...all.map(r => r.left));
    const dh = Math.max(...all.map(r => r.bottom)) - Math.min(...all.map(r => r.top));
    const out = ts.filter(r => r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1);
    return {box: [box.width, box.height], svg: [svg.width, svg.height], ring: [w, h],
            ringFill: Math.max(w / box.width, h / box.height),
            drawnFill: Math.max(dw / svg.width, dh / svg.height), textsOut: out.length, texts: ts.length};
}"""

# Font sizes (px) of the texts next to the chain that presentation mode must scale.
SIZES_JS = """root => {
    const px = sel => [...root.querySelectorAll(sel)].filter(e => e.getClientRects().length)
        .map(e => parseFloat(getComputedStyle(e).fontSize));
    return {ticks: px('svg.bg-loss .bg-axis text'), title: px('.bg-loss-title'), counter: px('[data-role="slider-pos"]'),
            live: px('button[data-action="live"]'), log: px('.bg-history-log'),
            toolbar: px('.bg-drawing-toolbar .bg-tool, .bg-drawing-toolbar select'), key: px('.bg-legend-tokens, .bg-key-toggle')};
}"""

# Visible texts of the bar, the timeline and the drawing's toolbar/key whose boxes overlap.
OVERLAP_UI_JS = """root => {
    const els = [...root.querySelectorAll('.bg-header button, .bg-header select, .bg-readout > span, .bg-static-badge,'
        + ' .bg-timeline-head > *, .bg-timeline > *, .bg-drawing-toolbar > *, .bg-legend-tokens, .bg-key-toggle')]
        .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
    const bad = [];
    const rs = els.map(e => e.getBoundingClientRect());
    for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
        if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
        const a = rs[i], b = rs[j];
        if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)
            bad.push(`${els[i].className || els[i].dataset.action} x ${els[j].className || els[j].dataset.action}`);
    }
    return bad;
}"""


def _settle(view: LectureView) -> None:
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    view.page.mouse.move(2, 300)  # off the drawing: no hover labels
    view.page.wait_for_timeout(700)


def _on_screen(view: LectureView, area: dict, what: str) -> None:
    for name, sel in PARTS.items():
        b = view.root.locator(sel).first.bounding_box()
        assert b is not None, f"{what}: {name} is not rendered"
        inside = (b["x"] >= area["x"] - 1 and b["y"] >= area["y"] - 1
                  and b["x"] + b["width"] <= area["right"] + 1 and b["y"] + b["height"] <= area["bottom"] + 1)
        assert inside, f"{what}: {name} {b} is not inside the visible area {area}"


def _check_screen(lab: Lab, view: LectureView, what: str, present: bool, shot: str, area: dict | None = None) -> dict:
    _settle(view)
    fit = view.root.evaluate(FIT_JS)
    assert fit["ringFill"] >= RING_FILL, f"{what}: the ring spans {fit['ringFill']:.0%} of its box {fit}"
    assert fit["textsOut"] == 0, f"{what}: {fit['textsOut']} labels outside the drawing's box"
    _on_screen(view, area or lab.page.evaluate(AREA_JS), what)
    labels = view.root.evaluate(OVERLAPS_JS)
    assert labels["bad"] == [], f"{what}: overlapping labels {labels['bad'][:6]}"
    assert view.root.evaluate(OVERLAP_UI_JS) == [], f"{what}: overlapping controls"
    if present:
        sizes = view.root.evaluate(SIZES_JS)
        small = {k: v for k, v in sizes.items() if not v or min(v) < PRESENT_PX}
        assert not small, f"{what}: text under {PRESENT_PX} px in presentation: {small}"
    lab.page.screenshot(path=str(SHOTS / f"{shot}.png"))
    print(f"\n[fit] {what}: box {fit['box'][0]:.0f}x{fit['box'][1]:.0f}, ring {fit['ring'][0]:.0f}x{fit['ring'][1]:.0f}"
          f" ({fit['ringFill']:.0%}), drawing fills {fit['drawnFill']:.0%} of the SVG")
    return fit


def _presentation(view: LectureView, on: bool) -> None:
    if ("bg-presentation" in (view.root.get_attribute("class") or "")) != on:
        view.button("presentation").click()
    view.page.wait_for_function("([el, on]) => el.classList.contains('bg-presentation') === on",
                                arg=[view.root.element_handle(), on])


@pytest.mark.parametrize("browser_open", [False, True], ids=["sidebar-closed", "file-browser-open"])
def test_1280x720_the_chain_fills_its_box(lab, notebook_dir, jupyter_server, browser_open):
    open_in_lab(lab, notebook_dir / "fit.ipynb", jupyter_server.root, [CELL])
    if browser_open:  # JupyterLab's default: the file browser takes ~250 px
        lab.page.evaluate("() => { window.jupyterapp.shell.activateById('filebrowser'); window.jupyterapp.shell.expandLeft(); }")
        lab.page.wait_for_timeout(600)
    view = first_lecture_view(lab)
    tag = "open" if browser_open else "closed"
    normal = _check_screen(lab, view, f"1280x720 {tag}", False, f"1280x720-{tag}")
    _presentation(view, True)
    present = _check_screen(lab, view, f"1280x720 {tag} presentation", True, f"1280x720-{tag}-presentation")
    assert present["ring"][1] >= normal["ring"][1], "presentation: the chain got smaller"
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    _check_screen(lab, view, f"1280x720 {tag} presentation dark", True, f"1280x720-{tag}-presentation-dark")
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})
    lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'", timeout=30_000)
    _presentation(view, False)


def test_presentation_full_screen_the_ring_grows_with_the_box(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "full.ipynb", jupyter_server.root, [CELL])
    view = first_lecture_view(lab)
    _presentation(view, True)
    before = _check_screen(lab, view, "presentation", True, "presentation")
    view.button("fullscreen").click()
    lab.page.wait_for_function("el => document.fullscreenElement === el", arg=view.root.element_handle(), timeout=10_000)
    lab.page.wait_for_timeout(500)
    screen = {"x": 0, "y": 0, "right": 1280, "bottom": 720}
    full = _check_screen(lab, view, "presentation + full screen", True, "presentation-fullscreen", screen)
    assert full["box"][1] > before["box"][1] and full["ring"][1] >= before["ring"][1] * full["box"][1] / before["box"][1] * 0.95, \
        f"full screen: the box grew {before['box']} -> {full['box']}, the ring {before['ring']} -> {full['ring']}"
    lab.page.evaluate("() => document.fullscreenElement && document.exitFullscreen()")


def test_1600x1000_normal_and_presentation(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "wide.ipynb", jupyter_server.root, [CELL], 1600, 1000)
    view = first_lecture_view(lab)
    _check_screen(lab, view, "1600x1000", False, "1600x1000")
    _presentation(view, True)
    _check_screen(lab, view, "1600x1000 presentation", True, "1600x1000-presentation")


def test_9_14_and_64_states_fill_the_box_with_every_label_inside(lab, notebook_dir, jupyter_server):
    chains = [(n, c) for n, c in CHAINS if n in ("9", "14", "64-acgt", "64-bin")]
    open_in_lab(lab, notebook_dir / "chains.ipynb", jupyter_server.root,
                ["from babygpt_widget import BabyGPTWidget"] + [c for _, c in chains])
    roots = lab.page.locator(".babygpt-widget")
    wait_for_widget(lab.page, roots, len(chains))
    for i, (name, _) in enumerate(chains):
        view = LectureView(roots.nth(i))
        expect(view.button("step")).to_be_enabled(timeout=60_000)
        _settle(view)
        fit = view.root.evaluate(FIT_JS)
        # bigger rings name their states outside the nodes: the drawing (ring + labels) fills the box
        assert fit["drawnFill"] >= 0.9, f"{name} states: the drawing fills {fit['drawnFill']:.0%} of its box {fit}"
        assert fit["textsOut"] == 0, f"{name} states: {fit['textsOut']} labels outside the drawing's box"
        labels = view.root.evaluate(OVERLAPS_JS)
        assert labels["bad"] == [], f"{name} states: overlapping labels {labels['bad'][:6]}"
        lab.page.screenshot(path=str(SHOTS / f"chain-{name}.png"))
        print(f"\n[fit] {name} states: ring {fit['ring'][0]:.0f}x{fit['ring'][1]:.0f} in {fit['box'][0]:.0f}x{fit['box'][1]:.0f},"
              f" drawing {fit['drawnFill']:.0%} of the SVG, {labels['nodes']} states and {labels['edges']} edges named")


# The thumb's centre (px) from the input's box and value, and the chart's x for the shown step.
AXIS_JS = """root => {
    const input = root.querySelector('input[data-role="history-slider"]');
    const r = input.getBoundingClientRect();
    const T = parseFloat(getComputedStyle(input).getPropertyValue('--bg-thumb'));
    const f = (Number(input.value) - Number(input.min)) / (Number(input.max) - Number(input.min));
    const marker = root.querySelector('svg.bg-loss .bg-loss-marker line').getBoundingClientRect();
    const ticks = [...root.querySelectorAll('svg.bg-loss .bg-axis-x .tick')].map(t => {
        const l = t.querySelector('line').getBoundingClientRect();
        return [Number(t.querySelector('text').textContent.replace(/,/g, '')), l.x + l.width / 2]; });
    return {thumb: r.left + T / 2 + f * (r.width - T), marker: marker.x + marker.width / 2, y: r.top + r.height / 2, ticks};
}"""


def test_the_slider_is_the_loss_charts_step_axis(lab, notebook_dir, jupyter_server):
    """Clicking the slider under a tick of the loss chart's step axis shows that step; the thumb
    and the chart's marker are at the same x (≤ 2 px): linear and log, with Python's thinned
    history (every other step and an off-stride newest one)."""
    open_in_lab(lab, notebook_dir / "axis.ipynb", jupyter_server.root,
                ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(2501)\nw"])
    view = first_lecture_view(lab)
    _settle(view)
    for log in (False, True):
        view.root.locator('input[data-field="history_log"]').set_checked(log)
        lab.page.wait_for_timeout(300)
        ticks = view.root.evaluate(AXIS_JS)["ticks"]
        assert len(ticks) >= 3, ticks
        for step, x in ticks:
            lab.page.mouse.click(x, view.root.evaluate(AXIS_JS)["y"])
            # the snapshot nearest the tick: Python keeps every other step here, and on a log axis
            # one pixel spans ~10 steps near step 1,000. The readout follows on the next frame:
            # wait for it to leave the previous click's step (a hang guard, not a speed claim)
            near = lambda shown: abs(shown - step) <= max(2, 0.01 * step)  # noqa: E731
            deadline = time.monotonic() + 15
            while not near(shown := view.step()) and time.monotonic() < deadline:
                lab.page.wait_for_timeout(50)
            at = view.root.evaluate(AXIS_JS)
            assert near(shown), f"log={log}: clicked the slider under step {step}, shows {shown}"
            assert abs(at["thumb"] - at["marker"]) <= 2, f"log={log} step {shown}: thumb at {at['thumb']:.1f}, chart at {at['marker']:.1f}"
            if shown == step:  # a kept step (odd ones are thinned away): the thumb sits on its tick
                assert abs(at["thumb"] - x) <= 2, f"log={log}: thumb {at['thumb']:.1f} vs tick {step} at {x:.1f}"
        lab.page.screenshot(path=str(SHOTS / f"axis-{'log' if log else 'linear'}.png"))


def test_kernel_restart_badge_says_what_to_do_and_covers_nothing(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "badge.ipynb", jupyter_server.root, [CELL])
    view = first_lecture_view(lab)
    _settle(view)
    lab.page.evaluate("() => { void window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart(); }")
    expect(view.static_badge).to_be_visible(timeout=15_000)
    expect(view.static_badge).to_contain_text("run the cell again", timeout=15_000)
    for present in (False, True):
        _presentation(view, present)
        view.page.wait_for_timeout(300)
        box = view.static_badge.bounding_box()
        # every point of the badge is the badge: it covers nothing and nothing covers it
        hits = view.static_badge.evaluate("""b => { const r = b.getBoundingClientRect(); const out = [];
            for (const fx of [0.05, 0.5, 0.95]) for (const fy of [0.2, 0.8]) {
                const e = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
                out.push(!!e && (e === b || b.contains(e))); }
            return out; }""")
        assert all(hits), f"presentation={present}: the badge is covered or clipped at some points: {hits}"
        drawing = view.root.locator(".bg-graph-box").bounding_box()
        assert box["y"] + box["height"] <= drawing["y"] + 1, "the badge covers the drawing"
        assert view.root.evaluate(OVERLAP_UI_JS) == [], f"presentation={present}: the badge overlaps the bar's controls"
        lab.page.screenshot(path=str(SHOTS / f"kernel-restarted{'-presentation' if present else ''}.png"))
    assert "run the cell again" in (view.static_badge.get_attribute("title") or "")


def test_esc_closing_the_help_gives_the_focus_back_and_space_plays(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "help.ipynb", jupyter_server.root, [CELL])
    view = first_lecture_view(lab)
    _settle(view)
    view.button("help").click()
    expect(view.root.locator(".bg-help")).to_be_visible()
    lab.page.keyboard.press("Escape")
    expect(view.root.locator(".bg-help")).to_be_hidden()
    assert lab.page.evaluate("() => document.activeElement.classList.contains('babygpt-widget')")
    start = view.step()
    lab.page.keyboard.press(" ")  # Play (the widget has the focus, not the ? button)
    expect(view.button("pause")).to_be_visible(timeout=10_000)
    collect_until(view.step, lambda s: s > start, timeout=30, page=lab.page)
    lab.page.keyboard.press(" ")
    expect(view.button("play")).to_be_visible(timeout=10_000)


def test_voila_first_screen_holds_bar_chain_and_slider(web_page, voila_server):
    _context, page, console = web_page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(voila_server.url, wait_until="domcontentloaded", timeout=120_000)
    wait_for_widget(page, page.locator(".babygpt-widget"), timeout=120_000)
    view = LectureView(page.locator(".babygpt-widget").first)
    expect(view.nodes).to_have_count(8, timeout=60_000)
    page.wait_for_timeout(800)
    for header in (0, 117):  # Voila's page as served here, and with a header above (the widget at y ≈ 129)
        if header:
            page.evaluate("h => { const d = document.createElement('div'); d.style.height = h + 'px';"
                          " document.body.prepend(d); window.dispatchEvent(new Event('resize')); }", header)
            page.wait_for_timeout(800)
        top = view.root.bounding_box()["y"]
        _on_screen(view, {"x": 0, "y": 0, "right": 1280, "bottom": 720}, f"Voila (widget at y={top:.0f})")
        fit = view.root.evaluate(FIT_JS)
        # under a header the box is short (~390 px): the toolbar's row weighs more, hence 70%
        assert fit["ringFill"] >= (RING_FILL if not header else 0.7), \
            f"Voila (widget at y={top:.0f}): the ring spans {fit['ringFill']:.0%} of its box"
        page.screenshot(path=str(SHOTS / f"voila-1280x720{'-header' if header else ''}.png"))
