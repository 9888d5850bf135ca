"""Accessibility of the widget in a real JupyterLab (issue 13): axe-core (from npm) audits the
widget, light and dark, with its side panel sections open; no serious or critical violation,
every control has an accessible name, and keyboard focus is visible."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, REPO
from .helpers import Lab, LectureView, wait_for_widget, write_notebook

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CELLS = ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw.train(20)\nw"]
CONTROLS = "button, input, select, textarea, [role=button], [role=slider], [tabindex]:not([tabindex='-1'])"


def _open(lab: Lab, notebook_dir, jupyter_server) -> LectureView:
    lab.page.set_viewport_size({"width": 1400, "height": 900})
    nb = write_notebook(notebook_dir / "a11y.ipynb", CELLS)
    lab.open(nb.relative_to(jupyter_server.root).as_posix())
    lab.run_all()
    wait_for_widget(lab.page, lab.page.locator(".babygpt-widget"), timeout=60_000)
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.button("step")).to_be_enabled(timeout=30_000)
    # open every collapsible section so its controls are audited too
    for summary in view.root.locator("details:not([open]) > summary").all():
        summary.click()
    return view


def _audit(view: LectureView) -> list[dict]:
    """axe-core on the widget root: WCAG 2 A/AA rules; the serious and critical findings."""
    view.page.add_script_tag(path=str(AXE))
    result = view.root.evaluate(
        """async (root) => {
            const r = await axe.run(root, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _unnamed_controls(view: LectureView) -> list[str]:
    """Visible controls with no accessible name (text, aria-label, labelledby, title or label)."""
    return view.root.evaluate(
        """(root, sel) => [...root.querySelectorAll(sel)].filter(e => e.offsetParent !== null).filter(e => {
            const named = (e.getAttribute('aria-label') || '').trim() || (e.getAttribute('title') || '').trim()
              || (e.getAttribute('aria-labelledby') && document.getElementById(e.getAttribute('aria-labelledby')))
              || (e.labels && e.labels.length) || (e.tagName === 'BUTTON' && e.textContent.trim())
              || (e.tagName === 'SUMMARY' && e.textContent.trim());
            return !named;
        }).map(e => e.outerHTML.slice(0, 120))""",
        CONTROLS,
    )


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_axe_finds_no_serious_violation_and_every_control_is_named(lab, notebook_dir, jupyter_server, theme):
    view = _open(lab, notebook_dir, jupyter_server)
    if theme != "JupyterLab Light":
        lab.command("apputils:change-theme", {"theme": theme})
        lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
        lab.page.wait_for_timeout(500)
    violations = _audit(view)
    out = ARTIFACTS / "accessibility"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"axe-{theme.split()[-1].lower()}.json").write_text(json.dumps(violations, indent=1))
    assert violations == [], json.dumps(violations, indent=1)
    assert _unnamed_controls(view) == []
    if theme != "JupyterLab Light":
        lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})
        lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'", timeout=30_000)


def test_keyboard_focus_is_visible(lab, notebook_dir, jupyter_server):
    view = _open(lab, notebook_dir, jupyter_server)
    step = view.button("step")
    style = "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.boxShadow].join('|'); }"
    unfocused = step.evaluate(style)
    step.focus()
    view.page.keyboard.press("Shift")  # a keyboard event: :focus-visible applies
    step.evaluate("e => e.focus({focusVisible: true})")
    focused = step.evaluate(style)
    assert focused != unfocused, f"no visible focus ring on Step: {focused}"
    assert view.root.evaluate("() => document.activeElement?.dataset?.action") == "step"
