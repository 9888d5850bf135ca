"""The lesson card in a saved page (no kernel, no network): the page moves pages itself, its
figures are the page's own chain, and a training wait is done by the page's engine (Do it for me
trains in the page): Train ×50 → the next page's title says 101 → 011 at 79%, as in a kernel."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .test_saved_page_offline import Offline

pytestmark = pytest.mark.browser

BUILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from babygpt_widget import BabyGPTWidget
    w = BabyGPTWidget(lesson="seed")
    w.save_html(Path(sys.argv[1]) / "lesson.html")
    """
)


def test_the_lesson_card_in_a_saved_page(tmp_path, web_page):
    (tmp_path / "build.py").write_text(BUILD)
    done = subprocess.run([sys.executable, str(tmp_path / "build.py"), str(tmp_path)], capture_output=True, text=True,
                          timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    off = Offline(web_page)
    view = off.open(tmp_path / "lesson.html")
    card = view.root.locator('[data-role="lesson"]')
    expect(card).to_be_visible(timeout=30_000)
    expect(card.locator('[data-role="lesson-count"]')).to_have_text("1 / 13")
    expect(card.locator('[data-role="lesson-text"]')).to_contain_text("over 8 states. At step 0")
    expect(view.root.locator('g.bg-node[data-state="101"]')).to_have_class(__import__("re").compile("bg-lesson-lit"))
    card.locator('button[data-action="lesson-next"]').click()
    expect(card.locator('[data-role="lesson-title"]')).to_have_text("Train fifty steps")
    nxt = card.locator('button[data-action="lesson-next"]')
    expect(nxt).to_be_disabled()
    do_it = card.locator('button[data-action="lesson-do"]')
    expect(do_it).to_be_enabled(timeout=30_000)  # the page's engine trains
    do_it.click()
    expect(nxt).to_be_enabled(timeout=120_000)
    expect(view.step_readout).to_have_text("50")
    nxt.click()
    expect(card.locator('[data-role="lesson-title"]')).to_have_text("101 → 011 at 79%, not 100%")
    shots = ARTIFACTS / "lesson"
    shots.mkdir(parents=True, exist_ok=True)
    off.page.screenshot(path=str(shots / "saved-page-lesson-page03.png"))
    card.locator('button[data-action="lesson-leave"]').click()
    expect(card).to_be_hidden()
    assert off.blocked == [] and off.errors() == [], (off.blocked, off.errors())
