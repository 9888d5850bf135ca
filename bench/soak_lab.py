"""The soak in JupyterLab (bench/soak.py --lab): Play clicked in Debian chromium, optionally at a
slow speed with random UI actions (as a student would click), and a probe in the kernel.

The probe (a notebook cell) samples, every PROBE_SECONDS on a thread in the kernel: RSS, Python's
allocated blocks, the largest object-type counts (gc), and with --trace the tracemalloc
allocation sites that grew most since the first sample. That is how issue 19's growth with a
front end attached was found: slow Play re-sent the whole history every step (~7 MB/s for the
default run), faster than a busy browser reads it, so messages queued in the kernel's outgoing
(IOPub) socket — native memory, invisible to tracemalloc, no Python object growing.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

PROBE_SECONDS = 20
PROBE = """
import gc, json, os, sys, threading, time, collections, psutil, tracemalloc
def _probe(path, every, trace):
    proc = psutil.Process()
    if trace:
        tracemalloc.start(12)
    base = None
    while True:
        rec = {{"t": time.time(), "rss": proc.memory_info().rss, "blocks": sys.getallocatedblocks()}}
        counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
        rec["objects"] = sum(counts.values())
        rec["types"] = counts.most_common(12)
        if trace:
            snap = tracemalloc.take_snapshot()
            if base is None:
                base = snap
            rec["traced"] = tracemalloc.get_traced_memory()[0]
            rec["grew"] = [["|".join(s.traceback.format()[-10:]), s.size_diff, s.count_diff]
                           for s in snap.compare_to(base, "traceback")[:6]]
        with open(path, "a") as f:
            f.write(json.dumps(rec) + "\\n")
        time.sleep(every)
