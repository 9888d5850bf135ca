"""Lessons as data (babygpt_widget/lesson): the schema and its field-named errors, the figures a
card shows against the model's own numbers, and the widget's lesson (go, the command, Leave)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from babygpt_widget import BabyGPTWidget
from babygpt_widget.core.chain import stationary_distribution
from babygpt_widget.lesson import SEED_LESSON, validate_lesson
from babygpt_widget.lesson.figures import check_figures

PAGE = {"title": "t", "text": "x"}


def test_the_seed_lesson_is_valid_and_tells_the_story_in_order():
    pages = validate_lesson(SEED_LESSON)
    assert len(pages) >= 8
    titles = " | ".join(p["title"] for p in pages)
    for words in ("Eight states", "Train fifty", "101 → 011", "111", "000", "Sampling", "Temperature 0", "time",
                  "{actual} states", "Is it the seed", "How big"):
        assert words in titles
    assert pages[0]["set"]["shown_step"] == 0 and pages[1]["wait"] == {"action": "train", "step": 50}


@pytest.mark.parametrize("pages, message", [
    ("lesson 1", 'lesson: must be "seed" or a list'),
    ([], "lesson: must have 1 to 50 pages"),
    ([{"text": "x"}], "lesson[0].title: missing"),
    ([PAGE, {"title": "", "text": "x"}], "lesson[1].title: must be a string of 1 to 80"),
    ([{**PAGE, "colour": 1}], "lesson[0].colour: unknown key"),
    ([{**PAGE, "wait": {"action": "dance"}}], "lesson[0].wait.action: must be one of train, slider, click"),
    ([{**PAGE, "wait": {"action": "train"}}], "lesson[0].wait.step: a train wait needs step"),
    ([{**PAGE, "wait": {"action": "train", "step": 0}}], "lesson[0].wait.step: must be an integer from 1"),
    ([{**PAGE, "wait": {"action": "temperature", "value": 3}}], "lesson[0].wait.value: must be a number from 0 to 2"),
    ([{**PAGE, "wait": {"action": "click", "state": "000", "n": 2}}], "lesson[0].wait.n: unknown key"),
    ([PAGE, PAGE, PAGE, {**PAGE, "set": {"layout": "spiral"}}], "lesson[3].set.layout: must be one of circular, force"),
    ([{**PAGE, "set": {"settings": {"lr": -1}}}], "lesson[0].set.settings.lr:"),
    ([{**PAGE, "set": {"settings": {"colour": 1}}}], "lesson[0].set.settings.colour: unknown key"),
    ([{**PAGE, "set": {"shown_step": "soon"}}], "lesson[0].set.shown_step: must be an integer"),
    ([{**PAGE, "set": {"marks": "000"}}], "lesson[0].set.marks: must be a list"),
    ([{**PAGE, "set": {"panel": "kitchen"}}], "lesson[0].set.panel: must be one of view"),
    ([{**PAGE, "highlight": {"node": "1", "edge": "1>1"}}], "lesson[0].highlight: must name exactly one"),
    ([{**PAGE, "highlight": {"edge": "101"}}], "lesson[0].highlight.edge: must be an edge written STATE>TOKEN"),
    ([{**PAGE, "highlight": {"control": "toaster"}}], "lesson[0].highlight.control: must be one of"),
    ([{**PAGE, "text": "{lossy}"}], "lesson[0].text: unknown figure {lossy}"),
    ([{**PAGE, "text": "{p:101}"}], "lesson[0].text: {p:101}: write STATE>TOKEN"),
    ([{**PAGE, "text": "a { b"}], "lesson[0].text: a brace that opens no figure"),
    ([{**PAGE, "text": "{step@3}"}], "lesson[0].text: {step@…}: only loss takes a step"),
])
def test_a_bad_lesson_names_the_field(pages, message):
    with pytest.raises(ValueError) as e:
        validate_lesson(pages)
    assert str(e.value).startswith(message), str(e.value)


def test_a_bad_lesson_is_refused_before_a_widget_exists():
    with pytest.raises(ValueError, match=r"lesson\[0\]\.wait\.action"):
        BabyGPTWidget(lesson=[{**PAGE, "wait": {"action": "dance"}}])
    with pytest.raises(ValueError, match="lesson: must be"):
        BabyGPTWidget(lesson="the seed")


def test_figure_grammar_accepts_what_the_seed_lesson_uses():
    check_figures("{loss@0} {p:101>1} {label:000>1} {data:111>1} {share:110} {greedy:111} {bits:50257x2048} {size}")


@pytest.fixture(scope="module")
def seed_widget() -> BabyGPTWidget:
    return BabyGPTWidget(lesson="seed")


def card_at(w: BabyGPTWidget, page: int) -> str:
    w.lesson.go(page)
    return w.lesson.card()["title"] + " :: " + w.lesson.card()["text"]


def test_the_seed_lesson_figures_are_the_models(seed_widget):
    w = seed_widget
    assert w.lesson.page == 0 and w.global_step == 0
    first = card_at(w, 0)
    p0 = w.engine.probabilities
    states = w.engine.states
    assert f"after 101 the model says 1 at {p0[states.index('101'), 1] * 100:.0f}%" in first
    assert "over 8 states" in first
    w.train(50)
    assert w.global_step == 50
    text = card_at(w, 1)
    assert f"started at {w.engine.history.losses[0]:.4f}" in text and "0.6635" in text
    assert f"it is {w.loss:.4f} at step 50" in text
    p = w.engine.probabilities
    text = card_at(w, 2)
    assert text.startswith(f"101 → 011 at {p[5, 1] * 100:.0f}%") and "79%" in text and "(100%)" in text
    text = card_at(w, 4)
    assert f"says {p[7, 1] * 100:.0f}%" in text and "45%" in text and "1 50% of the time" in text
    text = card_at(w, 5)
    assert "guesses 1(73%)" in text and "in 111101111011110" in text
    w.temperature = 0.0
    assert "always goes to 110" in card_at(w, 7)
    text = card_at(w, 8)  # sets temperature 1 back
    assert w.temperature == 1.0
    share = stationary_distribution(p.astype(np.float64), w.engine.state_space().next_index)
    assert f"{share[7] * 100:.1f}% in 111" in text and f"{share[0] * 100:.1f}% in 000" in text
    text = card_at(w, 9)
    assert text.startswith("14 states, not 8")
    text = card_at(w, 11)
    bits = math.log2(50257) * 2048
    assert "3 bits (0.375 bytes)" in text and f"{bits:,.0f} bits" in text and "31,984" in text
    assert "≈ 4.0 kB a state" in text and "≈ 8.0 kB" in text and "≈ 64.0 kB" in text
    assert "released GPT-2 reads 1,024 tokens (2.0 kB)" in text


def test_leave_puts_the_learners_run_and_view_back():
    w = BabyGPTWidget(seed=7, sequence="1100110011")
    w.train(12)
    w.temperature, w.naughty, w.graph_layout = 0.5, ["000"], "force"
    w.show_step(3)
    before = (w.engine, w.run_string, w.probs, w.history_steps)
    w.lesson.go(0)  # the seed lesson (always offered): its own run, at step 0
    assert w.engine is not before[0] and w.config["seed"] == 1337 and w.global_step == 0
    assert (w.temperature, w.naughty, w.graph_layout) == (1.0, [], "circular")
    w.lesson.go(2)  # "101 → 011": trains the lesson's run to step 50
    assert w.global_step == 50
    w.lesson.leave()
    assert w.lesson.page is None
    assert (w.engine, w.run_string, w.probs, w.history_steps) == before
    assert (w.temperature, w.naughty, w.graph_layout) == (0.5, ["000"], "force")
    assert w._shown_step == 3


def test_a_lesson_without_settings_uses_the_learners_run():
    w = BabyGPTWidget(lesson=[{"title": "Look", "text": "Loss {loss}.", "set": {"temperature": 0.5}},
                              {"title": "Train", "text": "Go.", "wait": {"action": "train", "step": 5}}])
    engine = w.engine
    assert w.lesson.page == 0 and w.temperature == 0.5
    w.lesson.next()
    w.train(5)
    w.lesson.leave()
    assert w.engine is engine and w.global_step == 5 and w.temperature == 1.0


def test_the_lesson_command_moves_pages_and_refuses_bad_pages(monkeypatch):
    w = BabyGPTWidget()
    replies: list = []
    monkeypatch.setattr(w, "send", lambda content, buffers=None: replies.append(content))
    w._on_message(w, {"cmd": "lesson", "page": 3}, [])
    assert replies[-1] == {"reply": "lesson", "ok": True} and w.lesson_page == 3
    w._on_message(w, {"cmd": "lesson", "page": 99}, [])
    assert replies[-1]["ok"] is False and replies[-1]["field"] == "page" and w.lesson_page == 3
    w._on_message(w, {"cmd": "lesson", "page": "2"}, [])
    assert replies[-1]["ok"] is False and w.lesson_page == 3
    w._on_message(w, {"cmd": "lesson", "page": -1}, [])
    assert replies[-1]["ok"] is True and w.lesson_page == -1 and w.config["seed"] == 1337


def test_the_lesson_traits_are_the_kernels():
    w = BabyGPTWidget()
    replies: list = []
    w.send = lambda content, buffers=None: replies.append(content)  # type: ignore[method-assign]
    w.set_state({"lesson_page": 4})
    assert w.lesson_page == -1 and replies[-1]["field"] == "lesson_page"
