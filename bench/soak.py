"""Soak: N minutes of Play in a real kernel (commands over a subshell, as JupyterLab sends them).

Reports kernel RSS at the start, once history is full (after the first minute) and at the end,
the steps trained, and whether the run is still whole (every optimizer counter at global_step).
With --lab the front end is JupyterLab itself (default settings, Debian chromium): Play is clicked
and the page's JS heap (CDP Runtime.getHeapUsage, after a forced GC) is reported as well.
Target: RSS and heap flat within 10% once history is full.

    .venv/bin/python bench/soak.py [--minutes 10] [--model default|heavy] [--lab]
"""

from __future__ import annotations

import argparse
import time

import psutil
from jupyter_client.manager import start_new_kernel
from common import finish, holds, target
from pause_latency import MODELS, SETUP, Front, create_subshell, run_code

CHECK = """
w.stop()
e = w.engine
c = {int(s['step']) for s in e._trainer.optimizer.state.values()}
print(e.global_step, c <= {e.global_step} and w.global_step == e.global_step)
"""


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--model", choices=sorted(MODELS), default="default")
    parser.add_argument("--lab", action="store_true", help="drive JupyterLab in chromium (JS heap too)")
    args = parser.parse_args()
    if args.lab:
        lab_soak(args.minutes)
        return

    km, kc = start_new_kernel(kernel_name="python3")
    pid = km.provisioner.process.pid
    try:
        comm_id = run_code(kc, SETUP.format(settings=MODELS[args.model])).strip().splitlines()[-1]
        front = Front(kc, comm_id, create_subshell(kc))
        start = rss_mb(pid)
        t0 = time.perf_counter()
        front.command({"cmd": "play"})
        samples: list[tuple[float, float]] = []
        while (elapsed := time.perf_counter() - t0) < args.minutes * 60:
            time.sleep(5)
            samples.append((elapsed, rss_mb(pid)))
        sent = front.command({"cmd": "stop"})
        front.wait_training(False, sent)
        front.close()
        steps, whole = run_code(kc, CHECK).split()
        after_warmup = next((r for t, r in samples if t >= 60), samples[0][1])
        end = samples[-1][1]
        print(f"\n== Soak: {args.minutes:g} min of Play ({args.model} model, commands over a subshell) ==")
        print(f"steps trained      {int(steps):,}")
        print(f"kernel RSS         start {start:.0f} MB, after 1 min {after_warmup:.0f} MB, end {end:.0f} MB, "
              f"max {max(r for _, r in samples):.0f} MB")
        growth = 100 * (end - after_warmup) / after_warmup
        print(f"growth after 1 min {growth:+.1f}%" + target("soak: kernel RSS growth after 1 min", abs(growth), 10,
                                                              at_most=True, unit="%", fmt=".1f"))
        print(f"run whole          {whole}" + holds("soak: the run whole after Stop", whole == "True", "run whole"))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def lab_soak(minutes: float) -> None:
    import tempfile
    from pathlib import Path

    from pause_latency_lab import CHROMIUM, CHROMIUM_ARGS, Lab, _Factory, _jupyter_app, open_and_draw, write_notebook
    from playwright.sync_api import sync_playwright

    cells = ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw",
             "import os, psutil\nprint('pid', os.getpid())"]
    with tempfile.TemporaryDirectory() as tmp:
        servers = _jupyter_app(_Factory(Path(tmp)), "soak-lab", "jupyterlab",
                               ["--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True"], "/lab")
        server = next(servers)
        try:
            write_notebook(server.root / "soak.ipynb", cells)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                cdp = page.context.new_cdp_session(page)
                lab = Lab(page=page, base_url=server.url)
                view = open_and_draw(lab, "soak.ipynb")
                pid = int(lab.code_cells.nth(1).locator(".jp-OutputArea-output").inner_text().split()[-1])

                def heap_mb() -> float:
                    cdp.send("HeapProfiler.collectGarbage")
                    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20

                start = (rss_mb(pid), heap_mb())
                view.button("play").click()
                t0 = time.perf_counter()
                samples = []
                while (elapsed := time.perf_counter() - t0) < minutes * 60:
                    page.wait_for_timeout(10_000)
                    samples.append((elapsed, rss_mb(pid), heap_mb()))
                view.root.locator('button[data-action="stop"]:not([hidden]), button[data-action="pause"]').first.click()
                steps = view.step()
                browser.close()
        finally:
            servers.close()
    warm = next((s for s in samples if s[0] >= 60), samples[0])
    end = samples[-1]
    print(f"\n== Soak in JupyterLab: {minutes:g} min of Play (default model, default settings) ==")
    print(f"steps shown        {steps:,}")
    for i, name in ((1, "kernel RSS"), (2, "page JS heap")):
        growth = 100 * (end[i] - warm[i]) / warm[i]
        print(f"{name:18s} start {start[i - 1]:.0f} MB, after 1 min {warm[i]:.0f} MB, end {end[i]:.0f} MB, "
              f"growth after 1 min {growth:+.1f}%"
              + target(f"soak --lab: {name} growth after 1 min", abs(growth), 10, at_most=True, unit="%", fmt=".1f"))


if __name__ == "__main__":
    main()
    finish()
