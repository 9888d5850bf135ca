"""Strict run files: every field is checked before anything touches the run.

The seed accepted optimizer moments of the wrong shape (the fused AdamW kernel then wrote out
of bounds: a segfault on the next train()), optimizer settings that overrode the validated
config (lr 1e9, maximize=True), a global_step disagreeing with the optimizer, unsorted history
steps and a history stride of 0 (the next train(1) looped forever).
"""

from __future__ import annotations

import copy
import io
import math

import numpy as np
import pytest
import torch
from conftest import SMALL, assert_same_snapshot, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from babygpt_widget import BabyGPT


def saved_state(steps: int = 3) -> dict:
    run = BabyGPT(**SMALL)
    run.train(steps)
    buffer = io.BytesIO()
    run.save(buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def to_file(state) -> io.BytesIO:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture(scope="module")
def valid() -> dict:
    return saved_state()


def refused(state, match: str = "^path: ") -> None:
    target = BabyGPT(**SMALL)
    target.train(1)
    before = snapshot(target)
    with pytest.raises(ValueError, match=match):
        target._restore(state)
    assert_same_snapshot(before, snapshot(target))
    with pytest.raises(ValueError, match=match):
        BabyGPT.load(to_file(state))


def moments(state: dict) -> dict:
    return state["optimizer"]["state"]


# -- the defects of the issue, one by one ------------------------------------------------------------
def test_moments_of_the_wrong_shape_are_refused(valid):
    for key in ("exp_avg", "exp_avg_sq"):
        for shape in [(1,), (100, 100), (2, 3)]:
            state = copy.deepcopy(valid)
            moments(state)[0][key] = torch.zeros(shape)
            refused(state, "exp_avg")


@pytest.mark.parametrize("key,value", [
    ("lr", 1e9), ("lr", -0.5), ("lr", math.nan), ("weight_decay", 5.0), ("maximize", True),
    ("amsgrad", True), ("betas", (0.5, 0.5)), ("eps", 1.0), ("capturable", True),
])
def test_optimizer_settings_must_equal_the_config(valid, key, value):
    state = copy.deepcopy(valid)
    state["optimizer"]["param_groups"][0][key] = value
    refused(state, f"optimizer {key}")


@pytest.mark.parametrize("key,value", [("foreach", True), ("fused", None)])
def test_how_adamw_runs_follows_this_torch_not_the_file(valid, tmp_path, key, value):
    """fused/foreach say how AdamW runs, not what it computes: a file from another torch loads
    with this torch's setting (plain AdamW before 2.4, the fused kernel after)."""
    state = copy.deepcopy(valid)
    state["optimizer"]["param_groups"][0][key] = value
    torch.save(state, tmp_path / "run.pt")
    group = BabyGPT.load(tmp_path / "run.pt")._trainer.optimizer.param_groups[0]
    assert (group["fused"], group["foreach"]) == (True, None)


def test_global_step_must_agree_with_the_optimizer_and_history(valid):
    for g in (0, 2, 4, 10**20, -1, True, 3.0):
        state = copy.deepcopy(valid)
        state["global_step"] = g
        refused(state)
    state = copy.deepcopy(valid)
    for m in moments(state).values():
        m["step"] = torch.tensor(7.0)
    refused(state, "step must equal global_step")


@pytest.mark.parametrize("tamper", [
    lambda h: h.update(stride=0),
    lambda h: h.update(stride=3),
    lambda h: h.update(steps=h["steps"].flip(0)),
    lambda h: h.update(steps=h["steps"] * 2),
    lambda h: h.update(losses=h["losses"][:-1]),
    lambda h: h.update(probs=h["probs"][:, :3]),
    lambda h: h.update(probs=h["probs"] * float("nan")),
    lambda h: h.update(losses=h["losses"].double()),
    lambda h: h.update(capacity=0),
], ids=["stride-0", "stride-3", "unsorted", "wrong-steps", "short-losses", "probs-shape", "nan-probs",
        "float64", "capacity-0"])
def test_history_invariants(valid, tamper):
    state = copy.deepcopy(valid)
    tamper(state["history"])
    refused(state, "history")


def test_a_full_history_with_stride_0_cannot_make_train_loop_forever():
    run = BabyGPT(**SMALL)
    run._trainer.history.capacity  # the default cap; fill a saved history to it
    state = saved_state(steps=2)
    state["history"]["stride"] = 0
    refused(state, "stride")


def test_weights_are_checked(valid):
    for name, value in [("transformer.wpe.weight", torch.zeros(99, 4)),
                        ("transformer.wpe.weight", torch.zeros(3, 4, dtype=torch.float64)),
                        ("transformer.h.0.ln_1.weight", torch.full((4,), float("inf"))),
                        ("lm_head.weight", torch.ones(2, 4))]:
        state = copy.deepcopy(valid)
        state["model"][name] = value
        refused(state, "model")


def test_a_valid_file_round_trips_and_trains_on(valid):
    run = BabyGPT.load(to_file(valid))
    assert run.global_step == 3
    ref = BabyGPT(**SMALL)
    ref.train(3)
    assert run.train(4) == ref.train(4)


def test_aliased_tensors_in_a_file_are_copied_apart(valid):
    """A crafted file can make every optimizer moment one shared storage; loading copies them."""
    state = copy.deepcopy(valid)
    for m in moments(state).values():
        m["exp_avg_sq"] = m["exp_avg"].abs()  # fine values ...
    shared = torch.zeros(2, 4)
    moments(state)[0]["exp_avg"] = shared
    state["model"]["transformer.wte.weight"] = state["model"]["lm_head.weight"]
    run = BabyGPT.load(to_file(state))
    run.train(2)
    assert torch.equal(shared, torch.zeros(2, 4)), "the loaded run wrote into the file's tensor"


# -- paths and the unsafe-file message ---------------------------------------------------------------
@pytest.mark.parametrize("path", [None, 123, "", "   ", b"", [], 1.5, io.StringIO("x")])
def test_bad_paths_name_the_field(path):
    with pytest.raises(ValueError, match="^path: "):
        BabyGPT.load(path)
    with pytest.raises(ValueError, match="^path: "):
        BabyGPT(**SMALL).save(path)


def test_save_to_a_missing_folder_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="^path: cannot write"):
        BabyGPT(**SMALL).save(tmp_path / "no" / "such" / "folder.pt")


