"""Shared pieces of the benchmarks: the seed's own loops (the baselines), a fair timer, and
`target()`, which every row with a target goes through.

Baselines and candidates are timed in alternating rounds in one process and compared by
median, so a busy neighbour on a shared machine slows both alike and the ratio holds.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Callable

import torch
import torch.nn.functional as F

from seed_model import SeedConfig, SeedGPT

SEED_SEQUENCE = [int(c) for c in "111101111011110"]


def seed_windows(context_length: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    seq = SEED_SEQUENCE
    n = len(seq) - context_length
    X = torch.tensor([seq[i : i + context_length] for i in range(n)])
    Y = torch.tensor([seq[i + context_length] for i in range(n)])
    return X, Y


class SeedLoop:
    """The seed's training loop, verbatim: manual_seed(1337), the seed's GPT, AdamW(1e-3, 0.1), full batch."""

    def __init__(self) -> None:
        torch.manual_seed(1337)
        self.model = SeedGPT(SeedConfig())
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=1e-3, weight_decay=0.1)
        self.X, self.Y = seed_windows()

    def step(self) -> float:
        logits = self.model(self.X)
        loss = F.cross_entropy(logits, self.Y)
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad()
        return loss.item()

    def all_state_probs(self) -> torch.Tensor:
        states = torch.tensor([[int(c) for c in f"{s:03b}"] for s in range(8)])
        with torch.no_grad():
            return F.softmax(self.model(states), dim=-1)


def interleaved(candidates: dict[str, Callable[[], float]], rounds: int = 7) -> dict[str, float]:
    """Median seconds per unit of each candidate; each callable returns the units it ran."""
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, run in candidates.items():
            start = time.perf_counter()
            units = run()
            samples[name].append((time.perf_counter() - start) / units)
    return {name: statistics.median(v) for name, v in samples.items()}


def header(title: str) -> None:
    print(f"\n== {title} (torch {torch.__version__}, {torch.get_num_threads()} thread(s)) ==")


# -- targets: every row says its target and met / MISSED; run_all.py lists the misses at the end ---
MISSES: list[str] = []
CHECKED: list[str] = []
COLLECTING = False  # run_all.py sets it: the benches then leave the exit status to it


def target(name: str, value: float, goal: float, *, at_most: bool = False, unit: str = "", fmt: str = ".2f",
           at_least: float | None = None) -> str:
    """' (target >= 2.5x: met)' for a printed row, and the row is remembered (a miss for the
    summary). `at_most`: the value must not exceed `goal`; `at_least` adds a lower bound to that."""
    ok = value <= goal if at_most else value >= goal
    if at_least is not None:
        ok = ok and value >= at_least
        want = f"{at_least:{fmt}}{unit} .. {goal:{fmt}}{unit}"
    else:
        want = f"{'<=' if at_most else '>='} {goal:{fmt}}{unit}"
    verdict = "met" if ok else "MISSED"
    row = f"{name}: {value:{fmt}}{unit} (target {want}: {verdict})"
    CHECKED.append(row)
    if not ok:
        MISSES.append(row)
    return f" (target {want}: {verdict})"


def holds(name: str, ok: bool, claim: str) -> str:
    """The same for a yes/no target (e.g. 'every step in history')."""
    verdict = "met" if ok else "MISSED"
    row = f"{name}: {claim} (target: {verdict})"
    CHECKED.append(row)
    if not ok:
        MISSES.append(row)
    return f" (target: {verdict})"


def load_note() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def finish() -> None:
    """End of one bench run on its own: list its misses and exit 1 if any (under run_all.py the
    summary comes at the end of all of them instead)."""
    if COLLECTING:
        return
    print(f"\n{len(CHECKED) - len(MISSES)} of {len(CHECKED)} targets met; {load_note()}")
    for row in MISSES:
        print(f"  MISSED {row}")
    sys.exit(1 if MISSES else 0)
