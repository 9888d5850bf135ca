"""View links in a real browser. JupyterLab 1280×720: a view set by hand (scrubbed to step 20,
a mark, temperature 0.5, force layout, 101 found, This step opened and Sample closed; the compare
panel hidden) is copied with Copy link, and ``BabyGPTWidget.from_link`` of the copied text in a
new cell shows that exact view. A saved page opened offline with ``#<link>`` shows that view, and
changing the view rewrites the ``#`` part without adding history entries."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import Lab, LectureView, first_lecture_view, open_in_lab

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "view-link"
CELL = ("from babygpt_widget import BabyGPTWidget\n\n"
        "w = BabyGPTWidget(controls=[c for c in BabyGPTWidget().controls if c != 'compare'])\nw.train(50)\nw")


def _python(lab: Lab, expr: str) -> object:
    cell = lab.add_and_run_cell(f"import json; print(json.dumps({expr}))")
    return json.loads(cell.locator(".jp-OutputArea-output").last.inner_text())


def _view_facts(view: LectureView) -> dict:
    """What the view shows, read from the DOM."""
    return {
        "slider": view.root.locator('[data-role="slider-pos"]').text_content(),
        "layout": view.layout_select.input_value(),
        "temperature": view.root.locator('input[data-field="temperature"]').input_value(),
        "marked": sorted(view.root.locator("svg.bg-graph g.bg-node.bg-naughty").evaluate_all(
            "els => els.map(e => e.getAttribute('data-state'))")),
        "compare_hidden": view.root.locator('section[data-section="compare"]').evaluate(
            "s => s.classList.contains('bg-off') && s.getBoundingClientRect().height === 0"),
        "labels": view.edge_labels(),
        "open": view.root.locator("section.bg-open").evaluate_all("els => els.map(e => e.dataset.section)"),
        "found": view.root.locator("svg.bg-graph g.bg-node.bg-found").evaluate_all(
            "els => els.map(e => e.getAttribute('data-state'))"),
    }


@pytest.mark.timeout(600)
def test_copy_link_then_from_link_shows_the_exact_view(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "viewlink.ipynb", jupyter_server.root, [CELL])
    view = first_lecture_view(lab)
    lab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    view.set_slider(20)
    expect(view.root.locator('[data-role="slider-pos"]')).to_contain_text("step 20 ")
    view.node("000").click()  # mark 000 (naughty)
    expect(view.node("000")).to_have_class(__import__("re").compile("bg-naughty"))
    view.set_input("temperature", 0.5)
    view.layout_select.select_option("force")
    view.button("section-step").click()  # open This step
    view.button("section-sample").click()  # close Sample a walk
    find = view.root.locator('input[data-field="search_state"]')
    find.fill("101")
    find.press("Enter")
    expect(view.node("101")).to_have_class(__import__("re").compile("bg-found"))
    head = view.root.locator('button[data-action="section-run"]')
    if head.get_attribute("aria-expanded") != "true":
        head.click()
    copy = view.button("copy-link")
    copy.scroll_into_view_if_needed()
    # geometry: Copy link sits beside Copy, inside the side panel, not covered
    c, r = copy.bounding_box(), view.button("copy-run").bounding_box()
    assert c and r and abs(c["y"] - r["y"]) < r["height"] and c["x"] >= r["x"] + r["width"] - 1
    hit = lab.page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.dataset.action ?? null",
                            [c["x"] + c["width"] / 2, c["y"] + c["height"] / 2])
    assert hit == "copy-link"
    expect(view.root.locator('[data-role="slider-pos"]')).to_contain_text("step 20 ")
    copy.click()
    expect(copy).to_have_text("Copied ✓")
    link = lab.page.evaluate("() => navigator.clipboard.readText()")
    assert link.startswith("babygpt-view1:run=babygpt2:") and ";step=20;layout=force;T=0.5;marked=000;select=101;" \
        "open=view,inside,step,analysis,compare,settings,run;hide=compare" in link, link
    assert _python(lab, "w.link") == link  # the front end's link = Python's for the same view
    before = _view_facts(view)
    # a new cell: the link rebuilds the run and shows the same view
    cell = lab.add_and_run_cell(f"w2 = BabyGPTWidget.from_link({link!r})\nw2")
    other = LectureView(cell.locator(".babygpt-widget"))
    expect(other.edges).to_have_count(16, timeout=60_000)
    expect(other.root.locator('[data-role="slider-pos"]')).to_contain_text("step 20 / 50", timeout=120_000)
    after = _view_facts(other)
    assert after == before, (before, after)
    assert before["layout"] == "force" and before["temperature"] == "0.5" and before["marked"] == ["000"]
    assert before["compare_hidden"] is True and before["found"] == ["101"] and "step" in before["open"] \
        and "sample" not in before["open"]
    assert _python(lab, "[w2.link == w.link, float(abs(w2.engine.probabilities - w.engine.probabilities).max())]") \
        == [True, 0.0]
    other.root.scroll_into_view_if_needed()
    lab.screenshot(SHOTS / "from-link-jupyterlab.png", other.root)


# -- a saved page: the address's # part is the view link -----------------------------------------
@pytest.fixture(scope="module")
def saved_page(tmp_path_factory):
    """A saved page of the seed run (50 steps) and its run string."""
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget()
    w.train(50)
    path = tmp_path_factory.mktemp("view-link") / "seed.html"
    w.save_html(path)
    history = w.history
    return path, w.run_string, {int(s): history.probs[k] for k, s in enumerate(history.steps)}, list(w.states)


def _link(run: str, **view) -> str:
    from babygpt_widget.widget.view_link import ViewLink, format_link

    return format_link(ViewLink(run, **view))


def _tempered_label(p: list[float], token: int, t: float) -> str:
    from .test_saved_page_offline import label

    w = [x ** (1 / t) for x in p]
    return label(str(token), w[token] / sum(w))


@pytest.mark.timeout(300)
def test_a_saved_page_opened_with_a_link_shows_that_view_and_keeps_the_address_current(saved_page, web_page):
    from .test_saved_page_offline import Offline

    path, run, probs, states = saved_page
    view_parts = dict(marked=("000",), hide=("compare",), select="101", open=("view", "step", "run"))
    link = _link(run, step=20, layout="force", temperature=0.5, **view_parts)
    off = Offline(web_page)
    off.page.goto(f"{path.as_uri()}#{link}", wait_until="domcontentloaded")
    view = LectureView(off.page.locator(".babygpt-widget").first)
    expect(view.edges).to_have_count(16, timeout=60_000)
    expect(view.root.locator('[data-role="slider-pos"]')).to_contain_text("step 20 / 50")
    expect(view.layout_select).to_have_value("force")
    expect(view.root.locator('input[data-field="temperature"]')).to_have_value("0.5")
    expect(view.node("000")).to_have_class(__import__("re").compile("bg-naughty"))
    assert view.root.locator("svg.bg-graph g.bg-node.bg-naughty").count() == 1
    assert view.root.locator('section[data-section="compare"]').evaluate(
        "s => s.classList.contains('bg-off') && s.getBoundingClientRect().height === 0")
    expect(view.error_for("link")).to_be_empty()  # the page's own run: nothing to say
    assert view.root.locator("section.bg-open").evaluate_all("els => els.map(e => e.dataset.section)") \
        == ["view", "step", "run"]
    expect(view.node("101")).to_have_class(__import__("re").compile("bg-found"))
    expect(view.root.locator('[data-role="found"]')).to_contain_text("101")
    # the chain drawn is step 20's at temperature 0.5 (Python's numbers)
    i = states.index("101")
    expect(view.edge_label("101", "011")).to_have_text(_tempered_label(list(probs[20][i]), 1, 0.5))
    SHOTS.mkdir(parents=True, exist_ok=True)
    off.page.screenshot(path=str(SHOTS / "saved-page-linked.png"))
    # changing the view rewrites the # part in place: no new history entry
    entries = off.page.evaluate("() => history.length")
    assert off.page.evaluate("() => location.hash.slice(1)") == link  # nothing written before a change
    view.layout_select.select_option("circular")
    circular = _link(run, step=20, layout="circular", temperature=0.5, **view_parts)
    off.page.wait_for_function("h => location.hash.slice(1) === h", arg=circular, timeout=10_000)
    view.set_slider(30)
    view.set_input("temperature", 1.5)
    view.button("section-sample").click()
    later = _link(run, step=30, layout="circular", temperature=1.5,
                  **{**view_parts, "open": ("view", "step", "sample", "run")})
    off.page.wait_for_function("h => location.hash.slice(1) === h", arg=later, timeout=10_000)
    assert off.page.evaluate("() => history.length") == entries
    assert not off.blocked and not off.errors(), (off.blocked, off.errors())


@pytest.mark.timeout(300)
def test_a_link_of_another_run_applies_its_view_and_says_so_and_a_bad_one_is_refused(saved_page, web_page):
    from .test_saved_page_offline import Offline

    path, run, _probs, _states = saved_page
    other = run.replace("steps=50", "steps=40")
    off = Offline(web_page)
    off.page.goto(f"{path.as_uri()}#{_link(other, step=10, layout='force', marked=('000', '2222'))}",
                  wait_until="domcontentloaded")
    view = LectureView(off.page.locator(".babygpt-widget").first)
    expect(view.edges).to_have_count(16, timeout=60_000)
    expect(view.error_for("link")).to_contain_text("another run")
    expect(view.error_for("link")).to_contain_text("marked 2222: not states of this chain")
    expect(view.root.locator('[data-role="slider-pos"]')).to_contain_text("step 10 / 50")
    expect(view.layout_select).to_have_value("force")
    note = view.error_for("link").bounding_box()
    assert note and note["width"] > 0
    off.page.screenshot(path=str(SHOTS / "saved-page-other-run.png"))
    # the reader moves on: the note goes
    view.layout_select.select_option("circular")
    expect(view.error_for("link")).to_be_empty()
    # a malformed link: said inline, the saved view shown (about:blank first: a new # alone
    # would not reload the page)
    off.page.goto("about:blank")
    off.page.goto(f"{path.as_uri()}#babygpt-view1:run=babygpt2:steps%3D1;T=9", wait_until="domcontentloaded")
    view = LectureView(off.page.locator(".babygpt-widget").first)
    expect(view.edges).to_have_count(16, timeout=60_000)
    expect(view.error_for("link")).to_contain_text("link: T (temperature) must be a number from 0 to 2")
    expect(view.layout_select).to_have_value("circular")
    assert not off.blocked and not off.errors(), (off.blocked, off.errors())


@pytest.mark.timeout(300)
def test_a_saved_page_opened_with_a_lesson_link_shows_the_card_at_that_page(saved_page, web_page):
    import concurrent.futures

    from babygpt_widget import BabyGPTWidget

    from .test_saved_page_offline import Offline

    path, run, _probs, _states = saved_page
    link = _link(run, step=0, temperature=0.5, lesson=2)  # "101 → 011 …", shown at step 0, T 0.5
    # Python's card for the same view (in a thread without the browser's event loop: the replay
    # runs to the end before from_link returns)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        python = pool.submit(BabyGPTWidget.from_link, link).result()
    assert python.lesson.page == 2 and python.link == link
    card_py = python.lesson.card()
    off = Offline(web_page)
    off.page.goto(f"{path.as_uri()}#{link}", wait_until="domcontentloaded")
    view = LectureView(off.page.locator(".babygpt-widget").first)
    expect(view.edges).to_have_count(16, timeout=60_000)
    card = view.root.locator('[data-role="lesson"]')
    expect(card).to_be_visible(timeout=20_000)
    expect(card.locator('[data-role="lesson-count"]')).to_have_text("3 / 13")
    expect(card.locator('[data-role="lesson-title"]')).to_have_text(card_py["title"])
    expect(card.locator('[data-role="lesson-text"]')).to_have_text(card_py["text"])
    # the link's view stands (the page's own set is not re-applied over it)
    expect(view.root.locator('[data-role="slider-pos"]')).to_contain_text("step 0 / 50")
    expect(view.root.locator('input[data-field="temperature"]')).to_have_value("0.5")
    expect(view.error_for("link")).to_be_empty()
    lit = view.root.locator('g.bg-edge[data-from="101"][data-token="1"]')
    expect(lit).to_have_class(__import__("re").compile(r"\bbg-lesson-lit\b"))
    off.page.screenshot(path=str(SHOTS / "saved-page-lesson-link.png"))
    # Next: the address follows the card (replaceState, no new history entry)
    entries = off.page.evaluate("() => history.length")
    card.locator('button[data-action="lesson-next"]').click()
    expect(card.locator('[data-role="lesson-count"]')).to_have_text("4 / 13")
    off.page.wait_for_function("() => location.hash.endsWith(';lesson=3')", timeout=10_000)
    assert off.page.evaluate("() => history.length") == entries
    assert not off.blocked and not off.errors(), (off.blocked, off.errors())
