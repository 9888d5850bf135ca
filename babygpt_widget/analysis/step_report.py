"""What one optimizer step did (issue 23 §1): the update from step k−1 to step k, decomposed.

- edges moved: every state's next-token probabilities before and after the step;
- who pushed: each training example (context → next token, with its count) and its loss at
  the weights the step started from, with its share of the step's loss;
- where the update went: gradient norm, update size and weight norm per parameter group
  (embeddings; per layer attention q / k / v, projection, MLP in / out, layer norms).

Both models come the way `explain` gets a past step (past_steps.py: the live one, or a bounded
replay from the nearest weight snapshot, outside the run's lock). The data and learning rate
are those in force for step k (the snapshot the replay starts from carries them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..core import chain
from ..core.checks import check_count
from ..core.model_clone import clone_model
from ..core.threads import one_thread
from .table import Table


@dataclass(frozen=True)
class Example:
    context: str
    token: str
    count: int  # how often the data has this window
    loss: float  # −log P(token | context) at the weights step k started from
    share: float  # count × loss / the step's summed loss: what part of the push it made


@dataclass(frozen=True)
class StepReport:
    step: int  # the update from step − 1 to step
    states: tuple[str, ...]
    alphabet: str
    before: np.ndarray  # (states, V) probabilities at step − 1
    after: np.ndarray  # (states, V) at step
    seen: np.ndarray  # (states,) bool: the state occurs as a context in the data
    examples: tuple[Example, ...]  # largest share first
    loss: float  # the step's loss (the weights it started from), as train() returns it
    lr: float
    groups: tuple[str, ...]
    grad_norm: np.ndarray  # per group, of the step's loss at step − 1
    update_norm: np.ndarray  # per group: ‖θ_step − θ_step−1‖
    weight_norm: np.ndarray  # per group, at step − 1

    @property
    def moved(self) -> np.ndarray:
        """(states, V) change of every edge's probability over the step."""
        return self.after - self.before

    def top_movers(self, n: int = 5) -> list[tuple[str, str, float]]:
        """The n edges that moved most: (state, token, change in probability)."""
        n = check_count("n", n, 1, self.moved.size)
        flat = np.argsort(-np.abs(self.moved), axis=None, kind="stable")[:n]
        V = len(self.alphabet)
        return [(self.states[i // V], self.alphabet[i % V], float(self.moved.flat[i])) for i in flat]

    def unseen_moved(self, at_least: float = 1e-4) -> list[str]:
        """States the data never visits whose edges still moved by ≥ at_least: the model
        generalising while it learns (their own data gave them no push)."""
        moved = np.abs(self.moved).max(axis=1)
        return [s for s, seen, m in zip(self.states, self.seen, moved) if not seen and m >= at_least]

    @property
    def step_size(self) -> np.ndarray:
        """AdamW's effective step size per group: ‖update‖ / ‖gradient‖, how far the group moved
        per unit of gradient (plain SGD: lr for every group; Adam scales each parameter by its
        gradient history, so small gradients take steps far larger than lr·‖g‖). NaN: no gradient."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.grad_norm > 0, self.update_norm / self.grad_norm, np.nan)

    def updates(self) -> Table:
        """Where the update went, one row per parameter group."""
        rows = tuple((g, float(gn), float(un), float(wn), float(ss)) for g, gn, un, wn, ss
                     in zip(self.groups, self.grad_norm, self.update_norm, self.weight_norm, self.step_size))
        return Table(("group", "gradient norm", "update norm", "weight norm", "step size ‖Δθ‖/‖g‖"), rows)

    def summary(self, movers: int = 8, examples: int = 12) -> dict:
        """JSON-ready digest for the widget's *This step* view (the `one_step` trait)."""
        r4 = lambda v: float(f"{v:.4g}")  # noqa: E731
        gain_token = self.moved.argmax(axis=1)
        gain = self.moved.max(axis=1)
        unseen = self.unseen_moved()
        return {
            "step": self.step, "loss": r4(self.loss), "lr": self.lr,
            # per state, the next token that gained most (for two tokens the other lost as much)
            "movers": [[self.states[i], self.alphabet[int(gain_token[i])], r4(gain[i]), bool(self.seen[i])]
                       for i in np.argsort(-gain, kind="stable")[:movers]],
            "unseen_moved": unseen[:24], "unseen_count": len(unseen),
            "examples": [[e.context, e.token, e.count, r4(e.loss), r4(e.share)] for e in self.examples[:examples]],
            "examples_count": len(self.examples),
            # the last: AdamW's effective step size (None where the group got no gradient)
            "groups": [[g, r4(gn), r4(un), r4(wn), r4(ss) if np.isfinite(ss) else None] for g, gn, un, wn, ss
                       in zip(self.groups, self.grad_norm, self.update_norm, self.weight_norm, self.step_size)],
        }

    def __repr__(self) -> str:
        top = ", ".join(f"{s}→{t} {d:+.4f}" for s, t, d in self.top_movers(3))
        unseen = self.unseen_moved()
        return (f"StepReport(step {self.step - 1} → {self.step}, loss {self.loss:.4f}; top movers {top}; "
                f"{len(unseen)} unseen state(s) moved; {len(self.examples)} examples)")


def _norm_parameters(*norms: Any) -> list[tuple[torch.Tensor, slice]]:
    """A LayerNorm's weight and bias (None without bias), read directly: .parameters() walks modules."""
    return [(p, slice(None)) for n in norms for p in (n.weight, getattr(n, "bias", None)) if p is not None]


def parameter_groups(model: Any) -> list[tuple[str, list[tuple[torch.Tensor, slice]]]]:
    """(name, [(parameter, rows)]) in a fixed order; attention's c_attn splits into q, k, v rows.
    The token embeddings are also the output layer (tied, as in nanoGPT)."""
    d = model.config.n_embd
    every = slice(None)
    t = model.transformer
    groups: list[tuple[str, list[tuple[torch.Tensor, slice]]]] = [
        ("token embeddings", [(t.wte.weight, every)]), ("position embeddings", [(t.wpe.weight, every)])]
    for i, block in enumerate(t.h):
        attn = block.attn.c_attn.weight
        groups += [(f"layer {i} attention {name}", [(attn, slice(j * d, (j + 1) * d))]) for j, name in enumerate("qkv")]
        groups += [(f"layer {i} attention projection", [(block.attn.c_proj.weight, every)]),
                   (f"layer {i} MLP in", [(block.mlp.c_fc.weight, every)]),
                   (f"layer {i} MLP out", [(block.mlp.c_proj.weight, every)]),
                   (f"layer {i} layer norms", _norm_parameters(block.ln_1, block.ln_2))]
    groups.append(("final layer norm", _norm_parameters(t.ln_f)))
    return groups


def _norms(groups: list[tuple[str, list[tuple[torch.Tensor, slice]]]], of: Any) -> np.ndarray:
    """Each group's L2 norm of `of(parameter)[rows]` in float64, all groups in one pass (a report
    is asked every step while a learner steps: ~100 small reductions cost more than the step)."""
    pieces = [[of(p)[rows].reshape(-1) for p, rows in parts] for _, parts in groups]
    squares = torch.cat([t for group in pieces for t in group]).double().square()
    lengths = torch.tensor([sum(t.numel() for t in group) for group in pieces])
    return torch.segment_reduce(squares, "sum", lengths=lengths).sqrt().numpy()


def step_report(run: Any, k: Any) -> StepReport:
    """`run` is a BabyGPT (the engine sits above analysis/ and passes itself in)."""
    with run._lock:
        now, floor = run._trainer.global_step, run._snapshots.floor
        if k is None:
            k = now
        if now < 1:
            raise ValueError("k: the run has no training step yet; train at least one step first")
        k = check_count("k", k, min(now, floor + 1), now)
        last = run.__dict__.get("_last_step_report")  # the same step asked again (the view follows the slider)
        if last is not None and last[0] == (k, id(run._snapshots), run._snapshots.generation):
            return last[1]
        try:
            before_plan, after_plan = run._past(k - 1), run._past(k)
        except ValueError as e:
            raise ValueError("k:" + str(e).split(":", 1)[1]) from None
        space, V = run._space, len(run.alphabet)
        base = run._snapshots.base_for(k - 1)  # its data and lr are the ones step k used
        counts = torch.as_tensor(base.counts[-len(space):], dtype=torch.float32)
        lr, states, alphabet = base.lr, tuple(space.labels), run.alphabet
        after_probs = None
        store, generation, live = run._snapshots, run._snapshots.generation, after_plan.build is None
        if live:  # step k is the live one
            with one_thread():
                after_probs = chain.model_probabilities(run.model, space)
            after_params = [p.detach().clone() for p in run.model.parameters()]
    before = clone_model(before_plan.build())  # a copy: a cached past model is shared
    if after_probs is None:
        after_model = after_plan.build()
        with one_thread():
            after_probs = chain.model_probabilities(after_model, space)
        after_params = [p.detach().clone() for p in after_model.parameters()]
    with one_thread(), torch.enable_grad():
        before.requires_grad_(True)
        before_probs = chain.model_probabilities(before, space)
        seen = torch.nonzero(counts.sum(1)).squeeze(1)
        inputs = space.token_ids(space.context_length)[seen]
        logp = F.log_softmax(before(inputs), dim=-1)
        n_windows = float(counts.sum())
        loss = -(counts[seen] * logp).sum() / n_windows  # the trainer's mean cross-entropy
        loss.backward()
    report = _report(k, states, alphabet, before_probs, after_probs, counts, seen, logp.detach(), loss, lr,
                     before, after_params)
    if live:  # the next step's report starts from this step's weights: keep them, no replay then
        with torch.no_grad():
            for p, q in zip(before.parameters(), after_params):
                p.grad = None
                p.copy_(q)
        before.requires_grad_(False)
        with run._lock:
            if run._snapshots is store and store.generation == generation and run._trainer.global_step >= k:
                store.cached = (k, before)
    with run._lock:
        if run._snapshots is store and store.generation == generation:
            run._last_step_report = ((k, id(store), generation), report)
    return report


def _report(k: int, states: tuple[str, ...], alphabet: str, before_probs: np.ndarray, after_probs: np.ndarray,
            counts: torch.Tensor, seen: torch.Tensor, logp: torch.Tensor, loss: torch.Tensor, lr: float,
            before: Any, after_params: list[torch.Tensor]) -> StepReport:
    total = float((counts[seen] * -logp).sum())
    examples = [Example(states[int(s)], alphabet[t], int(counts[s, t]), float(-logp[i, t]),
                        float(counts[s, t] * -logp[i, t]) / total)
                for i, s in enumerate(seen) for t in range(len(alphabet)) if counts[s, t] > 0]
    examples.sort(key=lambda e: -e.share)
    index = {id(p): j for j, p in enumerate(before.parameters())}
    groups = parameter_groups(before)
    update = lambda p: after_params[index[id(p)]] - p.detach()  # noqa: E731
    is_seen = np.zeros(len(states), dtype=bool)
    is_seen[seen.numpy()] = True
    return StepReport(
        step=k, states=states, alphabet=alphabet, before=before_probs, after=after_probs, seen=is_seen,
        examples=tuple(examples), loss=float(loss.detach()), lr=lr, groups=tuple(g for g, _ in groups),
        grad_norm=_norms(groups, lambda p: p.grad), update_norm=_norms(groups, update),
        weight_norm=_norms(groups, lambda p: p.detach()))


__all__ = ["Example", "StepReport", "step_report"]
