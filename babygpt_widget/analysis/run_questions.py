"""The bodies of the questions ``BabyGPT`` answers about its chain: reach and hitting
probabilities, sampled walks, the forward pass behind a state, probabilities at a past step,
other seeds and another run compared.

Each function takes the run (a ``BabyGPT``; the engine sits above analysis/ and passes itself
in) and holds ``run.lock`` only while it reads the run: replays, ensembles and long walks run
outside it, so the run stays usable meanwhile. The engine's methods keep the public names and
docstrings; the checks and messages live here.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable

import numpy as np
import torch

from ..core import chain
from ..core.checks import check_count, check_flag, check_number, echo
from ..core.config import MAX_SEED, MAX_STEPS, RunConfig
from ..core.threads import one_thread
from ..core.tokens import decode, encode
from ..runs.runstring import PREFIX, PREFIXES, read_run_string
from .compare import Comparison, HittingCurve, check_temperatures, hitting_probabilities
from .ensemble import SeedEnsemble, max_seeds, train_seed_ensemble
from .explain import Explanation, explain_model
from .request_cost import DEFAULT_TEMPERATURES, check_reach

MAX_SAMPLE_TOKENS = 100_000
MAX_REACH_STEPS = 10_000
MAX_TEMPERATURE = 100.0


def default_start(run: Any) -> str:
    """The all-last-token context ("111" for the seed): where walks start unless told."""
    return run._config.alphabet[-1] * run._config.context_length


def check_state(run: Any, field: str, state: Any, space: chain.StateSpace) -> None:
    if not isinstance(state, str) or state not in space.index:
        raise ValueError(f"{field}: {echo(state)} is not a state; states are 1 to {run._config.context_length} "
                         f"characters of the alphabet {echo(run._config.alphabet)}, "
                         f"e.g. {default_start(run)!r}")


def check_comparable(mine: RunConfig, theirs: RunConfig) -> None:
    """Raise ValueError (``other:``) unless runs of settings ``theirs`` have the states of ``mine``."""
    if (theirs.alphabet, theirs.context_length) != (mine.alphabet, mine.context_length):
        raise ValueError(f"other: its alphabet {echo(theirs.alphabet)} and context length {theirs.context_length} "
                         f"must equal this run's ({echo(mine.alphabet)}, {mine.context_length}) to compare states")


def reach_args(run: Any, targets: Any, k: Any, start: Any) -> tuple[np.ndarray, str, int]:
    """Checked (targets as a mask over every context, start, k)."""
    space = run.state_space(include_prefixes=True)
    if isinstance(targets, str):
        targets = [targets]
    elif not isinstance(targets, (list, tuple, set, frozenset)) or len(targets) > len(space):
        raise ValueError(f"targets: must be a state or a list of at most {len(space):,} states, "
                         f"e.g. [{default_start(run)!r}]; got {echo(targets)}")
    for t in targets:
        check_state(run, "targets", t, space)
    start = default_start(run) if start is None else start
    check_state(run, "start", start, space)
    k = check_count("k", k, 0, MAX_REACH_STEPS)
    marked = set(targets)
    return np.array([s in marked for s in space.labels]), start, k


def reach_probability(run: Any, targets: Any, k: int, start: str | None, temperature: float) -> float:
    with run._lock:
        space = run._every
        mask, start, k = reach_args(run, targets, k, start)
        temperature = check_number("temperature", temperature, 0, MAX_TEMPERATURE)
        check_reach(run._config, k, 1, "k")
        probs = run.transition_matrix(temperature, include_prefixes=True)
    return float(chain.reach_probability(probs, space.next_index, mask, k)[space.index[start]])


def sample(run: Any, n: int, start: str | None, temperature: float, seed: int | None) -> str:
    """Under the lock: a walk of n tokens, returned after its start as the seed prints it."""
    n = check_count("n", n, 0, MAX_SAMPLE_TOKENS)
    temperature = check_number("temperature", temperature, 0, MAX_TEMPERATURE)
    start = default_start(run) if start is None else start
    check_state(run, "start", start, run._every)
    if seed is not None:
        seed = check_count("seed", seed, 0, 2**63 - 1)
    space = run.state_space(include_prefixes=len(start) < run._config.context_length)
    generator = torch.Generator()
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    probs = run.transition_matrix(temperature, include_prefixes=space is run._every)
    tokens, _ = chain.sample_walk(probs, space.next_index, space.index[start], n, generator)
    return start + decode(tokens, run.alphabet)


def explain(run: Any, state: str, step: int | None, nearest: bool) -> Explanation:
    nearest = check_flag("nearest", nearest)
    with run._lock:
        check_state(run, "state", state, run._every)
        past = run._past(step, nearest)
        ids, alphabet = encode(state, run.alphabet), run.alphabet
        if past.build is None:
            with one_thread():
                return explain_model(run.model, ids, alphabet, past.step)
    model = past.build()
    with one_thread():
        return explain_model(model, ids, alphabet, past.step)


def probabilities_at(run: Any, step: int | None, temperature: float, include_prefixes: bool) -> np.ndarray:
    with run._lock:
        temperature = check_number("temperature", temperature, 0, MAX_TEMPERATURE)
        space = run.state_space(include_prefixes)
        past = run._past(step)
        if past.build is None:
            with one_thread():
                return chain.model_probabilities(run.model, space, temperature)
    model = past.build()
    with one_thread():
        return chain.model_probabilities(model, space, temperature)


def compare_seeds(run: Any, k: int, steps: int | None, seeds: Any, progress: bool | Callable[[int, int], Any],
                  cancel: threading.Event | None) -> SeedEnsemble:
    with run._lock:
        config, now, counts = run._config, run._trainer.global_step, run._counts.copy()
    k = check_count("k", k, 1, max_seeds(config))
    steps = now if steps is None else check_count("steps", steps, 0, MAX_STEPS)
    if seeds is None:
        seeds = [(config.seed + i) % (MAX_SEED + 1) for i in range(k)]
    elif (not isinstance(seeds, (list, tuple)) or len(seeds) != k
          or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not 0 <= s <= MAX_SEED for s in seeds)):
        raise ValueError(f"seeds: must be a list of k={k} integers from 0 to {MAX_SEED}; got {echo(seeds)}")
    if cancel is not None and not hasattr(cancel, "is_set"):
        raise ValueError(f"cancel: must be a threading.Event or None; got {echo(cancel)}")
    return train_seed_ensemble(config, counts, [int(s) for s in seeds], steps, progress, cancel)


def compare(run: Any, other: Any, progress: Any) -> Comparison:
    other_probs = _other_probs(run, other, progress)
    with run._lock:
        return Comparison.of(run.states, run.alphabet, run._probs, other_probs)


def _other_probs(run: Any, other: Any, progress: Any) -> np.ndarray:
    engine = type(run)  # BabyGPT: rebuilds a run string's or a file's run
    other = getattr(other, "engine", other)  # a BabyGPTWidget
    if isinstance(other, (int, np.integer)) and not isinstance(other, bool):
        with run._lock:
            step = check_count("other", other, run._snapshots.floor, run._trainer.global_step)
        return run.probabilities_at(step=step)  # a replay runs outside the lock
    if isinstance(other, str) and other.strip().startswith(PREFIXES):
        try:
            plan = read_run_string(other)
        except ValueError as e:
            raise ValueError(f"other: {e}") from None
        check_comparable(run.config, plan.final)  # before any training: the parse knows the states
        other = engine._replay(plan, progress)
    elif isinstance(other, (str, os.PathLike)):
        try:
            other = engine.load(other)
        except ValueError as e:
            raise ValueError(f"other: {e}") from None
    if not isinstance(other, engine):
        raise ValueError(f"other: must be a BabyGPT or widget, a run string ({PREFIX}...), a saved run's path "
                         f"or a step of this run's history; got {echo(other)}")
    with other.lock:
        theirs, their_probs = other._config, other._probs.copy()
    check_comparable(run.config, theirs)
    return their_probs


def hitting_curve(run: Any, targets: Any, k: int, start: str | None, temperatures: Any, step: int | None,
                  cancel: threading.Event | None, progress: Callable[[int, int], Any] | None) -> HittingCurve:
    if cancel is not None and not callable(getattr(cancel, "is_set", None)):
        raise ValueError(f"cancel: must be a threading.Event or None; got {echo(cancel)}")
    if progress is not None and not callable(progress):
        raise ValueError(f"progress: must be a callable or None; got {echo(progress)}")
    with run._lock:
        mask, start, k = reach_args(run, targets, k, start)
        temps = check_temperatures(temperatures, MAX_TEMPERATURE)
        past = run._past(step)
        blame = "temperatures" if temperatures is not None and len(temps) > DEFAULT_TEMPERATURES else "k"
        check_reach(run._config, k, len(temps), blame, past.replay_steps)
        space = run._every
        if past.build is None:
            with one_thread(), torch.no_grad():
                logits = chain.model_logits(run.model, space)
    if past.build is not None:
        model = past.build()
        with one_thread(), torch.no_grad():
            logits = chain.model_logits(model, space)
    probs = hitting_probabilities(logits, space, mask, space.index[start], k, temps, cancel, progress)
    temps.setflags(write=False)
    targets = (targets,) if isinstance(targets, str) else tuple(sorted(targets))
    return HittingCurve(targets, k, start, past.step, temps, probs)
