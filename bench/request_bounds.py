"""Every request bounded (issue 19): the worst allowed request of each kind, measured against the
estimate that admitted it.

Each case runs in a fresh process (1 torch thread): the request's CPU time (its own thread, so a
busy neighbour does not inflate it) and wall time, the process's peak memory growth while it
ran (VmHWM after − RSS before), and the longest time the request held the run's lock (its own
CPU time, and wall time: what a `w.step()` cell or Play would wait on an idle machine). Targets:

- estimate ≥ measured CPU time (the estimate is an upper bound) and ≤ request_cost.REQUEST_SECONDS;
  peak memory within the estimate (the request's own arrays, plus for the forward under the lock
  one training step's work: request_cost.replay_bytes) and SLACK_MB;
- the lock never held longer than one training step's estimate (CPU time);
- loading the largest allowed run file, and refusing a 3 GiB zip bomb: peak growth within the
  file's record bound (bomb: < 64 MiB).

    .venv/bin/python bench/request_bounds.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import finish, holds

CHILD = r"""
import io, json, os, sys, threading, time
import numpy as np
import torch
torch.set_num_threads(1)
from babygpt_widget import BabyGPT
from babygpt_widget.analysis import request_cost as rc
from babygpt_widget.core.config import config_cost

case = json.loads(sys.argv[1])
kind, cfg = case["kind"], case["config"]

def rss():
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmRSS:"))

def hwm():
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))

def reset_hwm():
    with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM to the current RSS (Linux >= 4.0)
        f.write("5")

class TimedLock:
    # the run's RLock, recording how long each outermost hold lasts (thread CPU time and wall)
    def __init__(self, lock):
        self.lock, self.depth, self.longest = lock, threading.local(), [0.0, 0.0]
    def acquire(self, *a, **k):
        got = self.lock.acquire(*a, **k)
        if got:
            d = getattr(self.depth, "n", 0)
            if d == 0:
                self.depth.start = (time.thread_time(), time.perf_counter())
            self.depth.n = d + 1
        return got
    def release(self):
        self.depth.n -= 1
        if self.depth.n == 0:
            cpu, wall = time.thread_time() - self.depth.start[0], time.perf_counter() - self.depth.start[1]
            self.longest = [max(self.longest[0], cpu), max(self.longest[1], wall)]
        self.lock.release()
    __enter__ = acquire
    def __exit__(self, *exc):
        self.release()

from babygpt_widget.core import chain
chain.FIXPOINT_EVERY = 10**12  # the worst case: no early stop at a fixed point
run = BabyGPT(**cfg)
config = run.config
out = {"step_estimate": config_cost(config).step_seconds}
if kind == "hitting":
    k, temps = case["k"], case["temperatures"]
    k = rc.largest_k(config, temps) if k == "largest" else k
    temperatures = list(np.linspace(0, 2, temps))
    cost = rc.reach_cost(config, k, temps)
    out.update(k=k, estimate=cost.seconds, estimate_mb=(cost.bytes + rc.replay_bytes(config)) / 2**20)
    target = run.state_space(include_prefixes=True).labels[-1]  # a full-length state: reachable
    request = lambda: run.hitting_curve([target], k, temperatures=temperatures)
elif kind == "reach":
    k = case["k"]
    cost = rc.reach_cost(config, k, 1)
    out.update(k=k, estimate=cost.seconds, estimate_mb=(cost.bytes + rc.replay_bytes(config)) / 2**20)
    target = run.state_space(include_prefixes=True).labels[-1]
    request = lambda: run.reach_probability([target], k, temperature=0.7)
elif kind == "explain":
    limit = rc.replay_limit(config)
    run._snapshots.stride = 10**9  # only the step-0 snapshot: explain(limit) replays the whole limit
    run.train(limit + 1)
    out.update(k=limit, estimate=rc.replay_seconds(config, limit), estimate_mb=rc.replay_bytes(config) / 2**20)
    request = lambda: run.explain(run.states[0], limit)
elif kind == "load":
    from bench_files import largest_run_file
    data = largest_run_file(run)
    from babygpt_widget.runs.run_file_guard import _bounds
    # the records read, the tensors torch builds from them and the checked copies: 3x the bound
    out.update(k=len(data), estimate=rc.REQUEST_SECONDS, estimate_mb=3 * _bounds(config, "x")[1] / 2**20)
    request = lambda: BabyGPT.load(io.BytesIO(data))
elif kind == "bomb":
    from bench_files import zip_bomb
    data = zip_bomb(run)
    out.update(k=len(data), estimate=rc.REQUEST_SECONDS, estimate_mb=64.0)
    def request():
        try:
            BabyGPT.load(io.BytesIO(data))
        except ValueError as e:
            out["refused"] = str(e)[:90]

