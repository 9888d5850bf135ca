"""Golden answers for the saved page's settings and run strings (js/page/pageConfig.ts, runLog.ts,
engineHost.ts), written by the real widget: each script is a list of commands exactly as the
front end sends them (configure one field, train, reset, undo_reset), run through
``BabyGPTWidget._on_message``; after each command it records Python's reply (ok, or the error and
its field), the ``errors`` trait, the run string, the step, the config and can_undo_reset; at the
end of a script the chain and loss of the final weights as the training step computes them (the
page's engine follows that path bit for bit; Python's no-grad refresh of the last history row
goes through fused attention, ~1 ulp away), the history's steps, data counts and state labels.

Settings Python accepts but the page's engine does not follow bit for bit (render/page_engine.py
``not_exact_reason``) are recorded with that reason and undone in Python (at step 0 of a fresh
run, so both sides stay the same run); the page refuses them.

    .venv/bin/python tests/golden/make_page_config_golden.py           # rewrites page_config_golden.json
    .venv/bin/python tests/golden/make_page_config_golden.py --check   # recomputes, compares
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

import golden_file  # tests/golden/golden_file.py (this folder is on sys.path when run or checked)

OUT = Path(__file__).with_name("page_config_golden.json")

LONG = "01" * 5_000  # a long sequence: the cost guard counts its windows


def cfg(field: str, value: Any) -> dict:
    return {"cmd": "configure", "values": {field: value}}


def train(n: int) -> dict:
    return {"cmd": "train", "n": n}


# Every field and range the form can send wrong, Python's cost guard, and settings the page refuses.
VALIDATION = [
    cfg("sequence", "1112"), cfg("sequence", "ab 2"), cfg("sequence", "1"), cfg("sequence", ""), cfg("sequence", 12),
    cfg("sequence", None), cfg("sequence", "x" * 150), cfg("sequence", "é1"),
    cfg("alphabet", "0"), cfg("alphabet", 5), cfg("alphabet", "0 1"), cfg("alphabet", "0\t1"), cfg("alphabet", "0011"),
    cfg("alphabet", "ab" * 60), cfg("alphabet", "0" * 130), cfg("alphabet", "0\u00001"), cfg("alphabet", "10"),
    cfg("context_length", 0), cfg("context_length", 13), cfg("context_length", 2.5), cfg("context_length", "3"),
    cfg("context_length", True), cfg("context_length", 8), cfg("context_length", 1),
    cfg("n_layer", 0), cfg("n_layer", 13), cfg("n_layer", 1.5), cfg("n_layer", -3),
    cfg("n_head", 0), cfg("n_head", 17), cfg("n_head", 3), cfg("n_head", 5),
    cfg("n_embd", 0), cfg("n_embd", 257), cfg("n_embd", 15), cfg("n_embd", "16"), cfg("n_embd", 6), cfg("n_head", 1), cfg("n_embd", 6),
    cfg("n_head", 4),
    cfg("lr", 0), cfg("lr", -1), cfg("lr", 11), cfg("lr", 1e21), cfg("lr", "0.1"), cfg("lr", True), cfg("lr", None),
    cfg("lr", 5e-324),
    cfg("weight_decay", -0.5), cfg("weight_decay", 10.5), cfg("weight_decay", None), cfg("weight_decay", "x"),
    cfg("seed", -1), cfg("seed", 1.5), cfg("seed", 10_000_000_000_000_000_000), cfg("seed", "7"),
    {"cmd": "configure", "values": {"context_length": 10, "n_layer": 12, "n_embd": 256}},
    {"cmd": "configure", "values": {"n_layer": 12, "n_embd": 256, "context_length": 12}},
    {"cmd": "configure", "values": {"sequence": LONG, "n_head": 16, "n_layer": 12, "n_embd": 256, "context_length": 11}},
    {"cmd": "configure", "values": {"n_head": 16, "n_layer": 12, "n_embd": 32, "context_length": 12}},
    {"cmd": "configure", "values": {"n_layer": 12, "n_head": 16, "n_embd": 16, "context_length": 12}},
    {"cmd": "configure", "values": {"colour": 3}},
    {"cmd": "configure", "values": [1, 2]},
    {"cmd": "undo_reset"},
    # accepted ones, then training: the run string and the chain follow
    cfg("alphabet", "0123"), cfg("context_length", 7), cfg("alphabet", "01"),
    cfg("lr", 10), cfg("lr", 0.001), cfg("weight_decay", 0), train(2), cfg("seed", 4_294_967_297), train(2),
]

RUN_STRINGS = [
    [train(5), cfg("lr", 0.003), train(3), cfg("sequence", "110110"), train(2), cfg("weight_decay", 0.01),
     cfg("lr", 0.001), train(2), cfg("sequence", "1111111111110"), cfg("sequence", "110110"), train(1)],
    [cfg("seed", 7), train(4), cfg("context_length", 2), train(3), {"cmd": "reset"}, {"cmd": "undo_reset"}, train(2),
     cfg("lr", 0.002), cfg("lr", 0.001), train(1), {"cmd": "reset"}, train(1), {"cmd": "undo_reset"}],
    [cfg("weight_decay", 0.5), train(2), {"cmd": "reset"}, train(1), cfg("alphabet", "012"),
     cfg("sequence", "0120120112"), train(3), cfg("lr", 3e-05), train(2)],
    [cfg("n_layer", 2), cfg("n_embd", 8), cfg("n_head", 2), train(3), cfg("context_length", 4), train(2),
     cfg("sequence", "1010011101"), train(2)],
]


def _record(w: Any, reply: dict | None) -> dict:
    return {
        "reply": reply,
        "errors": dict(w.errors),
        "run_string": w.run_string,
        "step": int(w.global_step),
        "config": {k: (str(v) if k == "seed" else v) for k, v in w.config.items()},
        "can_undo_reset": bool(w.can_undo_reset),
    }


def open_widget() -> tuple[Any, Callable[[dict], dict | None]]:
    """A fresh widget and a sender: a command through `_on_message` as the front end sends it,
    returning Python's reply (None for commands it does not answer)."""
    from babygpt_widget import BabyGPTWidget

    w = BabyGPTWidget()
    replies: list[dict] = []
    w.send = lambda content, buffers=None: replies.append(content)  # type: ignore[method-assign]

    def send(command: dict) -> dict | None:
        replies.clear()
        w._on_message(w, command, [])
        return replies[-1] if replies else None

    return w, send


