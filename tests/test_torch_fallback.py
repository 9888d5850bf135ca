"""An older torch (no fused AdamW on CPU before 2.4) trains with plain AdamW and gets the seed's numbers."""

from __future__ import annotations

import pytest
import torch

from babygpt_widget import BabyGPT
from babygpt_widget.core.fused_adamw import cpu_fused_adamw

SEED_LOSS_49 = 0.4699831  # the seed's loss at step 49 (fused AdamW, torch 2.13)
REAL_ADAMW = torch.optim.AdamW


class RefusesFusedOnCpu(REAL_ADAMW):
    """AdamW as torch 2.1-2.3 build it: fused=True only for CUDA parameters."""

    def __init__(self, params, *args, fused=None, **kwargs):
        if fused:
            raise RuntimeError("`fused=True` requires all the params to be floating point Tensors of "
                               "supported devices: ['cuda']")
        super().__init__(params, *args, fused=fused, **kwargs)


@pytest.fixture
def fresh_probe():
    cpu_fused_adamw.cache_clear()
    yield
    cpu_fused_adamw.cache_clear()


@pytest.fixture
def old_torch(monkeypatch, fresh_probe):
    """torch 2.1-2.3 on CPU: AdamW refuses fused=True and the fused kernel is not there to call."""
    monkeypatch.setattr(torch.optim, "AdamW", RefusesFusedOnCpu)
    monkeypatch.delattr(torch, "_fused_adamw_")


def is_fused(gpt: BabyGPT) -> bool:
    return bool(gpt._trainer.optimizer.param_groups[0]["fused"])


def test_current_torch_uses_the_fused_kernel(fresh_probe):
    gpt = BabyGPT()
    assert gpt.train(50)[49] == pytest.approx(SEED_LOSS_49, abs=1e-5)
    assert cpu_fused_adamw() and is_fused(gpt)


def test_old_torch_falls_back_to_plain_adamw_with_the_seeds_numbers(old_torch):
    gpt = BabyGPT()
    losses = gpt.train(50)
    assert not cpu_fused_adamw() and not is_fused(gpt)
    assert losses[0] == pytest.approx(0.6635, abs=1e-4)
    assert losses[49] == pytest.approx(SEED_LOSS_49, abs=1e-5)


def test_missing_cpu_kernel_at_step_time_also_falls_back(monkeypatch, fresh_probe):
    """A torch that accepts fused=True but has no CPU kernel fails at the first step instead."""
    def no_cpu_kernel(*args, **kwargs):
        raise NotImplementedError("Could not run 'aten::_fused_adamw_' with arguments from the 'CPU' backend")

    monkeypatch.setattr(torch, "_fused_adamw_", no_cpu_kernel)
    gpt = BabyGPT()
    assert gpt.train(50)[49] == pytest.approx(SEED_LOSS_49, abs=1e-5)
    assert not is_fused(gpt)


def test_run_saved_with_fused_adamw_loads_and_trains_on_old_torch(tmp_path, monkeypatch, fresh_probe):
    gpt = BabyGPT()
    gpt.train(25)
    gpt.save(tmp_path / "run.pt")
    expected = gpt.train(25)
    monkeypatch.setattr(torch.optim, "AdamW", RefusesFusedOnCpu)
    monkeypatch.delattr(torch, "_fused_adamw_")
    cpu_fused_adamw.cache_clear()
    loaded = BabyGPT.load(tmp_path / "run.pt")
    assert not is_fused(loaded)  # the file's fused=True flag does not come back on a torch without the kernel
    assert loaded.train(25) == pytest.approx(expected, abs=1e-5)


def test_run_saved_on_old_torch_trains_fused_on_current_torch(tmp_path, monkeypatch, fresh_probe):
    with monkeypatch.context() as m:
        m.setattr(torch.optim, "AdamW", RefusesFusedOnCpu)
        gpt = BabyGPT()
        gpt.train(25)
        gpt.save(tmp_path / "run.pt")
        expected = gpt.train(25)
    cpu_fused_adamw.cache_clear()
    loaded = BabyGPT.load(tmp_path / "run.pt")
    assert is_fused(loaded)
    assert loaded.train(25) == pytest.approx(expected, abs=1e-5)