def test_bytes_io_round_trip():
    run = BabyGPT(**SMALL)
    run.train(2)
    buffer = io.BytesIO()
    run.save(buffer)
    buffer.seek(0)
    assert BabyGPT.load(buffer).global_step == 2


def test_a_save_interrupted_midway_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "run.pt"
    run = BabyGPT(**SMALL)
    run.save(path)
    good = path.read_bytes()
    real = torch.save

    def broken(obj, f, *a, **k):
        f.write(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", broken)
    with pytest.raises(KeyboardInterrupt):
        run.save(path)
    monkeypatch.setattr(torch, "save", real)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["run.pt"]


# -- hypothesis: mutated valid files -----------------------------------------------------------------
def leaves(obj, path=()):
    """Paths to every value in the nested dicts/lists/tuples of a run file."""
    yield path
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(v, path + (k,))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from leaves(v, path + (i,))


def replace_at(obj, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(obj, dict):
        new = dict(obj)
        new[head] = replace_at(obj[head], rest, value) if rest else value
        return new
    items = list(obj)
    items[head] = replace_at(obj[head], rest, value)
    return tuple(items) if isinstance(obj, tuple) else items


def delete_at(obj, path):
    head, rest = path[0], path[1:]
    if rest:
        new = dict(obj) if isinstance(obj, dict) else list(obj)
        new[head] = delete_at(obj[head], rest)
        return tuple(new) if isinstance(obj, tuple) else new
    if isinstance(obj, dict):
        return {k: v for k, v in obj.items() if k != head}
    return type(obj)(v for i, v in enumerate(obj) if i != head)


def at(obj, path):
    for p in path:
        obj = obj[p]
    return obj


shapes = st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple)
dtypes = st.sampled_from([torch.float32, torch.float64, torch.int64, torch.bool, torch.float16])
tensors = st.one_of(
    st.builds(lambda s, d: torch.zeros(s, dtype=d), shapes, dtypes),
    st.builds(lambda s, v: torch.full(s, v), shapes, st.floats(allow_nan=True, allow_infinity=True, width=32)),
    st.builds(lambda s: torch.randn(s), shapes),
)
values = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.lists(st.integers(), max_size=4), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    tensors, st.tuples(st.floats(), st.floats()),
)


def tweak_tensor(t: torch.Tensor, how: int) -> torch.Tensor:
    """Keep the type, change shape, dtype or a value: the mutations a crafted file would make."""
    if how == 0:
        return t.reshape(-1)
    if how == 1:
        return torch.cat([t.reshape(-1), t.reshape(-1)])
    if how == 2:
        return t.double()
    if how == 3:
        out = t.clone(memory_format=torch.contiguous_format)  # a saved weight may be a strided view
        if out.numel():
            out.view(-1)[0] = float("nan") if out.is_floating_point() else -1
        return out
    if how == 4:
        return t.t() if t.dim() == 2 else t.unsqueeze(0)
    return t[..., :0] if t.dim() else t.unsqueeze(0)


@pytest.fixture(scope="module")
def valid_paths(valid):
    return [p for p in leaves(valid) if p]


@settings(max_examples=1200, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_run_files_only_raise_value_error_and_change_nothing(valid, valid_paths, data):
    state = valid
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = [p for p in leaves(state) if p]
        path = data.draw(st.sampled_from(paths), label="path")
        kind = data.draw(st.sampled_from(["replace", "delete", "tweak", "tweak", "add"]), label="kind")
        if kind == "replace":
            state = replace_at(state, path, data.draw(values, label="value"))
        elif kind == "delete":
            state = delete_at(state, path)
        elif kind == "add" and isinstance(at(state, path[:-1]), dict):
            state = replace_at(state, path[:-1] + ("extra",), data.draw(values, label="value"))
        elif isinstance(at(state, path), torch.Tensor):
            state = replace_at(state, path, tweak_tensor(at(state, path), data.draw(st.integers(0, 5), label="how")))
    target = BabyGPT(**SMALL)
    target.train(1)
    before = snapshot(target)
    try:
        target._restore(state)
    except ValueError as e:
        assert str(e).startswith("path: ") and len(str(e)) <= 400
        assert_same_snapshot(before, snapshot(target))
        return
    # accepted: it must be a run that trains like any other
    target.train(2)
    assert {int(s["step"]) for s in target._trainer.optimizer.state.values()} == {target.global_step}
    assert np.all(np.isfinite(target.probabilities))
