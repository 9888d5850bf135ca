"""Run every benchmark in turn (`make bench`)."""

import pathlib
import runpy
import sys

here = pathlib.Path(__file__).parent
sys.path.insert(0, str(here))
for name in ("train_speed", "large_chain", "state_eval", "history_memory", "widget_live", "frontend_update", "startup_payload",
             "pause_latency", "cost_guard", "explain_speed", "seed_ensemble"):
    runpy.run_path(str(here / f"{name}.py"), run_name="__main__")
