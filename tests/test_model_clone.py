"""clone_model: a private copy of a model, equal to copy.deepcopy's and independent of the original."""

import copy

import torch

from babygpt_widget import BabyGPT
from babygpt_widget.core.model_clone import clone_model


def test_clone_equals_deepcopy_keeps_ties_and_is_independent():
    run = BabyGPT(alphabet="012", context_length=2, sequence="0120120112", n_layer=2, n_embd=8, n_head=2)
    run.train(3)
    model, x = run.model, run._space.token_ids(2)
    clone, deep = clone_model(model), copy.deepcopy(model)
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert clone.transformer.wte.weight is clone.lm_head.weight  # tied, as in the original
    assert clone.transformer.wte.weight is not model.transformer.wte.weight
    assert torch.equal(clone(x), model(x)) and torch.equal(clone(x), deep(x))
    with torch.no_grad():
        for p in clone.parameters():
            p.add_(1.0)
    assert torch.equal(deep(x), model(x)) and not torch.equal(clone(x), model(x))  # the original untouched
    clone.requires_grad_(False)
    assert all(p.requires_grad for p in model.parameters())
