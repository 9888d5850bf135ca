"""save_html's self-contained page (issue 18 item 2) and its byte budget (issue 19 item 8): what the
page holds, that it needs no network, that it reads back to the widget's traits, and that every
page stays under ~3 MB by thinning and quantising the history (and saying so)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from conftest import SMALL

from babygpt_widget import BabyGPTWidget
from babygpt_widget.render import html_export
from babygpt_widget.render.page_budget import (MIN_HISTORY_ROWS, PAGE_BUDGET_BYTES, dequantise, history_bytes, pick_rows,
                                        plan_page, quantise)
from babygpt_widget.render.page_data import LARGE_LEAF, build_page_data, read_page_data
from babygpt_widget.render.page_html import _inline


# -- the budget's arithmetic ----------------------------------------------------------------------------
def test_pick_rows_spreads_evenly_and_keeps_both_ends_and_the_must_row():
    rows = pick_rows(1001, 50, must=[333])
    assert rows[0] == 0 and rows[-1] == 1000 and 333 in rows
    assert 49 <= len(rows) <= 51 and np.all(np.diff(rows) > 0)
    gaps = np.diff(pick_rows(1001, 50))
    assert gaps.max() - gaps.min() <= 1, gaps
    assert list(pick_rows(5, 10)) == [0, 1, 2, 3, 4]
    assert list(pick_rows(100, 2)) == [0, 99]


def test_plan_keeps_everything_as_float32_when_it_fits():
    plan = plan_page(400_000, 1001, 28, [("inside_replay", 330_000)])
    assert plan.encoding == "f32" and plan.kept == plan.recorded == 1001 and plan.left_out == ()


def test_plan_quantises_then_thins_to_the_budget_and_says_what_it_left_out():
    values = 2 * (4096 + 4094)  # 4,096 states and their shorter contexts, two tokens
    plan = plan_page(700_000, 301, values, [("inside_replay", 50_000), ("ensemble", 2_500_000)])
    assert plan.encoding == "u16p" and 2 < plan.kept < 301
    assert plan.kept_optional == ("inside_replay",) and plan.left_out == ("ensemble",)
    assert 700_000 + 50_000 + history_bytes(plan.kept, values, "u16p") <= PAGE_BUDGET_BYTES
    assert history_bytes(plan.kept, values, "u16p") >= (PAGE_BUDGET_BYTES - 700_000) // 2 - 100_000, \
        "history gave way to an optional result it should have kept out"
    small = plan_page(400_000, 1001, 28, [("inside_replay", 330_000), ("ensemble", 2_400_000)])
    assert small.kept == 1001 and small.encoding == "f32" and small.left_out == ("ensemble",), "a small history keeps every row"
    assert small.kept >= MIN_HISTORY_ROWS
    assert plan.rows[0] == 0 and plan.rows[-1] == 300


def test_quantised_probabilities_are_within_half_a_step_of_65535():
    p = np.random.default_rng(0).dirichlet(np.ones(5), size=200).astype(np.float32)
    back = dequantise(quantise(p)).reshape(p.shape)
    assert np.abs(back - p).max() <= 0.5 / 65535 + 1e-7
    assert dequantise(quantise(np.array([0.0, 1.0, np.nan, 2.0]))).tolist() == [0.0, 1.0, 0.0, 1.0]


# -- the page -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def trained_widget() -> BabyGPTWidget:
    w = BabyGPTWidget(**SMALL)
    w.train(30)
    return w


def test_the_page_is_self_contained_and_never_blank(trained_widget, tmp_path):
    saved = trained_widget.save_html(tmp_path / "page.html", title="My chain")
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert saved.bytes == len(page.encode()) and saved.path.endswith("page.html")
    # no script, style or frame from anywhere: no src / href at all, no CDN, no require.js
    assert not re.search(r"\s(src|href)\s*=", page), "the page refers to another file or URL"
    for outside in ("cdn", "unpkg", "jsdelivr", "require.js", "requirejs", "embed-amd", "http://", "https://"):
        assert outside not in page.lower() or outside in ("http://", "https://") and _only_in_bundle(page, outside), outside
    assert "<title>My chain</title>" in page
    assert "<noscript>" in page and "JavaScript" in page
    assert 'class="bgp-message" role="status"' in page and "Loading the saved babyGPT chain" in page  # shown until the widget renders
    assert 'data-role="page-note"' in page and "all 31 recorded steps" in page
    assert page.count("<script") == 3  # the data, the widget's bundle (as JSON text) and the runtime


def _only_in_bundle(page: str, text: str) -> bool:
    """URLs may appear as text inside the bundle (e.g. an SVG namespace), never as a request."""
    bundle = page[page.index('id="bgp-widget-js"'):]
    bundle = bundle[: bundle.index("</script>")]
    return page.count(text) == bundle.count(text)


def test_the_page_reads_back_to_the_widgets_traits(trained_widget, tmp_path):
    w = trained_widget
    w.save_html(tmp_path / "page.html")
    traits, info = read_page_data((tmp_path / "page.html").read_text())
    for name in ("probs", "data_counts", "history_steps", "history_losses", "history_probs", "prefix_probs",
                 "history_prefix_probs", "prefix_data_counts"):
        assert traits[name] == getattr(w, name), name  # bytes, exactly (the whole history fits: float32)
    for name in ("config", "states", "prefix_states", "shown_index", "graph_layout", "controls", "temperature"):
        assert traits[name] == getattr(w, name), name
    assert info == {"recorded": 31, "kept": 31, "first_step": 0, "last_step": 30, "quantised": False,
                    "left_out": [], "saved_by": info["saved_by"]}
    assert "_esm" not in traits and "layout" not in traits  # the bundle is inlined once, as the page's module


def test_a_tight_budget_thins_the_history_keeps_the_shown_step_and_says_so(tmp_path):
    w = BabyGPTWidget(**SMALL)
    w.train(200)
    w.show_step(77)
    page = tmp_path / "page.html"
    with w._owner():
        w._push(history=True)
        whole = html_export.save_widget_html(w, tmp_path / "whole.html", "t", extra={})
        # a budget a few kB under the whole page (bundle + runtime + all 201 steps) must thin it
        budget = whole.bytes - 4_000
        saved = html_export.save_widget_html(w, page, "t", extra={}, budget=budget)
    assert whole.steps_kept == 201
    traits, info = read_page_data(page.read_text())
    steps = np.frombuffer(traits["history_steps"], "<i4")
    assert info["quantised"] and info["kept"] == len(steps) < info["recorded"] == 201
    assert steps[0] == 0 and steps[-1] == 200 and 77 in steps
    assert steps[traits["shown_index"]] == 77, "the page opens on the step the widget showed"
    assert saved.bytes <= budget and saved.steps_kept == len(steps)
    assert f"{len(steps)} of 201 recorded steps" in page.read_text() and f"{len(steps)} of 201" in repr(saved)
    # the kept rows are the recorded ones, to 1/65,535
    probs = np.frombuffer(traits["history_probs"], "<f4").reshape(len(steps), -1)
    recorded = np.frombuffer(w.history_probs, "<f4").reshape(201, -1)
    assert np.abs(probs - recorded[steps]).max() <= 0.5 / 65535 + 1e-7
    assert np.frombuffer(traits["history_losses"], "<f4").tolist() == np.frombuffer(w.history_losses, "<f4")[steps].tolist()


def test_a_4096_state_history_fits_under_3_mb():
    """Synthetic traits of the largest chains (no training): the data alone stays in budget."""
    n_states, n_prefix, recorded = 4096, 4094, 301
    rng = np.random.default_rng(1)
    p = rng.random((recorded, n_states + n_prefix, 1), dtype=np.float32)
    rows = np.concatenate([p, 1 - p], axis=2)
    state = {
        "config": {"alphabet": "01", "context_length": 12}, "states": [format(i, "012b") for i in range(n_states)],
        "prefix_states": [format(i, "b") for i in range(n_prefix)], "shown_index": -1,
        "probs": rows[-1, n_prefix:].tobytes(), "prefix_probs": rows[-1, :n_prefix].tobytes(),
        "data_counts": np.zeros(2 * n_states, "<i4").tobytes(), "prefix_data_counts": np.zeros(2 * n_prefix, "<i4").tobytes(),
        "history_steps": np.arange(recorded, dtype="<i4").tobytes(), "history_losses": np.ones(recorded, "<f4").tobytes(),
        "history_probs": rows[:, n_prefix:].tobytes(), "history_prefix_probs": rows[:, :n_prefix].tobytes(),
        "ensemble": {"seeds": list(range(8)), "per_seed": rng.random((8, n_states, 2)).tolist(),
                     "median": rng.random((n_states, 2)).tolist()},
    }
    page = build_page_data(state, "test", fixed_extra=400_000)
    size = len(json.dumps(page.data, separators=(",", ":")).encode()) + 400_000
    assert size <= PAGE_BUDGET_BYTES, size
    assert page.plan.encoding == "u16p" and 2 < page.plan.kept < recorded
    leaves = {tuple(b["path"]): b for b in page.data["binary"]}
    if "ensemble" in page.plan.kept_optional:  # large probability lists travel as 16-bit binary
        assert leaves[("ensemble", "per_seed")]["enc"] == "u16p" and page.data["traits"]["ensemble"]["per_seed"] is None


def test_large_probability_lists_read_back_as_lists_within_1_in_65535(tmp_path):
    state = {"shown_index": -1, "history_steps": np.arange(2, dtype="<i4").tobytes(),
             "history_losses": np.ones(2, "<f4").tobytes(), "history_probs": np.full(4, 0.5, "<f4").tobytes(),
             "ensemble": {"seeds": [1, 2], "per_seed": np.linspace(0, 1, 2 * LARGE_LEAF).reshape(2, -1, 2).tolist(),
                          "median": [[0.25, 0.75]]}}
    page = build_page_data(state, "test")
    text = f'<script type="application/json" class="bgp-data">{json.dumps(page.data)}</script>'
    traits, _ = read_page_data(text)
    back = np.array(traits["ensemble"]["per_seed"])
    assert back.shape == (2, LARGE_LEAF // 2, 2) and np.abs(back - np.array(state["ensemble"]["per_seed"])).max() < 1e-5
    assert traits["ensemble"]["median"] == [[0.25, 0.75]] and traits["ensemble"]["seeds"] == [1, 2]  # small: JSON


def test_an_open_text_file_and_hostile_text_in_traits(tmp_path):
    import io

    w = BabyGPTWidget(alphabet="</>ip", sequence="</p></p></i><p></i></p>", context_length=2, **SMALL)
    w.walk = {"start": "</", "tokens": "p>", "temperature": 1.0, "seed": None}
    out = io.StringIO()
    saved = w.save_html(out, title="a </script> title")
    page = out.getvalue()
    assert saved.bytes == len(page.encode())
    # the alphabet and walk travel as JSON with `<` escaped: nothing in them can end a <script>
    assert page.lower().count("</script") == page.lower().count("<script") == 3
    traits, _ = read_page_data(page)
    assert traits["config"]["alphabet"] == "</>ip" and traits["walk"]["start"] == "</"


def test_missing_runtime_or_an_unsafe_one_is_a_clear_error(trained_widget, tmp_path, monkeypatch):
    monkeypatch.setattr(html_export, "STATIC", tmp_path / "nowhere")
    with pytest.raises(RuntimeError, match="page.js.*npm run build"):
        trained_widget.save_html(tmp_path / "p.html")
    with pytest.raises(RuntimeError, match="cannot be inlined"):
        _inline("var a = '</script>';", "the runtime")
