"""Runs compared (issue 12 §2) in a real JupyterLab and in a saved page: the seed ensemble
(Train seeds, progress, spread bands with median labels, hover values, table; Stop leaves the
run), comparing with a history step (banner, TV equal to Python's), hitting probability against
temperature following the slider, and a static export drawing saved results without a kernel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .geometry_js import TEXT_SIZES_JS
from .helpers import (Lab, LectureView, Notebook7, StaticSite, collect_until, first_lecture_view, open_in_lab,
                      wait_for_widget, write_notebook)

pytestmark = pytest.mark.browser

DRAW_TIMEOUT = 60_000  # ms
SHOTS = ARTIFACTS / "compare"
UNSEEN = {"000", "001", "010", "100"}


def _open(lab: Lab, notebook_dir, jupyter_server, cells: list[str], name: str) -> LectureView:
    open_in_lab(lab, notebook_dir / name, jupyter_server.root, cells)
    return first_lecture_view(lab)


def _python(lab: Lab, expr: str) -> object:
    """Evaluate `expr` in the kernel; its JSON comes back through a new cell's output."""
    cell = lab.add_and_run_cell(f"import json; print(json.dumps({expr}))")
    return json.loads(cell.locator(".jp-OutputArea-output").last.inner_text())


def _bands(view: LectureView) -> list[dict]:
    return view.root.locator("svg.bg-graph path.bg-spread-band").evaluate_all(
        "els => els.map(e => ({...e.dataset, width: +e.getAttribute('stroke-width')}))")


def _points(view: LectureView) -> list[float]:
    return view.root.locator("circle.bg-hitting-point").evaluate_all("els => els.map(e => +e.dataset.p)")


