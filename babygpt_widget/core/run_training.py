"""The bodies of ``BabyGPT.configure`` and ``BabyGPT.train``: changing a run's settings all
or nothing, and training it step by step with its weight snapshots kept in step.

Both run under ``run.lock`` (the engine's methods hold it) and take the run (a ``BabyGPT``;
the engine sits above core/ and passes itself in); the public names and docstrings stay on
the engine.
"""

from __future__ import annotations

from typing import Any, Callable

import torch

from . import chain
from .teach_targets import training_counts
from .checks import check_count
from .config import ARCHITECTURE_FIELDS, MAX_STEPS
from .progress import progress_reporter
from .threads import one_thread
from .tokens import encode


def configure(run: Any, values: dict[str, Any]) -> None:
    """Apply checked settings: a new architecture or seed rebuilds the run; lr, weight decay and
    sequence change the running one (and start the run string's next segment)."""
    old = run._config
    new = old.updated(**values)
    if any(getattr(new, f) != getattr(old, f) for f in ARCHITECTURE_FIELDS):
        run._build(new)
        return
    old_counts, old_train, old_snapshots, old_log = run._all_counts, run._train_counts, run._snapshots.snapshots, run._log
    try:
        if new.sequence != old.sequence or new.teach != old.teach:
            counts = (chain.data_counts(encode(new.sequence, new.alphabet), run._every)
                      if new.sequence != old.sequence else old_counts)
            train_counts = training_counts(new, run._every, counts)
            run._cache = None
            run._trainer.set_counts(train_counts, None if train_counts is counts else counts)
            run._all_counts, run._train_counts = counts, train_counts
            with one_thread():
                run._refresh()
        run._trainer.set_hyperparameters(new.lr, new.weight_decay)
        run._config = new
        run._log = run._log.changed(new, run._trainer.global_step)  # the run string's next segment
        if new != old:  # replay must not cross a settings change: keep the weights at it
            run._take_snapshot(pinned=True)
    except BaseException:  # e.g. KeyboardInterrupt: all or nothing
        run._cache = None
        run._trainer.set_counts(old_train, None if old_train is old_counts else old_counts)
        run._trainer.set_hyperparameters(old.lr, old.weight_decay)
        run._all_counts, run._train_counts, run._config, run._log = old_counts, old_train, old, old_log
        run._snapshots.snapshots = old_snapshots  # no snapshot may claim the new settings
        raise


def train(run: Any, n: int, progress: bool | Callable[[int, int], Any], stop: Callable[[], bool] | None) -> list[float]:
    """n whole optimizer steps (fewer when ``stop`` says so); their losses."""
    n = check_count("n", n, 0, MAX_STEPS)
    room = MAX_STEPS - run._trainer.global_step
    if n > room:
        raise ValueError(f"n: the run is at step {run._trainer.global_step:,} and holds at most {MAX_STEPS:,} "
                         f"steps, so at most {room:,} more; got {n:,}")
    report = progress_reporter(progress, n)
    losses: list[float] = []
    with one_thread(), torch.enable_grad():  # also inside a caller's no_grad (or a no_grad cut short)
        run._cache = None
        trainer, snapshots = run._trainer, run._snapshots
        step = trainer.step
        try:
            for i in range(n):
                if stop is not None and i and stop():
                    break  # a Stop from another thread: end after a whole step
                losses.append(step())
                if snapshots.due(trainer.global_step):
                    run._take_snapshot()
                if report is not None:
                    report(i + 1)
            run._refresh()
        except BaseException:  # each step is whole; no gradient may outlive the call
            run._cache = None
            run._trainer.clear_grads()
            snapshots.truncate(trainer.global_step)  # a divergence rolls back a step
            raise
    return losses
