"""A whole transformer block (LayerNorm, fused causal attention, MLP, both residuals) as one
autograd node, with its backward written out by hand.

A default-size babyGPT step (8 contexts of 3 tokens, 16 dims) is bound by eager autograd's
bookkeeping, not by arithmetic: ~20 autograd nodes per block, each saving its inputs, being
scheduled and run by the engine. One node per block computes the same forward ops (same
kernels but attention written out as the seed writes it) and a backward of ~20 direct kernel
calls (native_layer_norm_backward, _softmax_backward_data, gelu_backward, mm/bmm), checked
against autograd's gradients in tests/test_block_function.py.

Only for the configuration the engine trains: no Linear biases, fused attention, exact GELU.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

# backward kernels torch exposes only as ops; resolved overloads skip the packet's per-call
# overload lookup (~2-8 us each, a lot next to these ~3 us kernels)
_layer_norm_backward = torch.ops.aten.native_layer_norm_backward.default
_gelu_backward = torch.ops.aten.gelu_backward.default
EPS = 1e-5  # nn.LayerNorm's default


def supports(block: nn.Module) -> bool:
    """Whether `block` (model.Block) is one this Function computes exactly."""
    attn, mlp = block.attn, block.mlp
    return (attn.fused and attn.c_attn.bias is None and attn.c_proj.bias is None
            and mlp.c_fc.bias is None and mlp.c_proj.bias is None and mlp.gelu.approximate == "none"
            and block.ln_1.eps == EPS and block.ln_2.eps == EPS)


@lru_cache(maxsize=16)
def _causal_bias(T: int) -> torch.Tensor:
    """(1, T, T): 0 on and below the diagonal, -inf above (the seed's masked_fill, as an add)."""
    return torch.full((T, T), float("-inf")).triu(1).unsqueeze(0)


def _weights(block: nn.Module) -> list[torch.Tensor]:
    attn, mlp = block.attn, block.mlp
    return [block.ln_1.weight, block.ln_1.bias, attn.c_attn.weight, attn.c_proj.weight,
            block.ln_2.weight, block.ln_2.bias, mlp.c_fc.weight, mlp.c_proj.weight]


def block_forward(block: nn.Module, x: torch.Tensor, B: int, T: int) -> torch.Tensor:
    """model.Block.forward on the flat (B*T, d) residual stream, as one autograd node."""
    return BlocksFunction.apply(x, B, T, block.attn.n_head, *_weights(block))


def blocks_forward(blocks: list[nn.Module], x: torch.Tensor, B: int, T: int) -> torch.Tensor:
    """Every block in turn, all as one autograd node (the Function's own overhead, ~25 us a call
    in Python, paid once a step instead of once per block)."""
    return BlocksFunction.apply(x, B, T, blocks[0].attn.n_head, *[w for b in blocks for w in _weights(b)])


class BlocksFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, B: int, T: int, H: int, *weights: torch.Tensor) -> torch.Tensor:
        saved = []
        for i in range(0, len(weights), 8):
            x, block_saved = _forward(x, B, T, H, *weights[i : i + 8])
            saved.append(block_saved)
        # intermediates kept as attributes: save_for_backward's checks are for inputs/outputs
        ctx.saved, ctx.shape = saved, (B, T, H)
        return x

    @staticmethod
    @once_differentiable  # a clear error, not wrong numbers, if anyone asks for double backward
    def backward(ctx: Any, dx: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        saved = ctx.saved
        del ctx.saved  # free the activations as soon as they are used, like autograd does
        grads: list[torch.Tensor] = []
        for block_saved in reversed(saved):
            dx, block_grads = _backward(dx, ctx.shape, *block_saved)
            grads[:0] = block_grads
        return (dx, None, None, None, *grads)


def _forward(x: torch.Tensor, B: int, T: int, H: int, ln1_w: torch.Tensor, ln1_b: torch.Tensor,
             w_attn: torch.Tensor, w_aproj: torch.Tensor, ln2_w: torch.Tensor, ln2_b: torch.Tensor,
             w_fc: torch.Tensor, w_mproj: torch.Tensor) -> tuple[torch.Tensor, tuple]:
    d = x.size(1)
    hs = d // H
    h1, mean1, rstd1 = torch.native_layer_norm(x, [d], ln1_w, ln1_b, EPS)
    # attention by hand, as the seed writes it: at T <= 12 a few batched matmuls cost less than
    # the flash kernel's setup, forward and backward
    qkv = torch.mm(h1, w_attn.t()).view(B, T, 3, H, hs).permute(2, 0, 3, 1, 4).reshape(3, B * H, T, hs)
    q, k, v = qkv.unbind(0)
    att = torch.softmax(torch.baddbmm(_causal_bias(T), q, k.transpose(1, 2), alpha=1.0 / math.sqrt(hs)), dim=-1)
    y = torch.bmm(att, v).view(B, H, T, hs).transpose(1, 2).reshape(B * T, d)
    x2 = x + torch.mm(y, w_aproj.t())
    h2, mean2, rstd2 = torch.native_layer_norm(x2, [d], ln2_w, ln2_b, EPS)
    f = torch.mm(h2, w_fc.t())
    g = F.gelu(f)
    saved = (x, h1, mean1, rstd1, q, k, v, att, y, x2, h2, mean2, rstd2, f, g,
             ln1_w, ln1_b, w_attn, w_aproj, ln2_w, ln2_b, w_fc, w_mproj)
    return x2 + torch.mm(g, w_mproj.t()), saved


def _backward(dx3: torch.Tensor, shape: tuple[int, int, int], x: torch.Tensor, h1: torch.Tensor,
              mean1: torch.Tensor, rstd1: torch.Tensor, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
              att: torch.Tensor, y: torch.Tensor, x2: torch.Tensor, h2: torch.Tensor, mean2: torch.Tensor,
              rstd2: torch.Tensor, f: torch.Tensor, g: torch.Tensor, ln1_w: torch.Tensor, ln1_b: torch.Tensor,
              w_attn: torch.Tensor, w_aproj: torch.Tensor, ln2_w: torch.Tensor, ln2_b: torch.Tensor,
              w_fc: torch.Tensor, w_mproj: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    B, T, H = shape
    d = x.size(1)
    hs = d // H
    all3 = [True, True, True]
    # MLP
    dw_mproj = torch.mm(dx3.t(), g)
    df = _gelu_backward(torch.mm(dx3, w_mproj), f)
    dw_fc = torch.mm(df.t(), h2)
    dx2, dln2_w, dln2_b = _layer_norm_backward(torch.mm(df, w_fc), x2, [d], mean2, rstd2, ln2_w, ln2_b, all3)
    dx2 = dx2 + dx3
    # attention
    dw_aproj = torch.mm(dx2.t(), y)
    dy = torch.mm(dx2, w_aproj).view(B, T, H, hs).transpose(1, 2).reshape(B * H, T, hs)
    dv = torch.bmm(att.transpose(1, 2), dy)
    dscores = torch._softmax_backward_data(torch.bmm(dy, v.transpose(1, 2)), att, -1, att.dtype)
    dscores = dscores * (1.0 / math.sqrt(hs))
    dq, dk = torch.bmm(dscores, k), torch.bmm(dscores.transpose(1, 2), q)
    dqkv = torch.stack((dq, dk, dv)).view(3, B, H, T, hs).permute(1, 3, 0, 2, 4).reshape(B * T, 3 * d)
    dw_attn = torch.mm(dqkv.t(), h1)
    dx, dln1_w, dln1_b = _layer_norm_backward(torch.mm(dqkv, w_attn), x, [d], mean1, rstd1, ln1_w, ln1_b, all3)
    return dx + dx2, [dln1_w, dln1_b, dw_attn, dw_aproj, dln2_w, dln2_b, dw_fc, dw_mproj]