threading.Thread(target=_probe, args=({path!r}, {every}, {trace}), daemon=True, name="soak-probe").start()
print("pid", os.getpid())
"""


def random_action(view, rng: random.Random, states: list[str]) -> str:
    """One UI action a student might do while Play runs; returns its name (skipped ones too)."""
    root, page = view.root, view.page
    kind = rng.choice(["scrub", "live", "node", "hover", "sample", "section", "inside", "hitting", "layout",
                       "step", "matrix", "temperature", "search", "any", "any", "any", "any"])
    try:
        if kind == "any":  # a hostile student: any visible control but the settings (they change the model's size)
            controls = root.locator("button:visible, select:visible, input:visible")
            n = controls.count()
            control = controls.nth(rng.randrange(n))
            if control.evaluate("e => !!e.closest('section[data-section=\"settings\"], section[data-section=\"run\"]')"):
                return "any (settings: skipped)"
            tag = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            kind = f"any {tag}"
            if tag.startswith("button"):
                control.click(timeout=1000)
            elif tag.startswith("select"):
                options = control.locator("option").evaluate_all("os => os.map(o => o.value)")
                control.select_option(rng.choice(options), timeout=1000)
            elif tag in ("input:checkbox", "input:radio"):
                control.click(timeout=1000)
            elif tag == "input:range":
                top = int(control.get_attribute("max") or 0)
                control.evaluate("(e, v) => { e.value = String(v); e.dispatchEvent(new Event('input', {bubbles: true}));"
                                 " e.dispatchEvent(new Event('change', {bubbles: true})); }", rng.randint(0, max(0, top)))
            else:
                control.fill(rng.choice(["", "0", "1", "3", "8", "50", "400", "-1", "1e9", "abc", "000", "111", "0110",
                                         "step 10", "10**5000"]), timeout=1000)
                control.press("Enter")
        elif kind == "scrub":
            top = int(view.slider.get_attribute("max") or 0)
            view.set_slider(rng.randint(0, max(0, top)))
        elif kind == "live":
            root.locator('button[data-action="live"]').click(timeout=1000)
        elif kind == "node":
            root.locator(f'g.bg-node[data-state="{rng.choice(states)}"]').click(timeout=1000)
        elif kind == "hover":
            root.locator(f'g.bg-node[data-state="{rng.choice(states)}"]').hover(timeout=1000)
        elif kind == "sample":
            root.locator('button[data-action="sample"]').first.click(timeout=1000)
        elif kind == "section":
            name = rng.choice(["view", "sample", "analysis", "settings", "run", "inside", "compare"])
            root.locator(f'button[data-action="section-{name}"]').click(timeout=1000)
        elif kind == "inside":
            search = root.locator('input[data-field="search_state"]')
            search.fill(rng.choice(states), timeout=1000)
            search.press("Enter")
            root.locator('button[data-action="inside"]').click(timeout=1000)
        elif kind == "hitting":
            root.locator('button[data-action="hitting"]').click(timeout=1000)
        elif kind == "layout":
            root.locator('select[data-field="layout"]').select_option(rng.choice(["circular", "force"]), timeout=1000)
        elif kind == "step":
            root.locator('button[data-action="step"]').click(timeout=1000)
        elif kind == "matrix":
            root.locator('button[data-action="matrix"]').click(timeout=1000)
        elif kind == "temperature":
            box = root.locator('input[data-field="temperature"]').first
            box.fill(f"{rng.uniform(0, 2):.2f}", timeout=1000)
            box.press("Enter")
        elif kind == "search":
            search = root.locator('input[data-field="search_state"]')
            search.fill(rng.choice(states), timeout=1000)
            search.press("Enter")
    except Exception:  # noqa: BLE001 - hidden or covered right now: a student's click that missed
        return kind + " (missed)"
    page.wait_for_timeout(0)
    return kind


def lab_soak(minutes: float, speed: float, actions_every: float, trace: bool) -> None:
    from pause_latency_lab import CHROMIUM, CHROMIUM_ARGS, Lab, _Factory, _jupyter_app, open_and_draw, write_notebook
    from playwright.sync_api import sync_playwright
    from soak import rss_mb

    with tempfile.TemporaryDirectory() as tmp:
        probe_path = Path(tmp) / "probe.jsonl"
        cells = [f"from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget(play_speed={speed!r})\nw",
                 PROBE.format(path=str(probe_path), every=PROBE_SECONDS, trace=trace)]
        servers = _jupyter_app(_Factory(Path(tmp)), "soak-lab", "jupyterlab",
                               ["--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True"], "/lab")
        server = next(servers)
        rng = random.Random(19)
        done: dict[str, int] = {}
        try:
            write_notebook(server.root / "soak.ipynb", cells)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                cdp = page.context.new_cdp_session(page)
                lab = Lab(page=page, base_url=server.url)
                view = open_and_draw(lab, "soak.ipynb")
                pid = int(lab.code_cells.nth(1).locator(".jp-OutputArea-output").inner_text().split()[-1])
                states = [f"{i:03b}" for i in range(8)]

                def heap_mb() -> float:
                    cdp.send("HeapProfiler.collectGarbage")
                    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20

                start = (rss_mb(pid), heap_mb())
                view.button("play").click()
                t0 = time.perf_counter()
                samples = []
                next_sample = 10.0
                while (elapsed := time.perf_counter() - t0) < minutes * 60:
                    if actions_every > 0:
                        page.wait_for_timeout(int(actions_every * 1000))
                        name = random_action(view, rng, states)
                        done[name] = done.get(name, 0) + 1
                        play = view.root.locator('button[data-action="play"]')
                        if play.is_visible():  # an action paused it (Step): play on
                            play.click(timeout=2000)
                    else:
                        page.wait_for_timeout(10_000)
                    if elapsed >= next_sample:
                        samples.append((elapsed, rss_mb(pid), heap_mb()))
                        next_sample += 10.0
                view.root.locator('button[data-action="stop"]:not([hidden]), button[data-action="pause"]').first.click()
                steps = view.step()
                browser.close()
        finally:
            servers.close()
        probe = [json.loads(line) for line in probe_path.read_text().splitlines()] if probe_path.exists() else []
    warm = next((s for s in samples if s[0] >= 60), samples[0])
    end = samples[-1]
    what = f"Play at {speed:g} steps/s" if speed else "Play at full speed"
    acts = sum(done.values())
    print(f"\n== Soak in JupyterLab: {minutes:g} min of {what}, {acts} random UI actions ==")
    print(f"steps shown        {steps:,}")
    print(f"actions            {', '.join(f'{k} {v}' for k, v in sorted(done.items()))}")
    for i, name in ((1, "kernel RSS"), (2, "page JS heap")):
        print(f"{name:18s} start {start[i - 1]:.0f} MB, after 1 min {warm[i]:.0f} MB, end {end[i]:.0f} MB, "
              f"max {max(s[i] for s in samples):.0f} MB, growth after 1 min {100 * (end[i] - warm[i]) / warm[i]:+.1f}% "
              f"(target: growth within 5%: {'met' if end[i] - warm[i] <= 0.05 * warm[i] else 'MISSED'})")
    minute = [s for s in samples if int(s[0]) % 60 < 10]
    print("kernel RSS / min   " + " ".join(f"{s[1]:.0f}" for s in minute))
    if probe:
        first, last = probe[min(3, len(probe) - 1)], probe[-1]
        print(f"kernel probe       python blocks {first['blocks']:,} -> {last['blocks']:,}, "
              f"objects {first['objects']:,} -> {last['objects']:,}")
        grew = {t: n for t, n in last["types"]}
        print("                   " + ", ".join(f"{t} {dict(first['types']).get(t, 0):,}->{n:,}" for t, n in grew.items()))
        for tb, size, count in last.get("grew", []):
            print(f"  {size / 2**20:+.2f} MB {count:+,} blocks at " + tb.split("|")[-2].strip())
