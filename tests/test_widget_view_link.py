"""``w.link`` and ``BabyGPTWidget.from_link``: a view link rebuilds the run (from its exact run
string) and shows the same view: shown step, layout, temperature, marks, hidden controls."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from test_widget_threads import wait_idle

from babygpt_widget import BabyGPTWidget
from babygpt_widget.widget.view_link import parse_link

VIEW_TRAITS = ("graph_layout", "temperature", "naughty", "controls", "shown_index", "global_step", "run_string",
               "selected_state", "open_sections")


def issue_view() -> BabyGPTWidget:
    """The issue's example run (settings changed part-way), scrubbed back and dressed up."""
    w = BabyGPTWidget()
    w.train(10)
    w.configure(lr=0.003)
    w.train(10)
    w.configure(sequence="1100110011")
    w.train(5)
    w.show_step(12)
    w.graph_layout = "force"
    w.temperature = 0.5
    w.naughty = ["000", "11"]  # a full state and a shorter context
    w.controls = [c for c in w.controls if c not in ("compare", "reset")]
    w.selected_state = "101"
    w.open_sections = ["view", "step", "run"]
    return w


def shown_probs(w: BabyGPTWidget) -> np.ndarray:
    return np.frombuffer(w.history_probs, "<f4").reshape(-1, len(w.states) * 2)[w.shown_index]


def test_link_then_from_link_shows_the_same_view_and_chain() -> None:
    w = issue_view()
    link = w.link
    view = parse_link(link)
    assert (view.step, view.layout, view.temperature, view.marked, view.hide) == (12, "force", 0.5, ("000", "11"),
                                                                                  ("reset", "compare"))
    assert (view.select, view.open) == ("101", ("view", "step", "run"))
    again = BabyGPTWidget.from_link(link)
    for name in VIEW_TRAITS:
        assert getattr(again, name) == getattr(w, name), name
    assert again.link == link
    assert np.abs(shown_probs(again) - shown_probs(w)).max() <= 1e-6
    assert np.abs(again.engine.probabilities - w.engine.probabilities).max() <= 1e-6


def test_a_live_view_links_as_live() -> None:
    w = BabyGPTWidget()
    w.train(3)
    assert ";step=live;" in w.link
    assert BabyGPTWidget.from_link(w.link).shown_index == -1


@pytest.mark.timeout(180)
def test_in_a_kernel_the_step_is_shown_once_the_background_replay_is_done() -> None:
    link = issue_view().link

    async def main() -> BabyGPTWidget:
        w = BabyGPTWidget.from_link(link)
        assert w.training  # the replay trains in the background, the cell returns at once
        await wait_idle(w)
        return w

    w = asyncio.run(main())
    assert w.global_step == 25 and w.link == link


def test_bad_links_are_refused_naming_the_key_and_build_nothing() -> None:
    good = issue_view().link
    with pytest.raises(ValueError, match="^link: marked: '222' is not a state"):
        BabyGPTWidget.from_link(good.replace("marked=000,11", "marked=222"))
    with pytest.raises(ValueError, match="^link: select: '1234' is not a state"):
        BabyGPTWidget.from_link(good.replace("select=101", "select=1234"))
    with pytest.raises(ValueError, match="^link: T"):
        BabyGPTWidget.from_link(good.replace("T=0.5", "T=5"))
    with pytest.raises(ValueError, match="^link: run: .*share a saved run file"):
        BabyGPTWidget.from_link("babygpt-view1:run=babygpt2:too-long%3Bsteps%3D5")
    with pytest.raises(ValueError, match="^link: must start"):
        BabyGPTWidget.from_link("https://example.org/#nothing")


def test_open_sections_and_the_selected_state_are_checked_and_kept_valid() -> None:
    w = BabyGPTWidget()
    with pytest.raises(ValueError, match="^open_sections: unknown"):
        w.open_sections = ["view", "drawer"]
    w.open_sections = ["run", "view", "run"]
    assert w.open_sections == ["view", "run"]  # in the panel's order, once each
    with pytest.raises(ValueError, match="^selected_state: '2' is not a state"):
        w.selected_state = "2"
    w.selected_state = "11"  # a shorter context is a state too
    w.configure(context_length=1)  # the chain is rebuilt: a state that is gone is unselected
    assert w.selected_state == ""


def test_the_lesson_page_is_in_the_link_and_from_link_opens_it_over_the_linked_view() -> None:
    w = BabyGPTWidget(lesson="seed")
    assert w.lesson.page == 0 and w.link.endswith(";lesson=0")
    w.lesson.go(4)  # "111 at 45%": the lesson's own run, trained to 50, shown at step 0 … then the learner moves on
    w.temperature = 0.5
    link = w.link
    assert parse_link(link).lesson == 4 and link.endswith(";lesson=4")
    again = BabyGPTWidget.from_link(link)
    assert again.lesson.page == 4
    assert again.lesson.card() == w.lesson.card()  # the same figures: the linked view, not the page's set re-applied
    for name in VIEW_TRAITS:
        assert getattr(again, name) == getattr(w, name), name
    assert again.link == link
    again.lesson.leave()  # back to the view the link gave
    assert again.lesson.page is None and again.temperature == 0.5 and ";lesson=" not in again.link


def test_a_link_without_a_lesson_leaves_the_card_closed_even_with_lesson_pages() -> None:
    mine = [{"title": "One", "text": "first"}, {"title": "Two", "text": "second"}]
    plain = BabyGPTWidget().link
    assert ";lesson=" not in plain
    assert BabyGPTWidget.from_link(plain, lesson=mine).lesson.page is None
    opened = BabyGPTWidget.from_link(plain + ";lesson=1", lesson=mine)
    assert opened.lesson.page == 1 and opened.lesson.card() == {"title": "Two", "text": "second"}


def test_a_lesson_page_the_widget_has_not_is_refused_naming_the_key() -> None:
    plain = BabyGPTWidget().link
    with pytest.raises(ValueError, match=r"^link: lesson: page 13 is not a page of this widget's lesson \(pages 0 to 12\)"):
        BabyGPTWidget.from_link(plain + ";lesson=13")
    with pytest.raises(ValueError, match=r"^link: lesson: page 2 is not a page .*\(pages 0 to 0\)"):
        BabyGPTWidget.from_link(plain + ";lesson=2", lesson=[{"title": "Only", "text": "one"}])
    with pytest.raises(ValueError, match="^link: lesson: must be a lesson page from 0 to 49"):
        BabyGPTWidget.from_link(plain + ";lesson=-1")
