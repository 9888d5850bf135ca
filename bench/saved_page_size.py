"""Bytes of a `save_html` page against the page budget (issue 19 item 8: <= ~3 MB whatever the chain).

Trains each case in this process, writes its page to a temp folder and prints the size, the steps
the page keeps of those recorded, and met / MISSED. `--quick` runs the default cases only.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
import time

TARGET_BYTES = 3_000_000
TEXT = "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness".replace(" ", "_")
WIDE = "".join(chr(c) for c in range(33, 123))  # 90 characters: ! … z (no whitespace)

# (name, settings, steps)
CASES = [
    ("default, untrained", {}, 0),
    ("default, 50 steps", {}, 50),
    ("default, 1,000 steps", {}, 1000),
    ("90-character alphabet, C=1, 50 steps", {"alphabet": WIDE, "context_length": 1, "sequence": TEXT}, 50),
    ("90-character alphabet, C=1, 1,000 steps", {"alphabet": WIDE, "context_length": 1, "sequence": TEXT}, 1000),
    ("4,096 states (01, C=12), 300 steps", {"context_length": 12, "sequence": "0110101110010111" * 8}, 300),
]


def measure(settings: dict, steps: int, folder: pathlib.Path) -> tuple[int, str, float]:
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget(**settings)
    if steps:
        w.train(steps)
    path = folder / "page.html"
    start = time.perf_counter()
    report = w.save_html(path)
    seconds = time.perf_counter() - start
    kept = getattr(report, "kept_text", "") or f"{len(w.history.steps):,} recorded steps (page keeps all)"
    return path.stat().st_size, kept, seconds


def main(quick: bool = False) -> None:
    print(f"\n== saved page size (save_html; target <= {TARGET_BYTES / 1e6:.0f} MB whatever the chain) ==")
    with tempfile.TemporaryDirectory() as tmp:
        for name, settings, steps in CASES[:3] if quick else CASES:
            size, kept, seconds = measure(settings, steps, pathlib.Path(tmp))
            verdict = "met" if size <= TARGET_BYTES else "MISSED"
            print(f"{name:42s} {size / 1e6:6.2f} MB  {verdict:6s}  {kept}  (written in {seconds:.1f} s)")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
