"""BabyGPT: the seed's experiment as one object — model, data, trainer, chain, history."""

from __future__ import annotations

import math
import os
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np
import torch

from . import chain
from .config import ARCHITECTURE_FIELDS, ConfigError, RunConfig
from .history import HistoryView
from .model import GPT, GPTConfig
from .runstring import format_run_string, parse_run_string
from .tokens import decode, encode
from .trainer import Trainer, TrainingDiverged

if TYPE_CHECKING:
    import graphviz

MAX_TRAIN_STEPS = 1_000_000
MAX_SAMPLE_TOKENS = 100_000
MAX_REACH_STEPS = 10_000
MAX_TEMPERATURE = 100.0
FILE_FORMAT = "babygpt-widget/run/1"


class BabyGPT:
    """A GPT with vocabulary V and context C, seen as a Markov chain over its V**C contexts.

    ``BabyGPT()`` is the seed's experiment: ``"111101111011110"``, alphabet ``"01"``, C=3,
    4 layers, 4 heads, 16 dims, AdamW(lr=1e-3, weight_decay=0.1), seed 1337.
    """

    def __init__(self, sequence: str = RunConfig.sequence, alphabet: str = RunConfig.alphabet,
                 context_length: int = RunConfig.context_length, n_layer: int = RunConfig.n_layer,
                 n_head: int = RunConfig.n_head, n_embd: int = RunConfig.n_embd, lr: float = RunConfig.lr,
                 weight_decay: float = RunConfig.weight_decay, seed: int = RunConfig.seed) -> None:
        config = RunConfig(sequence=sequence, alphabet=alphabet, context_length=context_length, n_layer=n_layer,
                           n_head=n_head, n_embd=n_embd, lr=lr, weight_decay=weight_decay, seed=seed).validated()
        self._build(config)

    def _build(self, config: RunConfig) -> None:
        """(Re)create model, optimizer and history from the seed; all-or-nothing."""
        space = chain.StateSpace(config.alphabet, config.context_length)
        every = chain.StateSpace(config.alphabet, config.context_length, include_prefixes=True)
        counts = chain.data_counts(encode(config.sequence, config.alphabet), every)
        with torch.random.fork_rng(devices=[]):  # the seed's numbers, without touching the user's RNG
            torch.manual_seed(config.seed)
            model = GPT(GPTConfig(block_size=config.context_length, vocab_size=len(config.alphabet),
                                  n_layer=config.n_layer, n_head=config.n_head, n_embd=config.n_embd,
                                  fused_attention=True))
        trainer = Trainer(model, every, counts, config.lr, config.weight_decay)
        self._config, self._space, self._every, self.model, self._trainer = config, space, every, model, trainer
        self._n_prefix = len(every) - len(space)
        self._all_counts = counts
        self._refresh()

    def _refresh(self) -> None:
        """Loss and chain (every context, shorter ones first) of the current weights."""
        try:
            self._loss, self._all_probs = self._trainer.evaluate()
        except TrainingDiverged:  # the trainer rolled back: show the last finite state, then report
            with suppress(TrainingDiverged):
                self._loss, self._all_probs = self._trainer.evaluate()
            raise

    @property
    def _probs(self) -> np.ndarray:
        return self._all_probs[self._n_prefix :]

    @property
    def _counts(self) -> np.ndarray:
        return self._all_counts[self._n_prefix :]

    # -- configuration ---------------------------------------------------------------------------
    @property
    def config(self) -> RunConfig:
        return self._config

    def configure(self, **values: Any) -> None:
        """Change settings. lr, weight_decay and sequence apply to the running model; alphabet,
        context_length, n_layer, n_head, n_embd and seed rebuild it from the seed.
        Raises ValueError naming the field and changes nothing when a value is not allowed."""
        new = self._config.updated(**values)
        if any(getattr(new, f) != getattr(self._config, f) for f in ARCHITECTURE_FIELDS):
            self._build(new)
            return
        if new.sequence != self._config.sequence:
            self._all_counts = chain.data_counts(encode(new.sequence, new.alphabet), self._every)
            self._trainer.set_counts(self._all_counts)
            self._refresh()
        self._trainer.set_hyperparameters(new.lr, new.weight_decay)
        self._config = new

    @property
    def run_string(self) -> str:
        """Settings and step count in one line; ``BabyGPT.from_run_string`` rebuilds the run
        (exactly, unless lr, weight decay or the sequence were changed part-way through)."""
        return format_run_string(self._config, self.global_step)

    @classmethod
    def from_run_string(cls, text: str) -> "BabyGPT":
        """Rebuild a shared run exactly: same settings, trained for the same number of steps."""
        config, steps = parse_run_string(text)
        run = cls(**config.to_dict())
        run.train(steps)
        return run

    def reset(self) -> None:
        """Re-initialise weights and optimizer from the seed and clear the history."""
        self._build(self._config)

    # -- training --------------------------------------------------------------------------------
    def train(self, n: int = 1) -> list[float]:
        """Run n optimizer steps; returns their n losses in order (loss of the weights each step
        started from, as the seed prints them). Stops with ValueError if the loss diverges."""
        n = _check_count("n", n, 0, MAX_TRAIN_STEPS)
        losses: list[float] = []
        with one_thread():
            try:
                for _ in range(n):
                    losses.append(self._trainer.step())
            finally:
                self._refresh()
        return losses

    def step(self) -> float:
        """One optimizer step; returns its loss."""
        return self.train(1)[0]

    @property
    def global_step(self) -> int:
        return self._trainer.global_step

    @property
    def loss(self) -> float:
        """Loss of the current weights on the training windows."""
        return self._loss

    @property
    def num_parameters(self) -> int:
        return self.model.num_parameters

    @property
    def history(self) -> HistoryView:
        """Recorded (step, loss, probabilities) snapshots, evenly thinned beyond a memory cap;
        ``prefix_probs`` holds the shorter contexts' rows of each snapshot."""
        return self._trainer.history.view(self._n_prefix)

    # -- the chain -------------------------------------------------------------------------------
    @property
    def alphabet(self) -> str:
        return self._config.alphabet

    @property
    def states(self) -> list[str]:
        return list(self._space.labels)

    @property
    def probabilities(self) -> np.ndarray:
        """(states, vocab) float32: row i is the next-token distribution of ``states[i]``."""
        return self._probs.copy()

    def state_space(self, include_prefixes: bool = False) -> chain.StateSpace:
        return self._every if include_prefixes else self._space

    def transition_matrix(self, temperature: float = 1.0, include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) next-token probabilities at a temperature (0 = greedy: the FSM)."""
        temperature = _check_temperature(temperature)
        probs = self._all_probs if include_prefixes else self._probs
        if temperature == 1.0:
            return probs.copy()
        return chain.model_probabilities(self.model, self.state_space(include_prefixes), temperature)

    def data_counts(self, include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) int64: how often each token follows each state in the sequence."""
        return (self._all_counts if include_prefixes else self._counts).copy()

    @property
    def unseen_states(self) -> list[str]:
        """States that never occur in the training data: the model's guesses there are its own."""
        return [s for s, row in zip(self._space.labels, self._counts) if row.sum() == 0]

    def stationary_distribution(self, temperature: float = 1.0) -> np.ndarray:
        """Long-run fraction of time in each state (see ``chain.stationary_distribution``)."""
        return chain.stationary_distribution(self.transition_matrix(temperature), self._space.next_index)

    def reach_probability(self, targets: Iterable[str], k: int, start: str | None = None,
                          temperature: float = 1.0) -> float:
        """Probability that a walk from ``start`` visits any of ``targets`` within k steps."""
        space = self.state_space(include_prefixes=True)
        targets = [targets] if isinstance(targets, str) else list(targets)
        for t in targets:
            self._check_state("targets", t, space)
        start = self._default_start() if start is None else start
        self._check_state("start", start, space)
        k = _check_count("k", k, 0, MAX_REACH_STEPS)
        marked = set(targets)
        mask = np.array([s in marked for s in space.labels])
        probs = self.transition_matrix(temperature, include_prefixes=True)
        return float(chain.reach_probability(probs, space.next_index, mask, k)[space.index[start]])

    def sample(self, n: int = 20, start: str | None = None, temperature: float = 1.0,
               seed: int | None = None) -> str:
        """Walk the chain for n tokens from ``start`` (default: all-last-token context, "111");
        returns start followed by the n sampled tokens, as the seed prints it."""
        n = _check_count("n", n, 0, MAX_SAMPLE_TOKENS)
        temperature = _check_temperature(temperature)
        start = self._default_start() if start is None else start
        space = self.state_space(include_prefixes=isinstance(start, str) and len(start) < self._config.context_length)
        self._check_state("start", start, space)
        generator = torch.Generator()
        if seed is None:
            generator.seed()
        else:
            generator.manual_seed(_check_count("seed", seed, 0, 2**63 - 1))
        probs = self.transition_matrix(temperature, include_prefixes=space is self._every)
        tokens, _ = chain.sample_walk(probs, space.next_index, space.index[start], n, generator)
        return start + decode(tokens, self.alphabet)

    def probabilities_table(self) -> Any:
        """The chain as a table: a pandas DataFrame when pandas is installed, else text."""
        header = ["state"] + [f"P({t})" for t in self.alphabet] + [f"data {t}" for t in self.alphabet]
        rows = [[s, *map(float, p), *map(int, c)] for s, p, c in zip(self.states, self._probs, self._counts)]
        try:
            import pandas as pd
        except ImportError:
            return "\n".join("\t".join(f"{v:.4f}" if isinstance(v, float) else str(v) for v in r) for r in [header, *rows])
        return pd.DataFrame([r[1:] for r in rows], index=pd.Index([r[0] for r in rows], name="state"), columns=header[1:])

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

    def to_svg(self, temperature: float = 1.0) -> str:
        """The chain as an SVG document, drawn in Python like the widget's circle (no Graphviz needed)."""
        from .svg_chain import chain_svg

        return chain_svg(self, temperature)

    # -- persistence -----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Save the whole run: config, weights, optimizer state, step and history."""
        torch.save({
            "format": FILE_FORMAT,
            "config": self._config.to_dict(),
            "model": self.model.state_dict(),
            "optimizer": self._trainer.optimizer.state_dict(),
            "global_step": self.global_step,
            "history": {k: torch.as_tensor(v) if isinstance(v, np.ndarray) else v
                        for k, v in self._trainer.history.state_dict().items()},
        }, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "BabyGPT":
        """Load a run saved with ``save``. Uses PyTorch's weights_only loader: a file carrying
        pickled code is refused with ValueError."""
        run = cls.__new__(cls)
        run._restore(_read_run_file(path))
        return run

    def _restore(self, state: dict) -> None:
        """Replace this run with a saved one; all-or-nothing."""
        try:
            self._restore_unchecked(state)
        except (KeyError, TypeError, RuntimeError, AttributeError) as e:  # damaged or foreign content
            raise ValueError(f"path: not a complete babygpt-widget run ({type(e).__name__}: {e})") from None

    def _restore_unchecked(self, state: dict) -> None:
        config = RunConfig(**state["config"]).validated()
        probe = BabyGPT.__new__(BabyGPT)
        probe._build(config)
        probe.model.load_state_dict(state["model"])
        probe._trainer.optimizer.load_state_dict(state["optimizer"])
        probe._trainer.global_step = int(state["global_step"])
        probe._trainer.history.load_state_dict({k: v.numpy() if isinstance(v, torch.Tensor) else v
                                                for k, v in state["history"].items()})
        probe._refresh()
        self.__dict__.update(probe.__dict__)

    # -- helpers ---------------------------------------------------------------------------------
    def _default_start(self) -> str:
        return self.alphabet[-1] * self._config.context_length

    def _check_state(self, field: str, state: Any, space: chain.StateSpace) -> None:
        if not isinstance(state, str) or state not in space.index:
            raise ValueError(f"{field}: {state!r} is not a state; states are 1 to {self._config.context_length} "
                             f"characters of the alphabet {self.alphabet!r}, e.g. {self._default_start()!r}")

    def __repr__(self) -> str:
        c = self._config
        return (f"BabyGPT(V={len(c.alphabet)}, C={c.context_length}, {len(self.states)} states, "
                f"{self.num_parameters:,} parameters, step {self.global_step}, loss {self.loss:.4f})")


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one intra-op thread: a model this small only loses to thread hand-offs,
    and badly so when another process (the browser, the server) busies the other core."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _read_run_file(path: str | os.PathLike) -> dict:
    try:
        state = torch.load(path, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise
    except Exception as e:  # the weights_only unpickler refuses code objects and unknown globals
        raise ValueError(f"path: {os.fspath(path)!r} is not a babygpt-widget run file that loads safely ({e})") from None
    if not isinstance(state, dict) or state.get("format") != FILE_FORMAT:
        raise ValueError(f"path: {os.fspath(path)!r} is not a babygpt-widget run file (format {FILE_FORMAT})")
    return state


def _check_count(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{field}: must be an integer from {low} to {high}; got {value!r}")
    return int(value)


def _check_temperature(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_TEMPERATURE:
        raise ValueError(f"temperature: must be a finite number from 0 to {MAX_TEMPERATURE:g}; got {value!r}")
    return float(value)


__all__ = ["BabyGPT", "ConfigError", "TrainingDiverged"]
