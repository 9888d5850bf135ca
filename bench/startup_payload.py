"""Time to first render and bytes per front-end update.

First render: a fresh interpreter running `BabyGPTWidget()` and building its display bundle,
against a fresh interpreter running only `import torch` (the floor; target: within +0.5 s).
Payload: the binary buffers of one live update, per probability (target <= 4 bytes).
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from common import finish, target

TORCH = "import time; t = time.perf_counter(); import torch; print(time.perf_counter() - t)"
WIDGET = ("import time; t = time.perf_counter(); from babygpt_widget import BabyGPTWidget; "
          "w = BabyGPTWidget(); w._repr_mimebundle_(); print(time.perf_counter() - t)")


def fresh(code: str) -> float:
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    print("\n== time to first render (fresh interpreter, median of 5, interleaved) ==")
    torch_s, widget_s = [], []
    for _ in range(5):
        torch_s.append(fresh(TORCH))
        widget_s.append(fresh(WIDGET))
    t, w = statistics.median(torch_s), statistics.median(widget_s)
    print(f"import torch            {t:6.2f} s")
    print(f"BabyGPTWidget() shown   {w:6.2f} s   = import torch + {w - t:.2f} s"
          + target("startup_payload: first render beyond import torch", w - t, 0.5, at_most=True, unit=" s"))

    print("\n== bytes per front-end update ==")
    from babygpt_widget import BabyGPTWidget

    for C in (3, 10):
        widget = BabyGPTWidget(context_length=C, sequence="0110101110010111" * 4)
        sent: list[tuple[dict, list]] = []
        widget._send = lambda msg, buffers=None: sent.append((msg, buffers or []))  # what goes on the wire
        widget.train(1)
        live = [(d, b) for d, b in sent if "probs" in d.get("state", {}) or any("probs" in p for p in d.get("buffer_paths", []))]
        data, buffers = live[0]
        n_probs = len(widget.states) * len(widget.alphabet) + len(widget.prefix_states) * len(widget.alphabet)
        probs_bytes = sum(len(b) for p, b in zip(data["buffer_paths"], buffers) if p[0] in ("probs", "prefix_probs"))
        print(f"{len(widget.states):5d} states: {probs_bytes} bytes of probabilities for {n_probs} values = "
              f"{probs_bytes / n_probs:.1f} bytes each (binary float32)"
              + target(f"startup_payload: {len(widget.states)} states, bytes per probability", probs_bytes / n_probs, 4,
                       at_most=True, fmt=".1f"))


if __name__ == "__main__":
    main()
    finish()
