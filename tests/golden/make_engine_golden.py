"""Golden numbers for the in-browser engine (js/engine/), written by the real Python engine.

    .venv/bin/python tests/golden/make_engine_golden.py            # rewrites engine_golden.json
    .venv/bin/python tests/golden/make_engine_golden.py --check    # recomputes the cheap part, compares

For each run (the seed's and seven others: V=3 C=2, V=4 C=3, V=2 C=6, another sequence with
another lr / weight decay / seed, another architecture; V=5 with n_embd=8 to 300 steps, where
MKL takes its small-shape kernels, and C=6 with 16-dim heads to 50, where attention goes
through MKL's batched gemm) it records, from babygpt_widget.BabyGPT:
the initial weights' checksum, the loss of every step up to 1,000 (all for the seed's run, a
checksum and every 50th for the others), and at steps 0, 1, 50, 300
and 1,000 the weights' checksum and the probabilities of every context (shorter ones first) as
the training step computes them. It also trains the same run in float64 (same initial weights,
same loss, same AdamW) and stores PyTorch's own float32-vs-float64 drift at those steps: the
tolerance a float32 reimplementation would be held to if it were not bit-exact. And it records
initial-weight checksums for more seeds and shapes (both of normal_'s code paths).

Checksums: FNV-1a (32-bit) over the float32 bit patterns, parameters in model.parameters()
order (js/engine/checksum.ts computes the same).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from babygpt_widget import BabyGPT  # noqa: E402
from babygpt_widget.core import chain  # noqa: E402
from babygpt_widget.core.model import GPT, GPTConfig  # noqa: E402
from babygpt_widget.core.tokens import encode  # noqa: E402

OUT = Path(__file__).with_name("engine_golden.json")
STEPS = (0, 1, 50, 300, 1000)

RUNS = {
    "seed": {},
    "v3c2": dict(alphabet="012", context_length=2, sequence="0120120210120121"),
    "v4c3": dict(alphabet="0123", context_length=3, sequence="0123012301320213012"),
    "v2c6": dict(context_length=6, sequence="1101001000100001101001"),
    "other_sequence": dict(sequence="0110101101110010110", lr=3e-3, weight_decay=0.01, seed=7),
    "d32_2layers": dict(n_layer=2, n_head=2, n_embd=32, lr=2e-3, seed=2024),
    # MKL's small-shape kernels (fewer than 12 output columns: V=5, n_embd=8), to 300 steps
    "v5_d8": dict(alphabet="01234", context_length=2, sequence="0123401234013240312", n_layer=2, n_head=2, n_embd=8),
    # attention through MKL's batched gemm (C*C*head size >= 400), to 50 steps (it is slow)
    "c6_hs16": dict(context_length=6, sequence="1101001000100001101001", n_layer=1, n_head=4, n_embd=64),
}
SHORT_RUNS = {"v5_d8": (0, 1, 50, 300), "c6_hs16": (0, 1, 50)}

# (V, C, n_layer, n_head, n_embd, seed): default, tiny vocabularies, n_embd small enough for the
# scalar (< 16 elements) path, large seeds (only the low 32 bits reach the generator)
INIT_CASES = [
    (2, 3, 4, 4, 16, 1337), (2, 3, 4, 4, 16, 0), (2, 3, 4, 4, 16, 1), (2, 3, 4, 4, 16, 2**31 - 1),
    (2, 3, 4, 4, 16, 2**63 - 1), (2, 3, 4, 4, 16, 123456789012345), (3, 2, 4, 4, 16, 1337),
    (4, 3, 2, 2, 8, 5), (2, 6, 1, 1, 2, 11), (2, 4, 1, 1, 1, 42), (5, 2, 3, 3, 12, 99),
    (2, 3, 12, 16, 32, 3), (16, 1, 2, 4, 64, 8),
]


def fnv1a(values: np.ndarray) -> str:
    h = 0x811C9DC5
    for word in np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).tolist():
        for shift in (0, 8, 16, 24):
            h ^= (word >> shift) & 0xFF
            h = (h * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def flat(params) -> np.ndarray:
    return np.concatenate([p.detach().reshape(-1).to(torch.float32).numpy() for p in params])


def f32_list(a: np.ndarray) -> list[float]:
    """float32 values as the shortest decimals that round-trip."""
    return [float(str(np.float32(x))) for x in np.asarray(a, dtype=np.float32).ravel()]


def moments(run: BabyGPT, key: str) -> np.ndarray:
    """AdamW's exp_avg or exp_avg_sq in parameter order (zeros before the first step)."""
    tr = run._trainer
    state = tr.optimizer.state if tr._optimizer is not None else {}
    return flat([state[p][key] if p in state else torch.zeros_like(p) for p in tr._parameters])


def training_probs(run: BabyGPT) -> np.ndarray:
    """Every context's probabilities as the training step computes them (grad-enabled path)."""
    with torch.enable_grad():
        loss, probs = run._trainer._loss_and_probs()
    return probs.detach().numpy()


