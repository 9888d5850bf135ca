"""Exact run strings: segments for settings changed part-way, every field round-tripped at
non-default values, strict and bounded parsing, old strings and files still readable.

Before segments, a run string recorded only the final settings: train 10, lr -> 0.003, train 10,
sequence -> 1100110011, train 5 rebuilt a chain 0.57 away from the original.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from conftest import SMALL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from babygpt_widget import BabyGPT, RunConfig
from babygpt_widget.core.trainer import Trainer
from babygpt_widget.core.config import MAX_STEPS, MAX_WEIGHT_DECAY, config_cost
from babygpt_widget.runs.runstring import (MAX_LENGTH, MAX_REPLAY_SECONDS, MAX_SEGMENTS, Segment, format_run_string,
                                      parse_run_string, read_run_string)

ISSUE_STRING = ("babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;"
                "seed=1337;steps=10|lr=0.003;steps=10|seq=1100110011;steps=5")


def weights(run: BabyGPT) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in run.model.state_dict().items()}


def assert_same_run(a: BabyGPT, b: BabyGPT) -> None:
    assert a.config == b.config and a.global_step == b.global_step and a.run_string == b.run_string
    wa, wb = weights(a), weights(b)
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    np.testing.assert_array_equal(a.probabilities, b.probabilities)


def saved(run: BabyGPT) -> io.BytesIO:
    buffer = io.BytesIO()
    run.save(buffer)
    buffer.seek(0)
    return buffer


# -- the issue's run ----------------------------------------------------------------------------------
def test_settings_changed_part_way_rebuild_exactly():
    run = BabyGPT()
    run.train(10)
    run.configure(lr=0.003)
    run.train(10)
    run.configure(sequence="1100110011")
    run.train(5)
    assert run.run_string == ISSUE_STRING
    again = BabyGPT.from_run_string(run.run_string)
    assert_same_run(again, run)  # was 0.57 apart in probability
    assert_same_run(BabyGPT.load(saved(run)), run)  # a run file carries the segments


def test_version_1_strings_still_read_as_the_same_run():
    old = "babygpt1:seq=0110;alphabet=01;C=2;layers=1;heads=1;embd=4;lr=0.01;wd=0.2;seed=7;steps=3"
    run = BabyGPT.from_run_string(old)
    new = "babygpt2:seq=0110;alphabet=01;C=2;layers=1;heads=1;embd=4;lr=0.01;wd=0.2;seed=7;steps=3"
    assert run.run_string == new
    assert_same_run(BabyGPT.from_run_string(new), run)
    # version 1 percent-encoded every value; missing keys took their defaults (still so)
    assert BabyGPT.from_run_string("babygpt1:alphabet=%CE%B1%CE%B2;seq=%CE%B1%CE%B2%CE%B2%CE%B1;C=2").alphabet == "αβ"


def test_the_log_is_canonical():
    run = BabyGPT(**SMALL)
    first = run.run_string
    run.configure(lr=0.01)  # before any training: the first segment's own setting
    assert run.run_string == first.replace("lr=0.001", "lr=0.01") and "|" not in run.run_string
    run.train(2)
    run.configure(lr=0.02)
    run.configure(weight_decay=0.3)  # same step: one segment with both changes
    assert run.run_string.endswith(";steps=2|lr=0.02;wd=0.3;steps=0")
    run.configure(lr=0.01, weight_decay=0.1)  # back to the settings before: no segment at all
    assert run.run_string.endswith(";steps=2") and "|" not in run.run_string
    run.configure(lr=0.01)  # no change
    assert "|" not in run.run_string
    run.configure(lr=0.05)
    run.train(1)
    assert run.run_string.endswith(";steps=2|lr=0.05;steps=1")
    run.reset()  # a new run from the seed, with the settings it has now
    assert run.run_string.endswith(";steps=0") and "|" not in run.run_string and "lr=0.05" in run.run_string
    run.train(1)
    run.configure(lr=0.06)
    run.train(1)
    run.configure(seed=9)  # an architecture setting rebuilds: the string starts again
    assert "|" not in run.run_string and "seed=9;steps=0" in run.run_string and "lr=0.06" in run.run_string


def interrupt_at_step(monkeypatch, calls: int) -> None:
    """Ctrl-C as training call number `calls` starts (the run is then at a whole step)."""
    count = [0]
    step = Trainer.step

    def interrupted(self):
        count[0] += 1
        if count[0] == calls:
            raise KeyboardInterrupt
        return step(self)

    monkeypatch.setattr(Trainer, "step", interrupted)


def test_interrupted_training_counts_whole_steps_only(monkeypatch):
    run = BabyGPT(**SMALL)
    run.train(3)
    run.configure(lr=0.02)
    interrupt_at_step(monkeypatch, 5)
    with pytest.raises(KeyboardInterrupt):
        run.train(10)
    monkeypatch.undo()
    assert run.global_step == 7 and run.run_string.endswith("steps=3|lr=0.02;steps=4")
    assert_same_run(BabyGPT.from_run_string(run.run_string), run)


def test_an_interrupted_replay_hands_over_a_run_at_a_whole_step_with_its_own_string(monkeypatch):
    text = BabyGPT(**SMALL).run_string.replace("steps=0", "steps=5") + "|lr=0.02;steps=30"
    interrupt_at_step(monkeypatch, 13)
    with pytest.raises(KeyboardInterrupt) as info:
        BabyGPT.from_run_string(text)
    monkeypatch.undo()
    part = info.value.run  # type: ignore[attr-defined]
    assert part.global_step == 12 and part.run_string.endswith("|lr=0.02;steps=7")
    assert "stopped at step 12 of 35" in "".join(info.value.__notes__)
    assert_same_run(BabyGPT.from_run_string(part.run_string), part)


def test_a_divergence_rolled_back_keeps_the_string_exact():
    run = BabyGPT(**SMALL)
    run.train(3)
    run.configure(lr=10.0, weight_decay=10.0)  # lr x wd >= 1: every step flips and grows the weights
    with pytest.raises(ValueError, match="^train: the loss became"):
        run.train(200)
    run.configure(lr=0.001, weight_decay=0.1)
    run.train(2)
    assert_same_run(BabyGPT.from_run_string(run.run_string), run)


def test_compare_seeds_leaves_the_string_alone():
    run = BabyGPT(**SMALL)
    run.train(2)
    run.configure(lr=0.02)
    before = run.run_string
    run.compare_seeds(k=2, steps=2)
    assert run.run_string == before


# -- every field, awkward alphabets (hypothesis) ------------------------------------------------------
# what config._check_alphabet allows: printable, not whitespace, distinct; the run string's own
# delimiters and its escape character among them on purpose
AWKWARD = ";|=%:&#?+/\\\"'<>`~!@$^*()[]{},.-_0123456789abcXYZαβγ😀中ß"
alphabets = st.one_of(
    st.lists(st.sampled_from(AWKWARD), min_size=2, max_size=6, unique=True).map("".join),
    st.lists(st.characters(codec="utf-8", exclude_categories=("Z", "C")), min_size=2, max_size=5, unique=True)
    .map("".join).filter(lambda a: all(c.isprintable() and not c.isspace() for c in a)),
)
floats_lr = st.one_of(st.sampled_from([1e-5, 0.003, 0.1234567890123, 2.5, 10.0]),
                      st.floats(min_value=1e-9, max_value=10.0, allow_nan=False, allow_infinity=False))
floats_wd = st.one_of(st.sampled_from([0.0, 1e-12, 0.3, MAX_WEIGHT_DECAY]),
                      st.floats(min_value=0.0, max_value=MAX_WEIGHT_DECAY, allow_nan=False, allow_infinity=False))


@st.composite
def configs(draw) -> RunConfig:
    alphabet = draw(alphabets)
    context = draw(st.integers(1, 3 if len(alphabet) <= 4 else 2))
    heads = draw(st.integers(1, 4))
    sequence = draw(st.lists(st.sampled_from(alphabet), min_size=context + 1, max_size=40).map("".join))
    return RunConfig(sequence=sequence, alphabet=alphabet, context_length=context, n_layer=draw(st.integers(1, 12)),
                     n_head=heads, n_embd=heads * draw(st.integers(1, 64 // heads)), lr=draw(floats_lr),
                     weight_decay=draw(floats_wd), seed=draw(st.integers(0, 2**63 - 1))).validated()


@st.composite
def segment_lists(draw) -> list[Segment]:
    config = draw(configs())
    n = draw(st.integers(1, 5))
    segments = []
    for i in range(n):
        if i:
            changes = {}
            while not changes:
                if draw(st.booleans()):
                    changes["lr"] = draw(floats_lr)
                if draw(st.booleans()):
                    changes["weight_decay"] = draw(floats_wd)
                if draw(st.booleans()):
                    changes["sequence"] = draw(st.lists(st.sampled_from(config.alphabet), min_size=config.context_length + 1,
                                                        max_size=30).map("".join))
                changes = {k: v for k, v in changes.items() if getattr(config, k) != v}
            config = config.updated(**changes)
        last = i == n - 1
        segments.append(Segment(config, draw(st.integers(0 if last else 1, 10**6))))
    return segments


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segments=segment_lists(), exact=st.booleans())
def test_every_field_round_trips_at_any_value(segments, exact):
    text = format_run_string(segments, exact)
    plan = parse_run_string(text)
    assert list(plan.segments) == segments  # every field of every segment, floats bit for bit
    assert plan.exact is exact and plan.steps == sum(s.steps for s in segments)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs(), steps=st.integers(0, 2))
def test_a_run_of_any_settings_rebuilds_from_its_string(config, steps):
    config = RunConfig(**{**config.to_dict(), "n_layer": 1, "n_embd": config.n_head})  # cheap to train
    run = BabyGPT(**config.to_dict())
    run.train(steps)
    again = BabyGPT.from_run_string(run.run_string)
    assert again.config == run.config and again.global_step == steps
    np.testing.assert_array_equal(again.probabilities, run.probabilities)


@pytest.mark.parametrize("field,value", [
    ("sequence", "0110100110"), ("alphabet", "10"), ("context_length", 2), ("n_layer", 2), ("n_head", 2),
    ("n_embd", 8), ("lr", 0.0042), ("weight_decay", 0.37), ("seed", 2**63 - 1),
])
def test_each_field_alone_survives_the_round_trip(field, value):
    """One field away from the defaults at a time: a formatter that drops it fails here by name."""
    config = RunConfig(**{**RunConfig().to_dict(), field: value}).validated()
    assert getattr(config, field) != getattr(RunConfig(), field)
    assert parse_run_string(format_run_string([Segment(config, 4)])).first == config
    later = RunConfig().updated(**{field: value}) if field in ("sequence", "lr", "weight_decay") else None
    if later is not None:  # and as a change part-way through
        plan = parse_run_string(format_run_string([Segment(RunConfig(), 2), Segment(later, 1)]))
        assert plan.final == later and plan.changes() == [(2, {field: value})]


# -- strict, bounded parsing ------------------------------------------------------------------------------
BAD = [
    ("babygpt2:seq=0101;C=2", "must end with steps"),
    ("babygpt2:steps=1;lr=0.1", "must end with steps"),
    ("babygpt2:lr=0.01;steps=1;steps=2", "steps must come last"),
    ("babygpt2:steps=0|lr=0.01;steps=1", "segment 1: steps must be at least 1"),
    ("babygpt2:steps=1|alphabet=012;steps=1", "segment 2: alphabet cannot change part-way"),
    ("babygpt2:steps=1|seed=3;steps=1", "segment 2: seed cannot change part-way"),
    ("babygpt2:steps=1|lr=0.001;steps=1", "segment 2: lr=.* changes nothing"),
    ("babygpt2:steps=1|steps=1", "segment 2: changes no setting"),
    ("babygpt2:steps=1|lr=0.01;lr=0.02;steps=1", "segment 2: lr is given twice"),
    ("babygpt2:steps=1|lr=20;steps=1", "segment 2: lr: must be"),
    ("babygpt2:steps=1|seq=0120;steps=1", "segment 2: sequence: characters"),
    ("babygpt2:steps=1|colour=red;steps=1", "segment 2: cannot read"),
    ("babygpt2:seq=01%ZZ;steps=1", "seq: '%' must start an escape"),
    ("babygpt2:alphabet=%FF%FE;steps=0", "alphabet: its escapes are not UTF-8"),
    ("babygpt2:exact=1;steps=0", "exact takes only 0"),
    ("babygpt2:steps=1|exact=0;lr=0.01;steps=1", "segment 2: cannot read"),
    ("babygpt2:too-long;lr=1", "marker takes only steps"),
    ("babygpt2:steps=٣", "ASCII digits"),
    ("babygpt2:steps=1|lr=1e-2x;steps=1", "not a valid float"),
    (f"babygpt2:steps={MAX_STEPS + 1}", f"steps must be from 0 to {MAX_STEPS:,}"),
    (f"babygpt2:steps={MAX_STEPS}|lr=0.01;steps=1", f"steps in all must be from 0 to {MAX_STEPS:,}"),
    ("babygpt2:" + "|".join(["steps=1;lr=0.01", "lr=0.02;steps=1"] * 51), f"at most {MAX_SEGMENTS} segments"),
    ("babygpt2:seq=" + "01" * 160_000 + ";steps=1", f"at most {MAX_LENGTH:,} characters"),
    ("babygpt1:steps=1|lr=0.01", "ASCII digits"),  # version 1 has no segments
    ("babygpt3:steps=1", "must start with 'babygpt2:'"),
]


@pytest.mark.parametrize("text,match", BAD)
def test_malformed_strings_are_refused_naming_what(text, match):
    with pytest.raises(ValueError, match=f"^run_string: .*{match}") as info:
        BabyGPT.from_run_string(text)
    assert len(str(info.value)) < 400


@settings(max_examples=400, deadline=None)
@given(body=st.text(alphabet=";|=%0123456789.eE-abcdefghijklmnopqrstuvwxyzCA_٣é😀", max_size=80))
def test_any_text_parses_or_is_refused_naming_run_string(body):
    for prefix in ("babygpt2:", "babygpt1:"):
        try:
            plan = parse_run_string(prefix + body)
        except ValueError as e:
            assert str(e).startswith("run_string: ") and len(str(e)) < 400
        else:
            assert plan.too_long or plan.segments and plan.steps == sum(s.steps for s in plan.segments)


def test_markers_parse_but_only_what_replays_is_read():
    assert parse_run_string("babygpt2:too-long;steps=7").too_long
    with pytest.raises(ValueError, match="^run_string: this run changed its settings more often.*run file"):
        read_run_string("babygpt2:too-long;steps=7")
    assert not parse_run_string("babygpt2:exact=0;steps=2").exact
    assert BabyGPT.from_run_string("babygpt2:exact=0;C=2;layers=1;heads=1;embd=4;steps=2").run_string.startswith(
        "babygpt2:exact=0;seq=")  # a rebuilt guess is still a guess


def test_steps_bound_is_the_same_in_a_string_and_in_train():
    assert parse_run_string(f"babygpt2:steps={MAX_STEPS}").steps == MAX_STEPS  # the text is fine...
    with pytest.raises(ValueError, match="^run_string: retraining 10,000,000 steps .* would take"):
        read_run_string(f"babygpt2:steps={MAX_STEPS}")  # ...its replay is over the hour
    with pytest.raises(ValueError, match=f"^run_string: steps must be from 0 to {MAX_STEPS:,}"):
        parse_run_string(f"babygpt2:steps={MAX_STEPS + 1}")
    with pytest.raises(ValueError, match=f"^n: must be an integer from 0 to {MAX_STEPS:,}"):
        BabyGPT(**SMALL).train(MAX_STEPS + 1)


def test_replay_time_counts_each_segment_at_its_own_cost():
    """Many cheap steps then a few costly ones: accepted, though the last settings' cost over
    every step would be above the hour; a few more costly ones are refused."""
    rng = np.random.default_rng(0)
    short, long = "0110100110011010", "".join(rng.choice(["0", "1"], 100_000))
    cheap, costly = (config_cost(RunConfig(context_length=12, sequence=s)).step_seconds for s in (short, long))
    n_cheap = int(0.8 * MAX_REPLAY_SECONDS / cheap)
    n_costly = int((MAX_REPLAY_SECONDS - n_cheap * cheap) / costly * 0.9)
    assert n_costly >= 1 and (n_cheap + n_costly) * costly > MAX_REPLAY_SECONDS  # the test means something
    text = f"babygpt2:C=12;seq={short};steps={n_cheap}|seq={long};steps={n_costly}"
    assert read_run_string(text).steps == n_cheap + n_costly
    with pytest.raises(ValueError, match="^run_string: retraining .* would take"):
        read_run_string(text.replace(f"steps={n_costly}", f"steps={3 * n_costly}"))


# -- too long to share ------------------------------------------------------------------------------------
def test_a_run_that_changed_settings_too_often_says_so_and_reset_starts_again():
    run = BabyGPT(**SMALL)
    for i in range(MAX_SEGMENTS):
        run.train(1)
        run.configure(lr=0.001 + (i + 1) * 1e-4)
    assert run.run_string == f"babygpt2:too-long;steps={MAX_SEGMENTS}"
    run.train(2)
    assert run.run_string == f"babygpt2:too-long;steps={MAX_SEGMENTS + 2}"
    with pytest.raises(ValueError, match="share a saved run file instead"):
        BabyGPT.from_run_string(run.run_string)
    loaded = BabyGPT.load(saved(run))  # a run file holds the weights: it loads, and says the same
    assert loaded.run_string == run.run_string and loaded.global_step == run.global_step
    run.reset()
    assert run.run_string.startswith("babygpt2:seq=") and run.run_string.endswith(";steps=0")


def test_long_sequences_changed_part_way_make_it_too_long_not_an_unreadable_string():
    a, b = "0" * 50_000 + "1" * 50_000, "01" * 50_000
    run = BabyGPT(sequence=a, **SMALL)
    run.train(1)
    run.configure(sequence=b)
    run.train(1)
    assert len(run.run_string) < MAX_LENGTH and BabyGPT.from_run_string(run.run_string).global_step == 2
    run.configure(sequence=a)
    run.train(1)
    run.configure(sequence="10" * 50_000)
    assert run.run_string.startswith("babygpt2:too-long;")


# -- old run files (format run/1, no run string) ---------------------------------------------------------
def test_an_old_file_loads_and_its_string_says_it_is_a_guess():
    run = BabyGPT(**SMALL)
    run.train(3)
    state = torch.load(saved(run), weights_only=True)
    del state["run_string"]
    state["format"] = "babygpt-widget/run/1"
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    old = BabyGPT.load(buffer)
    assert old.run_string == run.run_string.replace("babygpt2:", "babygpt2:exact=0;")
    old.configure(lr=0.02)
    old.train(2)
    assert old.run_string.startswith("babygpt2:exact=0;") and old.run_string.endswith("steps=3|lr=0.02;steps=2")
    assert_same_run(BabyGPT.from_run_string(old.run_string), old)  # settings never changed here: exact anyway
    old.reset()
    assert not old.run_string.startswith("babygpt2:exact=0")  # from the seed again: recorded from step 0
