"""Writes examples/babygpt.ipynb and examples/babygpt_marimo.py: the seed's lecture told with the
widget, for Jupyter and for marimo, from one list of cells.

The notebooks are generated so their text stays reviewable as a diff; run
`python examples/make_notebook.py` after editing and commit all three files.
"""

import ast
from pathlib import Path

import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell

CELLS = [
    md("""# babyGPT: a GPT is a finite-state Markov chain

A GPT with a vocabulary of **V** tokens and a context of **C** tokens only ever sees V<sup>C</sup>
different contexts. Feed each context to the model: its next-token probabilities are the
probabilities of moving to the *shifted* context (drop the oldest token, append the new one).
So the whole model is a Markov chain over V<sup>C</sup> states — and we can draw it.

Below is Andrej Karpathy's **babyGPT**: two tokens (`0`, `1`), context 3 (so 2<sup>3</sup> = 8
states), 4 layers, 4 heads, 16 dimensions — 12,656 parameters. It is about to be trained on
the sequence `111101111011110`."""),
    code("""from babygpt_widget import BabyGPTWidget

w = BabyGPTWidget()
w"""),
    md("""## 1. Before training: a coin flip everywhere

Each node is a context; each arrow is "emit token t", labelled `t(p%)`. Freshly initialised,
the network knows nothing, so every state says ≈50/50."""),
    code("""print(w)  # vocab, context, states, parameters, step, loss"""),
    code("""w.probabilities_table()  # P(next token) of each state, and how often the data has each"""),
    md("""## 2. Train for 50 steps

Press **Train ×50** in the widget above, or run the next cell: the drawing updates either way.
Two kinds of loss appear. `train` returns the loss of each step, computed on the weights that
step started from, as the seed prints them: 0.6635 at step 0, 0.4700 at step 49. The widget's
readout shows the loss of the weights it draws: after step 50 that is 0.4670."""),
    code("""losses = w.train(50)
print(f"losses while training: step 0 {losses[0]:.4f} → step 49 {losses[-1]:.4f}")
print(f"loss after step 50 (the widget's readout): {w.loss:.4f}")
p = dict(zip(w.states, w.probabilities[:, 1]))
print(f"P(1 | 101) = {p['101']:.0%}   (data: 101 is always followed by 1)")
print(f"P(1 | 111) = {p['111']:.0%}   (data: 111 is followed by 0 and 1 equally often)")
print(f"P(1 | 000) = {p['000']:.0%}   (data: 000 never occurs!)")"""),
    md("""Read the edges: `101 → 011` now says ≈79% (the data says 100%; 50 small steps is not
enough to get there). `111` sits near 45/55, the data's 50/50.

Now look at `000`: it never occurs in the training data (the widget marks such states), yet the
model is confident that `1` follows (≈73%). Nothing in the data says so — that guess is the
transformer's **inductive bias**: what it learned from the seen states generalises, for better
or worse, to the unseen ones. Drag the **history slider** back to step 0 and forth to watch
the chain learn."""),
    code("""w.unseen_states"""),
    md("""**What changed since step 10?** `w.compare(10)` sets this run (step 50) against its own
step 10, state by state: the total variation (TV) of a state is half the summed absolute
change of its next-token probabilities (0: the same, 1: nothing in common). The widget colours
each edge by its change, with the same figures in a banner over the drawing."""),
    code("""change = w.compare(10)
print(f"mean TV {change.mean_tv:.3f}   max TV {change.max_tv:.3f}")
_i = int(change.tv.argmax())
print(f"moved most: {change.states[_i]}, P(1) {change.other_probs[_i, 1]:.0%} at step 10 → {change.probs[_i, 1]:.0%} at step 50")"""),
    md("""The state that moved most is `111` (63% → 45% for `1`): the data follows `111` with `0`
and `1` equally often, and the 40 steps since step 10 pulled it toward that. The banner's
*Leave* button, or `clear_compare()`, returns the drawing to the run's own chain:"""),
    code("""w.clear_compare()"""),
    md("""## 3. Sampling is a walk on the chain

Generating text is a random walk: start in a state, draw a token from its edges, move to the
shifted state, repeat. Here, 20 tokens from `111` (seeded, so reproducible):"""),
    code("""print(w.sample(20, start="111", seed=1337))
print(f"{w.config['sequence']} <- the training data, for comparison")"""),
    md("""## 4. Temperature 0: the stochastic FSM becomes a deterministic one

A computer is a deterministic finite-state machine. A GPT is a *stochastic* one (a Markov
chain). Greedy decoding — always take the most likely token, temperature 0 — turns the chain
back into a plain FSM: one outgoing edge per state, and a walk that must end in a cycle."""),
    code("""print(w.sample(20, start="111", temperature=0))"""),
    code("""from IPython.display import SVG

SVG(w.to_svg(temperature=0))  # drawn in Python: no Graphviz needed"""),
    md("""## 5. Where does the walk spend its time?

The stationary distribution is the long-run fraction of time a walk spends in each state."""),
    code("""import numpy as np

for state, share in zip(w.states, w.stationary_distribution()):
    print(f"{state}  {share:6.1%}  {'#' * int(round(share * 60))}")"""),
    md("""## 6. "Naughty" states and AI safety

Suppose some states are forbidden. The safety question becomes a number: how likely is a walk
from `111` to hit one of them within k steps? Training — and temperature — move that number."""),
    code("""naughty = ["000"]
for k in (1, 5, 20):
    print(f"P(reach {naughty} within {k:2d} steps from 111) = {w.reach_probability(naughty, k, start='111'):.3f}")
print(f"greedy: {w.reach_probability(naughty, 20, start='111', temperature=0)}")"""),
    md("""Temperature trades diversity against risk. Mark `000` in the widget (click it) and press
*Plot vs temperature* in its *Analysis* section — or ask from Python: the widget draws the
curve, and it follows the history slider. At step 50 a greedy walk never reaches `000`; at
T = 1 about a quarter of 20-step walks do, at T = 2 about half."""),
    code("""w.naughty = ["000"]
curve = w.hitting_curve(k=20, start="111")
for _t, _p in zip(curve.temperatures[::5], curve.probabilities[::5]):
    print(f"T = {_t:.1f}: P(reach 000 within 20 steps from 111) = {_p:.3f}")"""),
    md("""## 7. The actual state space is bigger

A GPT also predicts from *fewer* than C tokens — at the start of generation the context is
just `1`, then `11`, … So the chain it really runs has the shorter contexts too: 2 + 4 + 8 = 14
states for babyGPT. A short context grows by one token until it is full."""),
    code("""space = w.state_space(include_prefixes=True)
print(f"{len(space)} states: {space.labels}")"""),
    code("""w.transition_matrix(include_prefixes=True)[:6]"""),
    md("""## 8. Inside the model: which layer decides `000`?

Why does `000`, never seen in the data, say `1`? Open the model for that one state:
`explain` recomputes its forward pass and keeps the attention weights of every layer and head,
and the **logit lens** — the next-token distribution the residual stream would give if it were
decoded (by the final LayerNorm and the output layer) right after the embeddings and after
each block. The widget opens its *Inside the model* panel on `000` (or search `000` and press
*Look inside*); scrub the history slider and the panel follows."""),
    code("""inside = w.explain("000")
for _row, _p in enumerate(inside.lens_probs):
    print(f"{'embeddings' if _row == 0 else f'after block {_row}':>14}: P(1) = {_p[1]:.0%}")
print(f"the top token is the final one from row {inside.decided_at} on")
print("last position's attention in layer 1 (one row per head, one column per position):")
print(inside.attention[0, :, -1].round(2))"""),
    md("""At step 50 the embeddings alone would say `0` (P(1) ≈ 26%: the token `0` looks like
itself); the **first block** already turns it into `1` (≈ 55%), and each later block adds a
little more (64%, 70%, 73%). The attention of `000`'s last position is almost exactly uniform
(⅓ each): all three tokens are `0`, so there is little to choose between. Pass `step=` (or
move the slider) to see the same at any earlier step of the history."""),
    md("""## 9. Is it the seed? Eight seeds side by side

Is `000 → 1` the transformer's bias or just seed 1337's luck? `compare_seeds` trains 8 copies
that differ only in the seed (one batched computation) for the same steps and settings; the
widget draws each edge's median with a band as wide as the seeds' spread (*Compare runs* in
its side panel does the same: *Train seeds*)."""),
    code("""ens = w.compare_seeds(k=8)  # the widget's 50 steps
ens.table().round(3)"""),
    code("""ens300 = w.engine.compare_seeds(k=8, steps=300)  # Python only: the widget keeps step 50's
for _name, _e in (("50 steps", ens), ("300 steps", ens300)):
    _spread = _e.spread[:, 1]
    print(f"{_name:>9}: P(1) spread across seeds: seen states up to {_spread[_e.seen].max():.3f}, "
          f"unseen up to {_spread[~_e.seen].max():.3f};  P(1 | 000) from {_e.min[0, 1]:.0%} to {_e.max[0, 1]:.0%}, "
          f"P(1 | 111) from {_e.min[7, 1]:.1%} to {_e.max[7, 1]:.1%}")"""),
    md("""What the numbers say (no more): after 50 steps the seed still matters for **every** state —
the seen `111` ranges from ≈45% to ≈76% and the unseen `000` from ≈44% to ≈78%, so training
is not yet over. After 300 steps the seen states agree with each other and with the data
(`111` at 50.0–50.2%), and the unseen states do not scatter much either: every seed says `1`
follows `000` (≈92–96%). So the guess for `000` is not seed 1337's luck — it is what this
architecture makes of this data (four in five tokens are `1`)."""),
    md("""## 10. One step, and a push by hand

What does one optimizer step do? `step_report(k)` replays step k: every edge before and after,
the training windows that pushed (each one's loss and share) and how far each part of the model
moved (*This step* in the side panel shows the same). Then push the chain yourself: `nudge`
trains one edge toward a probability for a few steps (*Push the chain* in the side panel, with
*Teach* for whole rows set by hand). Watch the states the data never visits: no example of
theirs is in the data or in the push, yet their edges move with it, because every state runs
through the same weights. `undo()` brings the run back exactly as it was."""),
    code("""report = w.step_report(10)
print("step 10 moved most: " + ", ".join(f"{_s} -> {_t} {_d:+.2%}" for _s, _t, _d in report.top_movers(3)))
print(f"states the data never visits that moved: {', '.join(report.unseen_moved())}")
pushed = w.nudge("101", "1", 0.95, steps=20)  # 101 -> 011 toward 95% for 20 steps
print(pushed.summary())
w.undo()  # back to step 50, exactly
print(f"after undo: step {w.global_step}")"""),
    md("""## 11. Exercise: three tokens, context two

With V = 3 and C = 2 there are 3<sup>2</sup> = 9 states, each with 3 outgoing edges. Train it on
a sequence of your own and read the chain."""),
    code("""w3 = BabyGPTWidget(alphabet="012", context_length=2, sequence="0120120120112012")
w3.train(100)
w3"""),
    md("""## 12. The lesson: the seed's story inside the widget

Press **Lesson** on any widget, or open one on a lesson: a card beside the chain tells this
notebook's story page by page — it highlights the part it talks about, waits for you to press
Train, drag the slider or click a state (or *Do it for me*), and every number on it is computed
from the widget at that moment. ←/→ on the card turn pages; *Leave* gives you your own run back."""),
    code("""tour = BabyGPTWidget(lesson="seed")
tour"""),
    md("""A lesson is data: a list of pages, each with a title, a text whose `{figures}` the widget
fills live (`{loss}`, `{p:101>1}`, `{label:000>1}`, `{share:110}`, `{bits:50257x2048}` …), and
optionally what it `set`s, what it `highlight`s and what it `wait`s for. A mistake is named by
its field (`lesson[2].wait.action: must be one of …`). Here is a three-page lesson of your own;
`mine.lesson.go(1)` turns to its second page from Python."""),
    code("""my_pages = [
    {"title": "Untrained", "text": "At step {step} the state 110 says 1 at {p:110>1}.",
     "set": {"settings": {"sequence": "110110110110"}, "shown_step": 0}, "highlight": {"node": "110"}},
    {"title": "Train it", "text": "Train 30 steps: the loss goes from {loss@0} to {loss}.",
     "set": {"shown_step": "live"}, "highlight": {"control": "train"}, "wait": {"action": "train", "step": 30}},
    {"title": "The pattern", "text": "Now 110 says 1 at {p:110>1}: the data always continues 110 with 1 ({data:110>1}).",
     "highlight": {"edge": "110>1"}},
]
mine = BabyGPTWidget(lesson=my_pages)
mine"""),
    md("""## Your turn

- Change the training sequence in the widget's settings (the model keeps its weights) and
  keep training: which edges move first?
- Try a larger learning rate, then reset.
- Save a run with `w.save("run.pt")` and bring it back with `BabyGPTWidget.load("run.pt")`."""),
]


