"""Live training in a real kernel, with the widget's comm attached and updates flowing.

A kernel runs the widget (and, in the same kernel, the seed's two loops as baselines); this
process is the front end and counts the `probs` updates that reach it. Reports steps/s of
`w.train(n)` and of Play, ratios against the seed's bare loop and its step+graphviz loop,
and updates/s received. Play's rate is the kernel's own: the steps its slices trained over the
time from the first slice's start to the last one's end (the pauses between slices, where the
kernel serves other work, included), timed in the kernel, not by this process's clock.
"""

from __future__ import annotations

import pathlib
import time

from common import finish, holds, load_note, target
from jupyter_client.manager import start_new_kernel
from kernel import run_in_kernel

HERE = pathlib.Path(__file__).parent
SETUP = f"""
import sys, time, json, torch
sys.path.insert(0, {str(HERE)!r})
torch.set_num_threads(1)
from babygpt_widget import BabyGPTWidget
from common import SeedLoop
from train_speed import seed_plot_step
w = BabyGPTWidget()
SPANS = []  # (start, end, steps) of every Play slice, on the kernel's clock
_slice = w._background_slice
def _timed_slice():
    t, s = time.perf_counter(), w.engine.global_step
    try:
        return _slice()
    finally:
        SPANS.append((t, time.perf_counter(), w.engine.global_step - s))
w._background_slice = _timed_slice
w
"""
PLAY_RATE = """
w.pause()
n = sum(k for _, _, k in SPANS)
print(json.dumps({'n': n, 's': SPANS[-1][1] - SPANS[0][0], 'slices': len(SPANS)}))
"""
# Slow Play (a class watching): the pace between slice starts, on the kernel's clock
SLOW_PACE = """
w.pause()
starts = [t for t, _, _ in SPANS]
print(json.dumps({'pace': (len(starts) - 1) / (starts[-1] - starts[0]), 'one_step': all(k == 1 for _, _, k in SPANS)}))
w.play_speed = 0
"""


def main() -> None:
    km, kc = start_new_kernel(kernel_name="python3")
    updates: list[float] = []

    def on_iopub(msg: dict) -> None:
        c = msg["content"]
        if msg["msg_type"] == "comm_msg" and "probs" in c.get("data", {}).get("state", {}):
            updates.append(time.perf_counter())
        elif msg["msg_type"] == "comm_msg" and "probs" in str(c.get("data", {}).get("buffer_paths", "")):
            updates.append(time.perf_counter())

    def run(code: str) -> dict:
        return run_in_kernel(kc, code, on_iopub)

    try:
        run(SETUP)
        results = {}
        for round_ in range(3):  # interleave candidates and baselines
            updates.clear()
            t0 = time.perf_counter()
            r = run("t=time.perf_counter(); w.train(1500); print(json.dumps({'s': time.perf_counter()-t, 'n': 1500}))")
            t1 = time.perf_counter()
            got = [u for u in updates if t0 <= u <= t1]
            results.setdefault("widget train", []).append(r["n"] / r["s"])
            results.setdefault("updates/s", []).append(len(got) / (t1 - t0))
            results.setdefault("history complete", []).append(
                run("h=w.history; print(json.dumps({'ok': bool((h.steps[-1500:] == range(w.global_step-1499, w.global_step+1)).all()) if w.history.stride == 1 else 'thinned'}))")["ok"])
            run("SPANS.clear(); w.play()")
            time.sleep(3.0)  # Play runs meanwhile; its rate comes from the kernel's own clock
            r = run(PLAY_RATE)
            results.setdefault("widget play", []).append(r["n"] / r["s"])
            r = run("b=SeedLoop(); t=time.perf_counter()\nfor _ in range(1500): b.step()\nprint(json.dumps({'s': time.perf_counter()-t}))")
            results.setdefault("seed bare loop", []).append(1500 / r["s"])
            r = run("p=SeedLoop(); t=time.perf_counter()\nfor _ in range(60): p.step(); seed_plot_step(p)\nprint(json.dumps({'s': time.perf_counter()-t}))")
            results.setdefault("seed step+graphviz", []).append(60 / r["s"])
            run("w.reset()")
        run("w.train(50); w.play_speed = 20; SPANS.clear(); w.play()")
        time.sleep(2.0)
        slow = run(SLOW_PACE)
        med = {k: sorted(v)[len(v) // 2] if not isinstance(v[0], (bool, str)) else v for k, v in results.items()}
        print("\n== live widget training in a kernel, comm attached (median of 3 rounds) ==")
        for k in ("widget train", "widget play", "seed bare loop", "seed step+graphviz"):
            print(f"{k:20s} {med[k]:8.1f} steps/s")
        print(load_note())
        # ~30 slices a second, plus the first slice of one (timed) step
        print(f"updates reaching the front end during train: {med['updates/s']:.1f}/s"
              + target("widget_live: front-end updates per second during w.train", med["updates/s"], 31,
                       at_most=True, at_least=10, unit="/s", fmt=".1f"))
        every = all(v is True for v in results["history complete"])
        print(f"every step in history: {results['history complete']}"
              + holds("widget_live: every step of w.train in the history", every, "every round"))
        print(f"Play at 20 steps/s: {slow['pace']:.1f} steps/s between slice starts, one step each: {slow['one_step']}"
              + target("widget_live: Play at 20 steps/s, pace on the kernel's clock", slow["pace"], 22, at_most=True,
                       at_least=18, unit=" steps/s", fmt=".1f"))
        for k in ("widget train", "widget play"):
            bare, plot = med[k] / med["seed bare loop"], med[k] / med["seed step+graphviz"]
            print(f"ratio {k} / seed bare loop     = {bare:.2f}x"
                  + target(f"widget_live: {k} / seed bare loop", bare, 2.3, unit="x"))
            print(f"ratio {k} / seed step+graphviz = {plot:.1f}x"
                  + target(f"widget_live: {k} / seed step+graphviz", plot, 12, unit="x", fmt=".1f"))
        print("(widget overhead against the engine's own rate, same run: bench/widget_overhead.py)")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
    finish()
