"""The optional compiled step (torch.compile / Inductor), measured: is it worth turning on?

The issue's plan: compile the default-size forward + backward in a background thread with
PyTorch's on-disk caches, train eagerly until it is ready, then switch. Measured here, each in a
fresh process (1 torch thread), first with an empty Inductor cache (cold), then with the cache
the first one left (warm):

- compile time in the background thread, and the eager step rate while it compiles (the
  compile thread holds the GIL most of the time, so on any machine it competes with training);
- after the switch (same process, CPU time, interleaved): the seed's bare loop, BabyGPT.train
  eager and BabyGPT.train compiled (BABYGPT_COMPILED_STEP=1, babygpt_widget/compiled_step.py);
- numerics: 50 compiled steps against the seed's own loop (target <= 1e-5).

Off by default (turned on by BABYGPT_COMPILED_STEP=1): see the printed verdict.

    .venv/bin/python bench/compiled_step.py
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).parent

CHILD = r"""
import json, os, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import torch
torch.set_num_threads(1)
from babygpt_widget import BabyGPT
from common import SeedLoop

os.environ["BABYGPT_COMPILED_STEP"] = "0"
eager = BabyGPT()
eager.train(1)
t = time.perf_counter(); eager.train(300); before = (time.perf_counter() - t) / 300
os.environ["BABYGPT_COMPILED_STEP"] = "1"
t0 = time.perf_counter()
run = BabyGPT()  # starts the background compile
tr = run._trainer
steps = 0
t = time.perf_counter()
while not tr._compile.ready and tr._compile.error is None:
    run.train(10)  # eager meanwhile
    steps += 10
during = (time.perf_counter() - t) / max(steps, 1)
compile_s = time.perf_counter() - t0
if tr._compile.error is not None:
    raise tr._compile.error
t = time.perf_counter(); run.train(1); first = time.perf_counter() - t  # the switch
assert tr._compiled

seed = SeedLoop()
n = 200
def timed(f):
    c = time.process_time()
    f()
    return (time.process_time() - c) / n
samples = {"seed bare loop": [], "eager": [], "compiled": []}
for _ in range(5):  # interleaved rounds, CPU time: a busy neighbour slows all alike
    samples["seed bare loop"].append(timed(lambda: [seed.step() for _ in range(n)]))
    samples["eager"].append(timed(lambda: eager.train(n)))
    samples["compiled"].append(timed(lambda: run.train(n)))
rates = {k: statistics.median(v) for k, v in samples.items()}

fresh, seed50 = BabyGPT(), SeedLoop()
fresh._trainer._compile.join()
losses, seed_losses = fresh.train(50), [seed50.step() for _ in range(50)]
assert fresh._trainer._compiled
dP = float(abs(seed50.all_state_probs().numpy() - fresh.probabilities).max())
dL = max(abs(a - b) for a, b in zip(losses, seed_losses))
print(json.dumps(dict(compile=compile_s, before=before, during=during, during_steps=steps, first=first,
                      rates=rates, dP=dP, dL=dL)))
"""


def measure(cache: str) -> dict:
    env = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", CHILD, str(HERE)], capture_output=True, text=True, env=env,
                         timeout=900)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(lines[-1])


def main() -> None:
    print(f"\n== optional compiled step (torch.compile in a background thread; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores) ==")
    results = []
    with tempfile.TemporaryDirectory(prefix="babygpt-inductor-") as cache:
        for label in ("cold cache", "warm cache"):
            r = measure(cache)
            results.append(r)
            rates = r["rates"]
            seed, eager, comp = rates["seed bare loop"], rates["eager"], rates["compiled"]
            print(f"{label}: compile {r['compile']:.1f} s in the background; eager training meanwhile "
                  f"{r['during'] * 1e3:.2f} ms/step vs {r['before'] * 1e3:.2f} before "
                  f"({r['during'] / r['before']:.1f}x slower, {r['during_steps']} steps); first compiled step "
                  f"{r['first'] * 1e3:.1f} ms")
            print(f"    CPU per step: seed bare loop {seed * 1e3:.3f} ms, BabyGPT.train eager {eager * 1e3:.3f} ms "
                  f"({seed / eager:.2f}x the seed), compiled {comp * 1e3:.3f} ms ({seed / comp:.2f}x the seed; "
                  "target >= 2.5x)")
            print(f"    numerics after 50 compiled steps: max |dP| = {r['dP']:.1e}, max |dloss| = {r['dL']:.1e}"
                  " (target <= 1e-5)")
    cold, warm = results
    slowed = max(r["during"] / r["before"] for r in results)
    print(f"verdict: {'off' if slowed > 1.2 or cold['compile'] > 5 else 'could be on'} by default: while it "
          f"compiles ({cold['compile']:.0f} s cold, {warm['compile']:.0f} s warm) eager training runs up to "
          f"{slowed:.1f}x slower (the compile thread holds the GIL); and compiled kernels round differently, so a "
          "compiled run no longer rebuilds from its run string bit for bit (replays stay exact).")


if __name__ == "__main__":
    main()
