"""Cost guard: config.py's estimate against measured steps, for realistic and the largest allowed settings.

Each setting is built in a fresh process (1 torch thread): build time, one training step (median
of 5 after a warm-up step; CPU time, which a busy neighbour does not inflate, and wall time),
the process's peak RSS. Printed with the guard's estimate and
estimate / measured: the estimate must stay above the real cost (ratio > 1) for every allowed
setting, and not refuse what trains fast (ratio <= ~3 where the limit bites). The guard's
promise: every allowed setting trains one step in < 1 s and < 2 GB on these 2-core machines.

    .venv/bin/python bench/cost_guard.py [--quick]
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

from babygpt_widget.core.config import MAX_N_EMBD, MAX_STEP_SECONDS, RunConfig, config_cost
from common import finish, holds, target

LARGEST = [  # V, C, layers, sequence length: the largest allowed n_embd (4 heads) is measured
    (2, 3, 12, 15), (2, 3, 4, 15), (2, 12, 1, 15), (2, 12, 4, 15), (2, 12, 12, 15), (2, 6, 12, 100_000),
    (2, 12, 1, 100_000), (2, 12, 4, 100_000), (2, 12, 4, 2000), (2, 12, 12, 2000), (2, 10, 12, 2000),
    (2, 8, 4, 100_000), (2, 8, 12, 100_000), (16, 2, 4, 100_000), (16, 2, 12, 640), (4, 6, 4, 100_000),
    (4, 6, 12, 100_000), (11, 3, 4, 100_000), (128, 1, 4, 100_000), (128, 1, 12, 100_000),
]
REALISTIC = [  # V, C, layers, n_embd, sequence length: the default model on large chains' random data
    (2, 3, 4, 16, 15), (2, 10, 4, 16, 2000), (2, 12, 4, 16, 2000), (2, 12, 4, 16, 100_000), (4, 6, 4, 16, 100_000),
]
ALPHABET = "".join(chr(0x100 + i) for i in range(128))

CHILD = r"""
import json, random, statistics, sys, time
import torch
torch.set_num_threads(1)
from babygpt_widget import BabyGPT
cfg = json.loads(sys.stdin.read())
t = time.perf_counter(); run = BabyGPT(**cfg); build = time.perf_counter() - t
run.train(1)  # the first step also creates the optimizer (imports torch._dynamo, ~1 s once per process)
walls, cpus = [], []
for _ in range(5):  # CPU time is what the step costs on an idle core; wall time adds the neighbours' load
    t, c = time.perf_counter(), time.process_time(); run.train(1)
    walls.append(time.perf_counter() - t); cpus.append(time.process_time() - c)
# this process's own peak (VmHWM): ru_maxrss survives exec, so it would report a big parent's size
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps(dict(build=build, step=statistics.median(cpus), wall=statistics.median(walls), rss=hwm * 1024)))
"""


def random_text(V: int, n: int) -> tuple[str, str]:
    """Random text: as many distinct windows as the length allows (the worst case)."""
    alphabet = "01" if V == 2 else ALPHABET[:V]
    rng = random.Random(0)
    return alphabet, "".join(rng.choice(alphabet) for _ in range(n))


def largest(V: int, C: int, L: int, n: int) -> RunConfig | None:
    alphabet, sequence = random_text(V, n)
    best = None
    for d in range(4, MAX_N_EMBD + 1, 4):
        config = RunConfig(sequence=sequence, alphabet=alphabet, context_length=C, n_layer=L, n_head=4, n_embd=d)
        try:
            best = config.validated()
        except ValueError:
            continue
    return best


def measure(config: RunConfig) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(config.to_dict()), capture_output=True,
                         text=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    quick = "--quick" in sys.argv
    configs: list[tuple[str, RunConfig | None, tuple]] = []
    for V, C, L, d, n in REALISTIC[:3] if quick else REALISTIC:
        alphabet, sequence = random_text(V, n)
        config = RunConfig(sequence=sequence, alphabet=alphabet, context_length=C, n_layer=L, n_head=4, n_embd=d)
        configs.append(("realistic", config, (V, C, L, n)))
    for V, C, L, n in LARGEST[:4] if quick else LARGEST:
        configs.append(("largest", largest(V, C, L, n), (V, C, L, n)))
    print(f"{'kind':9s} {'V':>4} {'C':>3} {'L':>3} {'seq':>7} {'n_embd':>6} {'params':>10} {'allowed':>7} {'est s':>6}"
          f" {'CPU s':>7} {'est/real':>8} {'wall s':>6} {'est GB':>6} {'RSS GB':>6} {'est/real':>8} {'build s':>7}")
    worst_step = worst_wall = worst_rss = 0.0
    ratios: list[float] = []
    below = []
    for kind, config, (V, C, L, n) in configs:
        if config is None:
            print(f"{kind:9s} {V:>4} {C:>3} {L:>3} {n:>7}  (no size allowed)")
            continue
        cost = config_cost(config)
        allowed = not cost.too_costly()
        r = measure(config)
        rss = r["rss"] / 1e9
        if allowed:
            worst_step, worst_wall, worst_rss = max(worst_step, r["step"]), max(worst_wall, r["wall"]), max(worst_rss, rss)
        ratio = cost.step_seconds / r["step"]
        if allowed and cost.step_seconds > MAX_STEP_SECONDS / 4:  # where the limit bites
            ratios.append(ratio)
        if ratio < 1 or cost.step_bytes / 1e9 < rss:
            below.append(f"V={V} C={C} L={L} d={config.n_embd} n={n}")
        print(f"{kind:9s} {V:>4} {C:>3} {L:>3} {n:>7} {config.n_embd:>6} {cost.parameters:>10,} {'yes' if allowed else 'NO':>7}"
              f" {cost.step_seconds:>6.3f} {r['step']:>7.3f} {ratio:>8.2f} {r['wall']:>6.3f} {cost.step_bytes / 1e9:>6.2f} {rss:>6.2f}"
              f" {cost.step_bytes / 1e9 / rss:>8.2f} {r['build']:>7.2f}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; estimate / measured is on CPU time")
    print(f"worst allowed step {worst_step:.2f} s CPU (wall {worst_wall:.2f} s at this load)"
          + target("cost_guard: worst allowed step, CPU", worst_step, 1, at_most=True, unit=" s"))
    print(f"worst allowed peak RSS {worst_rss:.2f} GB"
          + target("cost_guard: worst allowed peak RSS", worst_rss, 2, at_most=True, unit=" GB"))
    if ratios:
        print(f"estimate / measured where the limit bites (estimate > {MAX_STEP_SECONDS / 4:g} s): "
              f"lowest {min(ratios):.2f}x"
              + target("cost_guard: lowest estimate / measured where the limit bites", min(ratios), 1, unit="x")
              + f", highest {max(ratios):.2f}x"
              + target("cost_guard: highest estimate / measured where the limit bites", max(ratios), 3, at_most=True,
                       unit="x"))
    print("estimate below the measured cost: " + (", ".join(below) if below else "none")
          + holds("cost_guard: the estimate above the measured cost (time and memory) everywhere", not below,
                  "none below"))


if __name__ == "__main__":
    main()
    finish()
