"""Optional: the small-chain training forward + backward compiled by torch.compile (Inductor).

Off by default; set ``BABYGPT_COMPILED_STEP=1`` before building a run to turn it on. Compiling
takes ~35 s the first time on a 2-core machine (~3.5 s once PyTorch's on-disk caches hold it),
so it runs in a background thread on a copy of the model while training goes on eagerly; the
trainer switches at the start of the first step after it is ready. The compiled step is ~1.3x
faster (2.7x the seed's bare loop instead of 2.1x; bench/compiled_step.py), but
- while it compiles, the compile thread holds the GIL most of the time: eager training runs
  ~2x slower for those seconds, which a user watching Play sees;
- Inductor's kernels round differently (~1e-7 a step; after 50 steps still within 1e-6 of the
  seed), so a run trained partly compiled does not rebuild from its run string bit for bit.
  Replays after an interrupt stay exact: the trainer takes a fresh checkpoint at the switch and
  replays with the same compiled function.
"""

from __future__ import annotations

import copy
import os
import threading

import torch
import torch.nn.functional as F

from .model import GPT

ENV_FLAG = "BABYGPT_COMPILED_STEP"


def enabled() -> bool:
    return os.environ.get(ENV_FLAG, "") not in ("", "0")


def _logits_all(model: GPT, idx: torch.Tensor) -> torch.Tensor:
    """model.forward_all block by block (the one-node autograd.Function is for eager autograd)."""
    B, T = idx.shape
    tf = model.transformer
    x = (tf.wte(idx) + tf.wpe(torch.arange(T))).view(B * T, -1)
    for block in tf.h:
        x = block.forward_modules(x, B, T)
    return model.lm_head(tf.ln_f(x)).view(B, T, -1)


def _loss_and_probs(model: GPT, inputs: torch.Tensor, counts: torch.Tensor, n_windows: torch.Tensor,
                    rows: torch.Tensor, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Trainer._compute's small-chain path in one graph: the seed's mean cross-entropy (counts as
    soft targets over the windows; `n_windows` a 0-d tensor, so a new sequence does not
    recompile) and every context's probabilities for the snapshot."""
    logits = _logits_all(model, inputs)
    loss = F.cross_entropy(logits[:, -1], counts, reduction="sum") / n_windows
    return loss, torch.softmax(logits.detach()[rows, positions], dim=-1)


_compiled = None  # one compiled function per process: models of the same shapes reuse its code
_compiled_lock = threading.Lock()


def _function():
    global _compiled
    with _compiled_lock:
        if _compiled is None:
            _compiled = torch.compile(_loss_and_probs, dynamic=False)
        return _compiled


class BackgroundCompile:
    """Compiles `_loss_and_probs` for this model's shapes in a daemon thread; `ready` once done."""

    def __init__(self, model: GPT, *inputs: torch.Tensor) -> None:
        """`inputs`: the function's tensors after the model (see _loss_and_probs)."""
        self.function = None
        self.error: BaseException | None = None
        copy_ = copy.deepcopy(model)  # here, not in the thread: the live model keeps training
        self._thread = threading.Thread(target=self._build, args=(copy_, *[t.clone() for t in inputs]),
                                        daemon=True, name="babygpt-compile")
        self._thread.start()

    def _build(self, model: GPT, *inputs: torch.Tensor) -> None:
        try:
            function = _function()
            loss, _ = function(model, *inputs)
            loss.backward()  # compiles the backward as well
            self.function = function
        except Exception as e:  # noqa: BLE001 - no compiler, unsupported op...: stay eager
            self.error = e

    @property
    def ready(self) -> bool:
        return self.function is not None

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    # copies (BabyGPT's deepcopy, undo_reset) share the compile: its function holds no weights;
    # a pickled run comes back eager (a compiled function does not pickle)
    def __deepcopy__(self, memo: dict) -> "BackgroundCompile":
        return self

    def __getstate__(self) -> dict:
        return {"function": None, "error": None, "_thread": None}
