"""The seed's model and the published figures of DESIGN §1, reproduced exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from babygpt_widget import BabyGPT
from babygpt_widget.core.model import GPT, GPTConfig

SEED_SEQ = "111101111011110"


def seed_windows() -> tuple[torch.Tensor, torch.Tensor]:
    """The seed notebook's data, built by hand: X = seq[i:i+3], Y = seq[i+3]."""
    seq = [int(c) for c in SEED_SEQ]
    X = torch.tensor([seq[i : i + 3] for i in range(len(seq) - 3)], dtype=torch.long)
    Y = torch.tensor(seq[3:], dtype=torch.long)
    return X, Y


def seed_loop(steps: int) -> tuple[GPT, list[float]]:
    """The seed's plain training loop: mean cross-entropy over the 12 windows, full batch."""
    rng = torch.get_rng_state()
    torch.manual_seed(1337)
    model = GPT(GPTConfig())
    torch.set_rng_state(rng)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-1)
    X, Y = seed_windows()
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(X), Y)
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model, losses


def all_states(C: int = 3, V: int = 2) -> torch.Tensor:
    return torch.tensor([[(i // V ** (C - 1 - j)) % V for j in range(C)] for i in range(V**C)])


# -- published figures -----------------------------------------------------------------------------
def test_default_model_has_12656_parameters():
    assert BabyGPT().num_parameters == 12_656
    assert GPT(GPTConfig()).num_parameters == 12_656
    # the tied weight counts once: this is not the naive sum over named tensors
    assert sum(p.numel() for _, p in GPT(GPTConfig()).state_dict().items()) > 12_656


def test_published_losses_of_the_50_steps(_trained_seed):
    losses = BabyGPT().train(50)
    assert len(losses) == 50
    assert losses[0] == pytest.approx(0.663539469242096, abs=1e-5)
    assert losses[49] == pytest.approx(0.4699831008911133, abs=1e-5)
    assert all(a > b for a, b in zip(losses[:-1], losses[1:])), "full-batch AdamW at lr 1e-3 descends monotonically"


def test_published_probabilities_after_training(trained):
    p1 = dict(zip(trained.states, trained.probabilities[:, 1].tolist()))
    assert p1["101"] == pytest.approx(0.793, abs=2e-3)
    assert p1["111"] == pytest.approx(0.454, abs=2e-3)
    assert p1["000"] == pytest.approx(0.732, abs=2e-3)


def test_untrained_model_is_near_uniform(fresh):
    np.testing.assert_allclose(fresh.probabilities[0], [0.4963, 0.5037], atol=1e-3)
    assert np.all(np.abs(fresh.probabilities - 0.5) < 0.05)
    assert fresh.loss == pytest.approx(0.663539469242096, abs=1e-6)


def test_engine_matches_a_plain_seed_loop():
    """The engine's count-weighted loss over states equals the seed's mean over windows."""
    model, seed_losses = seed_loop(50)
    run = BabyGPT()
    losses = run.train(50)
    np.testing.assert_allclose(losses, seed_losses, rtol=0, atol=1e-6)
    with torch.no_grad():
        seed_probs = torch.softmax(model(all_states()), dim=-1).numpy()
    np.testing.assert_allclose(run.probabilities, seed_probs, rtol=0, atol=1e-5)
    # and the loss the engine reports for the current weights is the seed's formula too
    X, Y = seed_windows()
    with torch.no_grad():
        assert run.loss == pytest.approx(F.cross_entropy(model(X), Y).item(), abs=1e-6)


# -- architecture ------------------------------------------------------------------------------------
@pytest.mark.parametrize("T", [1, 2, 3])
def test_forward_accepts_lengths_1_to_C_and_returns_last_position_logits(T):
    torch.manual_seed(0)
    model = GPT(GPTConfig())
    full = torch.randint(0, 2, (5, 3))
    with torch.no_grad():
        out = model(full[:, :T])
        # by hand: every position's logits of the full input; causality makes position T-1
        # of the full input equal to the last position of the length-T prefix
        h = (model.transformer.wte(full) + model.transformer.wpe(torch.arange(3))).view(15, -1)
        for block in model.transformer.h:
            h = block(h, 5, 3)
        every = model.lm_head(model.transformer.ln_f(h)).view(5, 3, -1)
    assert out.shape == (5, 2)
    torch.testing.assert_close(out, every[:, T - 1])


def test_forward_is_causal():
    model = GPT(GPTConfig(n_layer=2))
    x = torch.tensor([[0, 1, 1]])
    y = torch.tensor([[0, 1, 0]])
    with torch.no_grad():
        # the prediction after 2 tokens is the same whatever comes 3rd
        h = (model.transformer.wte(x) + model.transformer.wpe(torch.arange(3))).view(3, -1)
        hy = (model.transformer.wte(y) + model.transformer.wpe(torch.arange(3))).view(3, -1)
        for block in model.transformer.h:
            h, hy = block(h, 1, 3), block(hy, 1, 3)
        torch.testing.assert_close(h[:2], hy[:2])
        assert not torch.allclose(h[2], hy[2])


@pytest.mark.parametrize("T", [0, 4])
def test_forward_rejects_length_0_and_C_plus_1(T):
    model = GPT(GPTConfig())
    with pytest.raises(ValueError, match="between 1 and 3"):
        model(torch.zeros((2, T), dtype=torch.long))


def test_lm_head_is_tied_to_wte():
    model = GPT(GPTConfig())
    assert model.lm_head.weight is model.transformer.wte.weight
    with torch.no_grad():
        model.lm_head.weight[0, 0] = 123.0
    assert model.transformer.wte.weight[0, 0].item() == 123.0


def test_module_layout_matches_nanogpt():
    model = GPT(GPTConfig())
    names = [n for n, _ in model.named_parameters()]
    assert names[:2] == ["transformer.wte.weight", "transformer.wpe.weight"]
    block0 = [n for n in names if n.startswith("transformer.h.0.")]
    assert block0 == [
        "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias",
        "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.weight",
        "transformer.h.0.ln_2.weight", "transformer.h.0.ln_2.bias",
        "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_proj.weight",
    ]  # bias=False: Linear layers have no bias, LayerNorms keep theirs
    assert names[-2:] == ["transformer.ln_f.weight", "transformer.ln_f.bias"]  # lm_head is the tied wte
    assert model.transformer.h[0].attn.c_attn.weight.shape == (48, 16)
    assert model.transformer.h[0].mlp.c_fc.weight.shape == (64, 16)
    assert model.transformer.wpe.weight.shape == (3, 16)
    assert len(model.transformer.h) == 4


def test_gpt2_init_statistics():
    torch.manual_seed(0)
    model = GPT(GPTConfig(n_embd=64, n_head=4, n_layer=4))
    for name, p in model.named_parameters():
        if name.endswith("c_proj.weight"):
            assert p.std().item() == pytest.approx(0.02 / math.sqrt(8), rel=0.1), name
        elif name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
            assert torch.all(p == 1), name
        elif name.endswith("bias"):
            assert torch.all(p == 0), name
        else:
            assert p.std().item() == pytest.approx(0.02, rel=0.1), name
            assert abs(p.mean().item()) < 0.005


def test_seed_determinism_and_user_rng_untouched():
    torch.manual_seed(42)
    before = torch.get_rng_state()
    a, b = BabyGPT(), BabyGPT()
    assert torch.equal(torch.get_rng_state(), before), "BabyGPT() must not consume the user's global RNG"
    for (na, pa), (nb, pb) in zip(a.model.state_dict().items(), b.model.state_dict().items()):
        assert na == nb and torch.equal(pa, pb)
    a.train(3)
    a.reset()
    a.configure(n_layer=2)
    a.sample(10)
    a.sample(10, seed=3)
    assert torch.equal(torch.get_rng_state(), before), "reset/configure/sample must not touch the global RNG"
    # the engine's init is exactly GPT built right after manual_seed(seed)
    torch.manual_seed(1337)
    ref = GPT(GPTConfig())
    for name, p in ref.state_dict().items():
        assert torch.equal(p, b.model.state_dict()[name]), name


def test_other_seed_gives_other_weights():
    a, b = BabyGPT(), BabyGPT(seed=1)
    assert not torch.equal(a.model.transformer.wpe.weight, b.model.transformer.wpe.weight)
    assert a.probabilities.tolist() != b.probabilities.tolist()
