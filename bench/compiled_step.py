"""The optional compiled step (torch.compile / Inductor), measured: is it worth turning on?

The issue's plan: compile the default-size forward + backward in a background thread with
PyTorch's on-disk caches, train eagerly until it is ready, then switch. Measured here, each in a
fresh process (1 torch thread), first with an empty Inductor cache (cold), then with the cache
the first one left (warm):

- compile time in the background thread, and the eager step rate while it compiles (the
  compile thread holds the GIL most of the time, so on any machine it competes with training);
- after the switch (same process, CPU time, interleaved): the seed's bare loop, the engine's
  eager Trainer.step and the same step with the compiled forward + backward;
- numerics: 50 compiled steps against the seed's own loop (target <= 1e-5).

The engine does not use it (off by default, and not wired in): see the printed verdict.

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
import copy, json, sys, threading, time
sys.path.insert(0, sys.argv[1])
import torch, torch.nn.functional as F
torch.set_num_threads(1)
from babygpt_widget import BabyGPT
from common import SeedLoop, interleaved


def logits_all(model, idx):
    # model.forward_all, block by block (the one-node autograd.Function is for eager autograd)
    B, T = idx.shape
    tf = model.transformer
    x = (tf.wte(idx) + tf.wpe(torch.arange(T))).view(B * T, -1)
    for block in tf.h:
        x = block.forward_modules(x, B, T)
    return model.lm_head(tf.ln_f(x)).view(B, T, -1)


def loss_fn(model, inputs, counts, n_windows):
    logits = logits_all(model, inputs)
    return F.cross_entropy(logits[:, -1], counts, reduction="sum") / n_windows, logits.detach()


compiled = torch.compile(loss_fn, dynamic=False)


def compiled_step(tr):
    # Trainer.step with the compiled forward + backward (no checkpoint/replay: a measurement)
    loss, logits = compiled(tr.model, tr._inputs, tr._counts, tr._n_windows)
    value = tr._record(loss.item(), torch.softmax(logits[tr._rows, tr._positions], dim=-1))
    loss.backward()
    tr.optimizer_step()
    tr.global_step += 1
    for p in tr._parameters:
        p.grad = None
    return value


run = BabyGPT()
run.train(1)
tr = run._trainer
t = time.perf_counter(); run.train(300); before = (time.perf_counter() - t) / 300
done = {}

def build():
    t = time.perf_counter()
    m = copy.deepcopy(tr.model)  # compile on a copy: the live model keeps training meanwhile
    loss, _ = compiled(m, tr._inputs, tr._counts, tr._n_windows)
    loss.backward()
    done["s"] = time.perf_counter() - t

thread = threading.Thread(target=build, daemon=True)
thread.start()
t, steps = time.perf_counter(), 0
while thread.is_alive():
    run.train(10)
    steps += 10
during = (time.perf_counter() - t) / max(steps, 1)
t = time.perf_counter(); compiled_step(tr); first = time.perf_counter() - t  # the switch: no recompile

seed = SeedLoop()
n = 200
def timed(f):
    def run_():
        c = time.process_time()
        for _ in range(n):
            f()
        return (time.process_time() - c) / n
    return run_
import statistics
samples = {"seed bare loop": [], "eager Trainer.step": [], "compiled step": []}
for _ in range(5):
    samples["seed bare loop"].append(timed(seed.step)())
    samples["eager Trainer.step"].append(timed(tr.step)())
    samples["compiled step"].append(timed(lambda: compiled_step(tr))())
rates = {k: statistics.median(v) for k, v in samples.items()}

fresh, seed50 = BabyGPT(), SeedLoop()  # both from step 0; the compiled function is reused (no recompile)
losses = [compiled_step(fresh._trainer) for _ in range(50)]
seed_losses = [seed50.step() for _ in range(50)]
with torch.no_grad():
    probs = torch.softmax(fresh.model(fresh._trainer._inputs), dim=-1).numpy()
dP = float(abs(seed50.all_state_probs().numpy() - probs).max())
dL = max(abs(a - b) for a, b in zip(losses, seed_losses))
print(json.dumps(dict(compile=done["s"], before=before, during=during, during_steps=steps, first=first,
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
            seed, eager, comp = rates["seed bare loop"], rates["eager Trainer.step"], rates["compiled step"]
            print(f"{label}: compile {r['compile']:.1f} s in the background; eager training meanwhile "
                  f"{r['during'] * 1e3:.2f} ms/step vs {r['before'] * 1e3:.2f} before "
                  f"({r['during'] / r['before']:.1f}x slower, {r['during_steps']} steps); first compiled step "
                  f"{r['first'] * 1e3:.1f} ms")
            print(f"    CPU per step: seed bare loop {seed * 1e3:.3f} ms, eager {eager * 1e3:.3f} ms "
                  f"({seed / eager:.2f}x the seed), compiled {comp * 1e3:.3f} ms ({seed / comp:.2f}x the seed)")
            print(f"    numerics after 50 compiled steps: max |dP| = {r['dP']:.1e}, max |dloss| = {r['dL']:.1e}"
                  " (target <= 1e-5)")
    cold, warm = results
    slowed = max(r["during"] / r["before"] for r in results)
    print(f"verdict: {'off' if slowed > 1.2 or cold['compile'] > 5 else 'worth wiring in'} by default: while it "
          f"compiles ({cold['compile']:.0f} s cold, {warm['compile']:.0f} s warm) eager training runs up to "
          f"{slowed:.1f}x slower (the compile thread holds the GIL); and compiled kernels round differently, so a "
          "compiled run would no longer replay (interrupts) or rebuild from its run string bit for bit.")


if __name__ == "__main__":
    main()
