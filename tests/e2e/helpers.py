"""Helpers for driving JupyterLab + the BabyGPT widget with Playwright (sync API).

Facts followed here (see /work/shared/DESIGN.md §5): each notebook opens under its own
workspace URL; kernel readiness is the status-bar text "Python 3 (ipykernel) | Idle";
JupyterLab commands are run through ``page.evaluate("void …")`` so the promise is not awaited.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

KERNEL_IDLE_TEXT = "Python 3 (ipykernel) | Idle"
KERNEL_START_TIMEOUT = 90_000  # ms: torch import + kernel start on a 2-core box
RUN_TIMEOUT = 120_000  # ms: a whole "Run All"

EDGE_LABEL_RE = re.compile(r"^\s*(?P<token>\S+?)\s*\(\s*(?P<pct>\d+(?:\.\d+)?)\s*%\s*\)\s*$")
INT_RE = re.compile(r"-?\d+")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a minimal nbformat-4 notebook of code cells, with a kernelspec (no kernel dialog)."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {},
                "outputs": [],
                "source": src,
            }
            for i, src in enumerate(cells)
        ],
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


@dataclass
class Lab:
    """One JupyterLab page showing one notebook (in its own workspace)."""

    page: Page
    base_url: str
    console: list[str] = field(default_factory=list)

    # -- navigation ------------------------------------------------------------------------
    def open(self, nb_name: str) -> "Lab":
        workspace = f"e2e-{uuid.uuid4().hex[:12]}"
        self.page.goto(f"{self.base_url}/lab/workspaces/{workspace}/tree/{nb_name}", wait_until="domcontentloaded")
        # the notebook panel is there and the kernel is really ready
        expect(self.page.locator(".jp-NotebookPanel .jp-Notebook").first).to_be_visible(timeout=60_000)
        self.wait_kernel_idle(timeout=KERNEL_START_TIMEOUT)
        return self

    def wait_kernel_idle(self, timeout: float = RUN_TIMEOUT) -> None:
        expect(self.page.get_by_text(KERNEL_IDLE_TEXT, exact=True).first).to_be_visible(timeout=timeout)

    def command(self, name: str, args: dict | None = None) -> None:
        """Run a JupyterLab command without awaiting its promise (the `void` prefix)."""
        self.page.evaluate(
            "([name, args]) => { void window.jupyterapp.commands.execute(name, args); }",
            [name, args or {}],
        )

    # -- cells -----------------------------------------------------------------------------
    @property
    def code_cells(self) -> Locator:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell")

    def prompts(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell .jp-InputPrompt",
            "els => els.map(e => e.textContent.trim())",
        )

    def wait_all_executed(self, timeout: float = RUN_TIMEOUT) -> None:
        """Run All finished: nothing queued (``[*]``) and every code cell shows ``[n]:`` -- or a
        cell raised (Run All then stops and leaves the rest unrun)."""
        self.page.wait_for_function(
            """() => {
                const nb = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook';
                const ps = [...document.querySelectorAll(nb + ' .jp-CodeCell .jp-InputPrompt')]
                    .map(e => e.textContent.trim());
                if (ps.length === 0 || ps.some(t => t.includes('*'))) return false;
                if (ps.every(t => /^\\[\\d+\\]:$/.test(t))) return true;
                return document.querySelector(
                    nb + ' .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') !== null;
            }""",
            timeout=timeout,
        )

    def error_outputs(self) -> list[str]:
        """Texts of stderr outputs (tracebacks, warnings) in the notebook."""
        return self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) "
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()

    def run_all(self, timeout: float = RUN_TIMEOUT) -> None:
        self.wait_kernel_idle()
        self.command("notebook:run-all-cells")
        self.wait_all_executed(timeout=timeout)
        self.wait_kernel_idle(timeout=timeout)

    def run_cell(self, index: int, timeout: float = RUN_TIMEOUT) -> None:
        """Run one code cell (0-based among code cells) with Ctrl+Enter and wait for its count."""
        cell = self.code_cells.nth(index)
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Control+Enter")
        expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=timeout)

    def add_and_run_cell(self, code: str, timeout: float = RUN_TIMEOUT) -> Locator:
        """Append a code cell at the end, type ``code`` into it, run it (Shift+Enter); return the cell.

        Does not wait for the kernel to be idle first (a cell can be executed while Play runs)."""
        n = self.code_cells.count()
        # make the last cell active in command mode, then insert below it
        self.page.evaluate(
            """() => {
                const nb = window.jupyterapp.shell.currentWidget.content;
                nb.mode = 'command';
                nb.activeCellIndex = nb.widgets.length - 1;
            }"""
        )
        self.command("notebook:insert-cell-below")
        expect(self.code_cells).to_have_count(n + 1, timeout=10_000)
        cell = self.code_cells.nth(n)
        editor = cell.locator(".jp-InputArea-editor .cm-content")
        editor.click()
        self.page.keyboard.insert_text(code)  # insert_text: no bracket auto-closing / auto-indent
        self.page.wait_for_function(
            "code => window.jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel.getSource() === code",
            arg=code,
            timeout=5_000,
        )
        self.page.keyboard.press("Control+Enter")  # run in place (Shift+Enter would add a cell)
        expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=timeout)
        return cell

    # -- screenshots -------------------------------------------------------------------------
    def screenshot(self, path: Path, locator: Locator | None = None) -> Path:
        """Screenshot the page or one element. An element taller than the notebook's scroll area
        would be clipped by JupyterLab's toolbar / status bar: grow the viewport to fit it first."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if locator is None:
            self.page.screenshot(path=str(path))
            return path
        size = self.page.viewport_size
        box = locator.bounding_box()
        if size and box and box["height"] + 250 > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": int(box["height"] + 300)})
        try:
            locator.evaluate("el => el.scrollIntoView({block: 'center'})")
            locator.screenshot(path=str(path), animations="disabled")
        finally:
            if size:
                self.page.set_viewport_size(size)
        return path


