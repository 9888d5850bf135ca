"""The built-in lesson: the seed's story (Karpathy's babyGPT notebook) told on the live widget.

Every number on its cards is a figure (figures.py) computed from the run at that moment; the
settings are the seed's own (RunConfig's defaults), so the figures are the notebook's.
"""

from __future__ import annotations

from ..core.config import RunConfig

SEED_SETTINGS = RunConfig().to_dict()

SEED_LESSON: list[dict] = [
    {"title": "Eight states, all a coin toss",
     "text": "A GPT with {V} tokens and a context of {C} is a Markov chain over {states} states. At step {step}, "
             "before any training, every state is close to 50/50: after 101 the model says 1 at {p:101>1}, "
             "after 000 at {p:000>1}. Training will move these numbers.",
     "set": {"settings": SEED_SETTINGS, "shown_step": 0, "temperature": 1.0, "layout": "circular", "marks": [],
             "prefixes": False},
     "highlight": {"node": "101"}},
    {"title": "Train fifty steps",
     "text": "Press Train ×50: each step nudges the weights to predict the next token of {sequence}. The loss "
             "started at {loss@0}; it is {loss} at step {step} now.",
     "set": {"shown_step": "live"},
     "highlight": {"control": "train"},
     "wait": {"action": "train", "step": 50}},
    {"title": "101 → 011 at {p:101>1}, not 100%",
     "text": "In the data 101 is always followed by 1 ({data:101>1}), yet the model says {p:101>1}. Fifty small "
             "AdamW steps have not pushed the logits far, and every state shares the same weights.",
     "set": {"step": 50, "shown_step": "live"},
     "highlight": {"edge": "101>1"}},
    {"title": "Drag back to step 0",
     "text": "Drag the history slider back to step 0 and watch 101's edges go back to a coin toss: "
             "{label:101>1} at step {step}. The slider shows any recorded step.",
     "highlight": {"control": "slider"},
     "wait": {"action": "slider", "step": 0}},
    {"title": "111: the data says 50/50",
     "text": "After 111 the data continues with 1 {data:111>1} of the time. The model, at step {step}, says "
             "{p:111>1}: near, not equal, since one set of weights fits all the training windows at once.",
     "set": {"step": 50, "shown_step": "live"},
     "highlight": {"node": "111"}},
    {"title": "000 never happened",
     "text": "The state 000 never occurs in {sequence}, yet the model guesses {label:000>1}. Click 000 on the "
             "chain to look inside: the logit lens shows which block decides. That sharp guess about an unseen "
             "state is the transformer's inductive bias.",
     "set": {"step": 50, "shown_step": "live", "panel": "inside"},
     "highlight": {"node": "000"},
     "wait": {"action": "click", "state": "000"}},
    {"title": "Sampling is a walk",
     "text": "Press Sample: starting at {start}, each sampled token shifts the state by one, so text from a GPT "
             "is a walk on this chain. The last walk was {walk}.",
     "set": {"panel": "sample"},
     "highlight": {"control": "sample"},
     "wait": {"action": "sample"}},
    {"title": "Temperature 0: a machine",
     "text": "Set the temperature to 0: only each state's likeliest edge stays, so from 111 the walk always goes "
             "to {greedy:111}. That is a deterministic finite-state machine, like a computer; at temperature 1 "
             "a GPT is a stochastic one.",
     "set": {"panel": "view"},
     "highlight": {"control": "temperature"},
     "wait": {"action": "temperature", "value": 0}},
    {"title": "Where the walk spends its time",
     "text": "Walk forever at temperature 1 and the share of time in each state settles: {share:111} in 111, "
             "{share:110} in 110, {share:000} in 000. The Analysis section lists them all.",
     "set": {"temperature": 1.0, "panel": "analysis"},
     "highlight": {"panel": "analysis"}},
    {"title": "{actual} states, not {states}",
     "text": "A GPT also predicts from fewer than {C} tokens, at the start of a text. With those shorter contexts "
             "the actual state space has {actual} states; 1 alone says 1 next at {p:1>1}.",
     "set": {"panel": "view"},
     "highlight": {"control": "prefixes"},
     "wait": {"action": "prefixes"}},
    {"title": "Is it the seed?",
     "text": "Press Train seeds in Compare runs: eight copies of this run that differ only in the seed train "
             "the same {step} steps. Where their edges spread, the seed decides; where they agree, the data "
             "does. The panel lists the widest spreads first: is the unseen 000 among them?",
     "set": {"panel": "compare", "shown_step": "live"},
     "highlight": {"panel": "compare"},
     "wait": {"action": "compare_seeds"}},
    {"title": "How big is a state?",
     "text": "A state here is {C} tokens of log2({V}) bits: {bits} bits ({size}). GPT-2 as the seed counts it, "
             "50,257 tokens × 2,048 context, is {bits:50257x2048} bits ≈ {size:50257x2048} a state; GPT-3's "
             "4,096 ≈ {size:50257x4096}, GPT-4's 32K ≈ {size:50257x32768}. The released GPT-2 reads 1,024 tokens "
             "({size:50257x1024}) and GPT-3 2,048 ({size:50257x2048}).",
     "set": {"prefixes": False}},
    {"title": "Where the picture breaks",
     "text": "Finite but astronomically many states: the chain view still holds for any GPT sampling its own "
             "text. A GPT that uses tools reads input from the outside world, and then the next state no longer "
             "depends only on the last {C} tokens: the finite-state view breaks."},
]
