"""The HTML of a saved page: one self-contained file, no network request at all.

Inlined: the widget's CSS, its bundle (the same `_esm` a notebook loads, as a JSON string), the
page data (page_data.py) and the page runtime (babygpt_widget/static/page.js, built from js/page/),
which imports the bundle and calls its `render({model, el})` with a model of its own. Never a
blank page: the mount shows a message until the widget replaces it, <noscript> says what to do
without JavaScript, and the runtime writes any failure into the page.
"""

from __future__ import annotations

import html

from .page_data import PageData, to_json

# Messages shown instead of a widget (loading, failed, scripts missing): saved pages and nbconvert exports.
MESSAGE_CSS = """
.bgp-message, .bgp-widget-fallback, .bgp-widget-note {
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", sans-serif); }
.bgp-message { margin: 24px 8px; padding: 12px 16px; border: 1px solid #c4cad3; border-radius: 6px;
  font-size: 16px; line-height: 1.45; max-width: 60em; }
.bgp-error { border-color: #c62828; }
.bgp-error code { white-space: pre-wrap; }
.bgp-widget-fallback { margin: 6px 0; padding: 10px 14px; border: 1px dashed #8c959f; border-radius: 6px;
  font-size: 14px; line-height: 1.45; max-width: 60em; }
.bgp-widget-note { margin: 2px 8px 8px; font-size: 13px; opacity: 0.85; }
/* the html-manager renders a widget into a .widget-subarea beside its view script: the message goes */
.jupyter-widgets:has(> .widget-subarea) > .bgp-widget-fallback { display: none; }
"""

# A saved page's own chrome; the widget's CSS follows its --jp-* fallbacks (light, and dark when the
# system prefers dark).
PAGE_CSS = """
:root { color-scheme: light dark; }
html, body { height: 100%; }
body { margin: 0; display: flex; flex-direction: column; background: #ffffff; color: #1f2328;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; }
@media (prefers-color-scheme: dark) { body { background: #161b22; color: #e6edf3; } }
/* the widget fits its scrolling box (js/app/shellFit.ts): the note under it stays on screen */
.bgp-page { flex: 1 1 auto; min-height: 0; overflow-y: auto; padding: 0 8px; }
.bgp-note { flex: none; margin: 0; padding: 3px 16px 4px; font-size: 13px; line-height: 1.35;
  border-top: 1px solid rgba(128, 128, 128, 0.35); }
""" + MESSAGE_CSS

# A standalone page's heading and its one line (publish.py): small, so the widget keeps the screen.
INTRO_CSS = """
.bgp-head { flex: none; padding: 8px 16px 6px; border-bottom: 1px solid rgba(128, 128, 128, 0.35); }
.bgp-head h1 { margin: 0; font-size: 20px; line-height: 1.25; font-weight: 600; }
.bgp-head p { margin: 2px 0 0; font-size: 14px; line-height: 1.4; max-width: 110em; opacity: 0.9; }
"""

STANDALONE_NOTE = {"what": "Standalone page (no Python needed)", "python": "Python"}
LOADING = ("Loading the saved babyGPT chain… If this message stays, this browser did not run the page's "
           "script: it needs JavaScript and a browser from 2020 or later (Chrome, Edge, Firefox, Safari).")
NOSCRIPT = ("This saved babyGPT page draws its chain with JavaScript, which is off for this page. Turn "
            "JavaScript on (or open the file in another browser) to see the chain, scrub its training "
            "history and sample from it. Nothing on this page uses the network.")


def _fmt(n: int) -> str:
    return f"{n:,}"


def page_note(page: PageData, what: str = "Saved page (no Python kernel)", python: str = "the notebook") -> str:
    """One line under the widget: what this page is, and how much of the run it keeps. `python`:
    where the rest runs (a standalone page has no notebook: STANDALONE_NOTE)."""
    info = page.data["page"]
    recorded, kept = info["recorded"], info["kept"]
    span = f"steps {_fmt(info['first_step'])} … {_fmt(info['last_step'])}"
    if kept >= recorded:
        history = f"all {_fmt(recorded)} recorded steps ({span})" if recorded > 1 else f"step {_fmt(info['last_step'])}"
    else:
        history = f"{_fmt(kept)} of {_fmt(recorded)} recorded steps, evenly spread over {span}"
    parts = [f"{what}: it keeps {history}"]
    if info["quantised"]:
        parts.append("history probabilities to 1/65,535")
    names = {"inside_replay": "the inside panel's replay", "comparison": "the comparison",
             "hitting": "the hitting curve", "ensemble": "the seed ensemble"}
    if info["left_out"]:
        parts.append("left out to stay under 3 MB: " + ", ".join(names.get(n, n) for n in info["left_out"]))
    if (page.data.get("engine") or {}).get("state"):
        return "; ".join(parts) + (". Scrub, hover and sample here; Step, Train, Play, Reset, the model settings "
                                   "and the pushes (Nudge, Teach, Undo) train in the page (no kernel needed); "
                                   f"loading a run string and comparing runs need {python}.")
    return "; ".join(parts) + f". Scrub, hover and sample here; training needs {python}."


def _inline(text: str, what: str) -> str:
    """Script or style text that cannot end its element early."""
    low = text.lower()
    if "</script" in low or "<!--" in low or "</style" in low:
        raise RuntimeError(f"{what} contains an HTML end tag or comment and cannot be inlined; rebuild it")
    return text


def widget_place(page: PageData) -> str:
    """Where one widget renders: its loading message and its data (js/page/boot.ts reads both)."""
    return ('<div class="bgp-root" data-bgp-root>'
            f'<p class="bgp-message" role="status">{html.escape(LOADING)}</p>'
            f'<script type="application/json" class="bgp-data">{to_json(page.data)}</script></div>')


def inline_css(css: str) -> str:
    """CSS that cannot end its <style> element early (`\\/` is `/` in CSS)."""
    return css.replace("</", "<\\/")


def runtime_scripts(widget_js: str, runtime_js: str) -> str:
    """The widget's bundle (a JSON string, read by the runtime) and the runtime itself: once a page."""
    return (f'<script type="application/json" id="bgp-widget-js">{to_json(widget_js)}</script>\n'
            f'<script>{_inline(runtime_js, "the page runtime (static/page.js)")}</script>')


def intro_header(title: str, intro: str | None) -> str:
    """A standalone page's heading and the line saying what it is (nothing on a saved page)."""
    if not intro:
        return ""
    return (f'<header class="bgp-head" data-role="page-intro"><h1>{html.escape(title)}</h1>'
            f'<p>{html.escape(intro)}</p></header>\n')


def render_page(title: str, page: PageData, widget_js: str, widget_css: str, runtime_js: str,
                intro: str | None = None) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{html.escape(page.data['page']['saved_by'])}">
<title>{html.escape(title)}</title>
<style>{PAGE_CSS}{INTRO_CSS if intro else ""}</style>
<style>{inline_css(widget_css)}</style>
</head>
<body>
{intro_header(title, intro)}<main class="bgp-page">
{widget_place(page)}
<noscript><p class="bgp-message bgp-error">{html.escape(NOSCRIPT)}</p></noscript>
</main>
<footer class="bgp-note" id="bgp-note" data-role="page-note">{html.escape(page_note(page, **(
    STANDALONE_NOTE if intro else {})))}</footer>
{runtime_scripts(widget_js, runtime_js)}
</body>
</html>
"""
