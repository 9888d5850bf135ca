"""Exact run strings in a real JupyterLab: a long segmented run string shows its start and end
inside the side panel, Copy puts the whole string on the clipboard, pasting it back replays the
segments to the kernel's same run; comparing with another alphabet's string is refused at once."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .helpers import Lab, LectureView, first_lecture_view, open_in_lab

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "run-strings"
CELL = ("from babygpt_widget import BabyGPTWidget\n\n"
        "w = BabyGPTWidget(n_layer=1, n_head=1, n_embd=4, sequence='01' * 3000)\n"
        "w.train(10)\nw.configure(lr=0.003)\nw.train(10)\nw.configure(sequence='1100110011')\nw.train(5)\nw")


def _python(lab: Lab, expr: str) -> object:
    """Evaluate `expr` in the kernel; its JSON comes back through a new cell's output."""
    cell = lab.add_and_run_cell(f"import json; print(json.dumps({expr}))")
    return json.loads(cell.locator(".jp-OutputArea-output").last.inner_text())


def _open_section(view: LectureView, name: str) -> None:
    head = view.root.locator(f'button[data-action="section-{name}"]')
    if head.get_attribute("aria-expanded") != "true":
        head.click()
    view.root.locator(f'section[data-section="{name}"]').evaluate("el => el.scrollIntoView({block: 'center'})")


@pytest.mark.timeout(600)
def test_a_long_segmented_run_string_shows_copies_and_loads_back(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "runstrings.ipynb", jupyter_server.root, [CELL])
    view = first_lecture_view(lab)
    lab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    full = _python(lab, "w.run_string")
    assert isinstance(full, str) and len(full) > 6000 and full.endswith("|lr=0.003;steps=10|seq=1100110011;steps=5")
    _open_section(view, "run")
    line = view.root.locator('[data-role="run-string"]')
    expect(line).to_contain_text("babygpt2:seq=0101")
    shown = line.text_content() or ""
    assert len(shown) <= 163 and shown.endswith("|seq=1100110011;steps=5"), shown
    assert f"{len(full):,} characters" in (line.get_attribute("title") or "")
    # geometry: the line stays inside its section, the Copy button beside it is not covered
    box, section = line.bounding_box(), view.root.locator('section[data-section="run"]').bounding_box()
    assert box and section and box["x"] >= section["x"] - 1 and box["x"] + box["width"] <= section["x"] + section["width"] + 1
    tail = line.locator(".bg-run-tail")  # the step count stays in view while the start shrinks
    t = tail.bounding_box()
    assert tail.text_content() == "steps=5" and t and t["x"] + t["width"] <= box["x"] + box["width"] + 1
    copy = view.button("copy-run")
    c = copy.bounding_box()
    assert c and c["x"] >= box["x"] + box["width"] - 1  # beside the line, not pushed out of view
    hit = lab.page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.dataset.action ?? null",
                            [c["x"] + c["width"] / 2, c["y"] + c["height"] / 2])
    assert hit == "copy-run"
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=str(SHOTS / "long-run-string.png"))
    copy.click()
    expect(copy).to_have_text("Copied ✓")
    assert lab.page.evaluate("() => navigator.clipboard.readText()") == full
    # paste it back after a reset: the widget replays the segments to the same run
    view.button("reset").click()
    expect(line).to_contain_text(";steps=0")
    box_in = view.root.locator('input[data-field="run_string"]')
    box_in.click()
    lab.page.keyboard.press("Control+V")
    assert box_in.input_value() == full
    view.button("load-run").click()
    expect(line).to_contain_text("|seq=1100110011;steps=5", timeout=60_000)
    same = _python(lab, "[w.run_string == %r, __import__('numpy').array_equal(w.probabilities, "
                        "__import__('babygpt_widget').BabyGPT.from_run_string(w.run_string).probabilities)]" % full)
    assert same == [True, True]


@pytest.mark.timeout(600)
def test_comparing_with_another_alphabet_is_refused_before_training(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "compare-alphabet.ipynb", jupyter_server.root,
                ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(5)\nw"])
    view = first_lecture_view(lab)
    _open_section(view, "compare")
    other = "babygpt2:seq=0120120120;alphabet=012;C=3;steps=20000"
    view.root.locator('input[data-field="other"]').fill(other)
    view.button("compare").click()
    error = view.error_for("other")
    expect(error).to_contain_text("other: its alphabet '012' and context length 3 must equal", timeout=10_000)
    assert _python(lab, "[w.training, w.engine.global_step, w.comparison]") == [False, 5, {}]
