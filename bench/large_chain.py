"""Large chains: a training step at 1,024 states (V=2, C=10) and 4,096 states (C=12) on a fixed
2,000-token random sequence, BabyGPT.train against the seed's way, same run.

The seed's way (seed_model.py): one batched forward + backward over every training window,
AdamW, then one batched forward over every state for the chain snapshot. The default model
(4 layers, 4 heads, 16 dims), which the cost guard allows at both sizes.

    .venv/bin/python bench/large_chain.py
"""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F

from babygpt_widget import BabyGPT
from babygpt_widget.core import config
from common import finish, header, interleaved, target
from seed_model import SeedConfig, SeedGPT

SEQUENCE_LENGTH = 2000
SEED = "seed's way"


def random_sequence(n: int = SEQUENCE_LENGTH, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("01") for _ in range(n))


class SeedLargeLoop:
    """The seed's loop at context C: all windows in one batch, then all states for the snapshot."""

    def __init__(self, sequence: str, C: int) -> None:
        torch.manual_seed(1337)
        self.model = SeedGPT(SeedConfig(block_size=C))
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=1e-3, weight_decay=0.1)
        ids = torch.tensor([int(c) for c in sequence])
        self.X = ids.unfold(0, C, 1)[:-1]
        self.Y = ids[C:]
        i = torch.arange(2**C).unsqueeze(1)
        self.states = (i // 2 ** torch.arange(C - 1, -1, -1)) % 2

    def step(self) -> float:
        loss = F.cross_entropy(self.model(self.X), self.Y)
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad()
        with torch.no_grad():
            self.snapshot = F.softmax(self.model(self.states), dim=-1)
        return loss.item()


def build(sequence: str, C: int) -> BabyGPT:
    """The default model at context C; the issue's C=12 row measures it even where the cost
    guard's (conservative) estimate refuses it, so the guard is lifted for that build only."""
    try:
        return BabyGPT(sequence=sequence, context_length=C)
    except ValueError as e:
        print(f"      (the cost guard refuses C={C}: {e}; measured anyway with the guard lifted)")
    limit = config.MAX_STEP_SECONDS
    config.MAX_STEP_SECONDS = float("inf")
    try:
        return BabyGPT(sequence=sequence, context_length=C)
    finally:
        config.MAX_STEP_SECONDS = limit


def main() -> None:
    torch.set_num_threads(1)
    header(f"large chains: one training step, {SEQUENCE_LENGTH:,}-token random sequence, default model")
    sequence = random_sequence()
    for C in (10, 12):
        seed, ours = SeedLargeLoop(sequence, C), build(sequence, C)
        seen = int((ours.data_counts().sum(1) > 0).sum())
        n = 3
        t = interleaved({
            SEED: lambda: ([seed.step() for _ in range(n)], n)[1],
            "BabyGPT.train": lambda: (ours.train(n), n)[1],
        }, rounds=5)
        ratio = t[SEED] / t["BabyGPT.train"]
        print(f"{2**C:5d} states (C={C}, {seen} seen): {SEED} {t[SEED] * 1e3:7.1f} ms/step, "
              f"BabyGPT.train {t['BabyGPT.train'] * 1e3:7.1f} ms/step, ratio {ratio:.2f}x"
              + target(f"large_chain: {2**C} states, BabyGPT.train / the seed's way", ratio, 5, unit="x"))
        # numerics: the live chain against the plain batched forward of the same weights
        plain = torch.softmax(ours.model(ours.state_space().token_ids(C)), dim=-1).detach().numpy()
        diff = float(abs(plain - ours.probabilities).max())
        print(f"      max |P - plain batched forward| = {diff:.1e}"
              + target(f"large_chain: {2**C} states, max |P - plain batched forward|", diff, 1e-5, at_most=True,
                       fmt=".1e"))


if __name__ == "__main__":
    main()
    finish()
