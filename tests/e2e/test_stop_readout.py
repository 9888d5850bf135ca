"""Stop stops the readout (issue 18 item 4), in a real JupyterLab: after Stop the numbers a
student sees are final. Python hears which steps reached the page (the `seen` command) and
Play never runs more than two slices ahead of it, and Stop ends training after the step in
progress, so the page is not seconds behind the kernel when Stop is pressed. Checked on both
sides: the readout does not change once Play is back, and the kernel pushed nothing after the
step at which it handled the stop — also with the browser's CPU slowed down 6× (a busy
lecture laptop), where without flow control the page fell behind by dozens of steps."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from babygpt_widget.widget.play_loop import ACK_DEPTH

from .helpers import Lab, LectureView, collect_until, open_in_lab

pytestmark = pytest.mark.browser

# The widget, with the kernel side of Stop recorded: when the stop command was handled (and
# at which step), and every push of the live step (kernel clock, ms).
CELL = """from babygpt_widget import BabyGPTWidget
import time
w = BabyGPTWidget()
LOG = []
_stop, _push = w._request_stop, w._push
def _logged_stop():
    LOG.append(("stop", time.time() * 1000, w.engine._trainer.global_step))
    _stop()
    LOG.append(("stopped", time.time() * 1000, w.engine.global_step))
def _logged_push(*a, **k):
    _push(*a, **k)
    LOG.append(("push", time.time() * 1000, w.engine.global_step))
w._request_stop, w._push = _logged_stop, _logged_push
w"""

# Every readout change on the page, with the page's clock (ms).
WATCH_JS = """root => { window.__readout = [];
    const step = root.querySelector('[data-role="step"]');
    new MutationObserver(() => window.__readout.push([Date.now(), Number(step.textContent.replace(/\\D/g, ''))]))
        .observe(step, {subtree: true, childList: true, characterData: true}); }"""


def _stop_and_watch(lab: Lab, view: LectureView) -> dict:
    view.root.evaluate(WATCH_JS)
    view.button("play").click()
    expect(view.button("pause")).to_be_visible(timeout=30_000)
    collect_until(view.step, lambda s: s >= 40, timeout=120, page=lab.page)
    # the click, timed on the page's clock (the kernel shares it: same machine)
    clicked = view.root.evaluate("""root => { const t = Date.now(), s = Number(root.querySelector('[data-role="step"]')
        .textContent.replace(/\\D/g, '')); root.querySelector('button[data-action="pause"]').click(); return [t, s]; }""")
    expect(view.button("play")).to_be_visible(timeout=30_000)
    final = view.step()
    lab.page.wait_for_timeout(1500)
    assert view.step() == final, "the readout moved after Stop had taken effect"
    out = lab.add_and_run_cell("import json; print(json.dumps(LOG))")
    log = json.loads(out.locator(".jp-OutputArea-output").inner_text())
    return {"clicked_at": clicked[0], "shown": clicked[1], "final": final, "log": log,
            "changes": [s for t, s in lab.page.evaluate("() => window.__readout") if t > clicked[0]]}


def _check(r: dict, what: str) -> None:
    log, shown, final = r["log"], r["shown"], r["final"]
    stop = next(e for e in log if e[0] == "stop")
    stopped = next(e for e in log if e[0] == "stopped")
    pushed = [e for e in log if e[0] == "push"]
    # Python: the step at which it handled the stop is the last one pushed, and the page shows it
    assert max(e[2] for e in pushed) == stopped[2] == final, (what, stopped, pushed[-3:], final)
    # trained after Stop arrived: the step in progress at most
    assert stopped[2] - stop[2] <= 1, (what, stop, stopped)
    # the page was not behind when Stop was pressed: of the steps it had not shown yet, at most
    # ACK_DEPTH pushes had left the kernel at the click (pushes between the click and the stop's
    # arrival answer the page's acks of steps it drew meanwhile: the page is keeping up)
    at_click = min(stop[1], r["clicked_at"])
    behind = [e for e in pushed if e[1] < at_click and e[2] > shown]
    # the page acks a step when it arrives and draws it on the next frame (6x throttled: one
    # frame can take ~100 ms), so one received-but-undrawn push is not the page falling behind
    # (without flow control 62 were on their way here)
    assert len(behind) <= ACK_DEPTH + 1, f"{what}: {len(behind)} pushes on their way at the click: {behind}"
    print(f"\n[stop] {what}: shown {shown} at the click, final {final}; readout after the click {r['changes']}")


def test_after_stop_the_readout_is_final(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "stop.ipynb", jupyter_server.root, [CELL])
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.button("play")).to_be_enabled(timeout=60_000)
    _check(_stop_and_watch(lab, view), "Play at max speed")


def test_after_stop_the_readout_is_final_with_a_slow_browser(lab, notebook_dir, jupyter_server):
    open_in_lab(lab, notebook_dir / "stop_slow.ipynb", jupyter_server.root, [CELL])
    view = LectureView(lab.code_cells.nth(0).locator(".babygpt-widget"))
    expect(view.button("play")).to_be_enabled(timeout=60_000)
    cdp = lab.page.context.new_cdp_session(lab.page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 6})
    try:
        _check(_stop_and_watch(lab, view), "browser CPU 6x slower")
    finally:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
