"""The model at a past training step, planned under the run's lock and rebuilt outside it.

A past step is rebuilt by replaying training from the nearest weight snapshot (snapshots.py).
The replay is bounded before it starts: at most `request_cost.replay_limit` steps (the cost
guard's per-step estimate against REPLAY_SECONDS, and none when a replay beside the run's own
training step would pass the guard's memory limit). Beyond that a request is refused naming
`step` and the nearest step that can be shown, or (``nearest=True``, the widget's inside panel)
answered at that step. The replay works on a model of its own (built without random numbers),
so the run's lock is held only to plan it: training (Play, a cell) goes on meanwhile.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ..core.checks import check_count
from .request_cost import REPLAY_SECONDS, replay_limit, replay_seconds

if TYPE_CHECKING:
    from ..core.model import GPT, GPTConfig


@dataclass(frozen=True)
class PastModel:
    step: int  # the step whose weights the model has (may differ from the one asked: nearest)
    replay_steps: int  # training steps the rebuild replays (0: cached, a snapshot, or live)
    build: Callable[[], "GPT"] | None  # call outside the lock; None: the live model (use it under the lock)


def plan_past(run: Any, step: Any, nearest: bool = False) -> PastModel:
    """Under `run.lock` (`run` is a BabyGPT: the engine sits above analysis/ and passes itself in):
    the checked step (None = now) and how to get its model."""
    now = run._trainer.global_step
    if step is None:
        return PastModel(now, 0, None)
    store = run._snapshots
    step = check_count("step", step, min(store.floor, now), now)
    if step == now:
        return PastModel(now, 0, None)
    cached = store.cached_model(step)
    if cached is not None:
        return PastModel(step, 0, lambda: cached)
    base = store.base_for(step)
    limit = replay_limit(run._config)
    if step - base.step > limit:
        near = store.nearest(step, now, limit)
        if not nearest:
            raise ValueError(f"step: rebuilding step {step:,} replays {step - base.step:,} training steps from the "
                             f"nearest weight snapshot (step {base.step:,}), ~{replay_seconds(run._config, step - base.step):.2g} s, "
                             f"over the {REPLAY_SECONDS:g} s limit; the nearest step that can be shown is {near:,}")
        if near == now:
            return PastModel(now, 0, None)
        step, base = near, store.base_for(near)
        cached = store.cached_model(step)
        if cached is not None:
            return PastModel(step, 0, lambda: cached)
    config, every, generation, target = run.model.config, run._every, store.generation, step
    return PastModel(step, step - base.step,
                     lambda: store.rebuild(target, base, blank_model(config), every, generation))


def blank_model(config: "GPTConfig") -> "GPT":
    """A model of this shape to load a snapshot into, built outside the lock without drawing
    random numbers (the global generator is shared with every run's seeded initialisation): a
    copy of one template per shape (building on the meta device each time kept ~0.8 kB of
    torch's meta-kernel bookkeeping per rebuild)."""
    import copy

    return copy.deepcopy(_template(config))


@functools.lru_cache(maxsize=8)
def _template(config: "GPTConfig") -> "GPT":
    """On the meta device, then given uninitialised memory; only the causal masks need values.
    Never trained or loaded into: blank_model hands out copies."""
    import torch

    from ..core.model import GPT

    with torch.device("meta"):
        model = GPT(config)
    model = model.to_empty(device="cpu")
    model.transformer.wte.weight = model.lm_head.weight  # to_empty unties them: tie again
    T = config.block_size
    for name, _ in list(model.named_buffers()):
        if name.endswith(".mask"):
            model.get_submodule(name.rsplit(".", 1)[0]).mask = torch.ones(T, T).tril().view(1, 1, T, T)
    return model


__all__ = ["PastModel", "plan_past"]
