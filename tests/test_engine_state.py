"""The widget's `engine_state` trait and what nbconvert makes of it (issue 21 §2): the run's state
blob goes out when the run rests — never every step (a burst, then at most REFILL_PER_S a second,
the last one always) — so a notebook's saved widget state carries it, and `--to babygpt_html`
ships it to the page's local engine only when it is the run the widget shows."""

from __future__ import annotations

import base64
import json
import time

from test_nbconvert_export import _notebook

from babygpt_widget import BabyGPTWidget
from babygpt_widget.render.nbconvert_export import OfflineHTMLExporter, saved_engine
from babygpt_widget.render.page_data import DATA_SCRIPT as DATA
from babygpt_widget.render.page_engine import state_blob
from babygpt_widget.widget.engine_state import BURST, REFILL_PER_S



def sent(w: BabyGPTWidget) -> list[bytes]:
    got: list[bytes] = []
    w.observe(lambda change: got.append(change["new"]), "engine_state")
    return got


def test_the_state_goes_out_when_train_reset_and_configure_end():
    w = BabyGPTWidget()
    assert w.engine_state == state_blob(w.engine)  # step 0, sent with the first push
    w.train(5)
    assert w.engine_state == state_blob(w.engine)
    w.configure(lr=2e-3)
    assert w.engine_state == state_blob(w.engine) and b'"lr":0.002' in w.engine_state[:600]
    w.reset()
    assert w.engine_state == state_blob(w.engine)


def test_never_every_step_but_the_last_rest_always_arrives():
    w = BabyGPTWidget()
    w._state_tokens = 0.0  # as after a burst
    w._state_checked = time.perf_counter()
    got = sent(w)
    started = time.perf_counter()
    for _ in range(30):
        w.step()
    elapsed = time.perf_counter() - started
    assert len(got) <= 1 + elapsed * REFILL_PER_S + 1, (len(got), elapsed)  # 30 rests, a handful of blobs
    deadline = time.time() + 10
    while w.engine_state != state_blob(w.engine) and time.time() < deadline:
        time.sleep(0.05)  # the timer sends the last rest
    assert w.engine_state == state_blob(w.engine) and w.global_step == 30
    assert BURST >= 4  # a notebook run top to bottom: each cell's rest goes out at once


def test_runs_the_page_does_not_follow_exactly_sync_no_state():
    w = BabyGPTWidget(context_length=8)
    assert w.engine_state == b""
    e = saved_engine(dict(w.get_state()))
    assert e["state"] is None and "256 states" in e["why"]


def test_save_html_pages_do_not_carry_the_trait_twice(tmp_path):
    w = BabyGPTWidget()
    w.save_html(tmp_path / "p.html")
    data = json.loads(DATA.findall((tmp_path / "p.html").read_text())[0])
    assert "engine_state" not in data["traits"] and data["engine"]["state"]


def test_nbconvert_page_carries_the_blob_of_the_shown_run_only():
    w = BabyGPTWidget()
    w.train(50)
    html, _ = OfflineHTMLExporter().from_notebook_node(_notebook(w))
    data = json.loads(DATA.findall(html)[0])
    assert base64.b64decode(data["engine"]["state"]) == state_blob(w.engine)
    assert "engine_state" not in data["traits"] and data["traits"]["global_step"] == 50
    # a blob of an earlier step (the notebook saved before the last one went out): no training, and why
    state = dict(w.get_state())
    w.train(1)
    stale = {**dict(w.get_state()), "engine_state": state["engine_state"]}
    e = saved_engine(stale)
    assert e["state"] is None and "step 50, not the shown run's" in e["why"]
    # the same step with other settings (lr changed after the blob went out)
    w.configure(lr=5e-3)
    other = {**dict(w.get_state()), "engine_state": state_blob(BabyGPTWidget().engine)}
    other["global_step"] = 0
    assert saved_engine(other)["state"] is None
    # a notebook from before the trait, or a damaged blob
    assert saved_engine({**dict(w.get_state()), "engine_state": b""})["why"].startswith("the notebook saved no engine state")
    assert saved_engine({**dict(w.get_state()), "engine_state": b"BGPTSTAT\xff\xff"})["state"] is None
