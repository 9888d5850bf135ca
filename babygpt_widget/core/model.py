"""The seed's babyGPT: a minimal nanoGPT whose forward returns last-position logits.

Module creation and initialisation order follow nanoGPT exactly, because the order decides
which random numbers each weight draws and so whether the seed's published losses reproduce.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .block_function import block_forward, blocks_forward, supports


@dataclass(frozen=True)
class GPTConfig:
    block_size: int = 3  # context length C
    vocab_size: int = 2  # V
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 16
    bias: bool = False  # bias in Linear layers; LayerNorms always keep theirs (PyTorch default)
    # The seed writes attention out by hand; PyTorch's fused kernel computes the same thing
    # (to ~1e-7) faster, as nanoGPT's "flash" path does. The engine turns it on.
    fused_attention: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.fused = config.fused_attention
        mask = torch.tril(torch.ones(config.block_size, config.block_size))
        self.register_buffer("mask", mask.view(1, 1, config.block_size, config.block_size), persistent=False)

    def forward(self, x: torch.Tensor, B: int, T: int) -> torch.Tensor:
        """x: (B*T, C), the flattened residual stream (see GPT._hidden)."""
        C, hs = self.n_embd, self.n_embd // self.n_head
        # one view + permute instead of split + 3 views + 3 transposes: same tensors, fewer
        # autograd nodes — a babyGPT step is mostly per-op overhead
        q, k, v = self.c_attn(x).view(B, T, 3, self.n_head, hs).permute(2, 0, 3, 1, 4).unbind(0)  # (B, nh, T, hs)
        if self.fused:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
            att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
        return self.c_proj(y.transpose(1, 2).reshape(B * T, C))


class MLP(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)
        self.one_node = supports(self)  # train as one autograd node (block_function.py)

    def forward(self, x: torch.Tensor, B: int, T: int) -> torch.Tensor:
        if self.one_node and torch.is_grad_enabled():
            return block_forward(self, x, B, T)
        return self.forward_modules(x, B, T)

    def forward_modules(self, x: torch.Tensor, B: int, T: int) -> torch.Tensor:
        """The block op by op (autograd records each): the reference for block_function.py."""
        x = x + self.attn(self.ln_1(x), B, T)
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(config.vocab_size, config.n_embd),
                wpe=nn.Embedding(config.block_size, config.n_embd),
                h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
                ln_f=nn.LayerNorm(config.n_embd),
            )
        )
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying
        # GPT-2 init, in module order; then the scaled re-draw of residual projections.
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    @property
    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())  # parameters() counts the tied weight once

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """(B, T) token ids, 1 <= T <= block_size -> (B, V) logits of the last position."""
        B, T = idx.size()
        return self.lm_head(self.transformer.ln_f(self._hidden(idx).view(B, T, -1)[:, -1, :]))

    def forward_all(self, idx: torch.Tensor, training_path: bool = False) -> torch.Tensor:
        """(B, T) -> (B, T, V) logits of every position. Attention is causal, so position j's
        logits are those of the context idx[:, :j+1]: one pass gives every shorter context too.
        `training_path`: the training step's kernels even without grad (the run's own chain and
        loss then equal a training step's bit for bit, as the page's engine computes them; the
        no-grad module path reads attention through the fused kernel, ~1 ulp away)."""
        B, T = idx.size()
        return self.lm_head(self.transformer.ln_f(self._hidden(idx, training_path))).view(B, T, -1)

    def _hidden(self, idx: torch.Tensor, training_path: bool = False) -> torch.Tensor:
        """(B, T) -> (B*T, n_embd): the residual stream after the blocks, kept flat because a
        Linear on 2-D input is one autograd node, on 3-D input three (view, mm, view): ~10%
        of a training step."""
        B, T = idx.size()
        if not 1 <= T <= self.config.block_size:
            raise ValueError(f"sequence length {T} must be between 1 and {self.config.block_size}")
        pos = torch.arange(T, dtype=torch.long, device=idx.device)
        x = (self.transformer.wte(idx) + self.transformer.wpe(pos)).view(B * T, self.config.n_embd)
        blocks = self.transformer.h
        if (training_path or torch.is_grad_enabled()) and all(block.one_node for block in blocks):
            return blocks_forward(list(blocks), x, B, T)  # one autograd node (block_function.py)
        for block in blocks:
            x = block(x, B, T)
        return x
