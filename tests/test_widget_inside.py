"""The widget's inside panel (Python side): explain() fills `inside`, the explain command, and the
replay a saved page carries."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SMALL

from babygpt_widget import BabyGPTWidget
from babygpt_widget.render.page_data import read_page_data
from babygpt_widget.widget.inside import REPLAY_MAX_NUMBERS, replay_steps
from babygpt_widget.widget.traits import PYTHON_OWNED


@pytest.fixture(scope="module")
def _trained_widget() -> BabyGPTWidget:
    w = BabyGPTWidget()
    w.train(50)
    return w


@pytest.fixture
def w(_trained_widget: BabyGPTWidget, monkeypatch) -> BabyGPTWidget:
    """The default widget at step 50, live, panel closed; replies land in w.replies."""
    _trained_widget.show_step(None)
    _trained_widget.inside = {}
    replies: list = []
    monkeypatch.setattr(_trained_widget, "send", lambda content, buffers=None: replies.append(content))
    _trained_widget.replies = replies  # type: ignore[attr-defined]
    return _trained_widget


def command(w: BabyGPTWidget, **content) -> dict:
    n = len(w.replies)  # type: ignore[attr-defined]
    w._on_message(w, {"cmd": "explain", **content}, [])
    assert len(w.replies) == n + 1  # type: ignore[attr-defined]
    return w.replies[-1]  # type: ignore[attr-defined]


def assert_matches(inside: dict, e, tol: float = 1e-5) -> None:
    assert inside["state"] == e.state and inside["step"] == e.step and inside["tokens"] == list(e.tokens)
    for key in ("token_embeddings", "position_embeddings", "attention", "lens_probs", "logits", "probs"):
        np.testing.assert_allclose(np.array(inside[key]), getattr(e, key), rtol=tol, atol=tol, err_msg=key)
    assert inside["decided_at"] == e.decided_at


def test_explain_returns_the_engines_explanation_and_fills_inside(w):
    e = w.explain("000")
    ref = w.engine.explain("000")
    np.testing.assert_array_equal(e.lens_probs, ref.lens_probs)
    assert_matches(w.inside, ref)
    json.dumps(w.inside)  # JSON-safe
    c = w.config
    assert np.array(w.inside["attention"]).shape == (c["n_layer"], c["n_head"], 3, 3)
    assert np.array(w.inside["lens_probs"]).shape == (c["n_layer"] + 1, 2)


def test_explain_defaults_to_the_shown_step(w):
    w.show_step(20)
    e = w.explain("101")
    assert e.step == 20 and w.inside["step"] == 20
    assert_matches(w.inside, w.engine.explain("101", 20))
    w.show_step(None)
    assert w.explain("101").step == 50


def test_command_with_null_step_follows_the_slider(w):
    assert command(w, state="000", step=None)["ok"]
    live = w.inside["lens_probs"]
    assert w.inside["step"] == 50
    w.shown_index = 10  # the slider, as the front end writes it
    assert command(w, state="000", step=None)["ok"]
    assert w.inside["step"] == 10 and w.inside["lens_probs"] != live
    assert_matches(w.inside, w.engine.explain("000", 10))


def test_command_with_an_explicit_step_and_a_shorter_context(w):
    assert command(w, state="01", step=30)["ok"]
    assert_matches(w.inside, w.engine.explain("01", 30))
    assert np.array(w.inside["attention"]).shape[2:] == (2, 2)


@pytest.mark.parametrize("args, field", [
    ({"state": "0000"}, "state"), ({"state": "0a1"}, "state"), ({"state": 7}, "state"), ({"state": "x" * 10_000}, "state"),
    ({"state": "000", "step": 51}, "step"), ({"state": "000", "step": -1}, "step"), ({"state": "000", "step": "5"}, "step"),
    ({"state": "000", "step": True}, "step"), ({"state": "000", "step": 10**40}, "step"), ({"state": "000", "colour": 1}, "colour"),
])
def test_bad_arguments_name_the_field_and_keep_the_panel(w, args, field):
    assert command(w, state="000", step=None)["ok"]
    before = dict(w.inside)
    reply = command(w, **args)
    assert not reply["ok"] and reply["field"] == field and reply["error"].startswith(f"{field}:"), reply
    assert len(reply["error"]) <= 300
    assert w.inside == before


def test_python_twin_raises_value_error_naming_the_field(w):
    w.explain("000")
    before = dict(w.inside)
    with pytest.raises(ValueError, match=r"^state:"):
        w.explain("2222")
    with pytest.raises(ValueError, match=r"^step:"):
        w.explain("000", step=99)
    with pytest.raises(ValueError, match=r"^state:"):
        w.explain(None)  # type: ignore[arg-type]
    assert w.inside == before


def test_null_state_closes_the_panel(w):
    command(w, state="000", step=None)
    assert w.inside
    assert command(w, state=None, step=None)["ok"] and w.inside == {}
    command(w, state="000")
    assert command(w, state="")["ok"] and w.inside == {}


def test_inside_is_read_only_from_the_front_end(w):
    assert "inside" in PYTHON_OWNED and "inside_replay" in PYTHON_OWNED
    w.explain("000")
    before = dict(w.inside)
    w.set_state({"inside": {"state": "111"}})
    assert w.inside == before
    assert w.replies[-1] == {"reply": "inside", "ok": False, "error": "inside: set by the kernel only", "field": "inside"}


def test_a_rebuilt_model_closes_the_panel():
    w = BabyGPTWidget(**SMALL)
    w.explain("000")
    w.configure(lr=0.01)  # same model: the panel stays
    assert w.inside["state"] == "000"
    w.configure(context_length=2)
    assert w.inside == {}


def test_replay_steps_are_even_and_keep_both_ends():
    steps = replay_steps(np.arange(0, 1001, 1), 1000, limit=32)
    assert len(steps) == 32 and steps[0] == 0 and steps[-1] == 1000
    gaps = np.diff(steps)
    assert gaps.max() - gaps.min() <= 1
    assert replay_steps(np.array([0, 1, 2]), 3) == [0, 1, 2, 3]


def test_save_html_carries_the_replay_and_live_views_never_get_it(w, tmp_path):
    w.show_step(20)
    w.explain("000")
    sent: list = []
    original = w.send_state
    w.send_state = lambda key=None: sent.append(key)  # type: ignore[method-assign]
    try:
        w.save_html(tmp_path / "page.html")
    finally:
        w.send_state = original  # type: ignore[method-assign]
    assert w.inside_replay == {} and not any(k and "inside_replay" in k for k in sent)
    mine, _ = read_page_data((tmp_path / "page.html").read_text())
    r = mine["inside_replay"]
    assert r["complete"] and r["steps"][0] == 0 and r["steps"][-1] == 50 and 20 in r["steps"]
    assert len(r["states"]) == 14 and set(r["entries"]) == set(r["states"])
    assert mine["inside"]["state"] == "000" and mine["inside"]["step"] == 20  # the page opens the panel as it was
    k = r["steps"].index(20)
    assert_matches(r["entries"]["000"][k], w.engine.explain("000", 20), tol=1e-3)  # 4 significant digits
    numbers = sum(np.array(e[key]).size for es in r["entries"].values() for e in es
                  for key in ("token_embeddings", "position_embeddings", "attention", "lens_probs", "logits", "probs"))
    assert numbers <= REPLAY_MAX_NUMBERS
