"""The page's local engine in headless Chromium against the Python engine: same machine, same run.

For each run (the seed's 8 states; 64 states, C=6; 1,024 states, C=10 — bench/browser_engine.py's
runs) a standalone page (`babygpt_widget.write_page`, the file a lecturer publishes) is opened from
file:// in Debian chromium; in it, a Web Worker started from the page runtime's own worker source
(js/page/engineWorker.ts, as the page starts it) is loaded with the Python run's state blob
(render/page_engine.py) and steps it; Python's `BabyGPT.train(n)` runs the same run in this
process (one torch thread, as the widget trains). 7 alternating rounds, medians; the ratio is
Python's step time over the page's (> 1: the page is faster). Where the page itself does not train
a config (it ships no state: >= 256 states), the row says so; the engine is timed all the same.

Then, in the default page itself (its own EngineHost, one Worker request a step, traits pushed
and drawn): Train ×200's steps/s, and Play's steps/s and frame time (requestAnimationFrame
timestamps, p50 / p95 ms) over PLAY_SECONDS; and what the widget's `engine_state` push costs at
rest (the blob nbconvert exports train from). Target (DESIGN §4): the default step >= 1.0x the
kernel's speed, aim 2x.

    .venv/bin/python bench/page_engine_chromium.py
"""

from __future__ import annotations

import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from browser_engine import RUNS  # noqa: E402  (same runs as the Node bench)
from common import finish, header, load_note, target  # noqa: E402

from babygpt_widget import BabyGPT, write_page  # noqa: E402
from babygpt_widget.render.page_engine import not_exact_reason, state_blob  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROUNDS = 7
PLAY_SECONDS = 5.0
TRAIN_PAGE_STEPS = 200

# a Worker from the page runtime's worker source, loaded with a state blob; time n steps in it
START_WORKER = """async ([source, b64]) => {
  const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
  const w = new Worker(url);
  window.__bench = w;
  const ask = (req) => new Promise((done) => { w.onmessage = (e) => done(e.data); w.postMessage(req); });
  window.__ask = ask;
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const r = await ask({op: "init", state: bytes.buffer});
  return r.error || r.rows[0].step;
}"""
TIME_STEPS = """async (n) => {
  const t = performance.now();
  const r = await window.__ask({op: "steps", n});
  return {seconds: (performance.now() - t) / 1000, step: r.rows.at(-1).step, error: r.error};
}"""
# the page's own host: Train ×N and Play, timed from the page; frame times from rAF timestamps
PAGE_TRAIN = """async (n) => {
  const m = window.babygptPages[0].model;
  const from = m.get("global_step");
  const t = performance.now();
  m.send({cmd: "train", n});
  await new Promise((done) => { const tick = () => (m.get("training") === false && m.get("global_step") >= from + n)
      ? done() : setTimeout(tick, 5); setTimeout(tick, 5); });
  return {seconds: (performance.now() - t) / 1000, steps: m.get("global_step") - from};
}"""
PAGE_PLAY = """async (seconds) => {
  const m = window.babygptPages[0].model;
  const frames = [];
  let on = true;
  const frame = (ts) => { frames.push(ts); if (on) requestAnimationFrame(frame); };
  m.send({cmd: "play"});
  await new Promise((done) => { const tick = () => m.get("playing") ? done() : setTimeout(tick, 5); tick(); });
  const from = m.get("global_step"), t = performance.now();
  requestAnimationFrame(frame);
  await new Promise((done) => setTimeout(done, seconds * 1000));
  const steps = m.get("global_step") - from, elapsed = (performance.now() - t) / 1000;
  on = false;
  m.send({cmd: "pause"});
  await new Promise((done) => { const tick = () => m.get("playing") === false ? done() : setTimeout(tick, 5); tick(); });
  const gaps = frames.slice(1).map((f, i) => f - frames[i]);
  return {steps, seconds: elapsed, gaps};
}"""


