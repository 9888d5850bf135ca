"""Soak: N minutes of Play in a real kernel (commands over a subshell, as JupyterLab sends them).

Reports kernel RSS at the start, once history is full (after the first minute) and at the end,
the steps trained, and whether the run is still whole (every optimizer counter at global_step).
With --lab the front end is JupyterLab itself (default settings, Debian chromium): Play is clicked
and the page's JS heap (CDP Runtime.getHeapUsage, after a forced GC) is reported as well; with
--speed 30 --actions 1.4 as in issue 19 (Play at 30 steps/s, a random UI action every 1.4 s),
and a probe in the kernel (soak_lab.py). Target: RSS and heap flat within 5% once warmed up. --speed 30 --read-every 0.05 (without
--lab) is issue 19's growth in small: a front end slower than the kernel's messages.

    .venv/bin/python bench/soak.py [--minutes 10] [--model default|heavy] [--lab [--speed 30] [--actions 1.4] [--trace]]
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
    parser.add_argument("--speed", type=float, default=0.0, help="Play's steps/s (0 = full speed)")
    parser.add_argument("--read-every", type=float, default=0.0,
                        help="without --lab: the front end reads one message per this many s (a slow browser)")
    parser.add_argument("--actions", type=float, default=0.0, help="--lab: a random UI action every N s (0 = none)")
    parser.add_argument("--trace", action="store_true", help="--lab: tracemalloc in the kernel (slower)")
    args = parser.parse_args()
    if args.lab:
        from soak_lab import lab_soak

        lab_soak(args.minutes, args.speed, args.actions, args.trace)
        return

    km, kc = start_new_kernel(kernel_name="python3")
    pid = km.provisioner.process.pid
    try:
        comm_id = run_code(kc, SETUP.format(settings=MODELS[args.model])).strip().splitlines()[-1]
        if args.speed:
            run_code(kc, f"w.play_speed = {args.speed!r}")
        if args.read_every:  # a front end slower than the kernel: its messages queue in the kernel's IOPub socket
            read = kc.get_iopub_msg
            kc.get_iopub_msg = lambda timeout=None: (time.sleep(args.read_every), read(timeout=timeout))[1]
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
        speed = f"at {args.speed:g} steps/s" if args.speed else "at full speed"
        reader = f", a front end reading a message per {args.read_every:g} s" if args.read_every else ""
        print(f"\n== Soak: {args.minutes:g} min of Play {speed} ({args.model} model, commands over a subshell{reader}) ==")
        print(f"steps trained      {int(steps):,}")
        print(f"kernel RSS         start {start:.0f} MB, after 1 min {after_warmup:.0f} MB, end {end:.0f} MB, "
              f"max {max(r for _, r in samples):.0f} MB")
        growth = 100 * (end - after_warmup) / after_warmup
        print(f"growth after 1 min {growth:+.1f}%" + target("soak: kernel RSS growth after 1 min", growth, 5,
                                                              at_most=True, unit="%", fmt=".1f"))
        print(f"run whole          {whole}" + holds("soak: the run whole after Stop", whole == "True", "run whole"))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
    finish()
