"""The command line of a golden file's script: write the file, or (--check) recompute it and
assert the committed one is still what Python writes (tests/test_goldens.py calls `check`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable


def check(out: Path, build: Callable[[], Any]) -> None:
    fresh = json.loads(json.dumps(build()))
    assert fresh == json.loads(out.read_text()), f"{out.name} is stale: regenerate it with its make_*.py script"


def main(out: Path, build: Callable[[], Any], separators: tuple[str, str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        check(out, build)
        print(f"{out.name} is current")
        return
    out.write_text(json.dumps(build(), ensure_ascii=False, separators=separators) + "\n")
    print(f"wrote {out} ({out.stat().st_size:,} bytes)", file=sys.stderr)
