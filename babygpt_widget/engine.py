"""BabyGPT: the seed's experiment as one object — model, data, trainer, chain, history.

One owner of the run: every public method holds ``BabyGPT.lock`` (a re-entrant lock), so a
notebook cell, a comm message on an ipykernel subshell thread and the widget's Play task never
touch the model at the same time. Training steps are atomic (see ``Trainer.step``), and the
cached loss and chain are recomputed on the next read whenever a step or refresh was cut short.
"""

from __future__ import annotations

import copy
import functools
import math
import threading
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

import numpy as np
import torch

from . import chain, run_file
from .checks import check_count, check_flag, check_number, check_path, echo
from .config import ARCHITECTURE_FIELDS, MAX_STEPS, ConfigError, RunConfig
from .history import HistoryView
from .model import GPT, GPTConfig
from .progress import progress_reporter
from .past_steps import PastModel, plan_past
from .request_cost import DEFAULT_TEMPERATURES, check_reach, first_snapshot_stride
from .run_log import RunLog
from .runstring import PREFIXES, RunPlan, read_run_string
from .snapshots import FIRST_STRIDE, SnapshotStore
from .table import Table
from .tokens import decode, encode
from .trainer import Trainer, TrainingDiverged

if TYPE_CHECKING:
    import graphviz

    from .compare import Comparison, HittingCurve
    from .ensemble import SeedEnsemble
    from .explain import Explanation

MAX_SAMPLE_TOKENS = 100_000
MAX_REACH_STEPS = 10_000
MAX_TEMPERATURE = 100.0
FILE_FORMAT = run_file.FILE_FORMAT

_F = TypeVar("_F", bound=Callable[..., Any])


def _locked(method: _F) -> _F:
    """Run the method holding the run's lock."""
    @functools.wraps(method)
    def locked(self: "BabyGPT", *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)
    return locked  # type: ignore[return-value]