def test_seed_ensemble_comparison_and_hitting(lab, notebook_dir, jupyter_server):
    view = _open(lab, notebook_dir, jupyter_server,
                 ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(50)\nw"], "compare.ipynb")
    root = view.root
    # -- the seed ensemble, from the button ------------------------------------------------------
    run_labels = view.edge_labels()
    assert run_labels[("000", "001")] == "1(73%)"  # the seed's run: P(1 | 000) = 73%
    view.set_field("k", 4, commit="")
    view.button("train-seeds").click()
    table = root.locator('table[data-role="ensemble-table"] tbody tr')
    expect(table).to_have_count(8, timeout=30_000)
    ens = _python(lab, "w.ensemble")
    assert len(ens["seeds"]) == 4 and ens["steps"] == 50
    states = ["000", "001", "010", "011", "100", "101", "110", "111"]
    bands = {(b["from"], b["token"]): b for b in _bands(view)}
    assert len(bands) == 16
    for s, state in enumerate(states):
        for t in range(2):
            b = bands[(state, str(t))]
            for key in ("median", "min", "max"):
                assert float(b[key]) == pytest.approx(ens[key][s][t], abs=1e-4), (state, t, key)
    # the run's own labels stay (73% is still 73%): the ensemble shows as bands, and says so
    assert view.edge_labels() == run_labels
    expect(root.locator('[data-role="ensemble-banner"]')).to_contain_text("labels: this run's")
    legend = root.locator('[data-role="legend-bands"]')
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("band round an edge")
    # the key to the bands sits in the strip next to the drawing, not over it
    SHOTS.mkdir(parents=True, exist_ok=True)
    legend.scroll_into_view_if_needed()
    lab.page.screenshot(path=str(SHOTS / "ensemble-legend.png"))
    assert legend.evaluate("""e => { const r = e.getBoundingClientRect();
        return document.elementFromPoint(r.left + 30, r.top + r.height / 2)?.closest('[data-role="legend-bands"]') === e; }""")
    # ... and the key button beside it is whole (the band's text gives way first)
    assert root.locator('button[data-action="legend"]').evaluate("""b => { const r = b.getBoundingClientRect();
        return document.elementFromPoint(r.right - 3, r.top + r.height / 2)?.closest('button') === b; }""")
    # the summary names the widest spreads (state and range), widest first
    widest = sorted(range(8), key=lambda i: -(ens["max"][i][1] - ens["min"][i][1]))[0]
    first = root.locator('[data-role="ensemble-summary"] .bg-widest').first
    expect(first).to_have_attribute("data-state", states[widest])
    expect(first).to_contain_text(f"{ens['min'][widest][1] * 100:.1f}%–{ens['max'][widest][1] * 100:.1f}%")
    # median labels only when the learner asks for them (the banner's button), and back
    view.button("ensemble-labels").click()
    expect(root.locator('[data-role="ensemble-banner"]')).to_contain_text("labels: the seeds' median")
    for (a, b_), text in view.edge_labels().items():
        t = int(b_[-1])
        median = ens["median"][states.index(a)][t]
        assert text.startswith(f"{t}(") and text.endswith("%)")
        shown = text[2:-2].lstrip("<>")
        assert abs(float(shown) - 100 * median) <= 1.0, (a, b_, text, median)
    view.button("ensemble-labels").click()
    expect(root.locator('[data-role="ensemble-banner"]')).to_contain_text("labels: this run's")
    assert view.edge_labels() == run_labels
    spread = {s: max(ens["max"][i][1] - ens["min"][i][1], 0) for i, s in enumerate(states)}
    seen_spread = max(spread[s] for s in states if s not in UNSEEN)
    unseen_spread = max(spread[s] for s in UNSEEN)
    assert unseen_spread > seen_spread, spread
    # the widest drawn band belongs to an unseen state
    widest = max(bands.values(), key=lambda b: b["width"])
    assert widest["from"] in UNSEEN
    # table: unseen rows highlighted, min–max as Python's (one decimal of a percent)
    for state in states:
        row = root.locator(f'table[data-role="ensemble-table"] tr[data-state="{state}"]')
        cells = row.locator("td").all_inner_texts()
        i = states.index(state)
        assert cells[1] == ("no" if state in UNSEEN else "yes")
        assert cells[2] == f"{ens['median'][i][1] * 100:.1f}%"
        assert cells[3] == f"{ens['min'][i][1] * 100:.1f}%–{ens['max'][i][1] * 100:.1f}%"
        assert ("bg-unseen-row" in (row.get_attribute("class") or "")) == (state in UNSEEN)
    # hover an edge (the middle of its stroke): all k values
    pt = root.locator('g.bg-edge-line[data-from="000"][data-token="1"] path.bg-edge-hit').evaluate(
        """p => { const q = p.getPointAtLength(p.getTotalLength() * 0.5), m = p.getScreenCTM();
            return [q.x * m.a + q.y * m.c + m.e, q.x * m.b + q.y * m.d + m.f]; }""")
    lab.page.mouse.move(pt[0], pt[1])
    expect(root.locator('.bg-tooltip [data-role="seed-values"]')).to_contain_text("1340:")
    tip = root.locator('.bg-tooltip [data-role="seed-values"]').inner_text()
    for seed in ens["seeds"]:
        assert f"{seed}:" in tip
    view.edge("000", "001", "1").dispatch_event("mouseleave")

    # -- compare with history step 10 ------------------------------------------------------------
    view.set_field("other", "step 10")
    banner = root.locator('[data-role="compare-banner"]')
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_contain_text("with step 10")
    assert root.locator("path.bg-diff-edge").count() == 16
    cmp = _python(lab, "w.comparison")
    summary = root.locator('[data-role="compare-summary"]')
    assert float(summary.get_attribute("data-mean-tv")) == pytest.approx(cmp["mean_tv"], abs=1e-4)
    assert float(summary.get_attribute("data-max-tv")) == pytest.approx(cmp["max_tv"], abs=1e-4)
    for i, state in enumerate(states):
        tv = root.locator(f'table[data-role="tv-table"] tr[data-state="{state}"]').get_attribute("data-tv")
        assert float(tv) == pytest.approx(cmp["tv"][i], abs=1e-4)
    view.button("leave-compare").click()
    expect(banner).to_be_hidden()
    expect(root.locator("path.bg-diff-edge")).to_have_count(0)
    assert _python(lab, "w.comparison") == {}

    # -- hitting probability against temperature ------------------------------------------------
    root.locator('[data-action="section-analysis"]').scroll_into_view_if_needed()
    view.node("000").click()  # mark 000 naughty
    view.button("hitting").click()
    expect(root.locator("circle.bg-hitting-point")).to_have_count(21, timeout=30_000)
    at_live = _points(view)
    hit = _python(lab, "w.hitting")
    assert at_live == pytest.approx(hit["probabilities"], abs=1e-5) and hit["step"] == 50
    assert root.locator(".bg-hitting-temp").get_attribute("data-temperature") == "1"
    view.set_slider(5)  # an early step: the curve follows the slider
    seen = collect_until(lambda: _points(view), lambda got: got != at_live and len(got) == 21,
                         timeout=30, page=view.page)
    assert seen[-1] != at_live
    expect(root.locator('[data-role="hitting-note"]')).to_contain_text("at step ")

    # -- Stop during an ensemble leaves the run intact ------------------------------------------
    view.button("live").click()
    lab.add_and_run_cell("w.train(1500); None")
    before = view.edge_labels()
    step_before = view.step()
    view.set_field("k", 16, commit="")
    view.button("train-seeds").click()
    progress = root.locator('[data-role="ensemble-progress"]')
    expect(progress).to_contain_text("training 16 seeds", timeout=10_000)
    # the kernel stays free: a cell runs while the seeds train
    cell = lab.add_and_run_cell("print(w.training, w.progress['total'])")
    assert cell.locator(".jp-OutputArea-output").last.inner_text().strip() == "True 1550"
    view.button("pause").click()
    expect(progress).to_be_hidden(timeout=5_000)
    expect(view.button("play")).to_be_visible()
    view.page.wait_for_timeout(500)
    assert view.step() == step_before and view.edge_labels() == before
    assert _python(lab, "[len(w.ensemble['seeds']), w.ensemble['steps'], w.global_step, w.training]") == [4, 50, 1550, False]


SAVE_SCRIPT = textwrap.dedent(
    """
    import sys
    from babygpt_widget import BabyGPTWidget
    w = BabyGPTWidget()
    w.train(50)
    w.compare_seeds(k=4)
    w.naughty = ["000"]
    w.hitting_curve()
    w.save_html(sys.argv[1])
    """
)


def test_static_export_draws_saved_ensemble_without_kernel(tmp_path, web_page):
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    script = tmp_path / "save.py"
    script.write_text(SAVE_SCRIPT)
    page_file = tmp_path / "saved.html"
    subprocess.run([sys.executable, str(script), str(page_file)], check=True, env=env, timeout=300)
    context, page, console = web_page
    site = StaticSite.from_files({"/saved.html": page_file})
    site.install(context)
    page.goto(site.url("/saved.html"), wait_until="domcontentloaded")
    wait_for_widget(page, page.locator(".babygpt-widget"), timeout=60_000)
    view = LectureView(page.locator(".babygpt-widget").first)
    expect(view.static_badge).to_be_visible(timeout=10_000)
    expect(view.root.locator('table[data-role="ensemble-table"] tbody tr')).to_have_count(8)
    assert len(_bands(view)) == 16
    expect(view.root.locator("circle.bg-hitting-point")).to_have_count(21)
    for sel in ['button[data-action="train-seeds"]', 'button[data-action="compare"]', 'button[data-action="hitting"]']:
        el = view.root.locator(sel)
        expect(el).to_be_disabled()
        assert "kernel" in (el.get_attribute("title") or "").lower()
    # Hide and Leave are front-end only: they work without a kernel
    view.button("hide-ensemble").click()
    expect(view.root.locator("path.bg-spread-band")).to_have_count(0)
    view.root.locator('input[data-field="ensemble_show"]').check()
    expect(view.root.locator("path.bg-spread-band")).to_have_count(16)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "static-ensemble.png"))
    # the banner and the kernel badge do not overlap
    a = view.root.locator('[data-role="ensemble-banner"]').bounding_box()
    b = view.static_badge.bounding_box()
    assert a and b and (a["y"] >= b["y"] + b["height"] or b["y"] >= a["y"] + a["height"]), (a, b)
    assert not site.unrouted, site.unrouted


