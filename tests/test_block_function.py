"""The one-node transformer block (block_function.py): same outputs and gradients as the block
op by op under autograd, and the engine's model trains with it."""

from __future__ import annotations

import pytest
import torch

from babygpt_widget import BabyGPT
from babygpt_widget.core.block_function import block_forward
from babygpt_widget.core.model import GPT, Block, GPTConfig


def perturbed_block(config: GPTConfig) -> Block:
    torch.manual_seed(0)
    block = Block(config)
    with torch.no_grad():  # away from LayerNorm's identity init, so every gradient is exercised
        for p in block.parameters():
            p.add_(0.3 * torch.randn_like(p))
    return block


@pytest.mark.parametrize("B,T,n_head,n_embd", [(8, 3, 4, 16), (5, 1, 4, 16), (3, 12, 2, 8), (16, 7, 16, 32)])
def test_one_node_block_matches_autograd_to_1e_6(B, T, n_head, n_embd):
    block = perturbed_block(GPTConfig(block_size=max(T, 3), n_head=n_head, n_embd=n_embd, fused_attention=True))
    assert block.one_node
    x = torch.randn(B * T, n_embd)
    upstream = torch.randn(B * T, n_embd)
    results = []
    for one_node in (True, False):
        xi = x.clone().requires_grad_()
        # the reference: autograd through the same math op by op (attention as the seed writes it)
        block.attn.fused = one_node
        out = block_forward(block, xi, B, T) if one_node else block.forward_modules(xi, B, T)
        (out * upstream).sum().backward()
        results.append((out.detach(), xi.grad, {n: p.grad.clone() for n, p in block.named_parameters()}))
        block.zero_grad(set_to_none=True)
    (out1, dx1, grads1), (out2, dx2, grads2) = results
    close(out1, out2)
    close(dx1, dx2)
    for name in grads2:
        close(grads1[name], grads2[name])


def close(a: torch.Tensor, b: torch.Tensor) -> None:
    """Within 1e-6, relative to the tensor's size where it exceeds 1 (float32 rounding)."""
    assert (a - b).abs().max() <= 1e-6 * max(1.0, float(b.abs().max()))


def test_other_blocks_keep_autograd():
    assert not Block(GPTConfig(bias=True, fused_attention=True)).one_node
    assert not Block(GPTConfig(fused_attention=False)).one_node


def test_the_engine_trains_one_node_blocks_and_keeps_the_seed_numbers():
    run = BabyGPT()
    assert all(block.one_node for block in run.model.transformer.h)
    losses = run.train(50)
    assert losses[0] == 0.663539469242096  # the forward is the same ops: the same float
    assert losses[49] == pytest.approx(0.4699831008911133, abs=1e-6)


def test_all_blocks_as_one_node_match_autograd_through_the_whole_model():
    torch.manual_seed(3)
    model = GPT(GPTConfig(block_size=5, vocab_size=3, n_layer=3, fused_attention=True))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
    idx = torch.randint(0, 3, (11, 5))
    target = torch.randn(11, 5, 3)
    results = []
    for one_node in (True, False):
        for block in model.transformer.h:  # the reference: autograd op by op, the seed's attention
            block.one_node = block.attn.fused = one_node
        logits = model.forward_all(idx)
        (logits * target).sum().backward()
        results.append([logits.detach()] + [p.grad.clone() for p in model.parameters()])
        model.zero_grad(set_to_none=True)
    for a, b in zip(*results):
        close(a, b)
