"""What a saved page's local engine (js/engine, issue 21) needs to continue the run exactly: the
run's settings and its state blob at the live step (weights + both AdamW moments + step, the
layout of js/engine/state_io.ts), or why the page cannot train.

In the page data as {"config": {...}, "state": base64 blob} or {"config": ..., "state": null,
"why": "..."}: the front end enables Step / Train / Play / Reset only with a state.
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

import numpy as np
import torch

MAGIC = b"BGPTSTAT"
STATE_FORMAT = "babygpt-engine-state"
# Where js/engine follows PyTorch bit for bit (js/engine/README.md, "Where it is not exact"):
# the small-chain training path (< 256 states) and the MKL shapes it maps.
MAX_EXACT_STATES = 255
UNMAPPED_N_EMBD = frozenset({5, 6, 7, 9, 10, 11})


def not_exact_reason(config: Any) -> str | None:
    """Why the page's engine would not continue this run bit for bit (None: it would)."""
    v, c = len(config.alphabet), config.context_length
    if v ** c > MAX_EXACT_STATES:
        return f"{v ** c} states: the page trains chains of fewer than 256 states"
    if config.n_embd in UNMAPPED_N_EMBD:
        return f"n_embd {config.n_embd}: the page's engine is exact for n_embd 1-4, 8 and 12 or more"
    if v == 2 and c == 1:
        return "a 2-token alphabet with context 1 is not one the page's engine follows exactly"
    return None


def _moments(run: Any, key: str) -> np.ndarray:
    tr = run._trainer
    state = tr.optimizer.state if tr._optimizer is not None else {}
    return np.concatenate([(state[p][key] if p in state and key in state[p] else torch.zeros_like(p))
                           .detach().reshape(-1).to(torch.float32).numpy() for p in tr._parameters])


def engine_config(run: Any) -> dict[str, Any]:
    cfg = run.config
    return {"sequence": cfg.sequence, "alphabet": cfg.alphabet, "context_length": cfg.context_length,
            "n_layer": cfg.n_layer, "n_head": cfg.n_head, "n_embd": cfg.n_embd, "lr": cfg.lr,
            "weight_decay": cfg.weight_decay, "seed": str(cfg.seed)}


def state_blob(run: Any) -> bytes:
    """The run's state as js/engine/state_io.ts reads it."""
    cfg = run.config
    params = list(run._trainer._parameters)
    named = {id(p): n for n, p in run.model.named_parameters()}
    header = {
        "format": STATE_FORMAT, "version": 1, "step": int(run._trainer.global_step),
        "settings": {"vocab_size": len(cfg.alphabet), "context_length": cfg.context_length, "n_layer": cfg.n_layer,
                     "n_head": cfg.n_head, "n_embd": cfg.n_embd, "lr": cfg.lr, "weight_decay": cfg.weight_decay,
                     "seed": str(cfg.seed), "sequence": [cfg.alphabet.index(ch) for ch in cfg.sequence]},
        "params": [[named[id(p)], list(p.shape)] for p in params],
    }
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    weights = np.concatenate([p.detach().reshape(-1).to(torch.float32).numpy() for p in params])
    tensors = [weights, _moments(run, "exp_avg"), _moments(run, "exp_avg_sq")]
    return MAGIC + struct.pack("<I", len(text)) + text + b"".join(t.astype("<f4").tobytes() for t in tensors)


def page_engine(run: Any) -> dict[str, Any]:
    """The page data's "engine" entry for `run` at its live step."""
    why = not_exact_reason(run.config)
    if why is not None:
        return {"config": engine_config(run), "state": None, "why": why}
    return {"config": engine_config(run), "state": base64.b64encode(state_blob(run)).decode("ascii")}
