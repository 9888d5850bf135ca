"""Run files: reading them safely and checking every field before anything uses it.

``torch.load(weights_only=True)`` refuses pickled code, but it accepts any tensors, numbers and
containers. Those are checked here against the model that the file's own (validated) config
builds: weights and optimizer moments must have that model's shapes (AdamW's fused kernel does
not check and would write out of bounds), optimizer settings must equal the config's, counters
must agree, and the history must satisfy the invariants ``History`` relies on (a stride of 0
would make the next record loop forever). Everything comes back as fresh, unaliased copies.

Format run/2 also carries the run string (the settings' history: see runstring.py), parsed as
strictly as a pasted one and checked against the file's settings and step; run/1 files, saved
before it existed, still load (their run string then says ``exact=0``).
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..core.fused_adamw import make_adamw
from ..core.checks import check_path, echo
from ..core.config import MAX_STEPS, RunConfig
from ..core.history import MAX_CAPACITY, capacity_for
from ..core.model import GPT
from .run_file_guard import check_container, file_size, open_regular_file
from .run_format import (FILE_FORMAT, FILE_FORMATS, OLD_FILE_FORMAT, REFUSED, RunFileError, _check_config,  # noqa: F401
                         _keys, _model_config, _require)
from .runstring import RunPlan, parse_run_string

MAX_FILE_BYTES = 1 << 30  # far above the largest allowed run (weights, moments, history)
MAX_STRIDE = 2**40
TOP_LEVEL = ("format", "config", "model", "optimizer", "global_step", "run_string", "history")
OLD_TOP_LEVEL = tuple(k for k in TOP_LEVEL if k != "run_string")
HISTORY_KEYS = ("steps", "losses", "probs", "stride", "capacity")
MOMENT_KEYS = ("step", "exp_avg", "exp_avg_sq")


@dataclass(frozen=True)
class CheckedRun:
    config: RunConfig
    model: dict[str, torch.Tensor]
    optimizer: dict
    global_step: int
    history: dict[str, Any]
    plan: RunPlan | None  # the run string's segments; None for a run/1 file


# -- files -----------------------------------------------------------------------------------------
def read_run_file(path: Any) -> Any:
    """The file's content as loaded by PyTorch's weights_only unpickler (not yet checked). Only
    regular files; the zip's records are bounded by the file's own config before any is read
    (run_file_guard.py: a FIFO or a zip bomb is refused at once)."""
    source = check_path(path, "r")
    if isinstance(source, str):
        with open_regular_file(source, path, MAX_FILE_BYTES) as f:
            return _read(f, path, os.fstat(f.fileno()).st_size)
    size = file_size(source, path)
    if size > MAX_FILE_BYTES:
        raise ValueError(f"path: larger than {MAX_FILE_BYTES:,} bytes, no babygpt-widget run is; refused")
    return _read(source, path, size)


def _read(f: Any, path: Any, size: int) -> Any:
    check_container(f, path, size)
    f.seek(0)
    try:
        state = torch.load(f, weights_only=True, map_location="cpu")
    except OSError as e:
        raise ValueError(f"path: cannot read {echo(path)}: {e.strerror or type(e).__name__}") from None
    except Exception:  # the unpickler's message advises weights_only=False: never repeat that
        raise ValueError(f"path: {REFUSED} ({echo(path)})") from None
    if not isinstance(state, dict) or state.get("format") not in FILE_FORMATS:
        raise ValueError(f"path: not a babygpt-widget run file (format {FILE_FORMAT}); refused ({echo(path)})")
    return state


def write_run_file(state: dict, target: Any, path: Any) -> None:
    """torch.save; to a path through a temporary file and a rename, so an interrupted or failed
    save never leaves half a file where a good one was."""
    try:
        if not isinstance(target, str):
            torch.save(state, target)
            return
        folder = os.path.dirname(os.path.abspath(target))
        fd, tmp = tempfile.mkstemp(prefix=".babygpt-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                torch.save(state, f)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as e:
        raise ValueError(f"path: cannot write {echo(path)}: {e.strerror or type(e).__name__}") from None
    except Exception as e:  # a file object that fails to write
        raise ValueError(f"path: cannot write to {echo(path)}: {type(e).__name__}") from None


# -- content ---------------------------------------------------------------------------------------
def check_run_state(state: Any) -> CheckedRun:
    """Every field of a loaded run file, checked; raises RunFileError (a ValueError) naming it."""
    old = isinstance(state, dict) and state.get("format") == OLD_FILE_FORMAT
    top = OLD_TOP_LEVEL if old else TOP_LEVEL
    _require(isinstance(state, dict) and _keys(state) == set(top), f"fields must be exactly {', '.join(top)}")
    _require(state["format"] in FILE_FORMATS, f"format must be {FILE_FORMAT!r}")
    config = _check_config(state["config"])
    global_step = state["global_step"]
    _require(type(global_step) is int and 0 <= global_step <= MAX_STEPS,
             f"global_step must be an integer from 0 to {MAX_STEPS:,}; got {echo(global_step)}")
    plan = None if old else _check_run_string(state["run_string"], config, global_step)
    gpt = _model_config(config)
    with torch.device("meta"):  # shapes only: no memory, no random numbers drawn
        reference = GPT(gpt)
    shapes = {name: tuple(t.shape) for name, t in reference.state_dict().items()}
    param_shapes = [tuple(p.shape) for p in reference.parameters()]
    model = _check_model(state["model"], shapes)
    optimizer = _check_optimizer(state["optimizer"], config, param_shapes, global_step)
    history = _check_history(state["history"], config, global_step)
    return CheckedRun(config, model, optimizer, global_step, history, plan)


def _check_run_string(text: Any, config: RunConfig, global_step: int) -> RunPlan:
    """The file's run string: it must parse, end with the file's settings and count its steps."""
    _require(type(text) is str, f"run_string must be a string; got {echo(text)}")
    try:
        plan = parse_run_string(text)
    except ValueError as e:
        raise RunFileError(echo(str(e))) from None
    _require(plan.steps == global_step, f"run_string counts {plan.steps:,} steps, global_step is {global_step:,}")
    _require(plan.too_long or plan.final == config, "run_string must end with the file's config")
    return plan


def _tensor(where: str, value: Any, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A finite, dense CPU tensor of exactly this shape and dtype, as a fresh contiguous copy."""
    _require(isinstance(value, torch.Tensor) and value.layout == torch.strided and not value.is_quantized
             and value.device.type == "cpu" and value.dtype == dtype and tuple(value.shape) == shape,
             f"{where} must be a {dtype} tensor of shape {shape}; got {_describe(value)}")
    plain = value.detach() if type(value) is torch.Tensor else value.detach().as_subclass(torch.Tensor)
    copy = plain.clone(memory_format=torch.contiguous_format)
    if dtype.is_floating_point:
        _require(bool(torch.isfinite(copy).all()), f"{where} has non-finite values")
    return copy


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"{value.dtype} {value.layout} tensor of shape {tuple(value.shape)} on {value.device}"
    return echo(value)


