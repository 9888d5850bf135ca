"""Bytes of a `save_html` page against the page budget (issue 19 item 8: <= ~3 MB whatever the chain).

Trains each case in this process, writes its page to a temp folder and prints the size, the steps
the page keeps of those recorded, where the bytes are, and met / MISSED. The inside panel's replay
stops adding older steps after REPLAY_SECONDS (widget/inside.py), so on a busy machine a default
page can be smaller than on an idle one. `--quick` runs the default cases only.
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


def breakdown(page: str) -> str:
    """Where the bytes are: the widget's bundle + CSS + runtime, the history, the inside replay."""
    import json

    from babygpt_widget.render.page_data import DATA_SCRIPT

    data = json.loads(DATA_SCRIPT.findall(page)[0])
    history = sum(len(b["data"]) for b in data["binary"] if b["path"][0].startswith("history_"))
    replay = data["traits"].get("inside_replay") or {}
    replay_bytes = len(json.dumps(replay, separators=(",", ":")))
    bundle = len(page) - len(DATA_SCRIPT.findall(page)[0])
    steps = len(replay.get("steps", []))
    return (f"bundle+css+runtime {bundle / 1e6:.2f} MB, history {history / 1e6:.2f} MB, "
            f"inside replay {replay_bytes / 1e6:.2f} MB ({steps} steps)")


def measure(settings: dict, steps: int, folder: pathlib.Path) -> tuple[int, str, float, str]:
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget(**settings)
    if steps:
        w.train(steps)
    path = folder / "page.html"
    start = time.perf_counter()
    report = w.save_html(path)
    seconds = time.perf_counter() - start
    kept = getattr(report, "kept_text", "") or f"{len(w.history.steps):,} recorded steps (page keeps all)"
    try:
        parts = breakdown(path.read_text(encoding="utf-8"))
    except (ImportError, IndexError, KeyError, ValueError):  # a page from before the budget
        parts = ""
    return path.stat().st_size, kept, seconds, parts


def main(quick: bool = False) -> None:
    print(f"\n== saved page size (save_html; target <= {TARGET_BYTES / 1e6:.0f} MB whatever the chain) ==")
    with tempfile.TemporaryDirectory() as tmp:
        for name, settings, steps in CASES[:3] if quick else CASES:
            size, kept, seconds, parts = measure(settings, steps, pathlib.Path(tmp))
            verdict = "met" if size <= TARGET_BYTES else "MISSED"
            print(f"{name:42s} {size / 1e6:6.2f} MB  {verdict:6s}  {kept}  (written in {seconds:.1f} s)")
            if parts:
                print(f"{'':42s} {parts}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
