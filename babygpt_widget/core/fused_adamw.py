"""AdamW's fused CPU kernel, called without the optimizer's per-call bookkeeping.

`torch.optim.AdamW(fused=True).step()` spends ~110 µs per call in Python (grouping tensors by
device, a state lookup per parameter, one `+1` per step counter) around a ~20 µs kernel: 5% of
a babyGPT training step. The optimizer still owns the state (state_dict, checkpoints, loading);
this calls the same kernel with the same arguments, from lists built once after its first step.

CPU torch has the fused kernel from 2.4 on; with an older torch ``make_adamw`` builds the plain
(for-loop) AdamW, which ``FusedAdamWStep`` then just steps: same numbers, ~1.3x slower.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable

import torch


@functools.cache
def cpu_fused_adamw() -> bool:
    """Whether this torch runs AdamW(fused=True) on CPU tensors (torch >= 2.4). Older ones refuse
    at construction (2.1-2.3) or lack the CPU kernel at the first step."""
    p = torch.zeros(1, requires_grad=True)
    p.grad = torch.zeros(1)
    try:
        torch.optim.AdamW([p], fused=True).step()
    except (RuntimeError, TypeError, ValueError, NotImplementedError, AttributeError):
        return False
    return True


def make_adamw(params: Iterable[torch.Tensor], lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW, fused when this torch can on CPU. A run file saved under the other setting loads
    with this torch's setting (its saved 'fused' flag would otherwise come back with it)."""
    fused = cpu_fused_adamw()
    setting = {"fused": True, "foreach": None} if fused else {"fused": None, "foreach": False}
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay, **setting)

    def keep_setting(_optimizer: Any, state_dict: dict) -> dict:
        return {**state_dict, "param_groups": [{**g, **setting} for g in state_dict["param_groups"]]}

    if hasattr(optimizer, "register_load_state_dict_pre_hook"):  # torch >= 2.1
        optimizer.register_load_state_dict_pre_hook(keep_setting)
    return optimizer


_Bound = tuple[list[torch.Tensor], list[torch.Tensor], torch.Tensor, list[torch.Tensor]]


class FusedAdamWStep:
    def __init__(self, optimizer: torch.optim.AdamW) -> None:
        self.optimizer = optimizer
        self._bound: _Bound | None = None
        self._settings_supported = True  # False: stay on optimizer.step() without re-checking each step

    def invalidate(self) -> None:
        """The optimizer's state tensors were replaced (cleared or loaded): bind again."""
        self._bound = None

    def __call__(self) -> None:
        (group,) = self.optimizer.param_groups
        params: list[torch.Tensor] = group["params"]
        grads = [p.grad for p in params]
        if self._bound is None or any(g is None for g in grads):
            self.optimizer.step()  # creates the state on the first step; the general path otherwise
            if self._settings_supported:
                self._bound = self._bind(group)
            return
        exp_avgs, exp_avg_sqs, counter, steps = self._bound
        counter.add_(1)  # every parameter's step count, in one op
        beta1, beta2 = group["betas"]
        torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=group["lr"], beta1=beta1,
                            beta2=beta2, weight_decay=group["weight_decay"], eps=group["eps"],
                            amsgrad=False, maximize=False)

    def _bind(self, group: dict) -> _Bound | None:
        """Lists of the optimizer's own state tensors; the step counters become views of one
        tensor. None (keep calling optimizer.step()) for any setting the kernel call above omits."""
        if not group["fused"] or group["amsgrad"] or group["maximize"] or group["capturable"] \
                or group["differentiable"] or not isinstance(group["lr"], float):
            self._settings_supported = False  # don't re-check on every step
            return None
        states = [self.optimizer.state.get(p, {}) for p in group["params"]]
        if not all({"exp_avg", "exp_avg_sq", "step"} <= state.keys() for state in states):
            return None
        counter = torch.stack([state["step"] for state in states])
        for i, state in enumerate(states):
            state["step"] = counter[i]
        return ([s["exp_avg"] for s in states], [s["exp_avg_sq"] for s in states], counter,
                [s["step"] for s in states])
