"""`jupyter nbconvert --execute --to babygpt_html notebook.ipynb`: nbconvert's JupyterLab HTML with
every babyGPT widget drawn offline.

nbconvert's own `--to html` keeps widgets as `<script type="application/vnd.jupyter.widget-view+json">`
placeholders that require.js and @jupyter-widgets/html-manager (both from CDNs) render from the
notebook's saved widget state; with no network they stay empty. nbconvert writes one representation
per output: the widget view when the notebook saved that widget's state (then never the text/plain
repr, so the page cannot say why it is empty), else the text/plain repr.
This exporter (an nbconvert entry point) changes two things in that template:
- a babyGPT widget is drawn by the saved-page runtime (js/page/) from its saved state, cut to the
  page budget like save_html's (no inside-panel replay: that needs the live run);
- any other widget keeps the html-manager path, with a visible message in its place until the
  manager renders it (and if the manager is not needed at all, it is not loaded).
A babyGPT widget's saved `engine_state` (the run's state blob at rest, widget/engine_state.py)
becomes the page's "engine" entry, so the exported widget trains in the page like a save_html
page — when the blob is the shown run's (same step and settings); else the page says why not.
"""

from __future__ import annotations

import base64
import html
import json
import pathlib
import struct
from typing import Any

from nbconvert.exporters import HTMLExporter
from traitlets import default

from .html_export import STATIC, _runtime
from .page_data import build_page_data
from .page_engine import MAGIC, STATE_FORMAT, not_exact_reason
from .page_html import LOADING, MESSAGE_CSS, inline_css, page_note, runtime_scripts, widget_place

TEMPLATES = pathlib.Path(__file__).parent / "nbconvert_templates"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
FALLBACK = ("is drawn here once its scripts load (require.js and @jupyter-widgets/html-manager, from a CDN). "
            "If this message stays, they could not load: open the page with a network connection.")


def is_babygpt(model: dict[str, Any]) -> bool:
    state = model.get("state") or {}
    return model.get("model_module") == "anywidget" and str(state.get("_anywidget_id", "")).startswith("babygpt_widget.")


def model_state(model: dict[str, Any]) -> dict[str, Any]:
    """A saved model's state with its base64 buffers put back as bytes at their paths."""
    state = dict(model.get("state") or {})
    for buf in model.get("buffers") or []:
        path, data = list(buf.get("path") or []), buf.get("data", "")
        if not path or buf.get("encoding", "base64") != "base64":
            continue
        target: Any = state
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = base64.b64decode(data)
    return state


def blob_header(blob: bytes) -> dict[str, Any] | None:
    """The JSON header of a state blob (render/page_engine.py's layout), or None if it is not one."""
    if len(blob) < 12 or blob[:8] != MAGIC:
        return None
    (size,) = struct.unpack("<I", blob[8:12])
    try:
        header = json.loads(blob[12:12 + size])
    except ValueError:
        return None
    return header if isinstance(header, dict) and header.get("format") == STATE_FORMAT else None


def _why_not(config: dict[str, Any]) -> str:
    from ..core.config import RunConfig

    try:
        reason = not_exact_reason(RunConfig(**config))
    except (TypeError, ValueError):
        reason = None
    return reason or "the notebook saved no engine state for this widget (saved by an older babygpt-widget?)"


def saved_engine(state: dict[str, Any]) -> dict[str, Any]:
    """The page's "engine" entry from a widget's saved traits: its `engine_state` blob when that is
    the run the traits show (same step and settings: the blob goes out at rest, at most every
    0.5 s, so a notebook saved right after a quick step can hold the one before), else why not."""
    blob = state.pop("engine_state", b"") or b""
    config = dict(state.get("config") or {})
    if isinstance(blob, (bytearray, memoryview)):
        blob = bytes(blob)
    header = blob_header(blob) if isinstance(blob, bytes) else None
    if header is None:
        return {"config": config, "state": None, "why": _why_not(config)}
    s, alphabet = header.get("settings") or {}, str(config.get("alphabet", ""))
    same = (header.get("step") == state.get("global_step")
            and s.get("sequence") == [alphabet.find(ch) for ch in str(config.get("sequence", ""))]
            and s.get("vocab_size") == len(alphabet)
            and all(s.get(k) == config.get(k) for k in ("context_length", "n_layer", "n_head", "n_embd", "lr",
                                                        "weight_decay"))
            and s.get("seed") == str(config.get("seed")))
    if not same:
        return {"config": config, "state": None,
                "why": f"the notebook saved the engine at step {header.get('step')}, not the shown run's"}
    return {"config": config, "state": base64.b64encode(blob).decode("ascii")}


def view_ids(nb: Any) -> list[str]:
    """Model ids of the widget views in the notebook's outputs, in order."""
    ids = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            view = (out.get("data") or {}).get(VIEW_MIME)
            if isinstance(view, dict) and "model_id" in view:
                ids.append(view["model_id"])
    return ids


def babygpt_resources(nb: Any) -> dict[str, Any]:
    """What the template needs: {views: {model_id: html}, others, css, scripts, fallback}."""
    models = ((nb.get("metadata") or {}).get("widgets") or {}).get(STATE_MIME, {}).get("state", {})
    ours = {mid: model_state(m) for mid, m in models.items() if is_babygpt(m)}
    views, esm, css = {}, "", ""
    from ..core.version import __version__

    for mid in dict.fromkeys(view_ids(nb)):
        state = ours.get(mid)
        if state is None:
            continue
        esm = esm or state.get("_esm", "")
        css = css or state.get("_css", "")
        page = build_page_data(state, f"babygpt-widget {__version__} nbconvert", engine=saved_engine(state))
        info = page.data["page"]
        note = f'<p class="bgp-widget-note">{html.escape(page_note(page))}</p>' if (
            info["kept"] < info["recorded"] or info["left_out"]) else ""
        views[mid] = widget_place(page) + note
    if views and not esm:
        esm = (STATIC / "widget.js").read_text(encoding="utf-8")
    if views and not css:
        css = (STATIC / "widget.css").read_text(encoding="utf-8")
    others = [mid for mid in view_ids(nb) if mid not in views]
    return {
        "views": views,
        "others": bool(others),
        "css": inline_css(MESSAGE_CSS + css),
        "scripts": runtime_scripts(esm, _runtime()) if views else "",
        "fallback": html.escape(FALLBACK),
        "loading": html.escape(LOADING),
    }


class OfflineHTMLExporter(HTMLExporter):
    """nbconvert's lab HTML with babyGPT widgets drawn offline and a message where other widgets
    wait for their CDN scripts (see the module's docstring)."""

    export_from_notebook = "HTML, babyGPT widgets offline"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "babygpt_html"

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self) -> list[str]:
        return [*super()._default_extra_template_basedirs(), str(TEMPLATES)]

    def _preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        # after the preprocessors: `--execute` is one of them, and it writes the widget state
        nb, resources = super()._preprocess(nb, resources)
        resources["babygpt"] = babygpt_resources(nb)
        return nb, resources