# -- BabyGPT widget DOM helpers (selectors from docs/state-contract.md "DOM hooks") -----------
class BabyGPTView:
    """One rendered view of the widget (``.babygpt-widget``)."""

    def __init__(self, root: Locator):
        self.root = root
        self.page = root.page

    @classmethod
    def nth(cls, lab: Lab, index: int = 0) -> "BabyGPTView":
        return cls(lab.page.locator(".babygpt-widget").nth(index))

    # elements
    @property
    def graph(self) -> Locator:
        return self.root.locator("svg.bg-graph")

    @property
    def nodes(self) -> Locator:
        return self.root.locator("svg.bg-graph g.bg-node")

    @property
    def edges(self) -> Locator:
        return self.root.locator("svg.bg-graph g.bg-edge")

    def edge(self, src: str, dst: str, token: str | None = None) -> Locator:
        sel = f'g.bg-edge[data-from="{src}"][data-to="{dst}"]'
        if token is not None:
            sel += f'[data-token="{token}"]'
        return self.root.locator(sel)

    def edge_label(self, src: str, dst: str) -> Locator:
        return self.edge(src, dst).locator("text.bg-edge-label")

    def button(self, action: str) -> Locator:
        return self.root.locator(f'button[data-action="{action}"]')

    def field(self, name: str) -> Locator:
        return self.root.locator(f'input[data-field="{name}"]')

    def error_for(self, name: str) -> Locator:
        return self.root.locator(f'[data-error-for="{name}"]')

    @property
    def slider(self) -> Locator:
        return self.root.locator('input[type=range][data-role="history-slider"]')

    @property
    def step_readout(self) -> Locator:
        return self.root.locator('[data-role="step"]')

    # reading
    def step(self) -> int:
        text = self.step_readout.text_content() or ""
        m = INT_RE.findall(text.replace(",", "").replace("\u202f", "").replace("\u00a0", ""))
        if not m:
            raise AssertionError(f"step readout has no number: {text!r}")
        return int(m[-1])

    def edge_labels(self) -> dict[tuple[str, str], str]:
        """{(from, to): label text} of every drawn edge."""
        rows = self.edges.evaluate_all(
            """els => els.map(e => [e.getAttribute('data-from'), e.getAttribute('data-to'),
                                     (e.querySelector('text.bg-edge-label') || {}).textContent || ''])"""
        )
        return {(a, b): t.strip() for a, b, t in rows}

    def edge_percent(self, src: str, dst: str) -> tuple[str, float]:
        text = (self.edge_label(src, dst).text_content() or "").strip()
        m = EDGE_LABEL_RE.match(text)
        if not m:
            raise AssertionError(f"edge {src}->{dst} label {text!r} is not like '1(79%)'")
        return m["token"], float(m["pct"])

    # acting
    def set_slider(self, value: int) -> None:
        """Range inputs ignore fill(): set .value and dispatch input + change (what a drag does)."""
        self.slider.evaluate(
            """(el, v) => {
                el.value = String(v);
                el.dispatchEvent(new Event('input', {bubbles: true}));
                el.dispatchEvent(new Event('change', {bubbles: true}));
            }""",
            value,
        )

    def set_field(self, name: str, value: Any, commit: str = "Enter") -> None:
        box = self.field(name)
        box.fill(str(value))
        if commit:
            box.press(commit)



