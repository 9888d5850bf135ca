"""The threading policy every layer shares: how many threads torch may use for one request, and
the run's lock held around a method."""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

import torch


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one intra-op thread: a model this small only loses to thread hand-offs,
    and badly so when another process (the browser, the server) busies the other core."""
    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


_F = TypeVar("_F", bound=Callable[..., Any])


def holding_lock(method: _F) -> _F:
    """Run the method holding its object's ``_lock`` (the run's re-entrant lock)."""
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)
    return locked  # type: ignore[return-value]
