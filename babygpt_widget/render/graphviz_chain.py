"""``to_graphviz()``'s Digraph: says in one line what to install when Graphviz's ``dot`` is missing.

The ``graphviz`` Python package only writes DOT text; rendering runs the Graphviz program,
which pip cannot install. ``to_svg()`` needs neither.
"""

from __future__ import annotations

from typing import Any

import graphviz

from ..core.chain import edge_label

MISSING_DOT = ("to_graphviz() renders with Graphviz's `dot` program, which is not on the PATH: install Graphviz "
               "(apt-get install graphviz, brew install graphviz or conda install graphviz), or use to_svg(), "
               "which needs nothing.")


class GraphvizNotInstalled(RuntimeError):
    """Graphviz's ``dot`` program is missing."""


class Digraph(graphviz.Digraph):
    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotInstalled(MISSING_DOT) from None

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotInstalled(MISSING_DOT) from None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        """A notebook shows the one-line message instead of a traceback."""
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except (graphviz.ExecutableNotFound, GraphvizNotInstalled):
            return {"text/plain": MISSING_DOT}


def chain_digraph(gpt: Any, temperature: float = 1.0) -> Digraph:
    """``BabyGPT.to_graphviz``: one node per state, edges labelled ``t(p%)``, circo layout."""
    probs = gpt.transition_matrix(temperature)
    space = gpt.state_space()
    dot = Digraph(comment="Baby GPT", engine="circo")
    for s in gpt.states:
        dot.node(s, s)
    for i, s in enumerate(gpt.states):
        for t, token in enumerate(gpt.alphabet):
            if temperature == 0 and probs[i, t] == 0:
                continue  # the greedy FSM has one edge per state
            dot.edge(s, space.labels[space.next_index[i, t]], label=edge_label(token, probs[i, t]))
    return dot
