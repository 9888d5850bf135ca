"""Lecture features (issue 4) in a real JupyterLab, against the DOM hooks of
docs/state-contract.md ("Lecture features"): the sampling walk and its ticker, temperature 0
(greedy), the shorter-context states, naughty states and reachability, SVG export, and a walk
started from Python."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import Lab, LectureView, collect_until, wait_for_widget, write_notebook

pytestmark = pytest.mark.browser

STATES = ["000", "001", "010", "011", "100", "101", "110", "111"]
TRAINED_CELLS = ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(50)\nw"]
DRAW_TIMEOUT = 60_000  # ms
SVG_NS = "{http://www.w3.org/2000/svg}"
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")


@pytest.fixture
def trained(lab: Lab, notebook_dir, jupyter_server) -> LectureView:
    """A notebook whose first cell shows a widget trained for 50 steps; Run All; drawn."""
    nb = write_notebook(notebook_dir / "trained.ipynb", TRAINED_CELLS)
    lab.open(nb.relative_to(jupyter_server.root).as_posix())
    lab.run_all()
    wait_for_widget(lab.page, lab.page.locator(".babygpt-widget"), timeout=DRAW_TIMEOUT)
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.edges).to_have_count(16, timeout=DRAW_TIMEOUT)
    expect(view.edge_label("101", "011")).to_have_text("1(79%)", timeout=30_000)
    return view


def _cell_text(cell) -> str:
    return cell.locator(".jp-OutputArea-output").first.inner_text()


def _reach_number(view: LectureView) -> str:
    text = (view.reach.first.text_content() or "").strip()
    nums = NUMBER_RE.findall(text)
    return nums[-1] if nums else ""


def test_sample_walk_animates_and_skip_completes(lab, trained):
    view = trained
    page = lab.page
    expect(view.button("sample")).to_be_visible()
    view.button("sample").click()
    # the ticker fills token by token (default speed: a few tokens per second)
    seen = collect_until(lambda: len(view.ticker_sampled()), lambda k: k >= 4, timeout=15, page=page)
    assert len([k for k in seen if 0 < k < 20]) >= 2, f"the ticker did not grow step by step: {seen}"
    lab.screenshot(ARTIFACTS / "walk.png", view.root)
    view.button("skip").click()
    collect_until(lambda: len(view.ticker_sampled()), lambda k: k == 20, timeout=10, page=page)
    sampled = view.ticker_sampled()
    assert set(sampled) <= {"0", "1"}, sampled
    # Skip really ended the walk: no more tokens afterwards
    page.wait_for_timeout(600)
    assert len(view.ticker_sampled()) == 20


def test_temperature_zero_keeps_one_edge_per_state(lab, trained):
    view = trained
    assert len(view.visible_edges()) == 16
    view.set_input("temperature", 0)
    collect_until(lambda: len(view.visible_edges()), lambda k: k == 8, timeout=10, page=lab.page)
    edges = view.visible_edges()
    assert sorted(f for f, _t, _l in edges) == STATES, f"not one visible edge per state: {edges}"
    # greedy = the argmax: 101 -> 011 (token 1)
    assert ("101", "011") in {(f, t) for f, t, _l in edges}, edges
    cell = lab.add_and_run_cell("print('T', w.temperature)")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("T 0.0", timeout=30_000)
    lab.screenshot(ARTIFACTS / "greedy.png", view.root)


def test_prefixes_toggle_shows_14_states(lab, trained):
    view = trained
    box = view.root.locator('input[type=checkbox][data-field="show_prefixes"]')
    expect(box).to_be_visible()
    box.check()
    expect(view.nodes).to_have_count(14, timeout=15_000)
    for s in ["0", "1", "00", "01", "10", "11"]:
        expect(view.node(s)).to_have_count(1)
    cell = lab.add_and_run_cell("print('prefixes', w.show_prefixes)")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("prefixes True", timeout=30_000)
    lab.screenshot(ARTIFACTS / "prefixes.png", view.root)
    box.uncheck()
    expect(view.nodes).to_have_count(8, timeout=15_000)


def test_click_marks_naughty_state_and_changes_reach(lab, trained):
    view = trained
    expect(view.reach.first).to_be_attached()
    before = (view.reach.first.text_content() or "").strip()
    view.node("000").click()
    expect(view.root.locator('g.bg-node.bg-naughty[data-state="000"]')).to_have_count(1, timeout=10_000)
    expect(view.root.locator("g.bg-node.bg-naughty")).to_have_count(1)
    expect(view.reach.first).not_to_have_text(before, timeout=10_000)
    after = (view.reach.first.text_content() or "").strip()
    assert _reach_number(view), f"reach readout has no number: {after!r} (was {before!r})"
    cell = lab.add_and_run_cell("print('naughty', w.naughty)")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("naughty ['000']", timeout=30_000)
    print(f"\n[lecture] reach readout: {before!r} -> {after!r}")
    lab.screenshot(ARTIFACTS / "naughty.png", view.root)


def test_export_svg_downloads_a_standalone_svg(lab, trained, tmp_path):
    view = trained
    with lab.page.expect_download(timeout=15_000) as info:
        view.button("export-svg").click()
    download = info.value
    path = tmp_path / (download.suggested_filename or "chain.svg")
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text.encode("utf-8"))  # well-formed XML
    assert root.tag in (f"{SVG_NS}svg", "svg"), root.tag
    assert root.iter(f"{SVG_NS}g") and any(True for _ in root.iter(f"{SVG_NS}g")), "no <g> in the SVG"
    assert any(True for _ in root.iter(f"{SVG_NS}path")), "no <path> in the SVG"
    labels = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG_NS}text")]
    assert "1(79%)" in labels, f"the exported drawing lacks the 101->011 label: {labels[:20]}"
    print(f"\n[lecture] exported {download.suggested_filename!r}: {len(text):,} bytes")


def test_python_sample_animates_walk(lab, trained):
    view = trained
    page = lab.page
    cell = lab.add_and_run_cell("s = w.sample(20, seed=1)\nprint('walk', s)")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("walk ", timeout=30_000)
    text = re.search(r"walk (\S+)", _cell_text(cell))[1]
    assert len(text) == 23, text  # start state (3) + 20 tokens
    seen = collect_until(lambda: len(view.ticker_sampled()), lambda k: k == 20, timeout=20, page=page)
    assert len([k for k in seen if 0 < k < 20]) >= 2, f"the walk from Python was not animated: {seen}"
    assert view.ticker_text() == text, (view.ticker_text(), text)
