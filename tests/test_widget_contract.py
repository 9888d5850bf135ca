"""Python owns its state: read-only traits, refused view writes reverted on both sides with an
inline error, interrupts leave traits equal to the engine, save_html saves one widget."""

from __future__ import annotations


import numpy as np
import pytest
from conftest import SMALL
from test_widget import assert_traits_mirror_engine, synced

from babygpt_widget import BabyGPTWidget
from babygpt_widget.render.page_data import read_page_data
from babygpt_widget.widget.widget import ERROR_FIELDS

BRIEF_READ_ONLY = ("config states probs data_counts global_step loss history_steps history_losses history_probs "
                   "history_prefix_probs prefix_states prefix_probs prefix_data_counts playing training progress "
                   "run_string can_undo_reset errors").split()


class Wire:
    """What the kernel sends to the front end: custom replies and state updates."""

    def __init__(self, w: BabyGPTWidget, monkeypatch) -> None:
        self.replies: list[dict] = []
        self.updates: list[dict] = []
        monkeypatch.setattr(w, "send", lambda content, buffers=None: self.replies.append(content))
        real = w._send

        def _send(msg: dict, buffers=None) -> None:
            if msg.get("method") == "update":
                # binary traits travel as buffers: their names are in buffer_paths
                self.updates.append({**msg["state"], **{p[0]: buffers[i] for i, p in enumerate(msg["buffer_paths"])}})
            real(msg, buffers)

        monkeypatch.setattr(w, "_send", _send)

    def sent_back(self, name: str) -> bool:
        return any(name in u for u in self.updates)


@pytest.fixture
def w() -> BabyGPTWidget:
    widget = BabyGPTWidget(**SMALL)
    widget.train(3)
    return widget


# -- read-only traits ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", BRIEF_READ_ONLY)
def test_front_end_cannot_write_python_owned_traits(w, monkeypatch, name):
    wire = Wire(w, monkeypatch)
    before = synced(w, drop=())
    bogus = {"global_step": 12345, "playing": True, "training": True, "can_undo_reset": True, "loss": 9.0,
             "config": {"lr": 5}, "run_string": "babygpt1:steps=99", "errors": {"x": "y"}, "progress": {"done": 1},
             "states": ["x"], "prefix_states": ["y"]}.get(name, {"buffer": b"\x00" * 8})
    w.set_state({name: bogus})
    assert synced(w, drop=()) == before, f"{name} was written by the front end"
    assert {"reply": name, "ok": False, "error": f"{name}: set by the kernel only", "field": name} in wire.replies
    assert wire.sent_back(name), f"the kernel's {name} was not sent back"
    assert not w.playing and w.engine.global_step == 3


def test_a_mixed_write_applies_the_view_part_only(w, monkeypatch):
    wire = Wire(w, monkeypatch)
    w.set_state({"train_n": 7, "global_step": 99, "graph_layout": "force"})
    assert w.train_n == 7 and w.graph_layout == "force" and w.global_step == 3
    assert [r["reply"] for r in wire.replies] == ["global_step"]


# -- refused view-trait writes: reverted on both sides, inline error, cleared by a good value --------
@pytest.mark.parametrize("name,bad,good", [
    ("train_n", 0, 9), ("train_n", 10**12, 9), ("train_n", "abc", 9), ("sample_n", -1, 5), ("reach_k", 10**6, 4),
    ("graph_layout", "spiral", "force"), ("temperature", 7.5, 0.5), ("play_speed", 0.1, 2.0),
    ("sample_start", "0" * 10**6, "00"), ("shown_index", 99, 1), ("naughty", ["nope"], ["000"]),
    ("sample_seed", -3, 4),
])
def test_refused_view_writes_revert_on_both_sides(w, monkeypatch, name, bad, good):
    wire = Wire(w, monkeypatch)
    before = getattr(w, name)
    w.set_state({name: bad})
    assert getattr(w, name) == before, f"{name}={bad!r} stuck"
    assert wire.sent_back(name), "the front end keeps its own value unless the kernel's is sent back"
    assert wire.updates[-1][name] == before or name in ("naughty",)
    error = w.errors[name]
    assert error.startswith(f"{name}: ") and len(error) <= 300
    assert wire.replies[-1]["ok"] is False and wire.replies[-1]["field"] == name
    w.set_state({name: good})
    assert getattr(w, name) == good and name not in w.errors  # a stale error is cleared


def test_python_writes_of_bad_values_raise_valueerror_and_keep_the_value(w):
    for name, bad in (("train_n", 0), ("sample_n", -1), ("reach_k", 10**6), ("play_speed", -1)):
        before = getattr(w, name)
        with pytest.raises(ValueError, match=f"^{name}: "):
            setattr(w, name, bad)
        assert getattr(w, name) == before