def run_script(commands: list[dict]) -> dict:
    from babygpt_widget.render.page_engine import not_exact_reason

    w, send = open_widget()
    start = _record(w, None)
    start.update(states=list(w.states), prefix_states=list(w.prefix_states))
    steps = []
    for command in commands:
        before, errors_before = w.engine.config, dict(w.errors)
        reply = send(command)
        entry = {"command": command, **_record(w, reply)}
        why = not_exact_reason(w.engine.config) if w.engine.config != before else None
        if why is not None:  # the page refuses it: undo it here (a fresh run at step 0 either way)
            assert w.global_step == 0, "not-exact settings are only tried on a fresh run"
            entry = {"command": command, "not_exact": why, "python_reply": reply}
            w.configure(**before.to_dict())
            w.errors = errors_before
        steps.append(entry)
    history = w.engine.history
    with torch.enable_grad():  # the training step's path (the one the page's engine follows bit for bit);
        loss, probs = w.engine._trainer._loss_and_probs()  # the no-grad refresh goes through fused attention
    end = {
        "probs": probs.detach().numpy().astype(float).ravel().tolist(),  # every context, shorter first
        "loss": float(loss.item()),
        "history_steps": [int(s) for s in history.steps],
        "states": list(w.states), "prefix_states": list(w.prefix_states),
        "data_counts": np.frombuffer(w.data_counts, "<i4").tolist(),
        "prefix_data_counts": np.frombuffer(w.prefix_data_counts, "<i4").tolist(),
    }
    return {"start": start, "steps": steps, "end": end}


def build() -> dict:
    return {"validation": run_script(VALIDATION), "run_strings": [run_script(s) for s in RUN_STRINGS]}


def check() -> None:
    golden_file.check(OUT, build)


if __name__ == "__main__":
    golden_file.main(OUT, build)
