"""How many threads torch may use for one request: the threading policy every layer shares."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

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
