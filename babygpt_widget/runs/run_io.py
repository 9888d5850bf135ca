"""A ``BabyGPT`` written out and read back: saved to a run file, restored from one, and
rebuilt from a run string by replaying its segments.

The functions take the run (or its class); the engine sits above runs/ and passes itself in.
``BabyGPT.save``, ``load`` and ``from_run_string`` keep the public names and docstrings.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np
import torch

from ..core.checks import check_path
from ..core.progress import progress_reporter
from ..core.threads import one_thread
from ..core.trainer import Trainer, TrainingDiverged
from . import run_file
from .run_log import RunLog
from .runstring import RunPlan


def save(run: Any, path: Any) -> None:
    """Under the lock: the run's whole state into a run file (see ``BabyGPT.save``)."""
    target = check_path(path, "w")
    run._current()  # the history ends at the live state
    state = {
        "format": run_file.FILE_FORMAT,
        "config": run._config.to_dict(),
        "model": run.model.state_dict(),
        "optimizer": run._trainer.optimizer.state_dict(),
        "global_step": run.global_step,
        "run_string": run.run_string,
        "history": {k: torch.as_tensor(v) if isinstance(v, np.ndarray) else v
                    for k, v in run._trainer.history.state_dict().items()},
    }
    run_file.write_run_file(state, target, path)


def load(cls: type, path: Any) -> Any:
    """A new run of class ``cls`` from a run file (see ``BabyGPT.load``)."""
    run = cls.__new__(cls)
    run._lock = threading.RLock()
    restore(run, run_file.read_run_file(path))
    return run


def restore(run: Any, state: Any) -> None:
    """Replace ``run`` with a saved one; all-or-nothing. Every field is checked before any
    object is touched (the fused AdamW kernel trusts the optimizer state's shapes)."""
    checked = run_file.check_run_state(state)
    parts = run._fresh_parts(checked.config)
    trainer: Trainer = parts["_trainer"]
    parts["model"].load_state_dict(checked.model)
    if checked.optimizer["state"]:
        trainer.optimizer.load_state_dict(checked.optimizer)
    trainer.global_step = checked.global_step
    trainer.history.load_state_dict(checked.history)
    parts["_log"] = (RunLog.of_plan(checked.plan, checked.config) if checked.plan is not None
                     else RunLog.start(checked.config, exact=False))  # run/1: changes were not recorded
    parts["_snapshots"].restart_at(checked.global_step)  # the file has no past weights
    parts["_snapshots"].take(checked.global_step, parts["model"], trainer.optimizer if checked.optimizer["state"] else None,
                             checked.config.lr, checked.config.weight_decay, parts["_train_counts"])
    with one_thread():
        try:
            parts["_cache"] = trainer.evaluate()  # the live snapshot, as after any step
        except TrainingDiverged:
            raise ValueError("path: the saved weights give a non-finite loss; refused") from None
    with run.__dict__.get("_lock") or threading.RLock():
        run.__dict__.update(parts)


def start_of(cls: type, plan: RunPlan) -> Any:
    """The run at step 0 of a plan: its first segment's settings (and exactness)."""
    run = cls(**plan.first.to_dict())
    if not plan.exact:
        run._log = RunLog.start(plan.first, exact=False)
    return run


def replay(cls: type, plan: RunPlan, progress: bool | Callable[[int, int], Any] = False) -> Any:
    """A run of class ``cls`` trained through the plan's segments (see ``BabyGPT.from_run_string``)."""
    run = cls._start_of(plan)
    report = progress_reporter(progress, plan.steps)
    done = 0
    try:
        for i, segment in enumerate(plan.segments):
            if i:
                run.configure(**plan.changes()[i - 1][1])
            run.train(segment.steps, progress=None if report is None else
                      (lambda d, _n, base=done: report(base + d)))
            done += segment.steps
    except KeyboardInterrupt as e:  # keep what was trained: the run is at a whole step
        e.run = run  # type: ignore[attr-defined]
        e.add_note(f"from_run_string: stopped at step {run.global_step:,} of {plan.steps:,}; "
                   f"the run so far is this exception's .run")
        raise
    return run
