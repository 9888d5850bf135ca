"""The data of a saved page: the widget's synced traits as JSON, binary traits as base64, cut to the
page budget (page_budget.py). js/page/ reads it back and hands the front end exactly what anywidget
would: JSON values, and bytes traits as DataView.

Format (version 1), in `<script type="application/json" class="bgp-data">` (one per widget):
  {"format": "babygpt-saved-page", "version": 1,
   "traits": {name: JSON value; binary leaves are null},
   "binary": [{"path": [trait] or [trait, key], "enc": "raw" | "u16p" | "f32", "data": base64,
               "shape": [..] (list leaves only)}],
   "engine": (optional) the local engine's settings and state blob (page_engine.py),
   "page": {"recorded", "kept", "first_step", "last_step", "quantised", "left_out", "saved_by"}}
"raw": bytes handed over as they are (a DataView); "u16p": probabilities as uint16 fractions of
65,535, turned back into float32 (a DataView for a bytes trait, nested number lists for a list
leaf); "f32": float32 numbers of a list leaf (nested number lists).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .page_budget import PAGE_BUDGET_BYTES, PagePlan, dequantise, plan_page, quantise

FORMAT = "babygpt-saved-page"
VERSION = 1
HISTORY_TRAITS = ("history_probs", "history_prefix_probs")  # rows aligned with history_steps
# Results the page may leave out when they do not fit, most wanted first.
OPTIONAL_TRAITS = ("inside_replay", "comparison", "hitting", "ensemble")
# Probability lists inside dict traits, stored as 16-bit fractions when large (drawn as bands and
# colours; the live widget keeps float32).
PROBABILITY_LEAVES = {"ensemble": ("median", "min", "max", "per_seed"), "comparison": ("other_probs", "tv")}
DATA_SCRIPT = re.compile(r'<script\b[^>]*\bclass="bgp-data"[^>]*>(.*?)</script>', re.S)  # in any attribute order
LARGE_LEAF = 1024  # numbers: smaller lists stay JSON
# ipywidgets' own traits (the Layout model, the bundle, the model names): the page needs none.
NOT_SAVED = frozenset({"layout", "tabbable", "tooltip", "comm", "keys", "log",
                       "engine_state"})  # the engine's state goes in the page's "engine" entry (page_engine.py)


@dataclass(frozen=True)
class PageData:
    data: dict[str, Any]
    plan: PagePlan
    history_steps: np.ndarray  # the steps of the rows kept

    @property
    def first_step(self) -> int:
        return int(self.history_steps[0]) if len(self.history_steps) else 0

    @property
    def last_step(self) -> int:
        return int(self.history_steps[-1]) if len(self.history_steps) else 0


def to_json(value: Any) -> str:
    """Compact JSON that is safe inside a <script> element (no `<`, `>`, `&` as themselves)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _finite(value: Any) -> Any:
    """NaN / ±inf (an unknown loss) become null, as ipywidgets' JSON does."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _leaf(path: list[str], values: Any, enc: str) -> dict[str, Any]:
    a = np.asarray(values, dtype=np.float32)
    data = quantise(a) if enc == "u16p" else a.astype("<f4").tobytes()
    return {"path": path, "enc": enc, "shape": list(a.shape), "data": _b64(data)}


def _split_leaves(name: str, value: dict) -> tuple[dict, list[dict[str, Any]]]:
    """A dict trait with its large probability lists moved out as 16-bit binary leaves."""
    value, leaves = dict(value), []
    for key in PROBABILITY_LEAVES.get(name, ()):
        v = value.get(key)
        if not isinstance(v, list):
            continue
        try:
            size = np.asarray(v, dtype=np.float32).size
        except (TypeError, ValueError):  # ragged or not numbers: stays JSON
            continue
        if size >= LARGE_LEAF:
            leaves.append(_leaf([name, key], v, "u16p"))
            value[key] = None
    return value, leaves


def _bytes_of(part: Any) -> int:
    return len(to_json(part).encode("utf-8"))


def build_page_data(state: dict[str, Any], saved_by: str, budget: int = PAGE_BUDGET_BYTES,
                    fixed_extra: int = 0, engine: dict[str, Any] | None = None) -> PageData:
    """`state`: the widget's synced traits (bytes for binary ones). `fixed_extra`: page bytes
    outside the data (bundle, runtime, CSS). `engine`: what the page's local engine needs to train
    (page_engine.py), counted as fixed bytes: the history gives way to it, not the reverse."""
    traits: dict[str, Any] = {}
    binary: list[dict[str, Any]] = []
    optional: dict[str, tuple[dict, list]] = {}
    for name, value in state.items():
        if name.startswith("_") or name in NOT_SAVED or name in HISTORY_TRAITS or name == "history_steps" \
                or name == "history_losses":
            continue
        if isinstance(value, (bytes, bytearray, memoryview)):
            traits[name] = None
            binary.append({"path": [name], "enc": "raw", "data": _b64(bytes(value))})
        elif name in OPTIONAL_TRAITS and isinstance(value, dict) and value:
            optional[name] = _split_leaves(name, _finite(value))
            traits[name] = {}
        else:
            traits[name] = _finite(value)
    # nothing trains on a saved page
    traits.update(playing=False, training=False, progress={})

    steps = np.frombuffer(bytes(state.get("history_steps", b"")), dtype="<i4")
    losses = np.frombuffer(bytes(state.get("history_losses", b"")), dtype="<f4")
    recorded = len(steps)
    history = {n: np.frombuffer(bytes(state.get(n, b"")), dtype="<f4") for n in HISTORY_TRAITS}
    per_row = sum(a.size for a in history.values()) // max(recorded, 1)
    shown = int(state.get("shown_index", -1))

    fixed = _bytes_of({"traits": traits, "binary": binary, "engine": engine}) + fixed_extra
    sizes = [(n, _bytes_of(optional[n][0]) + sum(len(leaf["data"]) + 80 for leaf in optional[n][1]))
             for n in OPTIONAL_TRAITS if n in optional]
    plan = plan_page(fixed, recorded, per_row, sizes, must_rows=[shown] if shown >= 0 else [], budget=budget)

    for name in plan.kept_optional:
        traits[name], leaves = optional[name]
        binary.extend(leaves)
    rows = plan.rows
    binary.append({"path": ["history_steps"], "enc": "raw", "data": _b64(steps[rows].astype("<i4").tobytes())})
    binary.append({"path": ["history_losses"], "enc": "raw", "data": _b64(losses[rows].astype("<f4").tobytes())})
    for name, flat in history.items():
        table = flat.reshape(recorded, -1)[rows] if recorded and flat.size else flat[:0]
        data = quantise(table) if plan.encoding == "u16p" else table.astype("<f4").tobytes()
        binary.append({"path": [name], "enc": "u16p" if plan.encoding == "u16p" else "raw", "data": _b64(data)})
        traits[name] = None
    for name in ("history_steps", "history_losses"):
        traits[name] = None
    if shown >= 0:
        traits["shown_index"] = int(np.searchsorted(rows, shown))
    kept_steps = steps[rows]
    data = {
        "format": FORMAT, "version": VERSION, "traits": traits, "binary": binary,
        "page": {"recorded": recorded, "kept": len(rows),
                 "first_step": int(kept_steps[0]) if len(kept_steps) else 0,
                 "last_step": int(kept_steps[-1]) if len(kept_steps) else 0,
                 "quantised": plan.encoding == "u16p", "left_out": list(plan.left_out), "saved_by": saved_by},
    }
    if engine is not None:
        data["engine"] = engine
    return PageData(data, plan, kept_steps)



def read_page_data(page_html: str, index: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    """(traits, page info) of the `index`-th widget of a saved page, decoded as
    js/page/pageData.ts does: bytes traits as bytes (16-bit fractions back to float32), list
    leaves as nested lists. For tests and tools."""
    found = DATA_SCRIPT.findall(page_html)
    if len(found) <= index:
        raise ValueError(f"page: has {len(found)} babyGPT widget(s), not {index + 1}")
    raw = json.loads(found[index])
    if raw.get("format") != FORMAT or raw.get("version") != VERSION:
        raise ValueError(f"page: not a version {VERSION} {FORMAT}")
    traits = dict(raw["traits"])
    for leaf in raw["binary"]:
        data = base64.b64decode(leaf["data"])
        if leaf["enc"] == "u16p":
            data = dequantise(data).astype("<f4").tobytes()
        if len(leaf["path"]) == 1:
            traits[leaf["path"][0]] = data
        else:
            name, key = leaf["path"]
            traits[name] = {**(traits.get(name) or {}), key: np.frombuffer(data, "<f4").reshape(leaf["shape"]).tolist()}
    return traits, raw["page"]
