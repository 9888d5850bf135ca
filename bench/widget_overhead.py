"""Widget overhead: where the kernel-side time goes between steps during Play and `train(n)`.

A real kernel (as widget_live.py) runs the widget with its comm attached; every phase of the
kernel's work is timed by wrapping it in place: the optimizer steps themselves, the weight
snapshots (explain's history), the refresh forward at the end of each slice, the pushes
(reading the chain, encoding, trait changes), the history re-sends and the comm sends
(serialisation + ZMQ), each phase's time without the phases inside it. The engine's own rate is `BabyGPT.train(n)` in one call, in the same
kernel, interleaved with the widget's rounds.

    widget overhead = (widget run time - optimizer steps - snapshots) / (optimizer steps + snapshots),
    all in the same run (target <= 10%); also the widget's rate against BabyGPT.train(n) directly.

    .venv/bin/python bench/widget_overhead.py
"""

from __future__ import annotations

import os
import pathlib
import statistics
import time

from common import finish, target
from jupyter_client.manager import start_new_kernel
from kernel import run_in_kernel

HERE = pathlib.Path(__file__).parent
SETUP = f"""
import sys, time, json, functools, collections, torch
sys.path.insert(0, {str(HERE)!r})
torch.set_num_threads(1)
from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget import engine as _engine_mod
from babygpt_widget.core import trainer as _trainer_mod
from babygpt_widget.widget import widget as _widget_mod
T = collections.defaultdict(float)  # exclusive seconds per phase: a nested phase's time is its own
N = collections.Counter()
_stack = []

def _timed(owner, name, key):
    f = getattr(owner, name)
    @functools.wraps(f)
    def g(*a, **k):
        t = time.perf_counter()
        _stack.append(0.0)
        try:
            return f(*a, **k)
        finally:
            took = time.perf_counter() - t
            inner = _stack.pop()
            T[key] += took - inner
            N[key] += 1
            if _stack:
                _stack[-1] += took
    setattr(owner, name, g)

_timed(_trainer_mod.Trainer, "step", "optimizer steps")
_timed(_engine_mod.BabyGPT, "_take_snapshot", "weight snapshots")
_timed(_engine_mod.BabyGPT, "_refresh", "refresh forward")
_timed(_widget_mod.BabyGPTWidget, "_push", "push")
_timed(_widget_mod.BabyGPTWidget, "_push_history", "history push")
w = BabyGPTWidget()
_timed(w.comm, "send", "comm send")
e = BabyGPT()
e.train(1)
w
"""
WIDGET_TRAIN = """
T.clear(); N.clear(); s0 = w.global_step; t = time.perf_counter(); w.train({n})
print(json.dumps(dict(s=time.perf_counter() - t, n=w.global_step - s0, T=T, N=N)))
"""
ENGINE_TRAIN = """
t = time.perf_counter(); e.train({n}); print(json.dumps(dict(s=time.perf_counter() - t, n={n})))
"""
PLAY_START = "T.clear(); N.clear(); s0 = w.global_step; t0 = time.perf_counter(); w.play()"
PLAY_STOP = """
w.pause(); print(json.dumps(dict(s=time.perf_counter() - t0, n=w.global_step - s0, T=T, N=N)))
"""
PHASES = ("optimizer steps", "weight snapshots", "refresh forward", "push: read + encode + traits", "history push",
          "comm send", "other (slicing, locks, loop)")
KEYS = {"push: read + encode + traits": "push"}


def breakdown(r: dict) -> dict[str, float]:
    T = r["T"]
    phases = {name: T.get(KEYS.get(name, name), 0.0) for name in PHASES[:-1]}
    phases[PHASES[-1]] = max(0.0, r["s"] - sum(phases.values()))
    return phases


def in_run(r: dict) -> float:
    """The widget's own work (refresh, pushes, sends, slicing) over the engine's (steps and
    snapshots) in the same run: unlike two separate timings, a busy neighbour slows both alike."""
    parts = breakdown(r)
    engine = parts["optimizer steps"] + parts["weight snapshots"]
    return (r["s"] - engine) / engine


def main() -> None:
    km, kc = start_new_kernel(kernel_name="python3")

    def run(code: str) -> dict:
        return run_in_kernel(kc, code)

    try:
        run(SETUP)
        n = 1500
        rows: dict[str, list[dict]] = {"engine": [], "train": [], "play": []}
        for _ in range(3):  # interleaved rounds: a busy neighbour slows all alike
            rows["engine"].append(run(ENGINE_TRAIN.format(n=n)))
            rows["train"].append(run(WIDGET_TRAIN.format(n=n)))
            run(PLAY_START)
            time.sleep(3.0)
            rows["play"].append(run(PLAY_STOP))
            run("w.reset(); e = BabyGPT(); e.train(1)")
        engine = statistics.median(r["s"] / r["n"] for r in rows["engine"])
        print("\n== widget overhead in a real kernel (default model, comm attached; median of 3 rounds) ==")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"engine's own rate (BabyGPT.train({n}) in one call): {1 / engine:7.1f} steps/s ({engine * 1e3:.3f} ms/step)")
        for mode in ("train", "play"):
            per = statistics.median(r["s"] / r["n"] for r in rows[mode])
            r = sorted(rows[mode], key=lambda r: r["s"] / r["n"])[1]  # the median round's breakdown
            parts = breakdown(r)
            label = f"w.train({n})" if mode == "train" else "Play (3 s)"
            inside = statistics.median(in_run(r) for r in rows[mode])
            print(f"{label:13s} {1 / per:7.1f} steps/s ({per * 1e3:.3f} ms/step): "
                  f"{100 * (per / engine - 1):5.1f}% slower than the engine's own rate; widget overhead in the same run "
                  f"{100 * inside:5.1f}% of the engine's own time"
                  + target(f"widget_overhead: {label}, the widget's own work / the engine's", 100 * inside, 10,
                           at_most=True, unit="%", fmt=".1f"))
            for name in PHASES:
                sec = parts[name]
                calls = r["N"].get(KEYS.get(name, name), 0)
                print(f"    {name:30s} {sec / r['n'] * 1e6:8.1f} us/step  {100 * sec / r['s']:5.1f}%"
                      + (f"  ({calls} calls)" if calls else ""))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
    finish()
