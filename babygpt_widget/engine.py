"""BabyGPT: the seed's experiment as one object — model, data, trainer, chain, history.

One owner of the run: every public method holds ``BabyGPT.lock`` (a re-entrant lock), so a
notebook cell, a comm message on an ipykernel subshell thread and the widget's Play task never
touch the model at the same time. Training steps are atomic (see ``Trainer.step``), and the
cached loss and chain are recomputed on the next read whenever a step or refresh was cut short.

The methods keep their names here; their bodies live with their concern: core/run_training.py
(configure, train), analysis/run_questions.py (reach, sample, explain, compare, hitting curves),
runs/run_io.py (save, load, run strings), render/ (pictures). May import: core/, runs/,
analysis/, render/ — never widget/.
"""

from __future__ import annotations

import copy
import math
import threading
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import torch

from .analysis import run_questions
from .analysis.past_steps import PastModel, plan_past
from .analysis.request_cost import first_snapshot_stride
from .analysis.run_questions import MAX_REACH_STEPS, MAX_SAMPLE_TOKENS, MAX_TEMPERATURE, check_comparable  # noqa: F401
from .analysis.table import Table
from .core import chain, run_training
from .core.teach_targets import training_counts
from .core.teaching import TeachingMixin  # teach / nudge
from .core.checks import check_flag, check_number
from .core.config import MAX_STEPS, ConfigError, RunConfig
from .core.history import HistoryView
from .core.model import GPT, GPTConfig
from .core.snapshots import FIRST_STRIDE, SnapshotStore
from .core.threads import holding_lock as _locked
from .core.threads import one_thread
from .core.tokens import encode
from .core.trainer import Trainer, TrainingDiverged
from .runs import run_file, run_io
from .runs.run_log import RunLog
from .runs.runstring import RunPlan, read_run_string

if TYPE_CHECKING:
    import graphviz

    from .analysis.compare import Comparison, HittingCurve
    from .analysis.ensemble import SeedEnsemble
    from .analysis.explain import Explanation
    from .analysis.step_report import StepReport

FILE_FORMAT = run_file.FILE_FORMAT

