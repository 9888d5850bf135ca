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

from .model import GPT

# Gathered keys/values kept for backward: rows * C * n_embd * 2 floats per layer. Above this the
# caller falls back to the forward over the data's windows (config.py's cost guard assumes it).
MAX_GATHER_BYTES = 256 * 2**20


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
    cfg = model.config
    rows = sum(cfg.vocab_size**L for L in range(1, context_length + 1))
    return rows * context_length * cfg.n_embd * 2 * 4 * cfg.n_layer <= MAX_GATHER_BYTES


def trie_logits(model: GPT, context_length: int) -> torch.Tensor:
    """(N, V) logits of every context of length 1..C, shorter first, lexicographic."""
    cfg = model.config
    trie = flat_trie(cfg.vocab_size, context_length)
    N, C, H, d = len(trie.token), context_length, cfg.n_head, cfg.n_embd
    hs = d // H
    scale = 1.0 / math.sqrt(hs)
    tf = model.transformer
    x = tf.wte(trie.token) + tf.wpe(trie.position)  # (N, d)
    for block in tf.h:
        attn = block.attn
        # feature-major (d, N): every op below runs contiguous along the N rows, not along the
        # tiny head (4) or ancestor (C) axes, which torch's CPU kernels vectorise badly (~2x)
        qkv = torch.mm(attn.c_attn.weight, block.ln_1(x).t())
        if attn.c_attn.bias is not None:
            qkv = qkv + attn.c_attn.bias.unsqueeze(1)
        q, k, v = qkv.split(d)
        keys = k.index_select(1, trie.ancestors).view(H, hs, C, N)
        scores = (keys * (q * scale).view(H, hs, 1, N)).sum(1) + trie.bias  # (H, C, N)
        att = torch.softmax(scores, dim=1)
        y = (att.unsqueeze(1) * v.index_select(1, trie.ancestors).view(H, hs, C, N)).sum(2)  # (H, hs, N)
        x = x + F.linear(y.view(d, N).t(), attn.c_proj.weight, attn.c_proj.bias)
        x = x + block.mlp(block.ln_2(x))
    return model.lm_head(tf.ln_f(x))
