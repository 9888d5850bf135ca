"""Every context's logits, with gradients, through the prefix trie as one flat batch.

Under causal attention a context's hidden state at position j depends only on its first j+1
tokens, so contexts sharing a prefix share those states. Here every trie node (every context
of length 1..C, shorter first, lexicographic: the order of StateSpace(include_prefixes=True))
is one row; a layer runs over all rows at once, and each row attends to its ancestors' keys
and values, gathered by index (padded to C, masked). sum_L V**L rows instead of the seed's
C * (windows + states) positions, ~15 autograd nodes per layer whatever C is, and one pass
gives both the training loss (full-length rows) and the snapshot of every state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import torch
import torch.nn.functional as F

from .config import MAX_GATHER_BYTES, trie_fits  # noqa: F401 - one rule, shared with the cost guard
from .model import GPT


@dataclass(frozen=True)
class FlatTrie:
    token: torch.Tensor  # (N,) each node's newest token
    position: torch.Tensor  # (N,) its length - 1
    ancestors: torch.Tensor  # (C*N,) slot-major: row of node n's length-(m+1) prefix at m*N + n (itself past its length)
    bias: torch.Tensor  # (C, N) attention bias: 0 for real ancestor slots, -inf for the padding


@lru_cache(maxsize=8)
def flat_trie(V: int, C: int) -> FlatTrie:
    tokens, positions, ancestors = [], [], []
    offsets = [sum(V**k for k in range(1, m + 1)) for m in range(C)]  # first row of each length
    for level in range(C):
        i = torch.arange(V ** (level + 1))
        tokens.append(i % V)
        positions.append(torch.full_like(i, level))
        slots = [offsets[m] + i // V ** (level - m) for m in range(level + 1)]
        slots += [offsets[level] + i] * (C - level - 1)  # padding: masked out
        ancestors.append(torch.stack(slots))
    position = torch.cat(positions)
    real = torch.arange(C).unsqueeze(1) <= position.unsqueeze(0)
    bias = torch.zeros(real.shape).masked_fill_(~real, float("-inf"))
    return FlatTrie(torch.cat(tokens), position, torch.cat(ancestors, dim=1).reshape(-1), bias)


def fits(model: GPT, context_length: int) -> bool:
    """Gathered keys/values kept for backward: every node's C slots, K and V, per layer."""
    cfg = model.config
    return trie_fits(cfg.vocab_size, context_length, cfg.n_layer, cfg.n_embd)


@dataclass(frozen=True)
class TrieRows:
    """The trie's rows split in two: those the loss backpropagates through (the contexts in the
    data and all their prefixes; closed under ancestors) and the rest (full-length contexts not
    in the data: only the snapshot needs them, so they run without autograd). Rows are renumbered
    trained-first; `order` puts the output back in space order."""

    trained: FlatTrie
    free: FlatTrie  # its ancestors index the concatenation (trained rows, free rows)
    order: torch.Tensor  # (N,) space-order row -> renumbered row


def trie_rows(V: int, C: int, seen_leaves: torch.Tensor) -> TrieRows:
    """`seen_leaves`: indices (lexicographic) of the full-length contexts the loss uses."""
    trie = flat_trie(V, C)
    N = len(trie.token)
    free = torch.ones(N, dtype=torch.bool)
    free[: N - V**C] = False
    free[N - V**C + seen_leaves] = False
    rows = torch.cat([torch.nonzero(~free).squeeze(1), torch.nonzero(free).squeeze(1)])
    order = torch.empty(N, dtype=torch.long)
    order[rows] = torch.arange(N)
    ancestors = order[trie.ancestors].view(C, N)

    def part(r: torch.Tensor) -> FlatTrie:
        return FlatTrie(trie.token[r], trie.position[r], ancestors[:, r].reshape(-1), trie.bias[:, r])

    n_trained = int((~free).sum())
    return TrieRows(part(rows[:n_trained]), part(rows[n_trained:]), order)


def trie_logits(model: GPT, context_length: int, rows: TrieRows | None = None) -> torch.Tensor:
    """(N, V) logits of every context of length 1..C, shorter first, lexicographic. With `rows`,
    only its trained rows carry gradients (the others' logits are the same numbers, detached)."""
    cfg = model.config
    if rows is None:
        return _layers(model, flat_trie(cfg.vocab_size, context_length), context_length)[0]
    trained, kv = _layers(model, rows.trained, context_length)
    with torch.no_grad():
        free, _ = _layers(model, rows.free, context_length, [(k.detach(), v.detach()) for k, v in kv])
    return torch.cat([trained, free])[rows.order]


def _layers(model: GPT, trie: FlatTrie, C: int, cached: list[tuple[torch.Tensor, torch.Tensor]] | None = None
            ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
    """The rows of `trie` through every layer; their ancestors' keys/values are these rows' own,
    or (`cached`, per layer) those rows' followed by these. Returns logits and keys/values."""
    cfg = model.config
    N, H, d = len(trie.token), cfg.n_head, cfg.n_embd
    hs = d // H
    scale = 1.0 / math.sqrt(hs)
    tf = model.transformer
    x = tf.wte(trie.token) + tf.wpe(trie.position)  # (N, d)
    kv = []
    for i, block in enumerate(tf.h):
        attn = block.attn
        # feature-major (d, N): every op below runs contiguous along the N rows, not along the
        # tiny head (4) or ancestor (C) axes, which torch's CPU kernels vectorise badly (~2x)
        qkv = torch.mm(attn.c_attn.weight, block.ln_1(x).t())
        if attn.c_attn.bias is not None:
            qkv = qkv + attn.c_attn.bias.unsqueeze(1)
        q, k, v = qkv.split(d)
        kv.append((k, v))
        if cached is not None:
            k, v = torch.cat([cached[i][0], k], dim=1), torch.cat([cached[i][1], v], dim=1)
        keys = k.index_select(1, trie.ancestors).view(H, hs, C, N)
        scores = (keys * (q * scale).view(H, hs, 1, N)).sum(1) + trie.bias  # (H, C, N)
        att = torch.softmax(scores, dim=1)
        y = (att.unsqueeze(1) * v.index_select(1, trie.ancestors).view(H, hs, C, N)).sum(2)  # (H, hs, N)
        x = x + F.linear(y.view(d, N).t(), attn.c_proj.weight, attn.c_proj.bias)
        x = x + block.mlp(block.ln_2(x))
    return model.lm_head(tf.ln_f(x)), kv
