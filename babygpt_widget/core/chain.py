"""The GPT as a Markov chain: states, transitions, data statistics, long-run behaviour.

States are contexts. The full chain has the V**C contexts of length C in lexicographic order
(the seed's order). The "actual" chain a GPT runs also has the shorter contexts (1..C-1 tokens)
it sees at the start of generation; a shorter context s grows to s+t, a full one shifts to
s[1:]+t. Model probabilities come from one batched forward per context length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from functools import cached_property

import numpy as np
import torch

from .model import GPT
from .trie_eval import logits_by_length

DENSE_STATIONARY_MAX_STATES = 512  # above this, power iteration instead of matrix squaring
CANCEL_EVERY = 32  # reach_probability: steps between cancel checks (~1 ms at 4,096 states)
FIXPOINT_EVERY = 8  # and between checks whether a step changed anything
TRIE_MIN_STATES = 256  # from here the prefix-trie evaluation beats one batched forward


@dataclass(frozen=True)
class StateSpace:
    alphabet: str
    context_length: int
    include_prefixes: bool = False
    lengths: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        C = self.context_length
        object.__setattr__(self, "lengths", tuple(range(1, C + 1)) if self.include_prefixes else (C,))

    @property
    def vocab_size(self) -> int:
        return len(self.alphabet)

    @cached_property
    def offsets(self) -> dict[int, int]:
        """Index of the first state of each context length."""
        offsets, start = {}, 0
        for L in self.lengths:
            offsets[L] = start
            start += self.vocab_size**L
        return offsets

    def __len__(self) -> int:
        return sum(self.vocab_size**L for L in self.lengths)

    def token_ids(self, length: int) -> torch.Tensor:
        """(V**length, length) token ids of every context of that length, lexicographic."""
        V = self.vocab_size
        i = torch.arange(V**length).unsqueeze(1)
        powers = V ** torch.arange(length - 1, -1, -1)
        return (i // powers) % V

    @cached_property
    def labels(self) -> list[str]:
        return ["".join(self.alphabet[t] for t in row) for L in self.lengths for row in self.token_ids(L).tolist()]

    @cached_property
    def index(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.labels)}

    def prefix_rows(self) -> tuple[torch.Tensor, torch.Tensor]:
        """For every state: (a row of the full-length contexts starting with it, its last position).

        With causal attention, position L-1 of that full context sees exactly this state, so
        GPT.forward_all over the full contexts yields every shorter context's logits too.
        """
        V, C = self.vocab_size, self.context_length
        rows, positions = [], []
        for L in self.lengths:
            rows.append(torch.arange(V**L) * V ** (C - L))
            positions.append(torch.full((V**L,), L - 1))
        return torch.cat(rows), torch.cat(positions)

    @cached_property
    def next_index(self) -> np.ndarray:
        """(S, V) int64: the state reached from state s by emitting token t."""
        V, C = self.vocab_size, self.context_length
        out = np.empty((len(self), V), dtype=np.int64)
        t = np.arange(V)
        for L in self.lengths:
            L_next = min(L + 1, C)
            i = np.arange(V**L)[:, None]
            out[self.offsets[L] : self.offsets[L] + V**L] = self.offsets[L_next] + (i * V + t) % V**L_next
        return out


def model_probabilities(model: GPT, space: StateSpace, temperature: float = 1.0) -> np.ndarray:
    """(S, V) float32 next-token probabilities; temperature 0 gives the greedy one-hot rows."""
    with torch.no_grad():
        logits = model_logits(model, space)
    return probabilities_from_logits(logits, temperature).numpy()


def model_logits(model: GPT, space: StateSpace) -> torch.Tensor:
    """(S, V) logits of every state: one forward over the full-length contexts, or for large
    spaces one pass over the prefix trie (each shared prefix computed once; 5x faster at 4,096)."""
    full = space.token_ids(space.context_length)
    if len(full) >= TRIE_MIN_STATES:
        by_length = logits_by_length(model, space.context_length)
        return torch.cat([by_length[L - 1] for L in space.lengths])
    if space.lengths == (space.context_length,):
        return model(full)
    rows, positions = space.prefix_rows()
    return model.forward_all(full)[rows, positions]


def probabilities_from_logits(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    if temperature < 0 or not np.isfinite(temperature):
        raise ValueError(f"temperature: must be a finite number >= 0; got {temperature!r}")
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(-1), logits.size(-1)).to(logits.dtype)
    return torch.softmax((logits - logits.amax(-1, keepdim=True)).double() / temperature, -1).to(logits.dtype)  # tiny T: no NaN


def data_counts(ids: list[int], space: StateSpace) -> np.ndarray:
    """(S, V) int64: how often token t follows context s anywhere in the sequence."""
    V = space.vocab_size
    seq = np.asarray(ids, dtype=np.int64)
    counts = np.zeros((len(space), V), dtype=np.int64)
    for L in space.lengths:
        if len(seq) <= L:
            continue
        windows = np.lib.stride_tricks.sliding_window_view(seq[:-1], L)
        context = windows @ (V ** np.arange(L - 1, -1, -1))
        np.add.at(counts, (space.offsets[L] + context, seq[L:]), 1)
    return counts


def stationary_distribution(probs: np.ndarray, next_index: np.ndarray) -> np.ndarray:
    """Long-run fraction of time in each state for a walk started from a uniformly random state.

    That is the Cesaro limit u * lim (1/N) sum P^n, defined for every finite chain, reducible or
    periodic, and equal to the stationary distribution when that is unique. It is computed as
    the limit of the lazy chain (I + P) / 2, which has the same stationary distributions and no
    period, so plain powers converge.
    """
    S = len(probs)
    u = np.full(S, 1.0 / S)
    probs = probs.astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)  # float32 rows sum to 1 only to ~1e-7
    if S <= DENSE_STATIONARY_MAX_STATES:
        lazy = 0.5 * dense_matrix(probs, next_index) + 0.5 * np.eye(S)
        for _ in range(64):  # lazy^(2^64): converged for any chain of this size
            squared = lazy @ lazy
            squared /= squared.sum(axis=1, keepdims=True)
            converged = np.abs(squared - lazy).max() < 1e-12
            lazy = squared
            if converged:
                break
        return u @ lazy
    # Large chains: sparse power iteration (each state has only V successors).
    flat_next, P = next_index.ravel(), probs
    pi = u
    for _ in range(20_000):
        new = 0.5 * pi + 0.5 * np.bincount(flat_next, weights=(pi[:, None] * P).ravel(), minlength=S)
        if np.abs(new - pi).sum() < 1e-12:
            return new
        pi = new / new.sum()
    return pi


def dense_matrix(probs: np.ndarray, next_index: np.ndarray) -> np.ndarray:
    """(S, S) float64 transition matrix from the (S, V) per-token form."""
    S = len(probs)
    P = np.zeros((S, S))
    np.add.at(P, (np.repeat(np.arange(S), probs.shape[1]), next_index.ravel()), probs.astype(np.float64).ravel())
    return P


def reach_probability(probs: np.ndarray, next_index: np.ndarray, targets: np.ndarray, k: int,
                      cancel: Callable[[int], None] | None = None) -> np.ndarray:
    """P(the walk visits a target state within k steps), for every start state.

    A start inside the target set counts as reached at step 0. Each step is one gather and one
    row sum into preallocated buffers (~4x the naive form at 4,096 states). Once a step changes
    nothing the rest cannot either (the map is deterministic): the loop stops there. `cancel`,
    when given, is called with the steps done every CANCEL_EVERY steps and may raise to stop.
    """
    targets = np.asarray(targets, dtype=bool)
    reached = targets.astype(np.float64)
    S, V = probs.shape
    P = probs.astype(np.float64).reshape(-1)
    flat_next = np.ascontiguousarray(next_index, dtype=np.intp).reshape(-1)
    gathered = np.empty(S * V)
    new = np.empty(S)
    ones = np.ones(V)
    for i in range(k):
        if cancel is not None and i % CANCEL_EVERY == 0:
            cancel(i)
        np.take(reached, flat_next, out=gathered)
        gathered *= P
        rows = gathered.reshape(S, V)
        if V == 2:  # the same sum as .sum(axis=1), without a reduction over a length-2 axis
            np.add(rows[:, 0], rows[:, 1], out=new)
        else:
            np.matmul(rows, ones, out=new)
        np.copyto(new, 1.0, where=targets)
        if i % FIXPOINT_EVERY == 0 and np.array_equal(new, reached):
            break
        reached, new = new, reached
    return reached


def sample_walk(
    probs: np.ndarray, next_index: np.ndarray, start: int, n: int, generator: torch.Generator
) -> tuple[list[int], list[int]]:
    """Draw n tokens from state `start`; returns (tokens, visited states including start)."""
    rows = torch.from_numpy(np.ascontiguousarray(probs, dtype=np.float32))
    draws = []
    state, states = start, [start]
    for _ in range(n):
        t = int(torch.multinomial(rows[state], 1, generator=generator))
        draws.append(t)
        state = int(next_index[state, t])
        states.append(state)
    return draws, states


def edge_label(token: str, p: float) -> str:
    """The seed's edge label: token and rounded percentage, e.g. '1(79%)'."""
    return f"{token}({p * 100:.0f}%)"
