"""Golden numbers for the in-browser engine's taught rows (js/engine/model/teach.ts), written by
the real Python engine's nudge / teach.

    .venv/bin/python tests/golden/make_teach_golden.py            # rewrites teach_golden.json
    .venv/bin/python tests/golden/make_teach_golden.py --check    # recomputes, compares

Each run is a script of BabyGPT calls (train, nudge, teach). Recorded: the run's segments as its
run string has them (steps, lr, weight decay, the taught rows as token ids and probabilities),
the loss of every step's starting weights as the run recorded it (the data's loss while rows
are taught) and the final weights' one, every context's probabilities at each segment's end
(as the training step computes them), and checksums of the final weights and AdamW moments.
Also torch's float32 sum of count matrices of several shapes (the taught windows' n_windows).
js/engine/golden_teach.test.ts replays the segments in the page's engine and expects all of it
bit for bit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from make_engine_golden import f32_list, flat, fnv1a, moments, training_probs  # noqa: E402

from babygpt_widget import BabyGPT  # noqa: E402
from babygpt_widget.core.teach_targets import parse_teach  # noqa: E402
from babygpt_widget.runs.runstring import parse_run_string  # noqa: E402

OUT = Path(__file__).with_name("teach_golden.json")


def seed_run(r: BabyGPT) -> None:
    """The issue's lesson: train, nudge 101 -> 1 to 95%, train, teach two rows."""
    r.train(50)
    r.nudge("101", "1", 0.95, steps=20)
    r.train(10)
    r.teach({"000": {"0": 0.9, "1": 0.1}, "111": {"0": 0.2, "1": 0.8}}, steps=30)


def v3_unvisited(r: BabyGPT) -> None:
    """V=3, C=2: a non-round weight, and a row for a context the data never visits (22)."""
    r.train(20)
    r.teach({"22": {"0": 0.6, "1": 0.3, "2": 0.1}, "01": {"2": 1.0}}, steps=25, weight=7.3, lr=0.01)
    r.train(5)


def inexact_rows(r: BabyGPT) -> None:
    """weight * p far from float32: rows of thirds and of many digits, a weight of 13.7."""
    r.train(10)
    r.teach({"010": {"0": 0.123456789, "1": 0.876543211}, "110": {"0": 1 / 3, "1": 2 / 3}}, steps=20, weight=13.7)
    r.nudge("000", "0", 0.77, steps=10, weight=0.37)
    r.train(3)


RUNS: dict[str, tuple[dict[str, Any], Callable[[BabyGPT], None]]] = {
    "seed_nudge_teach": ({}, seed_run),
    "v3c2_unvisited": (dict(alphabet="012", context_length=2, sequence="0120120210120121"), v3_unvisited),
    "inexact_rows": (dict(sequence="0110101101110010110", lr=3e-3, weight_decay=0.01, seed=7), inexact_rows),
}


def teach_json(text: str, alphabet: str, C: int) -> dict | None:
    targets = parse_teach(text, alphabet, C)
    if targets is None:
        return None
    return {"rows": [{"context": [alphabet.index(ch) for ch in state], "probs": list(probs)}
                     for state, probs in targets.rows], "weight": targets.weight}


def record_run(name: str) -> dict:
    kwargs, script = RUNS[name]
    run = BabyGPT(**kwargs)
    cfg = run.config
    init = fnv1a(flat(run._trainer._parameters))
    script(run)
    plan = parse_run_string(run.run_string)
    segments, start = [], 0
    for seg in plan.segments:
        c = seg.config
        segments.append(dict(start=start, steps=seg.steps, lr=c.lr, weight_decay=c.weight_decay, sequence=c.sequence,
                             teach_text=c.teach, teach=teach_json(c.teach, c.alphabet, c.context_length)))
        start += seg.steps
    end = run.global_step
    view = run._trainer.history.view()
    assert view.stride == 1 and list(view.steps) == list(range(end + 1)), "history thinned: fewer steps"
    # steps 0..end-1: what step() recorded (the training forward); the final weights: the same forward
    with torch.enable_grad():
        final_loss = run._trainer._loss_and_probs()[0].item()
    losses = np.append(view.losses[:end], np.float32(final_loss))
    checkpoints = sorted({s["start"] + s["steps"] for s in segments} - {end})
    params = run._trainer._parameters
    return {
        "settings": dict(sequence=cfg.sequence, alphabet=cfg.alphabet, context_length=cfg.context_length,
                         n_layer=cfg.n_layer, n_head=cfg.n_head, n_embd=cfg.n_embd, lr=cfg.lr,
                         weight_decay=cfg.weight_decay, seed=str(cfg.seed)),
        "init_checksum": init,
        "run_string": run.run_string,
        "segments": segments,
        "losses": f32_list(losses),
        "checkpoints": [dict(step=s, probs=f32_list(view.probs[s])) for s in checkpoints]
                       + [dict(step=end, probs=f32_list(training_probs(run)))],
        "final": dict(step=end, weights_checksum=fnv1a(flat(params)), exp_avg_checksum=fnv1a(moments(run, "exp_avg")),
                      exp_avg_sq_checksum=fnv1a(moments(run, "exp_avg_sq")), data_counts=run.data_counts().tolist()),
    }


# torch's float32 `.sum()` of a (rows, V) count matrix (Trainer.set_counts' n_windows), whose
# order matters once counts are fractional: values both sides compute exactly (a double
# quotient rounded to float32), mostly fractional or integers with a few fractional rows
SUM_SHAPES = [(8, 2), (9, 3), (27, 3), (64, 2), (256, 4), (1024, 4), (4096, 4), (81, 5)]


def sum_values(rows: int, V: int, kind: str) -> np.ndarray:
    i = np.arange(rows * V)
    if kind == "fractional":
        return ((i * 7919) % 1009 / 37.0).astype(np.float32)
    return np.where(i % 13 == 5, (i % 97) * 0.37 + 1 / 3, (i * 31) % 7).astype(np.float32)


def sums() -> list[dict]:
    return [dict(rows=r, V=V, kind=kind, sum=float(torch.from_numpy(sum_values(r, V, kind).reshape(r, V)).sum()))
            for r, V in SUM_SHAPES for kind in ("fractional", "counts")]


def build() -> dict:
    torch.set_num_threads(1)
    return {
        "sums": sums(),
        "about": "Written by tests/golden/make_teach_golden.py from babygpt_widget.BabyGPT "
                 f"(torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}); "
                 "checked by js/engine/golden_teach.test.ts.",
        "runs": {name: record_run(name) for name in RUNS},
    }


def check() -> None:
    """The committed numbers are still the Python engine's (every run recomputed, ~5 s)."""
    fresh = json.loads(json.dumps(build(), separators=(",", ":")))
    golden = json.loads(OUT.read_text())
    for name, run in fresh["runs"].items():
        assert run == golden["runs"].get(name), f"taught run {name} changed: rerun tests/golden/make_teach_golden.py"
    assert fresh == golden, "teach_golden.json changed: rerun tests/golden/make_teach_golden.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="recompute every run; compare with the file")
    args = parser.parse_args()
    if args.check:
        check()
        print("teach_golden.json matches the Python engine")
        return
    OUT.write_text(json.dumps(build(), separators=(",", ":")) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