# -- lecture features (docs/state-contract.md "Lecture features") ---------------------------------
def _visible_js() -> str:
    """JS predicate: an element is drawn (no display:none / visibility:hidden up its SVG/HTML
    ancestry, and a non-empty box)."""
    return """e => {
        for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
            const cs = getComputedStyle(n);
            if (cs.display === 'none' || cs.visibility === 'hidden') return false;
        }
        const r = e.getBoundingClientRect();
        return r.width > 0 || r.height > 0;
    }"""


class LectureView(BabyGPTView):
    """BabyGPTView plus the lecture-feature hooks (sample walk, temperature, prefixes, naughty,
    export, static badge)."""

    @property
    def ticker(self) -> Locator:
        return self.root.locator('[data-role="ticker"]')

    @property
    def reach(self) -> Locator:
        return self.root.locator('[data-role="reach"]')

    @property
    def static_badge(self) -> Locator:
        return self.root.locator('[data-role="static-badge"]')

    @property
    def tooltip(self) -> Locator:
        return self.root.locator(".bg-tooltip")

    @property
    def loss_marker(self) -> Locator:
        return self.root.locator("svg.bg-loss .bg-loss-marker")

    @property
    def layout_select(self) -> Locator:
        return self.root.locator('select[data-field="layout"]')

    def node(self, state: str) -> Locator:
        return self.root.locator(f'svg.bg-graph g.bg-node[data-state="{state}"]')

    def ticker_text(self) -> str:
        """The whole ticker (start state + sampled tokens), whitespace removed."""
        if not self.ticker.count():
            return ""
        return re.sub(r"\s+", "", self.ticker.first.text_content() or "")

    def ticker_sampled(self) -> str:
        """Only the sampled tokens: the ticker minus its start-state part (`.bg-tick-start`, when
        the ticker shows the start state in its own element)."""
        if not self.ticker.count():
            return ""
        text = self.ticker.first.evaluate(
            """el => {
                const s = el.querySelector('.bg-tick-start');
                const all = el.textContent || '';
                return s ? all.slice(all.indexOf(s.textContent) + s.textContent.length) : all;
            }"""
        )
        return re.sub(r"\s+", "", text)

    def visible_edges(self) -> list[tuple[str, str, str]]:
        """(from, to, label) of every `g.bg-edge` that is actually drawn."""
        return self.edges.evaluate_all(
            f"""els => els.filter({_visible_js()}).map(e => [e.getAttribute('data-from'),
                e.getAttribute('data-to'), (e.querySelector('text.bg-edge-label') || {{}}).textContent || ''])"""
        )

    def node_positions(self) -> dict[str, tuple[float, float]]:
        """Screen centre of every node (so it reflects transforms, zoom and layout)."""
        rows = self.nodes.evaluate_all(
            """els => els.map(e => { const r = e.getBoundingClientRect();
                return [e.getAttribute('data-state'), r.x + r.width / 2, r.y + r.height / 2]; })"""
        )
        return {s: (x, y) for s, x, y in rows}

    def edge_widths(self) -> list[str]:
        """stroke-width of every drawn edge path (the width encodes the probability)."""
        return self.root.locator("svg.bg-graph g.bg-edge-line path.bg-edge-path").evaluate_all(
            "els => els.map(e => e.getAttribute('stroke-width') || getComputedStyle(e).strokeWidth)"
        )

    def loss_marker_state(self) -> dict:
        return self.loss_marker.first.evaluate(
            """m => { const l = m.querySelector('line'); const r = m.getBoundingClientRect();
                return {step: m.getAttribute('data-step'), x: l ? l.getAttribute('x1') : null,
                        left: r.x, display: getComputedStyle(m).display}; }"""
        )

    def set_input(self, name: str, value: Any) -> None:
        """Set `input[data-field=name]` whatever its type: range (value + input/change events),
        checkbox (check/uncheck), else type and press Enter."""
        box = self.root.locator(f'input[data-field="{name}"]').first
        kind = (box.get_attribute("type") or "text").lower()
        if kind == "checkbox":
            box.set_checked(bool(value))
        elif kind == "range":
            box.evaluate(
                """(el, v) => {
                    el.value = String(v);
                    el.dispatchEvent(new Event('input', {bubbles: true}));
                    el.dispatchEvent(new Event('change', {bubbles: true}));
                }""",
                value,
            )
        else:
            box.fill(str(value))
            box.press("Enter")


