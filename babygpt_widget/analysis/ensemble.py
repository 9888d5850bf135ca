"""The seed ensemble: k copies of a run that differ only in the seed, trained as one batch.

A babyGPT step is mostly per-op overhead, so k models cost little more than one when every
weight carries a leading seed axis: one batched forward (bmm, one attention call for all
seeds), one backward of the summed loss (seed i's slice gets exactly seed i's gradient) and one
AdamW step (elementwise, so per seed the same update as alone). Initial weights are each seed's
own GPT, built as the engine builds it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F

from ..core import chain
from ..core.config import _BASE_BYTES, MAX_STEP_BYTES, SNAPSHOT_BYTES_PER_PARAMETER, RunConfig, config_cost
from ..core.fused_adamw import FusedAdamWStep, make_adamw
from ..core.model import GPT, GPTConfig
from ..core.progress import progress_reporter
from ..core.threads import one_thread
from .table import Table


MAX_K = 64  # seeds per ensemble: k copies cost about k/4 of one run's time (bench/seed_ensemble.py)
_HISTORY_BYTES = 2 * 32 * 2**20  # counted in a run's step estimate; an ensemble keeps no history


def max_seeds(config: RunConfig) -> int:
    """Seeds one ensemble may train: MAX_K, fewer where k copies of the model's training state
    (weights, gradients, AdamW moments, activations) would pass the cost guard's memory limit."""
    cost = config_cost(config)
    per_copy = (cost.step_bytes - _BASE_BYTES - _HISTORY_BYTES  # the run's own step, minus shared parts
                - SNAPSHOT_BYTES_PER_PARAMETER * cost.parameters)  # and the weight snapshots it keeps no copy of
    return int(max(1, min(MAX_K, (MAX_STEP_BYTES - _BASE_BYTES) // max(per_copy, 1))))


class Cancelled(RuntimeError):
    """The ensemble's training was cancelled (its `cancel` event was set)."""


@dataclass(frozen=True)
class SeedEnsemble:
    """Per-seed chains of k copies of a run (S states in the engine's order, V tokens)."""

    states: tuple[str, ...]
    alphabet: str
    seeds: tuple[int, ...]  # (k,)
    steps: int
    probs: np.ndarray  # (k, S, V) float32
    seen: np.ndarray  # (S,) bool: the state occurs in the training data
    median: np.ndarray  # (S, V)
    min: np.ndarray  # (S, V)
    max: np.ndarray  # (S, V)

    @property
    def spread(self) -> np.ndarray:
        """(S, V) max - min across seeds."""
        return self.max - self.min

    def table(self, token: str | None = None) -> Table:
        """state, seen (in the data), median P(next = token), min, max across the seeds (token:
        the alphabet's last by default). A `Table`: HTML in a notebook, text in a terminal,
        ``.round(n)``, ``.row(state)``, ``.to_pandas()`` when pandas is installed."""
        token = self.alphabet[-1] if token is None else token
        if not isinstance(token, str) or len(token) != 1 or token not in self.alphabet:
            raise ValueError(f"token: must be one character of the alphabet {self.alphabet!r}; got {token!r}")
        t = self.alphabet.index(token)
        rows = [(s, bool(seen), float(md), float(lo), float(hi))
                for s, seen, md, lo, hi in zip(self.states, self.seen, self.median[:, t], self.min[:, t], self.max[:, t])]
        return Table(("state", "seen", f"median P({token})", "min", "max"), tuple(rows))


def _linear(x: torch.Tensor, P: dict[str, torch.Tensor], name: str) -> torch.Tensor:
    """(k, N, in) @ (k, out, in)^T (+ bias)."""
    y = x @ P[name + ".weight"].transpose(1, 2)
    bias = P.get(name + ".bias")
    return y if bias is None else y + bias.unsqueeze(1)


def _layer_norm(x: torch.Tensor, P: dict[str, torch.Tensor], name: str) -> torch.Tensor:
    return torch.addcmul(P[name + ".bias"].unsqueeze(1), F.layer_norm(x, x.shape[-1:]), P[name + ".weight"].unsqueeze(1))


def batched_last_logits(P: dict[str, torch.Tensor], idx: torch.Tensor, config: GPTConfig) -> torch.Tensor:
    """GPT.forward for k stacked weight sets at once: (N, T) ids -> (k, N, V) last-position logits."""
    wte, wpe = P["transformer.wte.weight"], P["transformer.wpe.weight"]
    k, (N, T), d, H = wte.shape[0], idx.shape, config.n_embd, config.n_head
    x = (wte[:, idx] + wpe[:, :T].unsqueeze(1)).reshape(k, N * T, d)
    for layer in range(config.n_layer):
        pre = f"transformer.h.{layer}."
        qkv = _linear(_layer_norm(x, P, pre + "ln_1"), P, pre + "attn.c_attn")
        q, kk, v = qkv.view(k * N, T, 3, H, d // H).permute(2, 0, 3, 1, 4).unbind(0)  # (k*N, H, T, hs)
        y = F.scaled_dot_product_attention(q, kk, v, is_causal=True)
        x = x + _linear(y.transpose(1, 2).reshape(k, N * T, d), P, pre + "attn.c_proj")
        h = F.gelu(_linear(_layer_norm(x, P, pre + "ln_2"), P, pre + "mlp.c_fc"))
        x = x + _linear(h, P, pre + "mlp.c_proj")
    last = x.view(k, N, T, d)[:, :, -1]
    return _layer_norm(last, P, "transformer.ln_f") @ wte.transpose(1, 2)  # lm_head is tied to wte


def seed_model(config: RunConfig, seed: int) -> GPT:
    """The engine's initial model for this seed (same construction, same random numbers)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return GPT(gpt_config(config))


def gpt_config(config: RunConfig) -> GPTConfig:
    return GPTConfig(block_size=config.context_length, vocab_size=len(config.alphabet), n_layer=config.n_layer,
                     n_head=config.n_head, n_embd=config.n_embd, fused_attention=True)


def train_seed_ensemble(config: RunConfig, counts: np.ndarray, seeds: list[int], steps: int,
                        progress: bool | Callable[[int, int], Any] = False,
                        cancel: threading.Event | None = None, dtype: torch.dtype = torch.float32) -> SeedEnsemble:
    """Train one copy of `config` per seed for `steps` steps, all in one batch.
    `counts`: (V**C, V) data counts of the full-length states. `dtype=torch.float64` is for
    checking the batching against sequential runs: float32 training of some seeds amplifies
    rounding differences (~1e-7) to ~1e-3 within a few hundred steps (see bench/seed_ensemble.py)."""

    report = progress_reporter(progress, steps)
    space = chain.StateSpace(config.alphabet, config.context_length)
    models = [seed_model(config, s).to(dtype) for s in seeds]
    names = [n for n, _ in models[0].named_parameters()]  # the tied lm_head weight is wte's
    P = {n: torch.stack([dict(m.named_parameters())[n].detach() for m in models]).requires_grad_(True) for n in names}
    full = torch.as_tensor(counts, dtype=dtype)
    seen = torch.nonzero(full.sum(1)).squeeze(1)
    # as the trainer: every state below chain.TRIE_MIN_STATES, else only the states in the data
    idx = space.token_ids(config.context_length)
    if len(idx) >= chain.TRIE_MIN_STATES:
        idx, full = idx[seen], full[seen]
    n_windows, k = float(full.sum()), len(seeds)
    targets = full.repeat(k, 1)
    optimizer = make_adamw(list(P.values()), config.lr, config.weight_decay)
    optimizer_step = FusedAdamWStep(optimizer)  # the trainer's direct kernel call
    params = list(P.values())
    gcfg = gpt_config(config)
    with one_thread(), torch.enable_grad():
        for i in range(steps):
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"compare_seeds: cancelled after {i:,} of {steps:,} steps")
            logits = batched_last_logits(P, idx, gcfg)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets, reduction="sum") / n_windows
            loss.backward()
            optimizer_step()
            for p in params:
                p.grad = None
            if report is not None:
                report(i + 1)
        probs = []
        with torch.no_grad():
            for j, model in enumerate(models):
                for n, p in model.named_parameters():
                    p.copy_(P[n][j])
                probs.append(chain.model_probabilities(model, space))
    probs_k = np.stack(probs).astype(np.float32 if dtype == torch.float32 else np.float64)
    probs_k.setflags(write=False)
    return SeedEnsemble(states=tuple(space.labels), alphabet=config.alphabet, seeds=tuple(seeds), steps=steps,
                        probs=probs_k, seen=counts.sum(1) > 0, median=np.median(probs_k, 0),
                        min=probs_k.min(0), max=probs_k.max(0))