# marimo shows a widget through mo.ui.anywidget and an SVG through mo.Html; these lines differ
# (None: the line is left out), every other line is the same in both notebooks.
MARIMO_LINES = {
    "w": "mo.ui.anywidget(w)",
    "w3": "mo.ui.anywidget(w3)",
    "tour": "mo.ui.anywidget(tour)",
    "mine": "mo.ui.anywidget(mine)",
    "from IPython.display import SVG": None,
    "SVG(w.to_svg(temperature=0))  # drawn in Python: no Graphviz needed":
        "mo.Html(w.to_svg(temperature=0))  # drawn in Python: no Graphviz needed",
}
# The script header's marimo settings: `marimo run` (the app view a class gets) shows a failed
# cell's exception and traceback instead of "An internal error occurred". (marimo ignores
# `auto_instantiate` here on purpose: a notebook file may not run itself on open.)
MARIMO_HEADER = '''# /// script
# [tool.marimo.runtime]
# show_tracebacks = true
# ///

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", css_file="babygpt_marimo.css")


@app.cell
def _():
    import marimo as mo
    return (mo,)
'''


def marimo_source(code_text: str) -> str:
    lines = [MARIMO_LINES.get(line, line) for line in code_text.split("\n")]
    text = "\n".join(line for line in lines if line is not None)
    text = text.replace("\n\n\n", "\n\n").strip("\n")
    if _prints(text):  # `marimo run` shows cell outputs but not the console: send prints to the output
        text = "with mo.redirect_stdout():\n" + "\n".join(("    " + line) if line else "" for line in text.split("\n"))
    return text


