"""What a widget reads from its engine, by name: the chain, its settings and its pictures.

Each property and method reads the widget's current engine (a reset or a loaded run swaps it)
under the widget's lock, like every other engine operation, and does not change the drawing.
The ones that act on the run (train, configure, sample, ...) live on the widget itself, because
the drawing follows them.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analysis.table import Table
from ..core.chain import StateSpace
from ..core.field_checks import FieldError, echo
from ..core.history import HistoryView

if TYPE_CHECKING:
    import graphviz

    from ..analysis.step_report import StepReport


class EngineReads:
    """Mixed into BabyGPTWidget: needs `engine` and `_owner()` (play_loop.TrainingRunner)."""

    @property
    def lock(self) -> threading.RLock:
        """The engine's re-entrant lock (``BabyGPT.lock``); the widget's own commands hold the
        widget's lock, which a notebook should not need."""
        return self.engine.lock

    @property
    def alphabet(self) -> str:
        """The run's tokens, in order (``"01"`` for the seed's experiment)."""
        with self._owner():
            return self.engine.alphabet

    @property
    def num_parameters(self) -> int:
        """How many weights the model has."""
        with self._owner():
            return self.engine.num_parameters

    @property
    def probabilities(self) -> np.ndarray:
        """(states, vocab) float32: row i is the next-token distribution of ``states[i]``."""
        with self._owner():
            return self.engine.probabilities

    @property
    def history(self) -> HistoryView:
        """Recorded (step, loss, probabilities) snapshots (see ``BabyGPT.history``)."""
        with self._owner():
            return self.engine.history

    @property
    def unseen_states(self) -> list[str]:
        """States that never occur in the training data: the model's guesses there are its own."""
        with self._owner():
            return self.engine.unseen_states

    def state_space(self, include_prefixes: bool = False) -> StateSpace:
        """The chain's states (with the shorter start contexts when ``include_prefixes``)."""
        with self._owner():
            return self.engine.state_space(include_prefixes)

    def transition_matrix(self, temperature: float = 1.0, include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) next-token probabilities at a temperature (0 = greedy: the FSM)."""
        with self._owner():
            return self.engine.transition_matrix(temperature, include_prefixes)

    def probabilities_at(self, step: int | None = None, temperature: float = 1.0,
                         include_prefixes: bool = False) -> np.ndarray:
        """(states, vocab) next-token probabilities of the weights at ``step`` (None: now)."""
        with self._owner():
            return self.engine.probabilities_at(step, temperature, include_prefixes)

    def step_report(self, k: int | None = None) -> "StepReport":
        """What optimizer step k did (see ``BabyGPT.step_report``); None = the step the widget
        shows (live, or the history slider's). A past step's replay holds no lock."""
        with self._owner():
            engine, k = self.engine, self._shown_step if k is None else k
        return engine.step_report(k)

    def _step_report_command(self, k: Any) -> None:
        """The This step view asks (k None: the shown step); the answer goes to `one_step`,
        unless the run was rebuilt meanwhile. Refusals are the command's error reply."""
        if k is not None and (isinstance(k, bool) or not isinstance(k, int)):
            raise FieldError("k", f"must be a step (an integer) or null; got {echo(k)}")
        with self._owner():
            engine, model = self.engine, self.engine.model
        summary = self.step_report(k).summary()
        with self._owner():
            if self.engine is engine and engine.model is model:
                self.one_step, self._one_step_model = summary, model

    def stationary_distribution(self, temperature: float = 1.0) -> np.ndarray:
        """Long-run fraction of time in each state (see ``BabyGPT.stationary_distribution``)."""
        with self._owner():
            return self.engine.stationary_distribution(temperature)

    def probabilities_table(self) -> Table:
        """The chain as a table: state, P(token) for each token, and the data's next-token counts
        (see ``BabyGPT.probabilities_table``)."""
        with self._owner():
            return self.engine.probabilities_table()

    def to_graphviz(self, temperature: float = 1.0) -> "graphviz.Digraph":
        """The seed's picture as a Graphviz Digraph (see ``BabyGPT.to_graphviz``)."""
        with self._owner():
            return self.engine.to_graphviz(temperature)

    def to_svg(self, temperature: float = 1.0) -> str:
        """The chain as an SVG document, drawn in Python (see ``BabyGPT.to_svg``)."""
        with self._owner():
            return self.engine.to_svg(temperature)
