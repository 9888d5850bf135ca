"""Run every benchmark in turn (`make bench`), repeat the headline rows, then list every target
that was MISSED and exit 1 if there was one (0 when all were met)."""

import io
import os
import pathlib
import runpy
import sys

here = pathlib.Path(__file__).parent
sys.path.insert(0, str(here))

import common  # noqa: E402  (after the path: the benches share this module and its list of misses)

common.COLLECTING = True

# In this order; soak.py (10-30 minutes) is run by hand.
BENCHES = ("train_speed", "large_chain", "widget_live", "widget_overhead", "state_eval",
           "history_memory", "frontend_update", "startup_payload", "pause_latency", "pause_latency_lab", "cost_guard",
           "explain_speed", "seed_ensemble", "saved_page_size", "request_bounds", "browser_engine", "page_engine_chromium", "step_report")


class Tee(io.TextIOBase):
    """Print as usual and keep a copy, for the summary."""

    def __init__(self, out) -> None:
        self.out, self.kept = out, []

    def write(self, text: str) -> int:
        self.kept.append(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


# issue 14's table: train_speed (engine vs seed), widget_live + widget_overhead (widget in a kernel),
# large_chain (C=10, C=12)
TABLE = ("ratio BabyGPT.train / seed bare loop", "ratio widget train / seed", "ratio widget play / seed",
         "widget overhead in the same run", "states (C=", "estimate / measured")
failed: list[str] = []
tee = Tee(sys.stdout)
sys.stdout = tee
try:
    for name in BENCHES:
        try:
            runpy.run_path(str(here / f"{name}.py"), run_name="__main__")
        except (Exception, SystemExit) as e:  # noqa: BLE001 - a bench that stopped is reported, the others still run
            print(f"\n!! {name} stopped: {type(e).__name__}: {e}")
            failed.append(f"{name}: stopped by {type(e).__name__}: {e}")
finally:
    sys.stdout = tee.out
lines = "".join(tee.kept).splitlines()
print("\n== issue 14's table, as measured above ==")
for line in lines:
    if any(key in line for key in TABLE):
        print(line.strip())
print(f"\n== targets: {len(common.CHECKED) - len(common.MISSES)} of {len(common.CHECKED)} met "
      f"(load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores) ==")
for row in common.MISSES:
    print(f"MISSED  {row}")
for row in failed:
    print(f"FAILED  {row}")
if not common.MISSES and not failed:
    print("every target met")
sys.exit(1 if common.MISSES or failed else 0)
