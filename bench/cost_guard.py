"""Cost guard: the largest settings config.py allows, measured against its estimate.

For each (alphabet size V, context C, layers, sequence length) the largest allowed n_embd (4
heads) is built in a fresh process; printed: build time, one training step (median of 3 after
a warm-up step), the process's peak RSS, and the estimate the guard used. The guard's promise:
every allowed setting trains one step in < 1 s and < 2 GB on these 2-core machines.

    .venv/bin/python bench/cost_guard.py [--quick]
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

from babygpt_widget.config import MAX_N_EMBD, RunConfig, config_cost

GRID = [  # V, C, layers, sequence length
    (2, 3, 12, 15), (2, 3, 4, 15), (2, 12, 1, 15), (2, 12, 4, 15), (2, 12, 12, 15), (2, 6, 12, 100_000),
    (2, 12, 1, 100_000), (2, 12, 4, 100_000), (2, 8, 4, 100_000), (2, 8, 12, 100_000),
    (16, 2, 4, 100_000), (4, 6, 4, 100_000), (4, 6, 12, 100_000), (128, 1, 4, 100_000), (128, 1, 12, 100_000),
]
ALPHABET = "".join(chr(0x100 + i) for i in range(128))

CHILD = r"""
import json, random, resource, statistics, sys, time
import torch
torch.set_num_threads(1)
from babygpt_widget import BabyGPT
cfg = json.loads(sys.stdin.read())
t = time.perf_counter(); run = BabyGPT(**cfg); build = time.perf_counter() - t
run.train(1)  # the first step also creates the optimizer (imports torch._dynamo, ~1 s once per process)
times = []
for _ in range(3):
    t = time.perf_counter(); run.train(1); times.append(time.perf_counter() - t)
print(json.dumps(dict(build=build, step=statistics.median(times), rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)))
"""


def largest(V: int, C: int, L: int, n: int) -> RunConfig | None:
    alphabet = ALPHABET[:V]
    rng = random.Random(0)  # random text: as many distinct windows as the length allows (the worst case)
    sequence = "".join(rng.choice(alphabet) for _ in range(n))
    best = None
    for d in range(4, MAX_N_EMBD + 1, 4):
        config = RunConfig(sequence=sequence, alphabet=alphabet, context_length=C, n_layer=L, n_head=4, n_embd=d)
        try:
            best = config.validated()
        except ValueError:
            continue
    return best


def main() -> None:
    grid = GRID[:4] if "--quick" in sys.argv else GRID
    print(f"{'V':>4} {'C':>3} {'L':>3} {'seq':>7} {'n_embd':>6} {'params':>10} {'est s':>6} {'est GB':>6}"
          f" {'build s':>7} {'step s':>7} {'peak RSS GB':>11}")
    worst_step = worst_rss = 0.0
    for V, C, L, n in grid:
        config = largest(V, C, L, n)
        if config is None:
            print(f"{V:>4} {C:>3} {L:>3} {n:>7}  (no size allowed)")
            continue
        cost = config_cost(config)
        out = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(config.to_dict()), capture_output=True,
                             text=True, timeout=600)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        worst_step, worst_rss = max(worst_step, r["step"]), max(worst_rss, r["rss"] / 1e9)
        print(f"{V:>4} {C:>3} {L:>3} {n:>7} {config.n_embd:>6} {cost.parameters:>10,} {cost.step_seconds:>6.2f}"
              f" {cost.step_bytes / 1e9:>6.2f} {r['build']:>7.2f} {r['step']:>7.2f} {r['rss'] / 1e9:>11.2f}")
    print(f"worst step {worst_step:.2f} s (target < 1 s), worst peak RSS {worst_rss:.2f} GB (target < 2 GB)")


if __name__ == "__main__":
    main()
