"""Every context's next-token logits in one pass over the prefix trie.

Under causal attention, position j's hidden state depends only on tokens 0..j, so all
contexts that share a prefix share those states. Walking the trie level by level with a
key/value cache computes each distinct prefix once: sum_L V**L positions instead of C * V**C
(6x fewer at V=2, C=12), and the shorter contexts' logits (the "actual" state space) come for
free. Same math as GPT.forward, to float rounding.

What makes it fast on a CPU (bench/state_eval.py):
- the first levels, where per-op overhead dominates, are one ordinary batched forward, and
  every deeper node attends to those ancestors in one block of ops, not one per level;
- inside a level, nodes are ordered oldest-token-least-significant ("reversed digits") and
  cached keys/values are stored feature-major, (d, nodes): the descendants of an ancestor are
  then strided by the ancestor count, so each query/ancestor product broadcasts over an outer
  axis and runs contiguous, vectorised, over the inner one;
- the query/key/value matmul writes feature-major directly (no transposed copy).
"""

from __future__ import annotations

import math
from functools import lru_cache

import torch

from .model import GPT

DENSE_STATES = 64  # levels with at most this many prefixes run as one batched forward


@torch.no_grad()
def logits_by_length(model: GPT, context_length: int | None = None, *,
                     dense_states: int = DENSE_STATES) -> list[torch.Tensor]:
    """[logits of all V**L contexts of length L, lexicographic, shape (V**L, V)] for L = 1..C."""
    cfg = model.config
    V, C = cfg.vocab_size, context_length or cfg.block_size
    dense_levels = max(1, min(C, int(math.log(max(dense_states, V), V) + 1e-9)))
    dense_keys, dense_values, out = _dense_levels(model, dense_levels)
    # every deeper node's dense-level ancestors, as one (d, dense_levels, V**dense_levels) block
    # per layer: one op attends to all of them
    shallow = [(_tile(k), _tile(v)) for k, v in zip(dense_keys, dense_values)]
    keys: list[list[torch.Tensor]] = [[] for _ in shallow]
    values: list[list[torch.Tensor]] = [[] for _ in shallow]
    for level in range(dense_levels, C):
        out.append(_level(model, shallow, keys, values, level)[_digit_reversal(V, level + 1)])
    return out


def _tile(per_level: list[torch.Tensor]) -> torch.Tensor:
    """[(d, a_l)] for the dense levels -> (d, levels, G), G the last level's size: column r of
    level l is the ancestor of every deeper node i with i mod G == r (that is, r mod a_l)."""
    G = per_level[-1].size(1)
    return torch.stack([t[:, torch.arange(G) % t.size(1)] for t in per_level], dim=1)