def _shot(lab: Lab, view: LectureView, name: str, section: str) -> None:
    """The widget at the top of the notebook, the side panel scrolled to `section`."""
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    view.root.locator(f'section[data-section="{section}"]').evaluate("el => el.scrollIntoView({block: 'start'})")
    view.page.wait_for_timeout(400)
    lab.screenshot(SHOTS / name)


def test_compare_screenshots_and_lecture_figures(lab, notebook_dir, jupyter_server):
    """Screenshots (1280×720, light and dark) of the seed ensemble after 300 steps with k=8, a
    comparison with step 10 and the hitting plot; the lecture's figures in figures.json."""
    view = _open(lab, notebook_dir, jupyter_server,
                 ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(300)\nw"], "shots.ipynb")
    root = view.root
    view.set_field("k", 8, commit="")
    view.button("train-seeds").click()
    expect(root.locator('table[data-role="ensemble-table"] tbody tr')).to_have_count(8, timeout=60_000)
    ens = _python(lab, "w.ensemble")
    states = ["000", "001", "010", "011", "100", "101", "110", "111"]
    figures = {s: {"seen": ens["seen"][i], "median_p1": ens["median"][i][1], "min_p1": ens["min"][i][1],
                   "max_p1": ens["max"][i][1]} for i, s in enumerate(states)}
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "figures.json").write_text(json.dumps({"seeds": ens["seeds"], "steps": ens["steps"], "states": figures}, indent=1))
    assert ens["steps"] == 300 and len(ens["seeds"]) == 8
    assert len(_bands(view)) == 16
    # the banner and the side panel do not cover each other or the toolbar
    banner = root.locator('[data-role="ensemble-banner"]').bounding_box()
    side = root.locator(".bg-side").bounding_box()
    assert banner and side and banner["x"] + banner["width"] <= side["x"] + 1
    _shot(lab, view, "ensemble-light.png", "compare")
    # the seed table large, over the drawing: each state's range on a 0-100% axis, ≥ 14 px text
    view.button("ensemble-large").click()
    large = root.locator('[data-role="large-view"]')
    expect(large).to_have_attribute("data-large", "ensemble")
    expect(large.locator("tbody tr")).to_have_count(8)
    expect(large.locator('[data-role="ensemble-axis"] .bg-range-tick')).to_have_text(["0%", "25%", "50%", "75%", "100%"])
    sizes = large.evaluate(TEXT_SIZES_JS)
    assert min(x["px"] for x in sizes) >= 14, [x for x in sizes if x["px"] < 14][:5]
    # a row's bar spans its min-max on the axis
    axis = large.locator('[data-role="ensemble-axis"]').bounding_box()
    bar = large.locator('tr[data-state="000"] rect.bg-range-bar').bounding_box()
    assert axis and bar
    lo, hi = figures["000"]["min_p1"], figures["000"]["max_p1"]
    assert abs(bar["x"] - (axis["x"] + lo * axis["width"])) < 3 and abs(bar["x"] + bar["width"] - (axis["x"] + hi * axis["width"])) < 3
    view.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    lab.screenshot(SHOTS / "ensemble-large-light.png")
    lab.page.keyboard.press("Escape")
    expect(large).to_be_hidden()
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    view.page.wait_for_timeout(1500)
    _shot(lab, view, "ensemble-dark.png", "compare")
    view.set_field("other", "step 10")
    expect(root.locator('[data-role="compare-banner"]')).to_be_visible(timeout=30_000)
    _shot(lab, view, "comparison-dark.png", "compare")
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})
    view.page.wait_for_timeout(1500)
    _shot(lab, view, "comparison-light.png", "compare")
    view.button("leave-compare").click()
    view.node("000").click()
    view.button("hitting").click()
    expect(root.locator("circle.bg-hitting-point")).to_have_count(21, timeout=30_000)
    _shot(lab, view, "hitting-light.png", "analysis")
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    view.page.wait_for_timeout(1500)
    _shot(lab, view, "hitting-dark.png", "analysis")
    lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})


def test_notebook7_train_seeds_and_compare(nb7: Notebook7, notebook7_server):
    """The same buttons in Notebook 7: a small ensemble's table, a comparison's banner."""
    nb = write_notebook(notebook7_server.root / "nb7_compare.ipynb",
                        ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(20)\nw"])
    nb7.open(nb.relative_to(notebook7_server.root).as_posix())
    nb7.run_all()
    wait_for_widget(nb7.page, nb7.page.locator(".babygpt-widget"), timeout=DRAW_TIMEOUT)
    view = LectureView(nb7.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.edges).to_have_count(16, timeout=DRAW_TIMEOUT)
    expect(view.button("train-seeds")).to_be_enabled(timeout=30_000)
    view.set_field("k", 2, commit="")
    view.button("train-seeds").click()
    expect(view.root.locator('table[data-role="ensemble-table"] tbody tr')).to_have_count(8, timeout=30_000)
    expect(view.root.locator("path.bg-spread-band")).to_have_count(16)
    view.set_field("other", "step 5")
    expect(view.root.locator('[data-role="compare-banner"]')).to_contain_text("with step 5", timeout=30_000)