def _prints(code_text: str) -> bool:
    """The cell calls print (a cell that prints ends in no expression of its own, which would
    replace the printed text as the cell's output)."""
    tree = ast.parse(code_text)
    prints = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]
    calls = bool(prints)
    if any(len(n.args) != 1 or n.keywords for n in prints):  # redirect_stdout shows each write as its own block
        raise ValueError(f"print one string per call in the lecture (marimo shows each piece on a line):\n{code_text}")
    last = tree.body[-1] if tree.body else None
    if calls and isinstance(last, ast.Expr) and not (isinstance(last.value, ast.Call)
                                                     and getattr(last.value.func, "id", None) == "print"):
        raise ValueError(f"a cell that prints must not end in an expression (marimo would show only that):\n{code_text}")
    return calls


def _defs_and_uses(code_text: str) -> tuple[set[str], set[str]]:
    """Top-level names a cell defines and names it reads (marimo wires cells by these)."""
    defs, uses = set(), set()
    for node in ast.walk(ast.parse(code_text)):
        if isinstance(node, ast.Name):
            (defs if isinstance(node.ctx, ast.Store) else uses).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defs.update((a.asname or a.name).split(".")[0] for a in node.names)
    return defs, uses


def _marimo_cell(body: str, args: list[str], returns: list[str], hide_code: bool = False) -> str:
    deco = "@app.cell(hide_code=True)" if hide_code else "@app.cell"
    ret = f"return ({returns[0]},)" if len(returns) == 1 else f"return {', '.join(returns)}" if returns else "return"
    indented = "\n".join(("    " + line) if line else "" for line in body.split("\n"))
    return f"\n\n{deco}\ndef _({', '.join(args)}):\n{indented}\n    {ret}\n"