class BabyGPT:
    """A GPT with vocabulary V and context C, seen as a Markov chain over its V**C contexts.

    ``BabyGPT()`` is the seed's experiment: ``"111101111011110"``, alphabet ``"01"``, C=3,
    4 layers, 4 heads, 16 dims, AdamW(lr=1e-3, weight_decay=0.1), seed 1337.
    """

    def __init__(self, sequence: str = RunConfig.sequence, alphabet: str = RunConfig.alphabet,
                 context_length: int = RunConfig.context_length, n_layer: int = RunConfig.n_layer,
                 n_head: int = RunConfig.n_head, n_embd: int = RunConfig.n_embd, lr: float = RunConfig.lr,
                 weight_decay: float = RunConfig.weight_decay, seed: int = RunConfig.seed) -> None:
        self._lock = threading.RLock()
        config = RunConfig(sequence=sequence, alphabet=alphabet, context_length=context_length, n_layer=n_layer,
                           n_head=n_head, n_embd=n_embd, lr=lr, weight_decay=weight_decay, seed=seed).validated()
        self._build(config)

    @property
    def lock(self) -> threading.RLock:
        """The run's re-entrant lock: hold it to make several calls one operation."""
        return self._lock

    def _build(self, config: RunConfig) -> None:
        """(Re)create model, optimizer and history from the seed; all-or-nothing."""
        self.__dict__.update(self._fresh_parts(config))

    @staticmethod
    def _fresh_parts(config: RunConfig) -> dict[str, Any]:
        space = chain.StateSpace(config.alphabet, config.context_length)
        every = chain.StateSpace(config.alphabet, config.context_length, include_prefixes=True)
        counts = chain.data_counts(encode(config.sequence, config.alphabet), every)
        with torch.random.fork_rng(devices=[]):  # the seed's numbers, without touching the user's RNG
            torch.manual_seed(config.seed)
            model = GPT(GPTConfig(block_size=config.context_length, vocab_size=len(config.alphabet),
                                  n_layer=config.n_layer, n_head=config.n_head, n_embd=config.n_embd,
                                  fused_attention=True))
        trainer = Trainer(model, every, counts, config.lr, config.weight_decay)
        with one_thread():
            cache = trainer.evaluate()
        snapshots = SnapshotStore(model.num_parameters, first_snapshot_stride(config, FIRST_STRIDE))  # for explain(step=...)
        snapshots.take(0, model, None, config.lr, config.weight_decay, counts)
        return dict(_config=config, _space=space, _every=every, model=model, _trainer=trainer,
                    _n_prefix=len(every) - len(space), _all_counts=counts, _cache=cache, _snapshots=snapshots,
                    _log=RunLog.start(config))

    def _refresh(self) -> None:
        """Loss and chain (every context, shorter ones first) of the current weights; raises
        TrainingDiverged (after rolling back) when the last update made them non-finite."""
        self._cache = None
        try:
            self._cache = self._trainer.evaluate()
        except TrainingDiverged:  # the trainer rolled back: keep the last finite state, then report
            with suppress(TrainingDiverged):
                self._cache = self._trainer.evaluate()
            raise

    def _current(self) -> tuple[float, np.ndarray]:
        """(loss, every context's probabilities) of the current weights; recomputed after a step
        or refresh was interrupted (the cache is dropped before anything changes the weights)."""
        cache = self._cache
        if cache is None:
            with one_thread(), suppress(TrainingDiverged):
                self._refresh()
            cache = self._cache
            if cache is None:  # non-finite weights with nothing to roll back to: show them as they are
                cache = self._cache = (math.nan, chain.model_probabilities(self.model, self._every))
        return cache

    @property
    def _loss(self) -> float:
        return self._current()[0]

    @property
    def _all_probs(self) -> np.ndarray:
        return self._current()[1]

    @property
    def _probs(self) -> np.ndarray:
        return self._all_probs[self._n_prefix :]

    @property
    def _counts(self) -> np.ndarray:
        return self._all_counts[self._n_prefix :]

    # -- copies: a lock is not copied, each copy gets its own ---------------------------------------
    def __deepcopy__(self, memo: dict) -> "BabyGPT":
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        with self._lock:
            state = {k: copy.deepcopy(v, memo) for k, v in self.__dict__.items() if k != "_lock"}
        new.__dict__.update(state)
        new._lock = threading.RLock()
        return new

    def __getstate__(self) -> dict:
        with self._lock:
            return {k: v for k, v in self.__dict__.items() if k != "_lock"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # -- configuration ---------------------------------------------------------------------------
    @property
    @_locked
    def config(self) -> RunConfig:
        return self._config

    @_locked
    def configure(self, **values: Any) -> None:
        """Change settings. lr, weight_decay and sequence apply to the running model; alphabet,
        context_length, n_layer, n_head, n_embd and seed rebuild it from the seed.
        Raises ValueError naming the field and changes nothing when a value is not allowed."""
        old = self._config
        new = old.updated(**values)
        if any(getattr(new, f) != getattr(old, f) for f in ARCHITECTURE_FIELDS):
            self._build(new)
            return
        old_counts, old_snapshots, old_log = self._all_counts, self._snapshots.snapshots, self._log
        try:
            if new.sequence != old.sequence:
                counts = chain.data_counts(encode(new.sequence, new.alphabet), self._every)
                self._cache = None
                self._trainer.set_counts(counts)
                self._all_counts = counts
                with one_thread():
                    self._refresh()
            self._trainer.set_hyperparameters(new.lr, new.weight_decay)
            self._config = new
            self._log = self._log.changed(new, self._trainer.global_step)  # the run string's next segment
            if new != old:  # replay must not cross a settings change: keep the weights at it
                self._take_snapshot(pinned=True)
        except BaseException:  # e.g. KeyboardInterrupt: all or nothing
            self._cache = None
            self._trainer.set_counts(old_counts)
            self._trainer.set_hyperparameters(old.lr, old.weight_decay)
            self._all_counts, self._config, self._log = old_counts, old, old_log
            self._snapshots.snapshots = old_snapshots  # no snapshot may claim the new settings
            raise

    @property
    @_locked
    def run_string(self) -> str:
        """The run's whole history in one line: its settings, each change of lr, weight decay or
        sequence part-way through, and the steps trained between (``babygpt2:…;steps=10|lr=…;
        steps=5``). ``BabyGPT.from_run_string`` replays it to the same run exactly. A run loaded
        from an old (run/1) file says ``exact=0``; one that changed settings more than a run
        string holds says ``too-long`` (share a run file then)."""
        return self._log.text(self._trainer.global_step)

    @classmethod
    def from_run_string(cls, text: str, progress: bool | Callable[[int, int], Any] = False) -> "BabyGPT":
        """Rebuild a shared run exactly: replay its segments (settings, then each part-way change
        of lr, weight decay or sequence at the step it happened), at most MAX_STEPS steps and an
        estimated hour of training. Safe to interrupt: the run stops at its last whole step.
        ``progress=True`` prints the steps done now and then; a callable gets (done, total)."""
        return cls._replay(read_run_string(text), progress)

    @classmethod
    def _start_of(cls, plan: RunPlan) -> "BabyGPT":
        """The run at step 0 of a plan: its first segment's settings (and exactness)."""
        run = cls(**plan.first.to_dict())
        if not plan.exact:
            run._log = RunLog.start(plan.first, exact=False)
        return run

    @classmethod
    def _replay(cls, plan: RunPlan, progress: bool | Callable[[int, int], Any] = False) -> "BabyGPT":
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

    @_locked
    def reset(self) -> None:
        """Re-initialise weights and optimizer from the seed and clear the history (the run
        string starts again, from the current settings)."""
        self._build(self._config)

    # -- training --------------------------------------------------------------------------------
    @_locked
    def train(self, n: int = 1, progress: bool | Callable[[int, int], Any] = False,
              stop: Callable[[], bool] | None = None) -> list[float]:
        """Run n optimizer steps; returns their n losses in order (loss of the weights each step
        started from, as the seed prints them). Stops with ValueError if the loss diverges.
        Safe to interrupt (KeyboardInterrupt): the run stays at its last completed step.
        ``progress=True`` prints the steps done about once a second; a callable gets (done, n).
        ``stop`` (asked before each step) ends the run early: fewer losses are returned.
        A run holds at most MAX_STEPS steps in all."""
        n = check_count("n", n, 0, MAX_STEPS)
        room = MAX_STEPS - self._trainer.global_step
        if n > room:
            raise ValueError(f"n: the run is at step {self._trainer.global_step:,} and holds at most {MAX_STEPS:,} "
                             f"steps, so at most {room:,} more; got {n:,}")
        report = progress_reporter(progress, n)
        losses: list[float] = []
        with one_thread(), torch.enable_grad():  # also inside a caller's no_grad (or a no_grad cut short)
            self._cache = None
            trainer, snapshots = self._trainer, self._snapshots
            step = trainer.step
            try:
                for i in range(n):
                    if stop is not None and i and stop():
                        break  # a Stop from another thread: end after a whole step
                    losses.append(step())
                    if snapshots.due(trainer.global_step):
                        self._take_snapshot()
                    if report is not None:
                        report(i + 1)
                self._refresh()
            except BaseException:  # each step is whole; no gradient may outlive the call
                self._cache = None
                self._trainer.clear_grads()
                snapshots.truncate(trainer.global_step)  # a divergence rolls back a step
                raise
        return losses

    @_locked
    def step(self) -> float:
        """One optimizer step; returns its loss."""
        return self.train(1)[0]

    @property
    @_locked
    def global_step(self) -> int:
        return self._trainer.global_step

    @property
    @_locked
    def loss(self) -> float:
        """Loss of the current weights on the training windows."""
        return self._loss

    @property
    @_locked
    def num_parameters(self) -> int:
        return self.model.num_parameters

    @property
    @_locked
    def history(self) -> HistoryView:
        """Recorded (step, loss, probabilities) snapshots, evenly thinned beyond a memory cap;
        ``prefix_probs`` holds the shorter contexts' rows of each snapshot."""
        self._current()  # the newest snapshot is the live state
        return self._trainer.history.view(self._n_prefix)

    # -- the chain -------------------------------------------------------------------------------
    @property
    @_locked
    def alphabet(self) -> str:
        return self._config.alphabet

    @property
    @_locked
    def states(self) -> list[str]:
        return list(self._space.labels)

    @property
    @_locked
    def probabilities(self) -> np.ndarray:
        """(states, vocab) float32: row i is the next-token distribution of ``states[i]``."""
        return self._probs.copy()

    @_locked
    def state_space(self, include_prefixes: bool = False) -> chain.StateSpace:
        include_prefixes = check_flag("include_prefixes", include_prefixes)
        return self._every if include_prefixes else self._space

    @_locked
    def transition_matrix(self, temperature: float = 1.0, include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) next-token probabilities at a temperature (0 = greedy: the FSM)."""
        temperature = check_number("temperature", temperature, 0, MAX_TEMPERATURE)
        include_prefixes = check_flag("include_prefixes", include_prefixes)
        probs = self._all_probs if include_prefixes else self._probs
        if temperature == 1.0:
            return probs.copy()
        with one_thread():
            return chain.model_probabilities(self.model, self.state_space(include_prefixes), temperature)

    @_locked
    def data_counts(self, include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) int64: how often each token follows each state in the sequence."""
        include_prefixes = check_flag("include_prefixes", include_prefixes)
        return (self._all_counts if include_prefixes else self._counts).copy()

    @property
    @_locked
    def unseen_states(self) -> list[str]:
        """States that never occur in the training data: the model's guesses there are its own."""
        return [s for s, row in zip(self._space.labels, self._counts) if row.sum() == 0]

    @_locked
    def stationary_distribution(self, temperature: float = 1.0) -> np.ndarray:
        """Long-run fraction of time in each state (see ``chain.stationary_distribution``)."""
        return chain.stationary_distribution(self.transition_matrix(temperature), self._space.next_index)

    def reach_probability(self, targets: Any, k: int, start: str | None = None,
                          temperature: float = 1.0) -> float:
        """Probability that a walk from ``start`` visits any of ``targets`` (a state or a list,
        tuple or set of states) within k steps. Refused (naming k) when estimated above
        request_cost.REQUEST_SECONDS; the lock is held for the chain only, not the k steps."""
        with self._lock:
            space = self._every
            mask, start, k = self._reach_args(targets, k, start)
            temperature = check_number("temperature", temperature, 0, MAX_TEMPERATURE)
            check_reach(self._config, k, 1, "k")
            probs = self.transition_matrix(temperature, include_prefixes=True)
        return float(chain.reach_probability(probs, space.next_index, mask, k)[space.index[start]])

    def _reach_args(self, targets: Any, k: Any, start: Any) -> tuple[np.ndarray, str, int]:
        """Checked (targets as a mask over every context, start, k)."""
        space = self.state_space(include_prefixes=True)
        if isinstance(targets, str):
            targets = [targets]
        elif not isinstance(targets, (list, tuple, set, frozenset)) or len(targets) > len(space):
            raise ValueError(f"targets: must be a state or a list of at most {len(space):,} states, "
                             f"e.g. [{self._default_start()!r}]; got {echo(targets)}")
        for t in targets:
            self._check_state("targets", t, space)
        start = self._default_start() if start is None else start
        self._check_state("start", start, space)
        k = check_count("k", k, 0, MAX_REACH_STEPS)
        marked = set(targets)
        return np.array([s in marked for s in space.labels]), start, k

    @_locked
    def sample(self, n: int = 20, start: str | None = None, temperature: float = 1.0,
               seed: int | None = None) -> str:
        """Walk the chain for n tokens from ``start`` (default: all-last-token context, "111");
        returns start followed by the n sampled tokens, as the seed prints it."""
        n = check_count("n", n, 0, MAX_SAMPLE_TOKENS)
        temperature = check_number("temperature", temperature, 0, MAX_TEMPERATURE)
        start = self._default_start() if start is None else start
        self._check_state("start", start, self._every)
        if seed is not None:
            seed = check_count("seed", seed, 0, 2**63 - 1)
        space = self.state_space(include_prefixes=len(start) < self._config.context_length)
        generator = torch.Generator()
        if seed is None:
            generator.seed()
        else:
            generator.manual_seed(seed)
        probs = self.transition_matrix(temperature, include_prefixes=space is self._every)
        tokens, _ = chain.sample_walk(probs, space.next_index, space.index[start], n, generator)
        return start + decode(tokens, self.alphabet)

    @_locked
    def probabilities_table(self) -> Table:
        """The chain as a table: state, P(token) for each token, and the data's counts of each
        next token ("data 0", ...). A `Table`: HTML in a notebook, text in a terminal,
        ``.round(n)``, ``.row(state)``, ``.to_pandas()`` when pandas is installed."""
        header = ["state"] + [f"P({t})" for t in self.alphabet] + [f"data {t}" for t in self.alphabet]
        rows = [(s, *map(float, p), *map(int, c)) for s, p, c in zip(self.states, self._probs, self._counts)]
        return Table(tuple(header), tuple(rows))

    @_locked
    def to_graphviz(self, temperature: float = 1.0) -> "graphviz.Digraph":
        """The seed's picture: one node per state, edges labelled ``t(p%)``, circo layout."""
        from .graphviz_chain import Digraph  # says in one line what to install when `dot` is missing

        probs = self.transition_matrix(temperature)
        dot = Digraph(comment="Baby GPT", engine="circo")
        for s in self.states:
            dot.node(s, s)
        for i, s in enumerate(self.states):
            for t, token in enumerate(self.alphabet):
                if temperature == 0 and probs[i, t] == 0:
                    continue  # the greedy FSM has one edge per state
                dot.edge(s, self._space.labels[self._space.next_index[i, t]], label=chain.edge_label(token, probs[i, t]))
        return dot

    @_locked
    def to_svg(self, temperature: float = 1.0) -> str:
        """The chain as an SVG document, drawn in Python like the widget's circle (no Graphviz needed)."""
        from .svg_chain import chain_svg

        return chain_svg(self, temperature)

    # -- persistence -----------------------------------------------------------------------------
    @_locked
    def save(self, path: Any) -> None:
        """Save the whole run: config, weights, optimizer state, step and history. ``path`` is a
        file path or a writable binary file object (e.g. io.BytesIO)."""
        target = check_path(path, "w")
        self._current()  # the history ends at the live state
        state = {
            "format": FILE_FORMAT,
            "config": self._config.to_dict(),
            "model": self.model.state_dict(),
            "optimizer": self._trainer.optimizer.state_dict(),
            "global_step": self.global_step,
            "run_string": self.run_string,
            "history": {k: torch.as_tensor(v) if isinstance(v, np.ndarray) else v
                        for k, v in self._trainer.history.state_dict().items()},
        }
        run_file.write_run_file(state, target, path)

    @classmethod
    def load(cls, path: Any) -> "BabyGPT":
        """Load a run saved with ``save`` (a file path or a readable binary file object). Uses
        PyTorch's weights_only loader and checks every field before use: a file carrying pickled
        code, or anything inconsistent, is refused with ValueError."""
        run = cls.__new__(cls)
        run._lock = threading.RLock()
        run._restore(run_file.read_run_file(path))
        return run

    def _restore(self, state: Any) -> None:
        """Replace this run with a saved one; all-or-nothing. Every field is checked before any
        object is touched (the fused AdamW kernel trusts the optimizer state's shapes)."""
        checked = run_file.check_run_state(state)
        parts = self._fresh_parts(checked.config)
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
                                 checked.config.lr, checked.config.weight_decay, parts["_all_counts"])
        with one_thread():
            try:
                parts["_cache"] = trainer.evaluate()  # the live snapshot, as after any step
            except TrainingDiverged:
                raise ValueError("path: the saved weights give a non-finite loss; refused") from None
        with self.__dict__.get("_lock") or threading.RLock():
            self.__dict__.update(parts)

    # -- inside the model, runs compared ------------------------------------------------------
    def _take_snapshot(self, pinned: bool = False) -> None:
        t = self._trainer
        self._snapshots.take(t.global_step, self.model, t._optimizer, self._config.lr,
                             self._config.weight_decay, self._all_counts, pinned)

    def _past(self, step: Any, nearest: bool = False) -> PastModel:
        """Under the lock: a checked step (None: now) and how to get its model (past_steps.py:
        a bounded replay, run outside the lock)."""
        return plan_past(self, step, nearest)

    def explain(self, state: str, step: int | None = None, nearest: bool = False) -> "Explanation":
        """The forward pass behind ``state``'s outgoing edges (embeddings, attention per layer and
        head, the logit lens, logits, probabilities) for the current weights or those at a
        recorded training ``step`` (rebuilt by replay from the nearest weight snapshot, without
        holding the run's lock). A step whose replay would pass request_cost.REPLAY_SECONDS is
        refused naming the nearest step that can be shown; ``nearest=True`` explains that one
        (the result's ``step`` says which)."""
        from .explain import explain_model

        nearest = check_flag("nearest", nearest)
        with self._lock:
            self._check_state("state", state, self._every)
            past = self._past(step, nearest)
            ids, alphabet = encode(state, self.alphabet), self.alphabet
            if past.build is None:
                with one_thread():
                    return explain_model(self.model, ids, alphabet, past.step)
        model = past.build()
        with one_thread():
            return explain_model(model, ids, alphabet, past.step)

    def probabilities_at(self, step: int | None = None, temperature: float = 1.0,
                         include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) next-token probabilities of the weights at ``step`` (None: now)."""
        with self._lock:
            temperature = check_number("temperature", temperature, 0, MAX_TEMPERATURE)
            space = self.state_space(include_prefixes)
            past = self._past(step)
            if past.build is None:
                with one_thread():
                    return chain.model_probabilities(self.model, space, temperature)
        model = past.build()
        with one_thread():
            return chain.model_probabilities(model, space, temperature)

    def compare_seeds(self, k: int = 8, steps: int | None = None, seeds: Any = None,
                      progress: bool | Callable[[int, int], Any] = False,
                      cancel: threading.Event | None = None) -> "SeedEnsemble":
        """Train k copies of this run that differ only in the seed (default: this run's seed and
        the next k-1), with the current settings, for ``steps`` steps (default: the current step
        count), as one batched computation; returns their chains (per seed, median, min, max,
        and ``table()``). Holds the run's lock only to read the settings, so the run stays usable
        meanwhile; ``cancel`` (a threading.Event) stops it with ``ensemble.Cancelled``,
        KeyboardInterrupt works too. ``progress``: True prints, a callable gets (done, total)."""
        from .config import MAX_SEED
        from .ensemble import max_seeds, train_seed_ensemble

        with self._lock:
            config, now, counts = self._config, self._trainer.global_step, self._counts.copy()
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

    def compare(self, other: Any, progress: bool | Callable[[int, int], Any] = False) -> "Comparison":
        """This run's chain (current weights) against ``other``'s: another BabyGPT (or widget), a
        run string (rebuilt by training; ``progress`` as in ``train``), a saved run's path, or an
        int step of this run's history. Returns per-state total variation, mean / max and the
        probability difference, in this run's state order (same alphabet and context needed)."""
        from .compare import Comparison

        other_probs = self._other_probs(other, progress)
        with self._lock:
            return Comparison.of(self.states, self.alphabet, self._probs, other_probs)

    def _other_probs(self, other: Any, progress: Any) -> np.ndarray:
        import os

        from .runstring import PREFIX

        other = getattr(other, "engine", other)  # a BabyGPTWidget
        if isinstance(other, (int, np.integer)) and not isinstance(other, bool):
            with self._lock:
                step = check_count("other", other, self._snapshots.floor, self._trainer.global_step)
            return self.probabilities_at(step=step)  # a replay runs outside the lock
        if isinstance(other, str) and other.strip().startswith(PREFIXES):
            try:
                plan = read_run_string(other)
            except ValueError as e:
                raise ValueError(f"other: {e}") from None
            check_comparable(self.config, plan.final)  # before any training: the parse knows the states
            other = BabyGPT._replay(plan, progress)
        elif isinstance(other, (str, os.PathLike)):
            try:
                other = BabyGPT.load(other)
            except ValueError as e:
                raise ValueError(f"other: {e}") from None
        if not isinstance(other, BabyGPT):
            raise ValueError(f"other: must be a BabyGPT or widget, a run string ({PREFIX}...), a saved run's path "
                             f"or a step of this run's history; got {echo(other)}")
        with other.lock:
            theirs, their_probs = other._config, other._probs.copy()
        check_comparable(self.config, theirs)
        return their_probs

    def hitting_curve(self, targets: Any, k: int, start: str | None = None, temperatures: Any = None,
                      step: int | None = None, cancel: threading.Event | None = None,
                      progress: Callable[[int, int], Any] | None = None) -> "HittingCurve":
        """P(a walk from ``start`` visits any of ``targets`` within k steps) at each temperature
        (default 0, 0.1, ..., 2), for the current weights or those at a history ``step``.
        Refused before any work (naming k, or temperatures when more than 21 were given) when
        estimated above request_cost.REQUEST_SECONDS. Holds the lock only for the logits (one
        forward); ``cancel`` (a threading.Event) stops it with ensemble.Cancelled, and
        ``progress`` gets (reach steps done, total)."""
        from .compare import HittingCurve, check_temperatures, hitting_probabilities

        if cancel is not None and not callable(getattr(cancel, "is_set", None)):
            raise ValueError(f"cancel: must be a threading.Event or None; got {echo(cancel)}")
        if progress is not None and not callable(progress):
            raise ValueError(f"progress: must be a callable or None; got {echo(progress)}")
        with self._lock:
            mask, start, k = self._reach_args(targets, k, start)
            temps = check_temperatures(temperatures, MAX_TEMPERATURE)
            past = self._past(step)
            blame = "temperatures" if temperatures is not None and len(temps) > DEFAULT_TEMPERATURES else "k"
            check_reach(self._config, k, len(temps), blame, past.replay_steps)
            space = self._every
            if past.build is None:
                with one_thread(), torch.no_grad():
                    logits = chain.model_logits(self.model, space)
        if past.build is not None:
            model = past.build()
            with one_thread(), torch.no_grad():
                logits = chain.model_logits(model, space)
        probs = hitting_probabilities(logits, space, mask, space.index[start], k, temps, cancel, progress)
        temps.setflags(write=False)
        targets = (targets,) if isinstance(targets, str) else tuple(sorted(targets))
        return HittingCurve(targets, k, start, past.step, temps, probs)

    # -- helpers ---------------------------------------------------------------------------------
    def _default_start(self) -> str:
        return self._config.alphabet[-1] * self._config.context_length

    def _check_state(self, field: str, state: Any, space: chain.StateSpace) -> None:
        if not isinstance(state, str) or state not in space.index:
            raise ValueError(f"{field}: {echo(state)} is not a state; states are 1 to {self._config.context_length} "
                             f"characters of the alphabet {echo(self._config.alphabet)}, "
                             f"e.g. {self._default_start()!r}")

    @_locked
    def __repr__(self) -> str:
        c = self._config
        return (f"BabyGPT(V={len(c.alphabet)}, C={c.context_length}, {len(self._space)} states, "
                f"{self.model.num_parameters:,} parameters, step {self._trainer.global_step}, loss {self._loss:.4f})")


def check_comparable(mine: RunConfig, theirs: RunConfig) -> None:
    """Raise ValueError (``other:``) unless runs of settings ``theirs`` have the states of ``mine``."""
    if (theirs.alphabet, theirs.context_length) != (mine.alphabet, mine.context_length):
        raise ValueError(f"other: its alphabet {echo(theirs.alphabet)} and context length {theirs.context_length} "
                         f"must equal this run's ({echo(mine.alphabet)}, {mine.context_length}) to compare states")


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one intra-op thread: a model this small only loses to thread hand-offs,
    and badly so when another process (the browser, the server) busies the other core."""
    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _check_count(field: str, value: Any, low: int, high: int) -> int:
    """Kept for the widget: an integer in [low, high] (see checks.check_count)."""
    return check_count(field, value, low, high)


__all__ = ["BabyGPT", "ConfigError", "TrainingDiverged", "MAX_STEPS"]
