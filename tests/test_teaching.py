"""Push the chain yourself (issue 23 §2): nudge, teach, undo, and their run strings."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import assert_same_snapshot, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget.core.teach_targets import TeachTargets, parse_teach


def edge(run: BabyGPT, state: str, token: str) -> float:
    return float(run.probabilities[run.states.index(state), run.alphabet.index(token)])


def test_nudge_moves_the_edge_past_90_and_unseen_states_move_too(trained):
    before = edge(trained, "101", "1")
    result = trained.nudge("101", "1", 0.95, steps=20)
    assert before < 0.8 and edge(trained, "101", "1") > 0.9
    assert trained.global_step == 70 and result.steps == 20 and result.start_step == 50
    assert result.row("101")["1"] == pytest.approx((before, edge(trained, "101", "1")))
    unseen = result.unseen_moved()
    assert set(unseen) <= set(trained.unseen_states) and "000" in unseen  # the point: 000 moves too
    np.testing.assert_array_equal(result.after, trained.probabilities)
    assert "000" in result.summary() and "101" in result.summary()


def test_teach_brings_hand_set_rows_within_5_points(fresh):
    targets = {"000": {"0": 0.9, "1": 0.1}, "111": {"0": 0.2, "1": 0.8}}
    result = fresh.teach(targets, steps=60)
    assert result.distance() <= 0.05
    assert abs(edge(fresh, "000", "0") - 0.9) <= 0.05 and abs(edge(fresh, "111", "0") - 0.2) <= 0.05
    assert result.targets == targets


def test_settings_come_back_and_the_data_stays_the_data(trained):
    config = trained.config
    counts = trained.data_counts()
    trained.nudge("101", "1", 0.3)
    assert trained.config == config and trained.config.teach == ""
    np.testing.assert_array_equal(trained.data_counts(), counts)
    assert trained._trainer.optimizer.param_groups[0]["lr"] == config.lr
    # the recorded loss is the data's (a continuous curve), not the taught objective
    history = trained.history
    assert history.losses[-1] == pytest.approx(trained.loss, rel=1e-5)


def test_run_string_records_nudges_and_rebuilds_exactly(trained):
    trained.nudge("101", "1", 0.95)
    trained.train(5)
    trained.teach({"000": {"0": 0.9, "1": 0.1}}, steps=10)
    text = trained.run_string
    assert "teach=101:" in text and "teach=000:0.9/0.1@" in text
    rebuilt = BabyGPT.from_run_string(text)
    assert rebuilt.global_step == trained.global_step == 85
    np.testing.assert_array_equal(rebuilt.probabilities, trained.probabilities)
    assert rebuilt.run_string == text


def test_a_plain_run_string_has_no_teach_key(trained):
    assert "teach" not in trained.run_string


@pytest.mark.parametrize(("call", "field"), [
    (lambda r: r.nudge("10", "1", 0.5), "state"),
    (lambda r: r.nudge("101", "2", 0.5), "token"),
    (lambda r: r.nudge("101", "1", 1.5), "p"),
    (lambda r: r.nudge("101", "1", 0.5, steps=0), "steps"),
    (lambda r: r.teach({"000": {"0": 0.5, "1": 0.6}}), "targets['000']"),
    (lambda r: r.teach({"000": {"0": -0.1, "1": 1.1}}), "targets['000']['0']"),
    (lambda r: r.teach({"000": {"x": 1.0}}), "targets['000'] key 'x'"),
    (lambda r: r.teach({}), "targets"),
    (lambda r: r.teach({"000": {"0": 1.0}}, weight=0), "weight"),
    (lambda r: r.teach({"000": {"0": 1.0}}, lr=100.0), "lr"),
])
def test_bad_targets_name_the_field_and_change_nothing(trained, call, field):
    before = snapshot(trained)
    text = trained.run_string
    with pytest.raises(ValueError) as e:
        call(trained)
    assert str(e.value).startswith(f"{field}:"), str(e.value)
    assert_same_snapshot(before, snapshot(trained))
    assert trained.run_string == text


def test_interrupted_teach_keeps_whole_steps_and_puts_settings_back(trained, monkeypatch):
    real = trained._trainer.step
    calls = {"n": 0}

    def step():
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real()

    monkeypatch.setattr(trained._trainer, "step", step)
    with pytest.raises(KeyboardInterrupt):
        trained.nudge("101", "1", 0.95, steps=20)
    assert trained.global_step == 53 and trained.config.teach == "" and trained.config.lr == 1e-3
    monkeypatch.undo()
    rebuilt = BabyGPT.from_run_string(trained.run_string)
    np.testing.assert_array_equal(rebuilt.probabilities, trained.probabilities)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["000", "0:1", "a@b"]), st.floats(0, 1)), min_size=1, max_size=3,
                unique_by=lambda r: r[0]),
       st.floats(0.001, 1e6))
def test_teach_text_round_trips_any_alphabet(rows, weight):
    alphabet = "0:a@b1"  # delimiters of the text as tokens: states are read by length
    targets = TeachTargets(tuple(sorted((s, (p, 1 - p, 0.0, 0.0, 0.0, 0.0)) for s, p in rows)), weight)
    assert parse_teach(targets.text(), alphabet, 3) == targets


# -- the widget ------------------------------------------------------------------------------------
def test_widget_nudge_undo_restores_exactly():
    w = BabyGPTWidget()
    w.train(50)
    before = snapshot(w.engine)
    text = w.run_string
    w.nudge("101", "1", 0.95)
    assert w.global_step == 70 and w.can_undo == "nudge"
    assert w.taught["steps"] == 20 and "000" in w.taught["unseen_moved"]
    assert len(w.taught["before"]) == 8 and w.taught["before"][w.states.index("101")][1] == pytest.approx(0.7929, abs=1e-4)
    w.undo()
    assert_same_snapshot(before, snapshot(w.engine))
    assert w.run_string == text and w.global_step == 50 and w.can_undo == "" and w.taught == {}
    with pytest.raises(ValueError, match="^undo: nothing to undo"):
        w.undo()


def test_widget_undo_is_forgotten_after_training_and_covers_reset():
    w = BabyGPTWidget()
    w.teach({"000": {"0": 0.9, "1": 0.1}}, steps=5)
    w.train(1)
    assert w.can_undo == "" and w.taught == {}
    w.reset()
    assert w.can_undo == "reset" and w.can_undo_reset
    w.undo()
    assert w.global_step == 6


def test_widget_commands_nudge_teach_undo_and_field_errors(monkeypatch):
    w = BabyGPTWidget()
    replies = []
    monkeypatch.setattr(w, "send", lambda content, buffers=None: replies.append(content))
    w._on_message(w, {"cmd": "nudge", "state": "101", "token": "1", "p": 0.2, "steps": 10}, [])
    assert replies[-1]["ok"] and w.global_step == 10 and w.can_undo == "nudge"
    w._on_message(w, {"cmd": "teach", "targets": {"000": {"0": 2}}, "steps": 10}, [])
    assert not replies[-1]["ok"] and replies[-1]["field"] == "targets['000']['0']"
    assert w.errors["teach"].startswith("targets['000']['0']") and w.global_step == 10
    w._on_message(w, {"cmd": "undo"}, [])
    assert replies[-1]["ok"] and w.global_step == 0 and "teach" not in w.errors


def test_widget_teach_is_bounded_in_time():
    w = BabyGPTWidget(alphabet="0123", context_length=5, n_embd=128, n_layer=12, n_head=16, sequence="0123" * 50)
    with pytest.raises(ValueError, match="^steps: at these settings at most"):
        w.teach({"00000": {"0": 1.0}}, steps=10_000)
    assert w.global_step == 0


def test_deep_copy_of_a_taught_run_trains_the_same(trained):
    twin = copy.deepcopy(trained)
    a, b = trained.nudge("101", "1", 0.95), twin.nudge("101", "1", 0.95)
    np.testing.assert_array_equal(a.after, b.after)
