"""Golden files written by Python and replayed by the front end's tests must stay Python's own:
each script in tests/golden/ recomputes its file here, and a change of the widget's numerics,
messages or run strings fails with the script to rerun.

- engine_golden.json / teach_golden.json: js/engine/golden*.test.ts replay them bit for bit;
- inside_golden.json: js/page/pageInside.test.ts (`w.explain(state, step)`);
- page_config_golden.json / page_push_golden.json: js/page/pageSettings.test.ts and
  pagePush.test.ts (the widget's replies, errors, run strings, taught trait and chains)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
SCRIPTS = ["make_engine_golden", "make_teach_golden", "make_inside_golden", "make_page_config_golden",
           "make_page_push_golden"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_committed_golden_file_is_what_python_writes(script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(GOLDEN))  # the scripts import golden_file.py beside them
    spec = importlib.util.spec_from_file_location(script, GOLDEN / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, script, module)
    spec.loader.exec_module(module)
    module.check()