def _check_model(saved: Any, shapes: dict[str, tuple[int, ...]]) -> dict[str, torch.Tensor]:
    _require(isinstance(saved, dict) and _keys(saved) == set(shapes),
             "model must hold exactly the weights of the config's model")
    weights = {name: _tensor(f"model[{name!r}]", saved[name], shape) for name, shape in shapes.items()}
    # wte and lm_head are one tied weight: two different copies would make loading order-dependent
    _require(torch.equal(weights["transformer.wte.weight"], weights["lm_head.weight"]),
             "model: the tied weights transformer.wte.weight and lm_head.weight differ")
    return weights


IMPLEMENTATION_FLAGS = ("fused", "foreach")


def _reference_group(config: RunConfig) -> dict:
    """The param group our trainer's AdamW has for this config (settings only)."""
    probe = make_adamw([torch.zeros(1, requires_grad=True)], config.lr, config.weight_decay)
    group = dict(probe.param_groups[0])
    del group["params"]
    return group


def _same(a: Any, b: Any) -> bool:
    """Equal values of exactly the same types (1 is not True, nan is not nan)."""
    if type(a) is not type(b) or type(a) not in (int, float, bool, str, type(None), tuple, list):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _check_optimizer(saved: Any, config: RunConfig, param_shapes: list[tuple[int, ...]], global_step: int) -> dict:
    n = len(param_shapes)
    _require(isinstance(saved, dict) and _keys(saved) == {"state", "param_groups"},
             "optimizer must have exactly state and param_groups")
    groups = saved["param_groups"]
    _require(isinstance(groups, list) and len(groups) == 1 and isinstance(groups[0], dict),
             "optimizer.param_groups must be a list of one group")
    reference = _reference_group(config)
    group = groups[0]
    _require(_keys(group) == set(reference) | {"params"},
             f"optimizer settings must be exactly {', '.join(reference)}, params")
    for key, expected in reference.items():
        if key in IMPLEMENTATION_FLAGS:
            continue  # how this torch runs AdamW, not what it computes; make_adamw sets them on load
        _require(_same(group[key], expected),
                 f"optimizer {key} must be {expected!r} (the config's); got {echo(group[key])}")
    _require(_same(group["params"], list(range(n))),
             f"optimizer params must be the list 0..{n - 1}")
    state = saved["state"]
    _require(isinstance(state, dict), "optimizer.state must be a dict")
    if global_step == 0:
        _require(not state, "optimizer.state must be empty at global_step 0")
        moments: dict = {}
    else:
        _require(set(state) == set(range(n)) and all(type(k) is int for k in state),
                 f"optimizer.state must hold all {n} parameters after {global_step} steps")
        counter = float(torch.tensor(float(global_step), dtype=torch.float32))
        moments = {}
        for i, shape in enumerate(param_shapes):
            entry = state[i]
            _require(isinstance(entry, dict) and _keys(entry) == set(MOMENT_KEYS),
                     f"optimizer.state[{i}] must have exactly {', '.join(MOMENT_KEYS)}")
            step = _tensor(f"optimizer.state[{i}].step", entry["step"], ())
            _require(float(step) == counter, f"optimizer.state[{i}].step must equal global_step ({global_step})")
            exp_avg = _tensor(f"optimizer.state[{i}].exp_avg", entry["exp_avg"], shape)
            exp_avg_sq = _tensor(f"optimizer.state[{i}].exp_avg_sq", entry["exp_avg_sq"], shape)
            _require(bool((exp_avg_sq >= 0).all()), f"optimizer.state[{i}].exp_avg_sq must not be negative")
            moments[i] = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    return {"state": moments, "param_groups": [{**reference, "params": list(range(n))}]}


