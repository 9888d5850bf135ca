"""Run every benchmark in turn (`make bench`), then repeat issue 14's table rows in one place."""

import io
import pathlib
import runpy
import sys

here = pathlib.Path(__file__).parent
sys.path.insert(0, str(here))


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
         "widget overhead in the same run", "states (C=", "estimate / measured", "met (", "MISSED (")
tee = Tee(sys.stdout)
sys.stdout = tee
try:
    for name in ("train_speed", "large_chain", "widget_live", "widget_overhead", "state_eval",
                 "history_memory", "frontend_update", "startup_payload", "pause_latency", "cost_guard", "explain_speed",
                 "seed_ensemble", "saved_page_size", "request_bounds"):
        runpy.run_path(str(here / f"{name}.py"), run_name="__main__")
finally:
    sys.stdout = tee.out
lines = "".join(tee.kept).splitlines()
print("\n== issue 14's table, as measured above ==")
for line in lines:
    if any(key in line for key in TABLE):
        print(line.strip())