class BabyGPT(TeachingMixin):
    """A GPT with vocabulary V and context C, seen as a Markov chain over its V**C contexts.

    ``BabyGPT()`` is the seed's experiment: ``"111101111011110"``, alphabet ``"01"``, C=3,
    4 layers, 4 heads, 16 dims, AdamW(lr=1e-3, weight_decay=0.1), seed 1337.
    """

    def __init__(self, sequence: str = RunConfig.sequence, alphabet: str = RunConfig.alphabet,
                 context_length: int = RunConfig.context_length, n_layer: int = RunConfig.n_layer,
                 n_head: int = RunConfig.n_head, n_embd: int = RunConfig.n_embd, lr: float = RunConfig.lr,
                 weight_decay: float = RunConfig.weight_decay, seed: int = RunConfig.seed,
                 teach: str = RunConfig.teach) -> None:
        self._lock = threading.RLock()
        config = RunConfig(sequence=sequence, alphabet=alphabet, context_length=context_length, n_layer=n_layer,
                           n_head=n_head, n_embd=n_embd, lr=lr, weight_decay=weight_decay, seed=seed,
                           teach=teach).validated()
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
        train_counts = training_counts(config, every, counts)
        with torch.random.fork_rng(devices=[]):  # the seed's numbers, without touching the user's RNG
            torch.manual_seed(config.seed)
            model = GPT(GPTConfig(block_size=config.context_length, vocab_size=len(config.alphabet),
                                  n_layer=config.n_layer, n_head=config.n_head, n_embd=config.n_embd,
                                  fused_attention=True))
        trainer = Trainer(model, every, train_counts, config.lr, config.weight_decay,
                          report=None if train_counts is counts else counts)
        with one_thread():
            cache = trainer.evaluate()
        snapshots = SnapshotStore(model.num_parameters, first_snapshot_stride(config, FIRST_STRIDE))  # for explain(step=...)
        snapshots.take(0, model, None, config.lr, config.weight_decay, train_counts)
        return dict(_config=config, _space=space, _every=every, model=model, _trainer=trainer, _cache=cache,
                    _n_prefix=len(every) - len(space), _all_counts=counts, _train_counts=train_counts,
                    _snapshots=snapshots, _log=RunLog.start(config), _last_step_report=None)

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
        run_training.configure(self, values)

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
        return run_io.start_of(cls, plan)

    @classmethod
    def _replay(cls, plan: RunPlan, progress: bool | Callable[[int, int], Any] = False) -> "BabyGPT":
        return run_io.replay(cls, plan, progress)

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
        return run_training.train(self, n, progress, stop)

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
        return run_questions.reach_probability(self, targets, k, start, temperature)

    @_locked
    def sample(self, n: int = 20, start: str | None = None, temperature: float = 1.0,
               seed: int | None = None) -> str:
        """Walk the chain for n tokens from ``start`` (default: all-last-token context, "111");
        returns start followed by the n sampled tokens, as the seed prints it."""
        return run_questions.sample(self, n, start, temperature, seed)

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
        from .render.graphviz_chain import chain_digraph  # says in one line what to install when `dot` is missing

        return chain_digraph(self, temperature)

    @_locked
    def to_svg(self, temperature: float = 1.0) -> str:
        """The chain as an SVG document, drawn in Python like the widget's circle (no Graphviz needed)."""
        from .render.svg_chain import chain_svg

        return chain_svg(self, temperature)

    # -- persistence -----------------------------------------------------------------------------
    @_locked
    def save(self, path: Any) -> None:
        """Save the whole run: config, weights, optimizer state, step and history. ``path`` is a
        file path or a writable binary file object (e.g. io.BytesIO)."""
        run_io.save(self, path)

    @classmethod
    def load(cls, path: Any) -> "BabyGPT":
        """Load a run saved with ``save`` (a file path or a readable binary file object). Uses
        PyTorch's weights_only loader and checks every field before use: a file carrying pickled
        code, or anything inconsistent, is refused with ValueError."""
        return run_io.load(cls, path)

    def _restore(self, state: Any) -> None:
        run_io.restore(self, state)

    # -- inside the model, runs compared ------------------------------------------------------
    def _take_snapshot(self, pinned: bool = False) -> None:
        t = self._trainer
        self._snapshots.take(t.global_step, self.model, t._optimizer, self._config.lr,
                             self._config.weight_decay, self._train_counts, pinned)

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
        return run_questions.explain(self, state, step, nearest)

    def probabilities_at(self, step: int | None = None, temperature: float = 1.0,
                         include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) next-token probabilities of the weights at ``step`` (None: now)."""
        return run_questions.probabilities_at(self, step, temperature, include_prefixes)

    def step_report(self, k: int | None = None) -> "StepReport":
        """What optimizer step k (None: the last) did: every edge before and after, each training
        example's loss and share of the push, gradient / update / weight norms per parameter group
        (analysis/step_report.py). Past steps replay as ``explain`` does, outside the lock."""
        from .analysis.step_report import step_report
        return step_report(self, k)

    def compare_seeds(self, k: int = 8, steps: int | None = None, seeds: Any = None,
                      progress: bool | Callable[[int, int], Any] = False,
                      cancel: threading.Event | None = None) -> "SeedEnsemble":
        """Train k copies of this run that differ only in the seed (default: this run's seed and
        the next k-1), with the current settings, for ``steps`` steps (default: the current step
        count), as one batched computation; returns their chains (per seed, median, min, max,
        and ``table()``). Holds the run's lock only to read the settings, so the run stays usable
        meanwhile; ``cancel`` (a threading.Event) stops it with ``ensemble.Cancelled``,
        KeyboardInterrupt works too. ``progress``: True prints, a callable gets (done, total)."""
        return run_questions.compare_seeds(self, k, steps, seeds, progress, cancel)

    def compare(self, other: Any, progress: bool | Callable[[int, int], Any] = False) -> "Comparison":
        """This run's chain (current weights) against ``other``'s: another BabyGPT (or widget), a
        run string (rebuilt by training; ``progress`` as in ``train``), a saved run's path, or an
        int step of this run's history. Returns per-state total variation, mean / max and the
        probability difference, in this run's state order (same alphabet and context needed)."""
        return run_questions.compare(self, other, progress)

    def hitting_curve(self, targets: Any, k: int, start: str | None = None, temperatures: Any = None,
                      step: int | None = None, cancel: threading.Event | None = None,
                      progress: Callable[[int, int], Any] | None = None) -> "HittingCurve":
        """P(a walk from ``start`` visits any of ``targets`` within k steps) at each temperature
        (default 0, 0.1, ..., 2), for the current weights or those at a history ``step``.
        Refused before any work (naming k, or temperatures when more than 21 were given) when
        estimated above request_cost.REQUEST_SECONDS. Holds the lock only for the logits (one
        forward); ``cancel`` (a threading.Event) stops it with ensemble.Cancelled, and
        ``progress`` gets (reach steps done, total)."""
        return run_questions.hitting_curve(self, targets, k, start, temperatures, step, cancel, progress)

    @_locked
    def __repr__(self) -> str:
        c = self._config
        return (f"BabyGPT(V={len(c.alphabet)}, C={c.context_length}, {len(self._space)} states, "
                f"{self.model.num_parameters:,} parameters, step {self._trainer.global_step}, loss {self._loss:.4f})")


__all__ = ["BabyGPT", "ConfigError", "TrainingDiverged", "MAX_STEPS"]
