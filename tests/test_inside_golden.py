"""The page's inside-panel golden answers (tests/golden/inside_golden.json, checked by
js/page/pageInside.test.ts) must stay the widget's own `w.explain(state, step)`: if the Python
side's numerics or the `inside` trait's fields change, this fails and says to regenerate them
(tests/golden/make_inside_golden.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).parent / "golden" / "make_inside_golden.py"


def test_committed_inside_golden_answers_are_the_widgets() -> None:
    spec = importlib.util.spec_from_file_location("make_inside_golden", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = json.loads(json.dumps(module.make()))
    committed = json.loads(module.OUT.read_text())
    assert fresh == committed, "inside_golden.json is stale: run .venv/bin/python tests/golden/make_inside_golden.py"