class Float64Run:
    """The same training in float64: same initial weights, loss, AdamW (plain, not fused)."""

    def __init__(self, run: BabyGPT) -> None:
        cfg = run.config
        self.model = GPT(GPTConfig(block_size=cfg.context_length, vocab_size=len(cfg.alphabet), n_layer=cfg.n_layer,
                                   n_head=cfg.n_head, n_embd=cfg.n_embd))
        self.model.load_state_dict(run.model.state_dict())
        for block in self.model.transformer.h:
            block.one_node = False
        self.model.double()
        space = chain.StateSpace(cfg.alphabet, cfg.context_length, include_prefixes=True)
        counts = chain.data_counts(encode(cfg.sequence, cfg.alphabet), space)
        n_full = len(cfg.alphabet) ** cfg.context_length
        self.counts = torch.as_tensor(counts[-n_full:], dtype=torch.float64)
        self.n_windows = float(self.counts.sum())
        self.inputs = space.token_ids(cfg.context_length)
        self.rows, self.positions = space.prefix_rows()
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, foreach=False)

    def probs_then_step(self) -> np.ndarray:
        logits = self.model.forward_all(self.inputs)
        probs = torch.softmax(logits.detach()[self.rows, self.positions], dim=-1).numpy()
        loss = F.cross_entropy(logits[:, -1], self.counts, reduction="sum") / self.n_windows
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return probs


def record_run(name: str, kwargs: dict, steps: tuple[int, ...]) -> dict:
    run = BabyGPT(**kwargs)
    cfg = run.config
    params = run._trainer._parameters
    ref64 = Float64Run(run)
    n_prefix = len(run.state_space(include_prefixes=True)) - len(run.states)
    out: dict = {
        "settings": dict(sequence=cfg.sequence, alphabet=cfg.alphabet, context_length=cfg.context_length,
                         n_layer=cfg.n_layer, n_head=cfg.n_head, n_embd=cfg.n_embd, lr=cfg.lr,
                         weight_decay=cfg.weight_decay, seed=str(cfg.seed)),
        "n_parameters": run.num_parameters,
        "init_checksum": fnv1a(flat(params)),
        "losses": [],
        "checkpoints": [],
    }
    started = time.perf_counter()
    last = max(steps)
    for step in range(last + 1):
        p64 = ref64.probs_then_step()
        if step in steps:
            p32 = training_probs(run)
            diff = np.abs(p32.astype(np.float64) - p64)
            out["checkpoints"].append(dict(
                step=step, weights_checksum=fnv1a(flat(params)), weights_head=f32_list(flat(params)[:8]),
                exp_avg_checksum=fnv1a(moments(run, "exp_avg")), exp_avg_sq_checksum=fnv1a(moments(run, "exp_avg_sq")),
                probs=f32_list(p32),
                drift_f32_f64=float(diff.max()), drift_f32_f64_full_contexts=float(diff[n_prefix:].max()),
                # what a no_grad refresh shows (fused attention: differs in the last bits)
                live_vs_training=float(np.abs(run.transition_matrix(include_prefixes=True) - p32).max()),
            ))
        if step < last:
            out["losses"].extend(run.train(1))
    losses = np.array(out["losses"], dtype=np.float32)
    out["losses_checksum"] = fnv1a(losses)
    # every loss of the seed's run; of the others the first 50 and every 50th
    keep = range(len(losses)) if name == "seed" else [i for i in range(len(losses)) if i <= 50 or i % 50 == 0]
    out["losses"] = {str(i): v for i, v in zip(keep, f32_list(losses[list(keep)]))}
    print(f"{name}: {last} steps in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return out


def init_checksums() -> list[dict]:
    cases = []
    for V, C, L, H, d, seed in INIT_CASES:
        torch.manual_seed(seed)
        model = GPT(GPTConfig(block_size=C, vocab_size=V, n_layer=L, n_head=H, n_embd=d))
        cases.append(dict(V=V, C=C, n_layer=L, n_head=H, n_embd=d, seed=str(seed),
                          checksum=fnv1a(flat(model.parameters())), head=f32_list(flat(model.parameters())[:6])))
    return cases


def build(steps: tuple[int, ...]) -> dict:
    torch.set_num_threads(1)
    return {
        "about": "Written by tests/golden/make_engine_golden.py from babygpt_widget.BabyGPT "
                 f"(torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}); "
                 "checked by js/engine/golden.test.ts.",
        "steps": list(steps),
        "init": init_checksums(),
        "runs": {name: record_run(name, kwargs, SHORT_RUNS.get(name, steps)) for name, kwargs in RUNS.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="recompute init checksums and 50 steps; compare")
    args = parser.parse_args()
    if not args.check:
        OUT.write_text(json.dumps(build(STEPS), separators=(",", ":")) + "\n")
        print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")
        return
    check()
    print("engine_golden.json matches the Python engine")


def check() -> None:
    """The committed numbers are still the Python engine's: init checksums and the seed's first
    50 steps recomputed (a few seconds). Raises AssertionError naming what changed."""
    torch.set_num_threads(1)
    golden = json.loads(OUT.read_text())
    fresh = {"init": init_checksums(), "runs": {"seed": record_run("seed", RUNS["seed"], (0, 1, 50))}}
    assert fresh["init"] == golden["init"], "initial weights changed: rerun tests/golden/make_engine_golden.py"
    old, new = golden["runs"]["seed"], fresh["runs"]["seed"]
    assert all(old["losses"][k] == v for k, v in new["losses"].items()), "losses changed: rerun the script"
    for a, b in zip(new["checkpoints"], old["checkpoints"]):
        same = all(a[k] == b[k] for k in ("weights_checksum", "exp_avg_checksum", "exp_avg_sq_checksum", "probs"))
        assert same, f"step {a['step']} changed: rerun tests/golden/make_engine_golden.py"


if __name__ == "__main__":
    main()