def worker_source() -> str:
    """js/page/engineWorker.ts bundled as build.mjs bundles it into page.js (minified IIFE)."""
    done = subprocess.run([str(ESBUILD), str(ROOT / "js" / "page" / "engineWorker.ts"), "--bundle", "--minify",
                           "--format=iife", "--target=es2020", "--log-level=warning"],
                          check=True, capture_output=True, text=True)
    return done.stdout


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else float("nan")


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(path.as_uri())
    page.wait_for_function("() => window.babygptPages && window.babygptPages.length === 1", timeout=120_000)
    return page


def engine_rows(browser, folder: Path, source: str) -> dict[str, float]:
    ratios = {}
    for name, (kwargs, n, warm) in RUNS.items():
        py = BabyGPT(**kwargs)
        py.train(warm)
        path = folder / "page.html"
        write_page(path, run_string=py.run_string, title=f"bench: {name}")
        page = open_page(browser, path)
        try:
            step = page.evaluate(START_WORKER, [source, base64.b64encode(state_blob(py)).decode("ascii")])
            assert step == warm, f"the worker loaded step {step}, not {warm}"
            page.evaluate(TIME_STEPS, 1)  # first call: the worker's JIT warms
            py_s, js_s = [], []
            for _ in range(ROUNDS):  # alternating: a busy neighbour slows both alike
                started = time.perf_counter()
                py.train(n)
                py_s.append((time.perf_counter() - started) / n)
                r = page.evaluate(TIME_STEPS, n)
                assert r["error"] is None, r["error"]
                js_s.append(r["seconds"] / n)
        finally:
            page.close()
        p, j = statistics.median(py_s), statistics.median(js_s)
        ratios[name] = p / j
        why = not_exact_reason(py.config)
        note = "" if why is None else f"   (the page does not train this run: {why}; engine timed anyway)"
        print(f"{name:22s} python {p * 1e3:8.2f} ms/step   page worker {j * 1e3:8.2f} ms/step   "
              f"ratio {p / j:5.2f}x{note}")
    return ratios


def page_rows(browser, folder: Path) -> None:
    path = folder / "default.html"
    write_page(path)
    page = open_page(browser, path)
    try:
        page.evaluate(PAGE_TRAIN, 20)  # warm the worker and the drawing
        train = page.evaluate(PAGE_TRAIN, TRAIN_PAGE_STEPS)
        play = page.evaluate(PAGE_PLAY, PLAY_SECONDS)
    finally:
        page.close()
    print(f"page Train x{TRAIN_PAGE_STEPS} (its own host: a Worker request a step, traits pushed and drawn): "
          f"{train['steps'] / train['seconds']:.0f} steps/s")
    gaps = play["gaps"]
    print(f"page Play: {play['steps'] / play['seconds']:.0f} steps/s over {play['seconds']:.1f} s; frame time p50 "
          f"{pct(gaps, 0.5):.1f} ms, p95 {pct(gaps, 0.95):.1f} ms ({len(gaps)} frames; 16.7 ms = 60 fps)")


def rest_push_row() -> None:
    """What the widget's engine_state trait costs a rest (widget/engine_state.py): build + bytes."""
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget()
    w.train(50)
    samples = []
    for _ in range(50):
        started = time.perf_counter()
        w._send_engine_state()
        samples.append(time.perf_counter() - started)
    print(f"widget engine_state at rest (default run): {statistics.median(samples) * 1e3:.2f} ms to build and set, "
          f"{len(w.engine_state) / 1000:.0f} kB a push (a burst of 8, then at most 2 a second)")
    w.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    torch.set_num_threads(1)
    header("the page's engine in headless Chromium (Web Worker) vs the Python engine, one step")
    source = worker_source()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        try:
            ratios = engine_rows(browser, Path(tmp), source)
            page_rows(browser, Path(tmp))
        finally:
            browser.close()
    rest_push_row()
    default = ratios["default (8 states)"]
    print(f"ratio page engine / Python engine, default step = {default:.2f}x"
          + target("page engine (Chromium Worker) / Python, default step", default, 1.0, unit="x")
          + f"; aim 2x: {'met' if default >= 2.0 else 'not met'}")
    print(load_note())
    finish()


if __name__ == "__main__":
    main()
