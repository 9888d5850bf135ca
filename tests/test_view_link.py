"""View links (babygpt_widget/widget/view_link.py): the text format, its bounds and refusals,
a hypothesis round trip over every field, and the golden file the front end's test reads."""

from __future__ import annotations

import pathlib
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from babygpt_widget.core.config import MAX_STEPS, RunConfig
from babygpt_widget.lesson.schema import MAX_PAGES
from babygpt_widget.runs.runstring import Segment, format_run_string
from babygpt_widget.widget.traits import CONTROLS, SECTIONS
from babygpt_widget.widget.view_link import (MAX_LENGTH, MAX_MARKED, PREFIX, ViewLink, escape_value, format_link,
                                             parse_link, plain_number)

sys.path.insert(0, str(pathlib.Path(__file__).parent / "golden"))
import make_view_link_golden  # noqa: E402

SEED = format_run_string([Segment(RunConfig(), 50)])
FRAGMENT_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@/%;=,")


def test_the_issue_view_reads_back_and_is_fragment_safe() -> None:
    view = ViewLink(SEED, step=20, layout="force", temperature=0.5, marked=("000",), hide=("compare",))
    link = format_link(view)
    assert link.startswith(PREFIX) and ";step=20;layout=force;T=0.5;marked=000;hide=compare" in link
    assert set(link) <= FRAGMENT_SAFE  # a URL's # part as it is
    assert parse_link(link) == view
    assert view.controls == [c for c in CONTROLS if c != "compare"]


def test_defaults_and_a_page_url() -> None:
    link = f"{PREFIX}run={escape_value(SEED)}"
    assert parse_link(link) == ViewLink(SEED)
    assert parse_link(f"  file:///tmp/page.html#{link};  ") == ViewLink(SEED)  # a trailing ';', spaces


@pytest.mark.parametrize("link, key", make_view_link_golden.REFUSED)
def test_refusals_name_the_key(link: str, key: str) -> None:
    with pytest.raises(ValueError, match="^link: " if key == "link" else f"^link: {key}"):
        parse_link(link)


def test_bounds() -> None:
    with pytest.raises(ValueError, match=r"^link: at most [\d,]+ characters"):
        parse_link(PREFIX + "run=" + "a" * MAX_LENGTH)
    too_many = ",".join(f"s{i}" for i in range(MAX_MARKED + 1))
    with pytest.raises(ValueError, match="^link: marked: at most 4,096"):
        parse_link(f"{PREFIX}run={escape_value(SEED)};marked={too_many}")
    with pytest.raises(ValueError, match="^link: step"):
        parse_link(f"{PREFIX}run={escape_value(SEED)};step={MAX_STEPS + 1}")
    with pytest.raises(ValueError, match="^link: run: "):  # the run string itself is checked
        parse_link(f"{PREFIX}run={escape_value(SEED.replace('C=3', 'C=99'))}")
    for bad in (None, 3, b"babygpt-view1:"):
        with pytest.raises(ValueError, match="^link: must be a string"):
            parse_link(bad)


def test_a_run_too_long_for_a_link_carries_the_too_long_marker() -> None:
    long_run = format_run_string([Segment(RunConfig(sequence="😀😁" * 50_000, alphabet="😀😁"), 7)])
    link = format_link(ViewLink(long_run, step=3))
    assert len(link) < 200 and parse_link(link).run == "babygpt2:too-long;steps=7"


def test_plain_numbers_read_back_exactly() -> None:
    for x in (0.0, 1.0, 0.5, 2.0, 1e-7, 2 ** -7, 0.1 + 0.2, 1.2345678901234567, 1e-300, 5e-324, 1e21):
        text = plain_number(x)
        assert "e" not in text and float(text) == x, (x, text)
    assert plain_number(1.0) == "1" and plain_number(1e-5) == "0.00001"


states = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(step=st.none() | st.integers(0, MAX_STEPS), layout=st.sampled_from(["circular", "force"]),
       temperature=st.floats(0, 2), marked=st.lists(states, max_size=8, unique=True),
       hide=st.lists(st.sampled_from(CONTROLS), unique=True), steps=st.integers(0, 1000),
       alphabet=st.sampled_from(["01", "ab", "a;b=c%|é😀#,", "xyz"]), select=st.just("") | states,
       opened=st.lists(st.sampled_from(SECTIONS), unique=True), lesson=st.none() | st.integers(0, MAX_PAGES - 1))
def test_every_field_round_trips(step, layout, temperature, marked, hide, steps, alphabet, select, opened,
                                 lesson) -> None:
    run = format_run_string([Segment(RunConfig(alphabet=alphabet, sequence=alphabet * 3, context_length=2), steps)])
    view = ViewLink(run, step, layout, temperature, tuple(marked), tuple(c for c in CONTROLS if c in hide), select,
                    tuple(c for c in SECTIONS if c in opened), lesson)
    link = format_link(view)
    assert (";lesson=" in link) == (lesson is not None)
    assert set(link) <= FRAGMENT_SAFE
    assert parse_link(link) == view
    assert format_link(parse_link(link)) == link


def test_the_golden_file_for_the_front_end_is_current() -> None:
    assert make_view_link_golden.OUT.read_text(encoding="utf-8") == make_view_link_golden.text()
