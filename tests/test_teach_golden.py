"""The in-browser engine's taught-row goldens (tests/golden/teach_golden.json, checked bit for
bit by js/engine/golden_teach.test.ts) must stay the Python engine's own nudge / teach: if its
numerics change, this fails and says to regenerate them (tests/golden/make_teach_golden.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parent / "golden" / "make_teach_golden.py"


def test_committed_teach_golden_numbers_are_the_python_engines() -> None:
    spec = importlib.util.spec_from_file_location("make_teach_golden", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.check()