def test_errors_never_gain_unknown_keys_and_stay_short(w, monkeypatch):
    Wire(w, monkeypatch)
    w.set_state({"x" * 10_000: 1, "no_such_trait": 5, "sample_start": "1" * 10**7, "train_n": 10**5000})
    assert set(w.errors) <= ERROR_FIELDS and set(w.errors) == {"sample_start", "train_n"}
    assert all(len(v) <= 300 for v in w.errors.values())
    with pytest.raises(ValueError):
        w.configure(**{"colour" * 1000: "red"})
    assert set(w.errors) <= ERROR_FIELDS


# -- interrupts ---------------------------------------------------------------------------------------
def test_keyboard_interrupt_during_train_leaves_traits_equal_to_the_engine(w, monkeypatch):
    engine = w.engine
    real = engine.train
    calls = [0]

    def interrupted(n: int, **kwargs) -> list:
        calls[0] += 1
        losses = real(n, **kwargs)
        if calls[0] == 3:
            raise KeyboardInterrupt  # lands after the engine committed this slice's steps
        return losses

    monkeypatch.setattr(engine, "train", interrupted)
    with pytest.raises(KeyboardInterrupt):
        w.train(300)
    assert engine.global_step > 3
    assert w.global_step == engine.global_step and w.run_string == engine.run_string
    assert_traits_mirror_engine(w)
    monkeypatch.setattr(engine, "train", real)
    w.train(2)  # the lock was released: the widget keeps working
    assert_traits_mirror_engine(w)


def test_second_interrupt_inside_the_closing_push_still_leaves_traits_equal(w, monkeypatch):
    engine = w.engine
    real_train, real_push = engine.train, w._push
    pushes = [0]

    def interrupted_train(n: int, **kwargs) -> list:
        real_train(n, **kwargs)
        raise KeyboardInterrupt  # the first Ctrl-C

    def push(*args, **kwargs) -> None:
        pushes[0] += 1
        if pushes[0] == 1:
            w.global_step = -7  # half-sent: one trait updated, then the second Ctrl-C
            raise KeyboardInterrupt
        real_push(*args, **kwargs)

    before = engine.global_step
    monkeypatch.setattr(engine, "train", interrupted_train)
    monkeypatch.setattr(w, "_push", push)
    with pytest.raises(KeyboardInterrupt):
        w.train(5)
    assert pushes[0] == 2, "the interrupted closing push was not redone"
    assert w.global_step == engine.global_step > before  # one chunk of the 5 steps at least (a slow machine cuts more chunks)
    assert_traits_mirror_engine(w)


# -- save_html ----------------------------------------------------------------------------------------
def test_save_html_saves_only_this_widget(tmp_path):
    mine = BabyGPTWidget(**SMALL)
    other = BabyGPTWidget(sequence="abcabcabcXYZ", alphabet="XYZabc", context_length=1, **SMALL)
    other.train(2)
    mine.save_html(tmp_path / "mine.html")
    page = (tmp_path / "mine.html").read_text()
    traits, _ = read_page_data(page)
    assert traits["config"] == mine.config and traits["states"] == mine.states
    assert other.model_id not in page and "abcabcabcXYZ" not in page, "another widget's data leaked into the page"


def test_save_html_tolerates_numpy_scalars_anywhere(tmp_path):
    mine = BabyGPTWidget(**SMALL)
    other = BabyGPTWidget(**SMALL)
    other.set_trait("progress", {"done": np.int64(1), "total": np.int64(2)})  # in another widget …
    mine.save_html(tmp_path / "a.html")
    mine.set_trait("progress", {"done": np.int64(3), "total": np.float32(4.0)})  # … and in this one
    mine.walk = {"start": "111", "tokens": "01", "temperature": np.float64(1.0), "seed": np.int64(7)}
    mine.save_html(tmp_path / "b.html")
    traits, _ = read_page_data((tmp_path / "b.html").read_text())
    assert traits["walk"]["seed"] == 7 and traits["walk"]["temperature"] == 1.0
    assert traits["progress"] == {} and traits["training"] is False  # nothing trains on a saved page


def test_save_html_escapes_the_title_and_checks_its_arguments(tmp_path):
    mine = BabyGPTWidget(**SMALL)
    mine.save_html(tmp_path / "t.html", title="</title><script>alert(1)</script>")
    page = (tmp_path / "t.html").read_text()
    assert "<script>alert(1)" not in page and "&lt;/title&gt;&lt;script&gt;" in page
    for path, title, field in ((None, "t", "path"), (123, "t", "path"), ("", "t", "path"), (tmp_path / "x.html", 5, "title"),
                               (tmp_path / "missing" / "x.html", "t", "path")):
        with pytest.raises(ValueError, match=f"^{field}: "):
            mine.save_html(path, title=title)
