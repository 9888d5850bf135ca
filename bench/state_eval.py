"""All-state evaluation: the project's one batched forward against the seed's way (one forward
per state, with the seed's own model code from seed_model.py holding the same weights), and the
cost curve from 8 to 4,096 states."""

from __future__ import annotations

import torch

from babygpt_widget import BabyGPT
from babygpt_widget.core.chain import model_probabilities
from common import finish, header, interleaved, target
from seed_model import SeedConfig, SeedGPT


def seed_model_of(engine: BabyGPT) -> SeedGPT:
    """The frozen seed model carrying the engine's current weights (same parameter names)."""
    c = engine.config
    seed = SeedGPT(SeedConfig(block_size=c.context_length, vocab_size=len(c.alphabet), n_layer=c.n_layer,
                              n_head=c.n_head, n_embd=c.n_embd))
    weights = {k: v for k, v in engine.model.state_dict().items() if k in dict(seed.named_parameters())}
    missing = set(dict(seed.named_parameters())) - set(weights)
    assert not missing, f"the seed model has parameters the engine lacks: {sorted(missing)[:4]}"
    seed.load_state_dict(weights, strict=False)
    return seed.eval()


def seed_per_state_loop(seed: SeedGPT, rows: torch.Tensor) -> torch.Tensor:
    """The seed notebook's way: one forward pass per state."""
    with torch.no_grad():
        return torch.stack([torch.softmax(seed(row.unsqueeze(0)), dim=-1)[0] for row in rows])


def main() -> None:
    torch.set_num_threads(1)
    header("all-state evaluation")
    engine = BabyGPT()
    engine.train(50)
    space = engine.state_space()
    seed = seed_model_of(engine)
    rows = space.token_ids(space.context_length)
    ours = torch.as_tensor(model_probabilities(engine.model, space))
    same = float((seed_per_state_loop(seed, rows) - ours).abs().max())
    print(f"the seed model holds the engine's weights: max |dP| {same:.1e}"
          + target("state_eval: seed model vs engine, same weights", same, 1e-5, at_most=True, fmt=".1e"))
    t = interleaved({
        "seed per-state loop": lambda: (seed_per_state_loop(seed, rows), 1)[1],
        "batched forward": lambda: (model_probabilities(engine.model, space), 1)[1],
    }, rounds=31)
    for name, sec in t.items():
        print(f"{name:22s} {sec * 1e3:7.3f} ms for 8 states")
    ratio = t["seed per-state loop"] / t["batched forward"]
    print(f"ratio batched / seed per-state loop = {ratio:.1f}x"
          + target("state_eval: batched forward / seed per-state loop, 8 states", ratio, 1, unit="x", fmt=".1f"))

    print("\nstates  context  ms (V=2, default model; batched forward below 256 states, prefix trie from 256; median)")
    for C in range(3, 13):
        engine = BabyGPT(context_length=C, sequence="01" * max(8, C))
        space = engine.state_space()
        sec = interleaved({"eval": lambda: (model_probabilities(engine.model, space), 1)[1]}, rounds=9)["eval"]
        row = f"{len(space):6d}  {C:7d}  {sec * 1e3:8.3f}"
        if len(space) == 4096:
            row += target("state_eval: 4,096 states, one evaluation", sec * 1e3, 20, at_most=True, unit=" ms",
                          fmt=".1f")
        print(row)


if __name__ == "__main__":
    main()
    finish()
