"""What a run file is: its format names, its one error, and the config check both the
container guard (run_file_guard.py, before any tensor is read) and the field checks (run_file.py)
apply. Its own module so that neither of those two imports the other."""

from __future__ import annotations

from typing import Any

from ..core.checks import echo
from ..core.config import RunConfig
from ..core.model import GPTConfig

FILE_FORMAT = "babygpt-widget/run/2"
OLD_FILE_FORMAT = "babygpt-widget/run/1"  # no run string: read, never written
FILE_FORMATS = (FILE_FORMAT, OLD_FILE_FORMAT)
REFUSED = "not a babygpt-widget run file, or one that would need to run code to load; refused"


class RunFileError(ValueError):
    """A run file that is not what `BabyGPT.save` writes."""

    def __init__(self, what: str) -> None:
        super().__init__(f"path: not a valid babygpt-widget run ({what}); refused")


def _model_config(config: RunConfig) -> GPTConfig:
    return GPTConfig(block_size=config.context_length, vocab_size=len(config.alphabet), n_layer=config.n_layer,
                     n_head=config.n_head, n_embd=config.n_embd, fused_attention=True)


def _require(ok: bool, what: str) -> None:
    if not ok:
        raise RunFileError(what)


def _keys(d: dict) -> set:
    return set(d) if all(isinstance(k, str) for k in d) else {object()}


def _check_config(saved: Any) -> RunConfig:
    names = RunConfig.field_names()
    older = set(names) - {"teach"}  # files written before teach / nudge existed
    _require(isinstance(saved, dict) and _keys(saved) in (set(names), older), f"config must have exactly {', '.join(names)}")
    types = {"sequence": (str,), "alphabet": (str,), "lr": (float, int), "weight_decay": (float, int), "teach": (str,)}
    for name in (n for n in names if n in saved):
        value = saved[name]
        _require(type(value) in types.get(name, (int,)), f"config.{name} has the wrong type: {echo(value)}")
    try:
        return RunConfig(**saved).validated()
    except ValueError as e:
        raise RunFileError(f"config: {echo(str(e))}") from None