def _dense_levels(model: GPT, levels: int) -> tuple[list[list[torch.Tensor]], list[list[torch.Tensor]], list[torch.Tensor]]:
    """Levels 1..`levels` as one forward over all V**levels contexts of that length: per layer
    the cached keys/values of every prefix (feature-major, reversed-digit order), and the
    lexicographic logits of every length."""
    V, d = model.config.vocab_size, model.config.n_embd
    B = V ** levels
    idx = torch.stack([torch.arange(B) // V ** (levels - 1 - j) % V for j in range(levels)], dim=1)
    # the first context of each length-(l+1) prefix: every V**(levels-1-l)-th row, lexicographic
    firsts = [slice(None, None, V ** (levels - 1 - l)) for l in range(levels)]
    x = (model.transformer.wte(idx) + model.transformer.wpe(torch.arange(levels))).view(B * levels, d)
    keys: list[list[torch.Tensor]] = []
    values: list[list[torch.Tensor]] = []
    for block in model.transformer.h:
        # the block recomputes these keys/values inside; at <= DENSE_STATES rows that costs less
        # than taking the block apart
        _, k, v = block.attn.c_attn(block.ln_1(x)).view(B, levels, 3, d).unbind(2)
        keys.append([_feature_major(k[firsts[l], l], V, l + 1) for l in range(levels)])
        values.append([_feature_major(v[firsts[l], l], V, l + 1) for l in range(levels)])
        x = block(x, B, levels)
    logits = model.lm_head(model.transformer.ln_f(x)).view(B, levels, V)
    return keys, values, [logits[firsts[l], l] for l in range(levels)]


def _feature_major(lexicographic: torch.Tensor, V: int, length: int) -> torch.Tensor:
    """(V**length, d) rows in lexicographic order -> (d, V**length) in reversed-digit order."""
    return lexicographic[_digit_reversal(V, length)].t().contiguous()


@lru_cache(maxsize=64)
def _digit_reversal(V: int, length: int) -> torch.Tensor:
    """perm[i] = the reversed-digit position of the i-th lexicographic context (an involution)."""
    i, r = torch.arange(V ** length), torch.zeros(V ** length, dtype=torch.long)
    for _ in range(length):
        r, i = r * V + i % V, i // V
    return r


def _level(model: GPT, shallow: list[tuple[torch.Tensor, torch.Tensor]], keys: list[list[torch.Tensor]],
           values: list[list[torch.Tensor]], level: int) -> torch.Tensor:
    """Every node of `level` (reversed-digit order) through every layer, attending to the cached
    ancestors; appends the level's keys/values to the cache; returns its (V**(level+1), V) logits."""
    cfg = model.config
    d, heads, n = cfg.n_embd, cfg.n_head, cfg.vocab_size ** (level + 1)
    scale = 1 / math.sqrt(d // heads)
    token = torch.arange(n) // cfg.vocab_size ** level  # reversed digits: the newest token leads
    x = model.transformer.wte.weight[token] + model.transformer.wpe.weight[level]  # (n, d)
    for block, (shallow_keys, shallow_values), layer_keys, layer_values in zip(model.transformer.h, shallow, keys, values):
        # feature-major straight from the matmul; k and v stay in the cache
        q, k, v = torch.mm(block.attn.c_attn.weight, block.ln_1(x).t()).split(d, dim=0)
        layer_keys.append(k)
        layer_values.append(v)
        y = _attend(q.mul_(scale), shallow_keys, shallow_values, layer_keys, layer_values, heads)
        x.addmm_(y.t(), block.attn.c_proj.weight.t())
        x.addmm_(block.mlp.gelu(block.mlp.c_fc(block.ln_2(x))), block.mlp.c_proj.weight.t())
    return model.lm_head(model.transformer.ln_f(x))


def _attend(q: torch.Tensor, shallow_keys: torch.Tensor, shallow_values: torch.Tensor,
            keys: list[torch.Tensor], values: list[torch.Tensor], heads: int) -> torch.Tensor:
    """Causal attention of each node over its ancestors and itself, feature-major (d, n).

    Node i's ancestor in a level of a nodes is i mod a: viewing the n nodes as (n/a, a) lines
    every query up with its ancestor's key along the contiguous inner axis, no gathering. The
    dense levels' ancestors come pre-tiled as (d, S, G) (see _tile) and go in one block.
    """
    d, n = q.shape
    hs = d // heads
    S, G = shallow_keys.size(1), shallow_keys.size(2)
    qh = q.view(heads, hs, n)
    scores = q.new_empty(heads, S + len(keys), n)
    # all dense-level ancestors at once, one feature at a time (no (heads, hs, S, n) temporary)
    shallow_scores = scores[:, :S].view(heads, S, n // G, G)
    queries_by_feature = qh.view(heads, hs, 1, n // G, G)
    keys_by_feature = shallow_keys.view(heads, hs, S, 1, G)
    torch.mul(queries_by_feature[:, 0], keys_by_feature[:, 0], out=shallow_scores)
    for j in range(1, hs):
        shallow_scores.addcmul_(queries_by_feature[:, j], keys_by_feature[:, j])
    for l, k in enumerate(keys, start=S):
        a = k.size(1)
        torch.sum(qh.view(heads, hs, n // a, a) * k.reshape(heads, hs, 1, a), dim=1,
                  out=scores[:, l].view(heads, n // a, a))
    scores = scores.sub_(scores.amax(1, keepdim=True)).exp_()  # softmax by hand over positions: torch's
    att = scores.div_(scores.sum(1, keepdim=True))  # CPU kernel is ~10x slower over a dimension this short
    y = (att[:, :S].view(heads, 1, S, n // G, G) * shallow_values.view(heads, hs, S, 1, G)).sum(2)
    for l, v in enumerate(values, start=S):
        a = v.size(1)
        y.view(heads, hs, n // a, a).addcmul_(att[:, l].view(heads, 1, n // a, a), v.reshape(heads, hs, 1, a))
    return y.view(d, n)
