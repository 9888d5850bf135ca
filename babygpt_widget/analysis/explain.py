"""Inside the model for one state: the forward pass that makes that state's outgoing edges.

Recomputes GPT.forward step by step from the model's own modules, keeping what the fused
attention kernel hides (the attention weights) and the residual stream after each block,
decoded by ln_f + lm_head (the "logit lens", as ecco / TransformerLens call it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..core.chain import probabilities_from_logits
from ..core.model import GPT


@dataclass(frozen=True)
class Explanation:
    """One state's forward pass; arrays are read-only float32 (T = len(state) <= C)."""

    state: str
    step: int  # the training step whose weights were used
    tokens: tuple[str, ...]  # (T,)
    token_ids: np.ndarray  # (T,) int64
    token_embeddings: np.ndarray  # (T, d): wte rows
    position_embeddings: np.ndarray  # (T, d): wpe rows
    embeddings: np.ndarray  # (T, d): their sum, the residual stream entering block 0
    attention: np.ndarray  # (n_layer, n_head, T, T): causal, rows sum to 1
    lens_logits: np.ndarray  # (n_layer + 1, V): row 0 after the embeddings, row l after block l
    lens_probs: np.ndarray  # (n_layer + 1, V): softmax of lens_logits; the last row is `probs`
    logits: np.ndarray  # (V,) the final next-token logits
    probs: np.ndarray  # (V,) softmax(logits): the state's edge probabilities at temperature 1

    @property
    def decided_at(self) -> int:
        """The first lens row from which the top token is the final one and stays so
        (0 = already the embeddings say it, n_layer = only the last block)."""
        top = self.lens_probs.argmax(-1)
        final = top[-1]
        row = len(top) - 1
        while row > 0 and top[row - 1] == final:
            row -= 1
        return row

    def at_temperature(self, temperature: float) -> np.ndarray:
        """(V,) edge probabilities at a temperature; 0 gives the greedy one-hot (argmax)."""
        return probabilities_from_logits(torch.from_numpy(self.logits.copy()), float(temperature)).numpy()


def _frozen(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    a = (t if t.dtype == torch.long else t.to(torch.float32)).numpy().copy()
    a.setflags(write=False)
    return a


@torch.no_grad()
def explain_model(model: GPT, ids: list[int], alphabet: str, step: int) -> Explanation:
    """The forward pass of `model` on one context (1..block_size token ids)."""
    tr = model.transformer
    T = len(ids)
    idx = torch.tensor(ids, dtype=torch.long)
    tok, pos = tr.wte(idx), tr.wpe(torch.arange(T))
    x = tok + pos  # (T, d)
    lens = [x[-1]]
    atts = []
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for block in tr.h:
        attn = block.attn
        nh = attn.n_head
        hs = attn.n_embd // nh
        q, k, v = attn.c_attn(block.ln_1(x)).view(T, 3, nh, hs).permute(1, 2, 0, 3).unbind(0)  # (nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = F.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        atts.append(att)
        x = x + attn.c_proj((att @ v).transpose(0, 1).reshape(T, attn.n_embd))
        x = x + block.mlp(block.ln_2(x))
        lens.append(x[-1])
    lens_logits = model.lm_head(tr.ln_f(torch.stack(lens)))  # (n_layer + 1, V)
    return Explanation(
        state="".join(alphabet[i] for i in ids),
        step=step,
        tokens=tuple(alphabet[i] for i in ids),
        token_ids=_frozen(idx),
        token_embeddings=_frozen(tok),
        position_embeddings=_frozen(pos),
        embeddings=_frozen(tok + pos),
        attention=_frozen(torch.stack(atts)),
        lens_logits=_frozen(lens_logits),
        lens_probs=_frozen(torch.softmax(lens_logits, -1)),
        logits=_frozen(lens_logits[-1]),
        probs=_frozen(torch.softmax(lens_logits[-1], -1)),
    )
