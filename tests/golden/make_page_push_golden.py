"""Golden answers for a page's pushes (js/page/pagePush.ts, pageTeach.ts, engineHost.ts), written by
the real widget: each script is a list of commands exactly as the front end sends them (nudge,
teach, undo, undo_reset, train, configure, reset) run through ``BabyGPTWidget._on_message``; after
each command it records Python's reply, the ``errors`` trait, the run string, the step, the config,
can_undo_reset / can_undo and the ``taught`` trait; at the end the chain and loss as the training
step computes them and the history (steps and losses: a push records the data's loss). Also
Python's digits for the number formats a page must write as Python does.

    .venv/bin/python tests/golden/make_page_push_golden.py           # rewrites page_push_golden.json
    .venv/bin/python tests/golden/make_page_push_golden.py --check   # recomputes, compares
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

import golden_file  # tests/golden/golden_file.py (this folder is on sys.path when run or checked)
from make_page_config_golden import _record as settings_record
from make_page_config_golden import open_widget

OUT = Path(__file__).with_name("page_push_golden.json")


def cfg(**values: Any) -> dict:
    return {"cmd": "configure", "values": values}


def train(n: int) -> dict:
    return {"cmd": "train", "n": n}


def nudge(state: Any = "101", token: Any = "1", p: Any = 0.95, **more: Any) -> dict:
    return {"cmd": "nudge", "state": state, "token": token, "p": p, **more}


def teach(targets: Any, **more: Any) -> dict:
    return {"cmd": "teach", "targets": targets, **more}


UNDO, UNDO_RESET, RESET = {"cmd": "undo"}, {"cmd": "undo_reset"}, {"cmd": "reset"}

VALIDATION = [
    train(5), UNDO, UNDO_RESET, {"cmd": "undo", "x": 1},
    nudge(state="1012"), nudge(state=5), {"cmd": "nudge", "token": "1", "p": 0.5}, nudge(state="abc"), nudge(state="1 1"),
    nudge(token="2"), nudge(token=""), nudge(token=1), nudge(token="01"), nudge(token=None),
    nudge(p=2), nudge(p=-0.1), nudge(p="0.5"), nudge(p=True), nudge(p=None), nudge(p=1e300),
    nudge(steps=0), nudge(steps=10001), nudge(steps=2.5), nudge(steps="20"), nudge(steps=None), nudge(steps=True),
    nudge(steps=1e30), nudge(colour=1), nudge(state="x" * 200),
    teach([]), teach({}), teach(None), teach("000:0.9/0.1"), teach({"000": {"0": 2, "1": -1}}),
    teach({"000": {"0": 0.5, "1": 0.6}}), teach({"000": {"0": 0.3, "1": 0.3}}), teach({"0000": {"0": 1}}),
    teach({"000": {"2": 1}}), teach({"000": {"01": 1}}), teach({"000": []}), teach({"000": {}}),
    teach({"000": {"0": True, "1": 0}}), teach({"000": {"0": "0.5", "1": 0.5}}),
    teach({f"{i:03d}": {"0": 1} for i in range(65)}), teach({"000": {"0": 1}}, steps=0), teach({"000": {"0": 1}}, weight=3),
    teach({"000": {"0": 0.9, "1": 0.1}, "11": {"0": 1}}),
    cfg(n_layer=12, n_embd=256), nudge(steps=10_000), nudge(steps=1), cfg(n_layer=4, n_embd=16),
]

RUNS = [
    [train(50), nudge(steps=20), train(3), nudge("000", "0", 0.9, steps=10), UNDO,
     teach({"000": {"0": 0.9, "1": 0.1}, "111": {"0": 0.2, "1": 0.8}}, steps=30), UNDO_RESET, UNDO,
     teach({"111": {"1": 1}}, steps=15), cfg(lr=0.002), UNDO, RESET, UNDO, nudge("110", "0", 0.05, steps=5), train(2)],
    [cfg(alphabet="abc", sequence="abcaabbcabcacbab", context_length=2), train(20), nudge("ab", "c", 0.6, steps=10),
     teach({"cc": {"a": 0.5, "b": 0.25, "c": 0.25}, "aa": {"c": 1}}, steps=10), train(5), nudge("ba", "a", 0, steps=3)],
    [nudge("000", "1", 1, steps=4), UNDO, nudge("011", "0", 0.3, steps=2), cfg(weight_decay=0.05), train(1),
     cfg(sequence="1101101110"), nudge("101", "1", 0.99, steps=6), train(1)],
]

FORMATS = [  # (value, Python format spec): the page writes these digits as Python does
    *[(x, spec) for x in (0.0, -0.0, 0.125, 0.375, 0.00125, 1e-5, 0.955, 0.9549999, 1 / 3, 2 / 3, 1e-7, 12.5, -0.0625,
                          0.5, 1.5, 2.5, 0.0005, 123456.5, 1234565.0, 0.0001220703125, 36.0, 0.003, 1e22, 7.5e-5)
      for spec in (".1%", "+.1%", ".0%", ".6g", "g", ".1f")],
]
ROUNDS = [0.0001220703125, 0.05, 1 - 0.95, (1 - 0.6) * 0.5, 0.3 * (1 / 3), 0.1 + 0.2, 5e-13, 1.5e-12, 2.5e-12,
          0.9999999999995, 0.123456789012345]
SUMS = [[0.1] * 10, [0.3, 0.3, 0.4], [1e-16, 1.0, -1.0, 1e-16], [0.2, 0.2, 0.2, 0.2, 0.2, 1e-7]]


def _record(w: Any, reply: dict | None) -> dict:
    """The settings golden's record (reply, errors, run string, step, config, can_undo_reset) and
    what a push adds: can_undo and the taught trait."""
    return {**settings_record(w, reply), "can_undo": w.can_undo, "taught": json.loads(json.dumps(w.taught))}


def run_script(commands: list[dict]) -> dict:
    w, send = open_widget()
    start = _record(w, None)
    start.update(states=list(w.states), prefix_states=list(w.prefix_states))
    steps = [{"command": command, **_record(w, send(command))} for command in commands]
    history = w.engine.history
    with torch.enable_grad():  # the training step's path, which the page's engine follows bit for bit
        loss, probs = w.engine._trainer._loss_and_probs()
    end = {
        "probs": probs.detach().numpy().astype(float).ravel().tolist(),
        "loss": float(loss.item()),
        "history_steps": [int(s) for s in history.steps],
        "history_losses": [float(x) for x in history.losses],
    }
    return {"start": start, "steps": steps, "end": end}


def build() -> dict:
    return {
        "validation": run_script(VALIDATION),
        "runs": [run_script(s) for s in RUNS],
        "formats": [[x, spec, format(x, spec)] for x, spec in FORMATS],
        "rounds": [[x, round(x, 12)] for x in ROUNDS],
        "fsums": [[xs, __import__("math").fsum(xs)] for xs in SUMS],
        "numpy_sums": [[xs, float(np.sum(np.asarray(xs, dtype=np.float64)))] for xs in SUMS + [[0.1 * i for i in range(1, 40)]]],
    }


def check() -> None:
    golden_file.check(OUT, build)


if __name__ == "__main__":
    golden_file.main(OUT, build)