def wait_for_widget(page: Page, roots: Locator, count: int = 1, timeout: float = 60_000) -> None:
    """Wait for ``count`` widget roots; fail early with a clear message when the bundle is missing."""
    missing = page.get_by_text("front-end bundle is missing")
    deadline = time.monotonic() + timeout / 1000
    while roots.count() < count:
        if missing.count():
            raise AssertionError("widget shows 'front-end bundle is missing' (run `npm run build`)")
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} .babygpt-widget after {timeout / 1000:.0f} s")
        page.wait_for_timeout(200)  # polling a condition


def open_in_lab(lab: "Lab", notebook: Path, server_root: Path, cells: list[str], width: int = 1280,
                height: int = 720) -> None:
    """Write ``cells`` to ``notebook``, open it in JupyterLab at width × height with both side
    areas collapsed (a lecturer's screen), Run All, and wait for a widget."""
    lab.page.set_viewport_size({"width": width, "height": height})
    nb = write_notebook(notebook, cells)
    lab.open(nb.relative_to(server_root).as_posix())
    lab.page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
    lab.run_all()
    wait_for_widget(lab.page, lab.page.locator(".babygpt-widget"), timeout=60_000)


def first_lecture_view(lab: "Lab", edges: int = 16) -> "LectureView":
    """The first cell's widget, drawn (``edges`` edges) and with its kernel answering."""
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.edges).to_have_count(edges, timeout=60_000)
    expect(view.button("step")).to_be_enabled(timeout=30_000)
    return view


def collect_until(read, done, timeout: float = 30.0, poll_ms: int = 50, page: Page | None = None) -> list:
    """Poll ``read()`` until ``done(value)``; return every distinct value seen, in order."""
    seen: list = []
    deadline = time.monotonic() + timeout
    while True:
        v = read()
        if not seen or seen[-1] != v:
            seen.append(v)
        if done(v):
            return seen
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout} s; values seen: {seen[-12:]!r}")
        if page is not None:
            page.wait_for_timeout(poll_ms)
        else:
            time.sleep(poll_ms / 1000)


# -- static pages with no kernel and no network (DESIGN.md §5) -----------------------------------
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
STATIC_ORIGIN = "http://babygpt-static.test"  # a made-up origin: every request to it is answered by the route

_REQUIRE_RE = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/[^/]+/require(\.min)?\.js$")
_MATHJAX_RE = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/", re.I)
_HTML_MANAGER_RE = re.compile(
    r"^https://(?:unpkg\.com|cdn\.jsdelivr\.net/npm)/@jupyter-widgets/html-manager@(?P<ver>[^/]+)/dist/(?P<file>[^?#]+)"
)
_ANYWIDGET_RE = re.compile(r"^https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/anywidget@(?P<ver>[^/]+)/(?P<file>[^?#]+)")
MATHJAX_STUB = (
    "window.MathJax = window.MathJax || {Hub: {Config() {}, Queue() {}, Configured() {}, "
    "Register: {StartupHook() {}, MessageHook() {}}, processSectionDelay: 0}};"
)
_INTEGRITY_RE = re.compile(r"""\s+integrity\s*=\s*("[^"]*"|'[^']*')""", re.I)


def strip_integrity(html: str) -> str:
    """Drop SRI ``integrity`` attributes: a local require.js cannot match the CDN file's hash."""
    return _INTEGRITY_RE.sub("", html)


