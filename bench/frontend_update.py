"""Front-end cost of one chain update, in headless Chromium (Debian's), median of 60 updates.

The real bundle renders a real widget's state (8, 1,024 and 4,096 states) into a page with a
minimal stand-in for anywidget's model; each update replaces `probs` as a sync from Python
would, and the widget's own `data-render-ms` hook (performance.now around the redraw) is read
after the frame. Baseline in the same run: rendering the whole widget from scratch.
"""

from __future__ import annotations

import base64
import json
import pathlib
import statistics

from playwright.sync_api import sync_playwright

from babygpt_widget import BabyGPTWidget
from common import finish, target

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "babygpt_widget" / "static" / "widget.js"
CSS = ROOT / "babygpt_widget" / "static" / "widget.css"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

HARNESS = """
<!doctype html><html><head><style>%(css)s</style></head>
<body style="width:1000px"><div id="host"></div>
<script type="module">
import widget from "/widget.js";
const b64 = (s) => { const b = Uint8Array.from(atob(s), c => c.charCodeAt(0)); return new DataView(b.buffer); };
class Model {
  constructor(state) { this.state = state; this.listeners = {}; }
  get(k) { return this.state[k]; }
  set(k, v) { this.state[k] = v; (this.listeners["change:" + k] || []).forEach(f => f()); }
  on(e, f) { (this.listeners[e] ||= []).push(f); }
  off(e, f) { if (!e) this.listeners = {}; else if (this.listeners[e]) this.listeners[e] = this.listeners[e].filter(g => g !== f); }
  send(msg) { if (msg.cmd === "hello") setTimeout(() => (this.listeners["msg:custom"] || []).forEach(f => f({reply: "hello", ok: true}, [])), 0); }
  save_changes() {}
}
const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
window.runBench = async (raw, nUpdates) => {
  const state = {};
  for (const [k, v] of Object.entries(raw)) state[k] = (v && v.__b64__ !== undefined) ? b64(v.__b64__) : v;
  const host = document.getElementById("host");
  const full = [];
  for (let i = 0; i < 5; i++) {  // baseline: the whole widget rendered from scratch
    host.innerHTML = "";
    const el = document.createElement("div"); host.appendChild(el);
    const t0 = performance.now();
    const model = new Model({...state});
    const cleanup = await widget.render({model, el});
    await frame();
    full.push(performance.now() - t0);
    if (typeof cleanup === "function" && i < 4) cleanup();
  }
  const model = new Model({...state});
  host.innerHTML = ""; const el = document.createElement("div"); host.appendChild(el);
  await widget.render({model, el}); await frame();
  const root = el.querySelector(".babygpt-widget") || el;
  const base = new Float32Array(state.probs.buffer.slice(0));
  const updates = [];
  const paints = [];
  for (let i = 0; i < nUpdates; i++) {
    const p = new Float32Array(base.length);
    for (let j = 0; j < p.length; j += 2) { const q = Math.random(); p[j] = q; p[j + 1] = 1 - q; }
    model.state.probs = new DataView(p.buffer);
    model.state.global_step = (model.state.global_step || 0) + 1;
    (model.listeners["change:probs"] || []).forEach(f => f());
    (model.listeners["change:global_step"] || []).forEach(f => f());
    await frame();
    updates.push(parseFloat(root.dataset.renderMs || root.querySelector("[data-render-ms]")?.dataset.renderMs || "NaN"));
    paints.push(parseFloat(root.querySelector("[data-paint-ms]")?.dataset.paintMs || "NaN"));
  }
  return {full, updates, paints, nodes: el.querySelectorAll("g.bg-node").length};
};
window.ready = true;
</script></body></html>
"""


def widget_state(context_length: int, **settings) -> dict:
    settings.setdefault("sequence", "0110101110010111" * 4)
    w = BabyGPTWidget(context_length=context_length, **settings)
    state = {}
    for name in w.trait_names(sync=True):
        value = getattr(w, name)
        if name.startswith("_") or name == "layout":
            continue
        state[name] = {"__b64__": base64.b64encode(value).decode()} if isinstance(value, bytes) else value
    return state


def main() -> None:
    print("\n== front-end update cost in headless Chromium (median of 60 updates) ==")
    if not BUNDLE.exists():
        raise SystemExit("build the front end first: npm run build")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.route("http://bench.local/", lambda r: r.fulfill(content_type="text/html",
                                                             body=HARNESS % {"css": CSS.read_text()}))
        page.route("http://bench.local/widget.js", lambda r: r.fulfill(content_type="text/javascript",
                                                                      body=BUNDLE.read_text()))
        page.goto("http://bench.local/")
        page.wait_for_function("window.ready === true")
        targets = {3: 2.0, 10: 16.0, 12: 33.0}
        for C, goal in targets.items():
            result = page.evaluate("([s, n]) => runBench(s, n)", [widget_state(C), 60])
            upd, full = statistics.median(result["updates"]), statistics.median(result["full"])
            print(f"{2 ** C:5d} states: update {upd:7.2f} ms   "
                  f"full render {full:8.1f} ms   ratio full/update {full / upd:6.1f}x   nodes drawn {result['nodes']}"
                  + target(f"frontend_update: {2 ** C} states, one chain update", upd, goal, at_most=True, unit=" ms"))
        # The drawing's other regimes: 64 states as SVG with placed labels (ACGT, C=3), and
        # 128 states x 128 tokens = 16,384 edges (the edge cap; V=256 is refused since issue 11)
        # painted on the canvas (canvas by edge count).
        big_v = "".join(chr(0x4E00 + i) for i in range(128))
        for name, settings, goal in (("64 ACGT", dict(context_length=3, alphabet="ACGT", sequence="ACGTTGCAACGGTACCGTAGGCTAAC" * 2), 16.0),
                                       ("V=128 C=1", dict(context_length=1, alphabet=big_v, sequence=big_v * 2), 16.0)):
            result = page.evaluate("([s, n]) => runBench(s, n)", [widget_state(**settings), 20])
            upd, full = statistics.median(result["updates"]), statistics.median(result["full"])
            paint = statistics.median(result["paints"])
            print(f"{name:>9}: update {upd:7.2f} ms (canvas paint {paint:.1f} ms)   "
                  f"full render {full:8.1f} ms   ratio full/update {full / upd:6.1f}x   nodes drawn {result['nodes']}"
                  + target(f"frontend_update: {name}, one chain update", upd, goal, at_most=True, unit=" ms"))
        browser.close()


if __name__ == "__main__":
    main()
    finish()
