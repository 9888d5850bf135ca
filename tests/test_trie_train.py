"""Large chains train through the prefix trie (trie_train.py): same logits, loss, gradients and
history snapshots as the plain batched forward over every context / every training window."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from babygpt_widget import BabyGPT
from babygpt_widget.core.chain import StateSpace
from babygpt_widget.core.model import GPT, GPTConfig
from babygpt_widget.core.trie_train import fits, trie_logits, trie_rows


def plain_logits(model: GPT, V: int, C: int) -> torch.Tensor:
    """Every context of length 1..C, one plain forward per length (the seed's computation)."""
    space = StateSpace("".join(map(str, range(V))), C)
    return torch.cat([model(space.token_ids(L)) for L in range(1, C + 1)])


@pytest.mark.parametrize("V,C,bias", [(2, 8, False), (3, 5, False), (2, 6, True)])
def test_trie_logits_match_the_plain_forward_with_gradients(V, C, bias):
    torch.manual_seed(0)
    model = GPT(GPTConfig(block_size=C, vocab_size=V, n_layer=2, n_head=4, n_embd=16, bias=bias))
    for p in model.parameters():  # away from init, where many gradients vanish
        p.data.add_(0.3 * torch.randn_like(p))
    target = torch.randn(sum(V**L for L in range(1, C + 1)), V)
    grads = []
    for f in (lambda: trie_logits(model, C), lambda: plain_logits(model, V, C)):
        logits = f()
        (logits * target).sum().backward()
        grads.append({n: p.grad.clone() for n, p in model.named_parameters()})
        model.zero_grad(set_to_none=True)
        grads[-1]["logits"] = logits.detach()
    trie, plain = grads
    assert torch.allclose(trie.pop("logits"), plain.pop("logits"), atol=1e-5)
    for name in plain:  # sums over thousands of contexts: compare relative to the gradient's size
        scale = plain[name].abs().max()
        assert (trie[name] - plain[name]).abs().max() <= 1e-5 * scale, name


def test_a_large_chain_trains_through_the_trie_like_the_windows_forward():
    rng = random.Random(0)
    sequence = "".join(rng.choice("01") for _ in range(600))
    run = BabyGPT(sequence=sequence, context_length=9, n_layer=2)
    trainer = run._trainer
    assert trainer._flat_trie  # 512 states: the trie path
    ids = torch.tensor([int(c) for c in sequence])
    X, Y = ids.unfold(0, 9, 1)[:-1], ids[9:]
    reference = GPT(run.model.config)
    reference.load_state_dict(run.model.state_dict())
    ref_opt = torch.optim.AdamW(reference.parameters(), lr=1e-3, weight_decay=0.1)
    ref_losses = []
    for _ in range(5):
        loss = F.cross_entropy(reference(X), Y)
        loss.backward()
        ref_opt.step()
        ref_opt.zero_grad()
        ref_losses.append(loss.item())
    losses = run.train(5)
    assert np.allclose(losses, ref_losses, atol=1e-6)
    with torch.no_grad():
        expected = torch.softmax(plain_logits(reference, 2, 9), -1).numpy()
    assert np.abs(run._all_probs - expected).max() < 1e-5
    history = run.history  # every step's snapshot came from the trie pass of that step's weights
    assert list(history.steps) == [0, 1, 2, 3, 4, 5]
    assert np.abs(history.probs[-1] - expected[-512:]).max() < 1e-5


def test_too_wide_models_fall_back_to_the_windows_forward():
    wide = GPT(GPTConfig(block_size=12, vocab_size=2, n_layer=12, n_head=4, n_embd=256))
    assert not fits(wide, 12)
    assert fits(GPT(GPTConfig(block_size=12, vocab_size=2)), 12)


def test_rows_outside_the_data_run_without_autograd_and_change_nothing():
    torch.manual_seed(1)
    V, C = 2, 7
    model = GPT(GPTConfig(block_size=C, vocab_size=V, n_layer=2))
    for p in model.parameters():
        p.data.add_(0.3 * torch.randn_like(p))
    seen = torch.tensor([0, 5, 17, 64, 100, 127])
    rows = trie_rows(V, C, seen)
    assert len(rows.trained.token) + len(rows.free.token) == 2**(C + 1) - 2
    assert len(rows.free.token) == V**C - len(seen)
    weights = torch.randn(len(seen), V)
    results = []
    for r in (None, rows):
        logits = trie_logits(model, C, r)
        (logits[-V**C:][seen] * weights).sum().backward()
        results.append((logits.detach(), {n: p.grad.clone() for n, p in model.named_parameters()}))
        model.zero_grad(set_to_none=True)
    (all_rows, all_grads), (split, split_grads) = results
    assert torch.allclose(all_rows, split, atol=1e-6)
    for name in all_grads:
        assert torch.allclose(all_grads[name], split_grads[name], atol=1e-6), name