@dataclass
class StaticSite:
    """Serves saved HTML pages at STATIC_ORIGIN through Playwright routing, with the CDN files
    they load answered from local npm packages and MathJax stubbed. Nothing reaches the network:
    any other request is aborted and recorded in ``unrouted``."""

    pages: dict[str, str]  # "/name.html" -> html (integrity already stripped)
    routed: list[str] = field(default_factory=list)
    unrouted: list[str] = field(default_factory=list)
    local_misses: list[str] = field(default_factory=list)  # same-origin 404s (require.js probing)
    versions: dict[str, str] = field(default_factory=dict)  # package -> version range requested

    @classmethod
    def from_files(cls, files: dict[str, Path]) -> "StaticSite":
        return cls({name: strip_integrity(p.read_text(encoding="utf-8")) for name, p in files.items()})

    def url(self, name: str) -> str:
        return STATIC_ORIGIN + name

    def install(self, context) -> None:
        context.route("**/*", self._handle)

    def _local(self, route, url: str, path: Path, content_type: str | None = None) -> None:
        if not path.is_file():
            self.unrouted.append(f"{url} (no local file {path})")
            route.fulfill(status=404, body="not found")
            return
        self.routed.append(url)
        ct = content_type or ("application/javascript" if path.suffix == ".js" else None)
        route.fulfill(path=str(path), content_type=ct) if ct else route.fulfill(path=str(path))

    def _handle(self, route) -> None:
        url = route.request.url
        if url.startswith(STATIC_ORIGIN + "/"):
            name = url[len(STATIC_ORIGIN):].split("?", 1)[0]
            if name in self.pages:
                self.routed.append(url)
                route.fulfill(status=200, body=self.pages[name], content_type="text/html; charset=utf-8")
            else:  # e.g. require.js first tries "<module>.js" next to the page, then the CDN
                self.local_misses.append(url)
                route.fulfill(status=404, body="not found")
            return
        if _REQUIRE_RE.match(url):
            return self._local(route, url, NODE_MODULES / "requirejs" / "require.js")
        if _MATHJAX_RE.match(url):
            self.routed.append(url)
            return route.fulfill(status=200, body=MATHJAX_STUB, content_type="application/javascript")
        m = _HTML_MANAGER_RE.match(url)
        if m:
            self.versions["@jupyter-widgets/html-manager"] = urllib.parse.unquote(m["ver"])
            return self._local(route, url, NODE_MODULES / "@jupyter-widgets" / "html-manager" / "dist" / m["file"])
        m = _ANYWIDGET_RE.match(url)
        if m:
            self.versions["anywidget"] = urllib.parse.unquote(m["ver"])
            return self._local(route, url, NODE_MODULES / "anywidget" / m["file"])
        self.unrouted.append(url)
        route.abort("blockedbyclient")


# -- Jupyter Notebook 7 ------------------------------------------------------------------------------
@dataclass
class Notebook7(Lab):
    """One Notebook 7 page (`/notebooks/<path>`). Same cell helpers as Lab (Notebook 7 is built
    from JupyterLab's notebook panel, and the app is exposed as ``window.jupyterapp``).

    Kernel readiness: Notebook 7 has no status bar; its toolbar's execution indicator
    (`.jp-Notebook-ExecutionIndicator[data-status]`) and the session context
    (`kernelDisplayStatus`, the string Lab's status bar shows) must both say idle, with the
    kernel connected."""

    def open(self, nb_name: str) -> "Notebook7":
        self.page.goto(f"{self.base_url}/notebooks/{nb_name}", wait_until="domcontentloaded")
        expect(self.page.locator(".jp-NotebookPanel .jp-Notebook").first).to_be_visible(timeout=60_000)
        self.wait_kernel_idle(timeout=KERNEL_START_TIMEOUT)
        return self

    def wait_kernel_idle(self, timeout: float = RUN_TIMEOUT) -> None:
        expect(self.page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').first).to_be_attached(
            timeout=timeout
        )
        self.page.wait_for_function(
            """() => {
                const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const sc = w && w.sessionContext;
                const k = sc && sc.session && sc.session.kernel;
                return !!k && k.connectionStatus === 'connected' && sc.kernelDisplayStatus === 'idle';
            }""",
            timeout=timeout,
        )