def _check_history(saved: Any, config: RunConfig, global_step: int) -> dict[str, Any]:
    _require(isinstance(saved, dict) and _keys(saved) == set(HISTORY_KEYS),
             f"history must have exactly {', '.join(HISTORY_KEYS)}")
    V, C = len(config.alphabet), config.context_length
    n_states = sum(V**L for L in range(1, C + 1))
    capacity = capacity_for(n_states, V)
    saved_capacity = saved["capacity"]  # informative only: the loaded run uses its own cap
    _require(type(saved_capacity) is int and 2 <= saved_capacity <= MAX_CAPACITY,
             f"history.capacity must be an integer from 2 to {MAX_CAPACITY}; got {echo(saved_capacity)}")
    stride = saved["stride"]
    _require(type(stride) is int and 1 <= stride <= MAX_STRIDE and stride & (stride - 1) == 0,
             f"history.stride must be a power of two from 1 to {MAX_STRIDE}; got {echo(stride)}")
    raw = saved["steps"]
    _require(isinstance(raw, torch.Tensor) and raw.dim() == 1 and 1 <= len(raw) <= capacity,
             f"history.steps must be a tensor of 1 to {capacity} steps; got {_describe(raw)}")
    n = len(raw)
    steps = _tensor("history.steps", raw, (n,), torch.int64).numpy()
    _require(steps[0] == 0 and steps[-1] == global_step and bool(np.all(np.diff(steps) > 0)),
             "history.steps must increase strictly from 0 to global_step")
    _require(bool(np.all(steps[:-1] % stride == 0)), "history.steps must be multiples of history.stride (but the last)")
    losses = _tensor("history.losses", saved["losses"], (n,)).numpy()
    _require(bool(np.all(losses >= 0)), "history.losses must not be negative")
    probs = _tensor("history.probs", saved["probs"], (n, n_states, V)).numpy()
    _require(bool(np.all((probs >= 0) & (probs <= 1))) and bool(np.all(np.abs(probs.sum(-1) - 1) < 1e-3)),
             "history.probs rows must be probability distributions")
    return {"steps": steps, "losses": losses, "probs": probs, "stride": stride, "capacity": capacity}


__all__ = ["FILE_FORMAT", "CheckedRun", "RunFileError", "check_run_state", "read_run_file", "write_run_file"]
