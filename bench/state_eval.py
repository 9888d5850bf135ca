"""All-state evaluation: one batched forward against the seed's one-forward-per-state loop,
and the cost curve from 8 to 4,096 states."""

from __future__ import annotations

import torch

from babygpt_widget import BabyGPT
from babygpt_widget.chain import model_probabilities
from common import header, interleaved


def per_state_loop(engine: BabyGPT) -> None:
    space = engine.state_space()
    with torch.no_grad():
        for row in space.token_ids(space.context_length):
            torch.softmax(engine.model(row.unsqueeze(0)), dim=-1)


def main() -> None:
    torch.set_num_threads(1)
    header("all-state evaluation")
    engine = BabyGPT()
    space = engine.state_space()
    t = interleaved({
        "seed per-state loop": lambda: (per_state_loop(engine), 1)[1],
        "batched forward": lambda: (model_probabilities(engine.model, space), 1)[1],
    }, rounds=31)
    for name, sec in t.items():
        print(f"{name:22s} {sec * 1e3:7.3f} ms for 8 states")
    print(f"ratio batched / per-state loop = {t['seed per-state loop'] / t['batched forward']:.1f}x")

    print("\nstates  context  ms (V=2, default model; batched forward below 256 states, prefix trie from 256; median)")
    for C in range(3, 13):
        engine = BabyGPT(context_length=C, sequence="01" * max(8, C))
        space = engine.state_space()
        sec = interleaved({"eval": lambda: (model_probabilities(engine.model, space), 1)[1]}, rounds=9)["eval"]
        print(f"{len(space):6d}  {C:7d}  {sec * 1e3:8.3f}{'   (target <= 20 ms)' if len(space) == 4096 else ''}")


if __name__ == "__main__":
    main()
