"""Alphabet <-> token ids and the training windows of a sequence."""

from __future__ import annotations

import torch

from .checks import echo
from .config import ConfigError


def encode(text: str, alphabet: str, field: str = "sequence") -> list[int]:
    index = {c: i for i, c in enumerate(alphabet)}
    try:
        return [index[c] for c in text]
    except KeyError as e:
        raise ConfigError(field, f"character {echo(e.args[0])} is not in the alphabet {echo(alphabet)}") from None


def decode(ids: list[int] | torch.Tensor, alphabet: str) -> str:
    return "".join(alphabet[int(i)] for i in ids)


def training_windows(ids: list[int], context_length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The seed's data: X = ids[i:i+C], Y = ids[i+C] for every full window."""
    seq = torch.tensor(ids, dtype=torch.long)
    n = len(ids) - context_length
    if n < 1:
        raise ConfigError("sequence", f"length must be at least context_length + 1 = {context_length + 1}; got {len(ids)}")
    X = seq.unfold(0, context_length, 1)[:n].contiguous()
    Y = seq[context_length:].clone()
    return X, Y