timed = TimedLock(run._lock)
run._lock = timed
before = rss()
reset_hwm()
t, c = time.perf_counter(), time.thread_time()
request()
out.update(cpu=time.thread_time() - c, wall=time.perf_counter() - t, peak_mb=(hwm() - before) / 2**20,
           lock_cpu=timed.longest[0], lock_wall=timed.longest[1])
print(json.dumps(out))
"""

BIG = dict(context_length=12, sequence="".join("01"[(i * 7919) % 13 % 2] for i in range(2000)))
WIDE = dict(alphabet="0123", context_length=6, sequence="".join("0123"[(i * 7919) % 17 % 4] for i in range(2000)))
HUGE_V = dict(alphabet="".join(chr(0x100 + i) for i in range(128)), context_length=1,
              sequence="".join(chr(0x100 + (i * 7919) % 128) for i in range(2000)))
CASES = [
    ("hitting, largest k at 21 temperatures, V=2 C=12 (8,190 contexts)", dict(kind="hitting", config=BIG, k="largest", temperatures=21)),
    ("hitting, largest k at 21 temperatures, V=4 C=6 (5,460 contexts)", dict(kind="hitting", config=WIDE, k="largest", temperatures=21)),
    ("hitting, largest k at 21 temperatures, V=128 C=1", dict(kind="hitting", config=HUGE_V, k="largest", temperatures=21)),
    ("hitting, largest k at 1,000 temperatures, V=2 C=12", dict(kind="hitting", config=BIG, k="largest", temperatures=1000)),
    ("reach_probability, k 10,000 (its cap), V=2 C=12", dict(kind="reach", config=BIG, k=10_000)),
    ("explain at the longest allowed replay, default model", dict(kind="explain", config={})),
    ("explain at the longest allowed replay, V=2 C=12", dict(kind="explain", config=BIG)),
    ("explain at the longest allowed replay, 12 layers x 256", dict(kind="explain", config=dict(n_layer=12, n_embd=256))),
    ("load the largest run file, V=2 C=12, history at its cap", dict(kind="load", config=BIG)),
    ("load a 3.2 MB file whose record inflates to 3 GiB (refused)", dict(kind="bomb", config={})),
]
QUICK = {0, 4, 5, 9}
SLACK_MB = 16  # modules imported on first use, allocator granularity


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="four cases only")
    args = parser.parse_args()
    import pathlib

    here = pathlib.Path(__file__).parent
    print("\n== Every request bounded (issue 19): the worst allowed request of each kind, fresh process each ==")
    print(f"{'request':62s} {'k / size':>9s} {'est. s':>7s} {'CPU s':>7s} {'wall s':>7s} {'est. MiB':>9s} "
          f"{'peak MiB':>9s} {'lock CPU s':>10s} {'(wall)':>7s} {'step est.':>9s}  verdict")
    from babygpt_widget.analysis.request_cost import REQUEST_SECONDS

    for i, (name, case) in enumerate(CASES):
        if args.quick and i not in QUICK:
            continue
        done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(case)], capture_output=True, text=True,
                              cwd=here, timeout=1800)
        if done.returncode:
            why = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode
            print(f"{name:62s} FAILED: {why}" + holds(f"request_bounds: {name}", False, "ran"))
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        if case["kind"] in ("load", "bomb"):
            ok = r["peak_mb"] <= r["estimate_mb"] and r["wall"] <= REQUEST_SECONDS and (case["kind"] == "load" or "refused" in r)
            target = f"peak ≤ {r['estimate_mb']:.0f} MiB, ≤ {REQUEST_SECONDS:g} s" + (", refused" if case["kind"] == "bomb" else "")
        else:
            ok = (r["cpu"] <= r["estimate"] <= REQUEST_SECONDS and r["lock_cpu"] <= r["step_estimate"]
                  and r["peak_mb"] <= r["estimate_mb"] + SLACK_MB)
            target = f"CPU ≤ est. ≤ {REQUEST_SECONDS:g} s, peak ≤ est. + {SLACK_MB} MiB, lock ≤ one step"
        size = f"{r['k']:,}" if case["kind"] not in ("load", "bomb") else f"{r['k'] / 2**20:.1f}MB"
        print(f"{name:62s} {size:>9s} {r['estimate']:7.2f} {r['cpu']:7.2f} {r['wall']:7.2f} {r['estimate_mb']:9.1f} "
              f"{r['peak_mb']:9.1f} {r['lock_cpu']:10.3f} {r['lock_wall']:7.3f} {r['step_estimate']:9.3f}  "
              f"{target}" + holds(f"request_bounds: {name}", ok, target))


if __name__ == "__main__":
    main()
    finish()
