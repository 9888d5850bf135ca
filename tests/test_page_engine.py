"""save_html ships what the page's local engine needs to continue the run (issue 21): the run's
settings and its state blob at the live step (weights, both AdamW moments, step), counted against
the page budget; runs the page's engine would not follow exactly ship no state and say why."""

from __future__ import annotations

import base64
import json
import struct

import numpy as np

from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget.render.page_budget import PAGE_BUDGET_BYTES, PLAN_MARGIN_BYTES
from babygpt_widget.render.page_data import DATA_SCRIPT, build_page_data
from babygpt_widget.render.page_engine import not_exact_reason, page_engine, state_blob


def decode(blob: bytes) -> tuple[dict, np.ndarray]:
    assert blob[:8] == b"BGPTSTAT"
    (h,) = struct.unpack("<I", blob[8:12])
    assert h % 4 == 0
    return json.loads(blob[12:12 + h]), np.frombuffer(blob[12 + h:], dtype="<f4")


def test_state_blob_holds_weights_both_moments_and_step_in_parameter_order():
    run = BabyGPT()
    run.train(3)
    header, tensors = decode(state_blob(run))
    params = list(run._trainer._parameters)
    P = sum(p.numel() for p in params)
    assert header["step"] == 3 and tensors.size == 3 * P and P == 12_656
    assert header["params"][0] == ["transformer.wte.weight", [2, 16]] and header["params"][-1][0] == "transformer.ln_f.bias"
    weights = np.concatenate([p.detach().numpy().ravel() for p in params])
    opt = run._trainer.optimizer.state
    m = np.concatenate([opt[p]["exp_avg"].numpy().ravel() for p in params])
    v = np.concatenate([opt[p]["exp_avg_sq"].numpy().ravel() for p in params])
    assert np.array_equal(tensors[:P], weights) and np.array_equal(tensors[P:2 * P], m) and np.array_equal(tensors[2 * P:], v)
    s = header["settings"]
    assert (s["vocab_size"], s["context_length"], s["n_layer"], s["n_head"], s["n_embd"]) == (2, 3, 4, 4, 16)
    assert s["seed"] == "1337" and s["lr"] == 1e-3 and s["weight_decay"] == 0.1
    assert "".join("01"[t] for t in s["sequence"]) == run.config.sequence


def test_state_blob_before_any_step_has_zero_moments():
    header, tensors = decode(state_blob(BabyGPT()))
    P = tensors.size // 3
    assert header["step"] == 0 and not tensors[P:].any() and tensors[:P].any()


def test_runs_the_page_engine_does_not_follow_exactly_ship_no_state_and_say_why():
    assert not_exact_reason(BabyGPT().config) is None
    big = page_engine(BabyGPT(context_length=8))
    assert big["state"] is None and "256 states" in big["why"]
    odd = page_engine(BabyGPT(n_embd=6, n_head=2))
    assert odd["state"] is None and "n_embd 6" in odd["why"]


def test_saved_page_carries_the_engine_and_counts_it_against_the_budget(tmp_path):
    w = BabyGPTWidget()
    w.train(5)
    saved = w.save_html(tmp_path / "p.html")
    data = json.loads(DATA_SCRIPT.findall((tmp_path / "p.html").read_text(encoding="utf-8"))[0])
    engine = data["engine"]
    assert engine["config"]["sequence"] == w.engine.config.sequence and engine["config"]["alphabet"] == "01"
    header, _ = decode(base64.b64decode(engine["state"]))
    assert header["step"] == 5 and saved.bytes <= PAGE_BUDGET_BYTES
    # the engine's ~200 kB are fixed bytes: with 100 kB of room the history fits without them, not with
    state = {**w.get_state()}
    extra = PAGE_BUDGET_BYTES - PLAN_MARGIN_BYTES - 100_000
    without = build_page_data(state, "t", fixed_extra=extra)
    with_engine = build_page_data(state, "t", fixed_extra=extra, engine=page_engine(w.engine))
    assert without.plan.kept == without.plan.recorded == 6
    assert with_engine.plan.kept < 6 and with_engine.data["engine"]["state"] == engine["state"]
