"""BabyGPT: live configuration, rebuilds, persistence, tables."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import SMALL, assert_same_snapshot, snapshot

from babygpt_widget import BabyGPT, RunConfig, Table
from babygpt_widget.engine import FILE_FORMAT


def weights(run):
    return {k: v.clone() for k, v in run.model.state_dict().items()}


def same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def optimizer_steps(run):
    return {int(s["step"]) for s in run._trainer.optimizer.state.values()}


# -- live settings: no reset ----------------------------------------------------------------------
@pytest.mark.parametrize("values", [dict(lr=1e-2), dict(weight_decay=0.0), dict(lr=3e-3, weight_decay=1.0)])
def test_live_hyperparameters_keep_weights_and_step_and_change_training(trained, values):
    ref = BabyGPT()
    ref.train(50)
    w, p = weights(trained), trained.probabilities
    trained.configure(**values)
    assert trained.global_step == 50 and optimizer_steps(trained) == {50}
    assert same_weights(w, weights(trained))
    np.testing.assert_array_equal(p, trained.probabilities)
    assert len(trained.history) == 51
    group = trained._trainer.optimizer.param_groups[0]
    assert group["lr"] == trained.config.lr and group["weight_decay"] == trained.config.weight_decay
    for k, v in values.items():
        assert getattr(trained.config, k) == v
    ours, theirs = trained.train(5), ref.train(5)
    assert ours[0] == theirs[0]  # same weights at step 50
    assert ours[1:] != theirs[1:]  # different updates since
    assert trained.global_step == 55


def test_live_lr_equals_changing_the_optimizer_by_hand(trained):
    ref = BabyGPT()
    ref.train(50)
    trained.configure(lr=5e-3)
    for g in ref._trainer.optimizer.param_groups:
        g["lr"] = 5e-3
    assert trained.train(10) == ref.train(10)


def test_live_sequence_keeps_weights_and_retargets_the_loss(trained):
    w, p, loss = weights(trained), trained.probabilities, trained.loss
    trained.configure(sequence="000100010001")
    assert trained.global_step == 50 and same_weights(w, weights(trained))
    np.testing.assert_array_equal(p, trained.probabilities)  # same weights, same chain
    assert trained.loss != loss  # measured on the new data
    counts = dict(zip(trained.states, trained.data_counts().tolist()))
    assert counts["000"] == [0, 3] and counts["001"] == [2, 0] and counts["111"] == [0, 0]
    assert trained.history.losses[-1] == pytest.approx(trained.loss)
    before = trained.probabilities[trained.states.index("000"), 1]
    trained.train(100)
    assert trained.probabilities[trained.states.index("000"), 1] > before  # now learns 000 -> 1
    assert trained.global_step == 150


def test_configure_with_unchanged_values_changes_nothing(trained):
    before = snapshot(trained)
    trained.configure(seed=1337, n_layer=4, alphabet="01", sequence="111101111011110")
    trained.configure()
    assert_same_snapshot(before, snapshot(trained))


# -- architecture settings: rebuild from the seed ----------------------------------------------------
def test_n_layer_rebuilds(trained):
    trained.configure(n_layer=2)
    assert trained.global_step == 0 and optimizer_steps(trained) == set()
    assert trained.num_parameters < 12_656 and len(trained.model.transformer.h) == 2
    assert trained.history.steps.tolist() == [0]
    ref = BabyGPT(n_layer=2)
    assert same_weights(weights(ref), weights(trained))
    assert trained.train(3) == ref.train(3)


@pytest.mark.parametrize("values,states", [
    (dict(seed=7), 8),
    (dict(alphabet="ab", context_length=2, sequence="abbaabab"), 4),
    (dict(alphabet="ACGT", sequence="ACGTTGCAACGT"), 64),
    (dict(context_length=4), 16),
    (dict(n_head=2, n_embd=8), 8),
])
def test_architecture_settings_rebuild(trained, values, states):
    trained.configure(**values)
    assert trained.global_step == 0 and len(trained.states) == states
    ref = BabyGPT(**{**RunConfig().to_dict(), **values})
    assert trained.config == ref.config
    assert same_weights(weights(ref), weights(trained))
    np.testing.assert_array_equal(ref.probabilities, trained.probabilities)


def test_rebuild_keeps_live_settings(trained):
    trained.configure(lr=0.02)
    trained.configure(n_layer=1)
    assert trained._trainer.optimizer.param_groups[0]["lr"] == 0.02


# -- persistence -----------------------------------------------------------------------------------
def test_save_load_round_trip(tmp_path):
    run = BabyGPT(**SMALL, lr=3e-3)
    run.train(20)
    path = tmp_path / "run.pt"
    run.save(path)
    loaded = BabyGPT.load(path)
    assert loaded.config == run.config and loaded.global_step == 20
    assert same_weights(weights(run), weights(loaded))
    np.testing.assert_array_equal(run.probabilities, loaded.probabilities)
    assert loaded.loss == run.loss
    for a, b in ((run.history, loaded.history),):
        np.testing.assert_array_equal(a.steps, b.steps)
        np.testing.assert_array_equal(a.losses, b.losses)
        np.testing.assert_array_equal(a.probs, b.probs)
        assert a.stride == b.stride
    # the optimizer state came along: continuing gives the very same losses
    assert loaded.train(15) == run.train(15)
    assert loaded.global_step == run.global_step == 35
    assert same_weights(weights(run), weights(loaded))
    np.testing.assert_array_equal(run.history.steps, loaded.history.steps)


def test_save_load_after_thinning(tmp_path):
    run = BabyGPT(**SMALL)
    run._trainer.history.__init__(len(run._trainer.space), 2, capacity=16)  # small cap, so 40 steps thin it
    run._trainer.evaluate()
    run.train(40)
    run.save(tmp_path / "r.pt")
    loaded = BabyGPT.load(tmp_path / "r.pt")
    assert loaded.history.stride == run.history.stride > 1
    np.testing.assert_array_equal(loaded.history.steps, run.history.steps)


class Payload:
    def __reduce__(self):  # would run code at unpickling time
        import os

        return (os.system, ("touch /tmp/babygpt_widget_pwned",))


def helper_function():
    return 1


@pytest.mark.parametrize("payload", [Payload(), helper_function, pd.DataFrame({"a": [1]})])
def test_load_refuses_pickled_code(tmp_path, payload):
    import os

    marker = "/tmp/babygpt_widget_pwned"
    if os.path.exists(marker):
        os.remove(marker)
    path = tmp_path / "evil.pt"
    run = BabyGPT(**SMALL)
    run.save(path)
    state = torch.load(path, weights_only=True)
    state["extra"] = payload
    torch.save(state, path)
    with pytest.raises(ValueError, match=r"^path: not a babygpt-widget run file, or one that would need to run "
                                         r"code to load; refused") as info:
        BabyGPT.load(path)
    assert "weights_only" not in str(info.value), "never pass on PyTorch's advice to load unsafely"
    assert not os.path.exists(marker), "loading ran the file's code"


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_load_refuses_non_run_files(tmp_path):
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, other)
    with pytest.raises(ValueError, match=r"^path: .*not a babygpt-widget run file \(format"):
        BabyGPT.load(other)
    torch.save([1, 2, 3], other)
    with pytest.raises(ValueError, match="^path:"):
        BabyGPT.load(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="^path:"):
        BabyGPT.load(text)
    pickled = tmp_path / "plain.pkl"
    pickled.write_bytes(pickle.dumps({"format": FILE_FORMAT}))
    with pytest.raises(ValueError, match="^path:"):
        BabyGPT.load(pickled)
    with pytest.raises(ValueError, match="^path: no such file: .*missing.pt"):
        BabyGPT.load(tmp_path / "missing.pt")
    with pytest.raises(ValueError, match="^path: .* is a folder"):
        BabyGPT.load(tmp_path)


@pytest.mark.parametrize("tamper", [
    lambda s: s.pop("model"),
    lambda s: s.pop("history"),
    lambda s: s["config"].update(lr=-1.0),
    lambda s: s["config"].update(colour="red"),
    lambda s: s["model"].pop("transformer.wpe.weight"),
    lambda s: s.update(global_step="many"),
], ids=["no-model", "no-history", "bad-lr", "unknown-config-key", "missing-weight", "bad-step"])
def test_load_refuses_a_damaged_run_file_with_value_error(tmp_path, tamper):
    run = BabyGPT(**SMALL)
    run.train(2)
    path = tmp_path / "run.pt"
    run.save(path)
    state = torch.load(path, weights_only=True)
    tamper(state)
    torch.save(state, path)
    with pytest.raises(ValueError):
        BabyGPT.load(path)


# -- tables and repr ---------------------------------------------------------------------------------
def test_probabilities_table(trained):
    table = trained.probabilities_table()
    assert isinstance(table, Table)  # one return type, pandas or not
    assert list(table["state"]) == trained.states and table.key == "state"
    assert table.columns == ("state", "P(0)", "P(1)", "data 0", "data 1")
    np.testing.assert_allclose(np.array([table["P(0)"], table["P(1)"]]).T, trained.probabilities, atol=1e-7)
    assert table.row("101")["P(1)"] == pytest.approx(0.793, abs=2e-3)
    assert table.row("111")["data 0"] == 3 and table.row("111")["data 1"] == 3
    assert table.row("000")["data 0"] == 0
    frame = table.to_pandas()  # pandas is installed here (the test extra)
    assert isinstance(frame, pd.DataFrame) and frame.index.name == "state" and list(frame.index) == trained.states
    assert frame.loc["101", "P(1)"] == table.row("101")["P(1)"]


def test_repr(trained):
    r = repr(trained)
    assert "V=2" in r and "C=3" in r and "8 states" in r and "12,656 parameters" in r and "step 50" in r


def test_probabilities_is_a_copy(trained):
    p = trained.probabilities
    p[:] = 0
    assert trained.probabilities.sum() == pytest.approx(8.0)


# -- run strings -------------------------------------------------------------------------------------
def test_run_string_rebuilds_the_run_exactly(trained):
    text = trained.run_string
    assert text.startswith("babygpt2:") and text.endswith(";steps=50")
    again = BabyGPT.from_run_string(text)
    assert again.config == trained.config and again.global_step == 50
    assert same_weights(weights(trained), weights(again))
    np.testing.assert_array_equal(again.probabilities, trained.probabilities)


def test_run_string_survives_awkward_alphabets():
    run = BabyGPT(alphabet=";=%", sequence=";=%;;==%%;", context_length=2, lr=0.0123456789, **SMALL)
    run.train(2)
    again = BabyGPT.from_run_string(run.run_string)
    assert again.config == run.config and again.global_step == 2


@pytest.mark.parametrize("text", [
    "hello", "", None, 42, "babygpt1:lr=abc", "babygpt1:steps=-1", "babygpt1:steps=1.5", "babygpt1:colour=red",
    "babygpt1:lr=-1", "babygpt1:alphabet=0;seq=0000", "babygpt1:seq=0120",
])
def test_bad_run_strings(text):
    with pytest.raises(ValueError, match="^run_string:"):
        BabyGPT.from_run_string(text)
