"""Issue 19 §10: the opt-in compiled step broke the run string's promise (a rebuilt run differed
by 3.7e-2), aborted exiting processes and stalled the main thread; it is gone, and the variable
that turned it on does nothing."""

from __future__ import annotations

import importlib.util
import threading

import torch

from babygpt_widget import BabyGPT


def test_the_compiled_step_module_is_gone() -> None:
    assert importlib.util.find_spec("babygpt_widget.compiled_step") is None


def test_the_old_switch_changes_nothing(monkeypatch) -> None:
    """BABYGPT_COMPILED_STEP=1 starts no compile (torch.compile is never called, no thread is
    started) and the run equals its rebuild from the run string bit for bit."""
    monkeypatch.setenv("BABYGPT_COMPILED_STEP", "1")

    calls: list[str] = []
    monkeypatch.setattr(torch, "compile", lambda *a, **k: calls.append("torch.compile"))
    start = threading.Thread.start

    def logged_start(thread: threading.Thread) -> None:
        calls.append(f"thread {thread.name}")
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", logged_start)
    run = BabyGPT()
    run.train(80)
    assert [c for c in calls if "compile" in c] == []
    again = BabyGPT.from_run_string(run.run_string)
    assert torch.equal(torch.as_tensor(run.probabilities), torch.as_tensor(again.probabilities))
    assert run.loss == again.loss
