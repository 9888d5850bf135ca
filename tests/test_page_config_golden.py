"""The saved page's settings and run strings are held to Python's by tests/golden/
page_config_golden.json (checked by js/page/pageSettings.test.ts): if the widget's messages, its
run strings or its numerics change, this fails and says to regenerate the file
(tests/golden/make_page_config_golden.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parent / "golden" / "make_page_config_golden.py"


def test_committed_page_config_golden_is_the_widgets() -> None:
    spec = importlib.util.spec_from_file_location("make_page_config_golden", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.check()
