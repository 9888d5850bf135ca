"""Golden answers for the inside panel in a page that trains (js/page/pageInside.ts, pastSteps.ts):
the widget's ``w.explain(state, step)`` — the ``inside`` trait it sets — for every context of a
run at live and past steps, written by the real widget. The page's engine is the same run bit for
bit; its forward trace must equal these within float32 rounding (1e-5). Raw float32 values are
kept (``raw``: the Explanation's arrays, unrounded; the trait itself for two states a step), so the check does not depend on where a
6-significant-digit rounding falls.

    .venv/bin/python tests/golden/make_inside_golden.py           # rewrites inside_golden.json
    .venv/bin/python tests/golden/make_inside_golden.py --check   # recomputes, compares
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import golden_file  # tests/golden/golden_file.py (this folder is on sys.path when run or checked)

OUT = Path(__file__).with_name("inside_golden.json")

# (name, settings, steps trained, steps asked): the seed's run at 0, 10 and 50 (live), and
# another config (V=3 C=2, 2 layers x 2 heads, other lr / wd / seed) past and live.
RUNS: list[tuple[str, dict[str, Any], int, list[int]]] = [
    ("seed", {}, 50, [0, 10, 50]),
    ("v3c2", {"sequence": "0120210120112", "alphabet": "012", "context_length": 2, "n_layer": 2, "n_head": 2,
              "n_embd": 16, "lr": 3e-3, "weight_decay": 0.01, "seed": 7}, 30, [0, 12, 30]),
]


def raw(e: Any) -> dict[str, Any]:
    f = lambda a: [float(x) for x in a.ravel()]  # noqa: E731  (float32 -> exact double)
    return {"token_embeddings": f(e.token_embeddings), "position_embeddings": f(e.position_embeddings),
            "attention": f(e.attention), "lens_probs": f(e.lens_probs), "logits": f(e.logits), "probs": f(e.probs)}


def make() -> dict[str, Any]:
    from babygpt_widget import BabyGPTWidget

    out: dict[str, Any] = {}
    for name, settings, steps, asked in RUNS:
        w = BabyGPTWidget(**settings)
        w.train(steps)
        labels = list(w.engine.state_space(include_prefixes=True).labels)
        answers = []
        for step in asked:
            for state in labels:
                e = w.explain(state, step)
                answer = {"state": state, "step": step, "raw": raw(e), "decided_at": int(e.decided_at)}
                if state in (labels[0], labels[-1]):  # the trait as the widget sets it (rounded), for two states
                    answer["inside"] = dict(w.inside)
                answers.append(answer)
        c = w.engine.config
        out[name] = {"settings": {"sequence": c.sequence, "alphabet": c.alphabet, "context_length": c.context_length,
                                  "n_layer": c.n_layer, "n_head": c.n_head, "n_embd": c.n_embd, "lr": c.lr,
                                  "weight_decay": c.weight_decay, "seed": c.seed},
                     "steps": steps, "run_string": w.run_string, "answers": answers}
    return out


def check() -> None:
    golden_file.check(OUT, make)


if __name__ == "__main__":
    golden_file.main(OUT, make, separators=(",", ":"))
