"""Training speed: BabyGPT.train(n) against the seed's loops, same process, same run.

Baselines: the seed's bare eager loop, and its "train one step, re-plot with graphviz" loop
(one forward per state, a graphviz Digraph, rendered with circo). Also checks that the faster
path keeps the chain within 1e-5 of the plain seed computation after 50 steps.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from babygpt_widget import BabyGPT
from common import SeedLoop, finish, header, interleaved, target


def seed_plot_step(loop: SeedLoop) -> None:
    """The seed's per-step picture: one forward per state, graphviz edges, a circo render."""
    import graphviz

    dot = graphviz.Digraph(comment="Baby GPT", engine="circo")
    for s in range(8):
        x = [int(c) for c in f"{s:03b}"]
        with torch.no_grad():
            probs = F.softmax(loop.model(torch.tensor(x).unsqueeze(0)), dim=-1)[0]
        label = "".join(map(str, x))
        dot.node(label, label)
        for t in range(2):
            nxt = "".join(map(str, x[1:] + [t]))
            dot.edge(label, nxt, label=f"{t}({probs[t].item() * 100:.0f}%)")
    dot.pipe(format="svg")


def main() -> None:
    torch.set_num_threads(1)  # the targets are measured on one thread (bench/README.md)
    header("training steps per second")
    bare, plot, engine = SeedLoop(), SeedLoop(), BabyGPT()
    n = 100

    def run_bare() -> int:
        for _ in range(n):
            bare.step()
        return n

    def run_plot() -> int:
        for _ in range(10):
            plot.step()
            seed_plot_step(plot)
        return 10

    def run_engine() -> int:
        engine.train(n)
        return n

    t = interleaved({"seed bare loop": run_bare, "seed step+graphviz": run_plot, "BabyGPT.train": run_engine})
    for name, sec in t.items():
        print(f"{name:22s} {1 / sec:8.1f} steps/s  ({sec * 1e3:.2f} ms/step)")
    bare_ratio = t["seed bare loop"] / t["BabyGPT.train"]
    plot_ratio = t["seed step+graphviz"] / t["BabyGPT.train"]
    print(f"ratio BabyGPT.train / seed bare loop      = {bare_ratio:.2f}x"
          + target("train_speed: BabyGPT.train / seed bare loop", bare_ratio, 2.5, unit="x"))
    print(f"ratio BabyGPT.train / seed step+graphviz  = {plot_ratio:.2f}x"
          + target("train_speed: BabyGPT.train / seed step+graphviz", plot_ratio, 12, unit="x", fmt=".1f"))

    seed, fast = SeedLoop(), BabyGPT()
    seed_losses = [seed.step() for _ in range(50)]
    fast_losses = fast.train(50)
    dp = (seed.all_state_probs().numpy() - fast.probabilities).__abs__().max()
    dl = max(abs(a - b) for a, b in zip(seed_losses, fast_losses))
    print(f"numerics after 50 steps: max |dP| = {dp:.2e}"
          + target("train_speed: max |dP| after 50 steps", dp, 1e-5, at_most=True, fmt=".1e"))
    print(f"numerics after 50 steps: max |dloss| = {dl:.2e}"
          + target("train_speed: max |dloss| over 50 steps", dl, 1e-5, at_most=True, fmt=".1e"))


if __name__ == "__main__":
    main()
    finish()
