"""History memory: bytes held after 1k / 10k / 100k recorded steps, at 8 and 1,024 states
(each snapshot also holds the shorter contexts: 14 and 2,046 rows).

Feeds the real History class with synthetic snapshots (the bound is about storage, not
training), so a 100,000-step run takes seconds."""

from __future__ import annotations

import numpy as np

from babygpt_widget.core.chain import StateSpace
from babygpt_widget.core.history import History
from common import finish, target

BOUND_MIB = 64


def main() -> None:
    print("\n== history memory (every step recorded, thinned evenly beyond the cap) ==")
    for C in (3, 10):
        n_states = 2**C
        rows = len(StateSpace("01", C, include_prefixes=True))  # snapshots hold the shorter contexts too
        history = History(rows, 2)
        probs = np.full((rows, 2), 0.5, dtype=np.float32)
        marks = {1_000, 10_000, 100_000}
        for step in range(100_001):
            history.record(step, 0.5, probs)
            if step in marks:
                v = history.view()
                mib = history.nbytes / 2**20
                print(f"{n_states:5d} states  {step:7d} steps: {len(v):5d} snapshots, stride {v.stride:3d}, "
                      f"{mib:6.2f} MiB held; last step {int(v.steps[-1])}"
                      + target(f"history_memory: {n_states} states, {step} steps", mib, BOUND_MIB, at_most=True,
                               unit=" MiB", fmt=".1f"))


if __name__ == "__main__":
    main()
    finish()
