"""Pause latency from the click, in JupyterLab with its default settings (comms over a subshell).

Starts a JupyterLab server and Debian chromium (the browser tests' own set-up), shows the widget,
then 20 times: Play, let it run, click Pause (or Stop) and time — in the page — from the click
to the last change of the drawn step counter (the moment the user sees training stop). Reports
median and max; target <= 100 ms.

    .venv/bin/python bench/pause_latency_lab.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "bench"))
from common import finish, load_note, target  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _jupyter_app  # noqa: E402
from tests.e2e.helpers import Lab, write_notebook  # noqa: E402
from tests.e2e.test_widget import open_and_draw, wait_step  # noqa: E402

MEASURE = """async ([root, settle]) => {
    const readout = root.querySelector('[data-role="step"]');
    const stop = root.querySelector('button[data-action="stop"]:not([hidden]), button[data-action="pause"]');
    let last = performance.now();
    const seen = new MutationObserver(() => { last = performance.now(); });
    seen.observe(readout, {childList: true, characterData: true, subtree: true});
    const clicked = performance.now();
    stop.click();
    await new Promise(r => setTimeout(r, settle));
    seen.disconnect();
    return Math.max(0, last - clicked);
}"""


class _Factory:
    """Enough of pytest's tmp_path_factory for the server fixture."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def mktemp(self, name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=name, dir=self.base))
        return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        servers = _jupyter_app(_Factory(Path(tmp)), "bench-lab", "jupyterlab",
                               ["--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True"], "/lab")
        server = next(servers)
        try:
            write_notebook(server.root / "pause.ipynb", ["from babygpt_widget import BabyGPTWidget\n\nw = BabyGPTWidget()\nw"])
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                lab = Lab(page=page, base_url=server.url)
                view = open_and_draw(lab, "pause.ipynb")
                root = view.root.element_handle()
                latencies = []
                for _ in range(args.rounds):
                    before = view.step()
                    view.button("play").click()
                    wait_step(view, lambda s: s > before + 20, what="playing")
                    page.wait_for_timeout(300)
                    latencies.append(page.evaluate(MEASURE, [root, 1500]))
                browser.close()
        finally:
            servers.close()
    print(f"\n== Pause latency from the click, JupyterLab default settings ({args.rounds} pauses) ==")
    print("all:", " ".join(f"{x:.0f}" for x in latencies), f"({load_note()})")
    name = "pause_latency_lab: click -> drawn step stands still"
    print(f"median {statistics.median(latencies):.0f} ms"
          + target(f"{name}, median", statistics.median(latencies), 100, at_most=True, unit=" ms", fmt=".0f"))
    print(f"max    {max(latencies):.0f} ms" + target(f"{name}, every pause (max)", max(latencies), 100, at_most=True,
                                                    unit=" ms", fmt=".0f"))


if __name__ == "__main__":
    main()
    finish()