def marimo_notebook() -> str:
    """The lecture as a marimo app file (the format `marimo edit` writes)."""
    sources = [marimo_source(c.source) if c.cell_type == "code" else c.source for c in CELLS]
    analysed = [_defs_and_uses(s) if c.cell_type == "code" else (set(), set()) for c, s in zip(CELLS, sources)]
    defined = set().union(*(d for d, _ in analysed)) | {"mo"}
    used_later = set().union(*(u for _, u in analysed))
    out = [MARIMO_HEADER]
    for cell, text, (defs, uses) in zip(CELLS, sources, analysed):
        if cell.cell_type == "markdown":
            out.append(_marimo_cell(f'mo.md(r"""\n{text}\n""")', ["mo"], [], hide_code=True))
        else:
            args = sorted((uses - defs) & defined)
            out.append(_marimo_cell(text, args, sorted(defs & used_later)))
    out.append('\n\nif __name__ == "__main__":\n    app.run()\n')
    return "".join(out)


def jupyter_notebook() -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = CELLS
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # stable ids: regenerating leaves no diff
    return nb


def main() -> None:
    here = Path(__file__).parent
    nbf.write(jupyter_notebook(), here / "babygpt.ipynb")
    (here / "babygpt_marimo.py").write_text(marimo_notebook(), encoding="utf-8")
    print("wrote", here / "babygpt.ipynb", "and", here / "babygpt_marimo.py")


if __name__ == "__main__":
    main()
