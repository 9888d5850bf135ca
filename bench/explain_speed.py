"""explain(state): the inside panel's data for one state, against one forward pass of the model.

Target (issue 12): <= 10 ms per state for the default model. Also: explain at a past step (the
first call replays from the nearest weight snapshot, later calls for the same step are cached),
and the memory the weight snapshots hold after long runs.
"""

from __future__ import annotations

import json
import time

import torch

from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget.engine import one_thread
from common import finish, header, interleaved, target


def main() -> None:
    torch.set_num_threads(1)
    header("explain(state) against one forward pass")
    run = BabyGPT()
    run.train(50)
    ids = torch.tensor([[0, 0, 0]])
    n = 200

    def forward() -> int:
        with torch.no_grad(), one_thread():
            for _ in range(n):
                run.model(ids)
        return n

    def explain() -> int:
        for _ in range(n):
            run.explain("000")
        return n

    widget = BabyGPTWidget()
    widget.train(50)
    widget.send = lambda content, buffers=None: None  # no front end: the reply goes nowhere
    widget.send_state = lambda key=None: None  # the trait is JSON-encoded by get_state below instead

    def panel() -> int:
        # the inside panel's kernel side: the explain command as the front end sends it, the
        # trait's JSON form (inside_dict) and its encoding for the wire
        for _ in range(n):
            widget._on_message(widget, {"cmd": "explain", "state": "000", "step": None}, [])
            json.dumps(widget.get_state("inside"))
        return n

    t = interleaved({"forward": forward, "explain": explain, "panel": panel})
    print(f"one forward pass (1 state)   {t['forward'] * 1e3:8.3f} ms")
    print(f"explain('000')               {t['explain'] * 1e3:8.3f} ms   = {t['explain'] / t['forward']:.1f}x a forward"
          + target("explain_speed: explain(state)", t["explain"] * 1e3, 10, at_most=True, unit=" ms"))
    print(f"inside panel, widget command {t['panel'] * 1e3:8.3f} ms   = {t['panel'] / t['forward']:.1f}x a forward"
          " (explain + trait encoding)"
          + target("explain_speed: the inside panel's widget command", t["panel"] * 1e3, 10, at_most=True, unit=" ms"))

    header("a saved page's inside replay (save_html): all 14 states at up to 16 recorded steps")
    for steps in (50, 1_000):
        w = BabyGPTWidget()
        w.train(steps)
        start = time.perf_counter()
        replay = w._inside_replay()
        took = time.perf_counter() - start
        size = len(json.dumps(replay, separators=(",", ":")))
        print(f"{steps:6,} steps: {len(replay['steps'])} steps x {len(replay['states'])} states in {took:.2f} s, "
              f"{size / 1e3:.0f} kB of JSON")

    header("explain at a past step: replay from the nearest weight snapshot")
    for steps in (1_000, 5_000):
        run = BabyGPT()
        start = time.perf_counter()
        run.train(steps)
        per_step = (time.perf_counter() - start) / steps
        store = run._snapshots
        k = steps - store.stride // 2 - 1  # about the farthest from a snapshot
        start = time.perf_counter()
        run.explain("000", step=k)
        first = time.perf_counter() - start
        start = time.perf_counter()
        run.explain("101", step=k)
        cached = time.perf_counter() - start
        print(f"{steps:6,} steps: {len(store.snapshots)} snapshots every {store.stride} steps, "
              f"{store.nbytes / 2**20:.2f} MiB (cap {store.capacity} x {store.snapshots[-1].nbytes / 1e3:.0f} kB); "
              f"explain(step={k:,}) first {first * 1e3:.0f} ms (replay of {k - max(s.step for s in store.snapshots if s.step <= k)}"
              f" steps at {per_step * 1e3:.1f} ms/step), same step again {cached * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
    finish()
