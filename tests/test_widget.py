"""BabyGPTWidget without a browser: traits, the one command channel, throttling, play/pause."""

from __future__ import annotations

import asyncio
import pathlib
import re

import numpy as np
import pytest
import torch
import traitlets
from conftest import SMALL

from virtual_clock import VirtualClock, loop_turns_until

from babygpt_widget import BabyGPT, BabyGPTWidget, RunConfig
from babygpt_widget.widget import widget as widget_module

CONTRACT = pathlib.Path(__file__).resolve().parents[1] / "docs" / "state-contract.md"


# -- helpers -----------------------------------------------------------------------------------------
class Replies(list):
    """Everything the widget sends to the front end."""


def listen(w: BabyGPTWidget, monkeypatch) -> Replies:
    replies = Replies()
    monkeypatch.setattr(w, "send", lambda content, buffers=None: replies.append(content))
    return replies


def command(w: BabyGPTWidget, replies: Replies, **content) -> dict:
    """Send a command exactly as the front end does (custom message) and return its answer."""
    n = len(replies)
    w._on_message(w, content, [])
    assert len(replies) == n + 1, f"command {content} was not answered exactly once"
    return replies[-1]


def synced(w: BabyGPTWidget, drop=("errors",)) -> dict:
    """The synced traits but `drop` and engine_state: a mirror of the engine that may arrive a moment
    after the rest that sent it (widget/engine_state.py; tests/test_engine_state.py checks it)."""
    return {k: v for k, v in w.get_state().items() if k not in drop and k != "engine_state"}


def f32(b: bytes) -> np.ndarray:
    return np.frombuffer(b, dtype="<f4")


def i32(b: bytes) -> np.ndarray:
    return np.frombuffer(b, dtype="<i4")


def optimizer_steps(w: BabyGPTWidget) -> set[int]:
    return {int(s["step"]) for s in w.engine._trainer.optimizer.state.values()}


def assert_traits_mirror_engine(w: BabyGPTWidget) -> None:
    e = w.engine
    S, V = len(e.states), len(e.alphabet)
    assert w.config == e.config.to_dict() and w.states == e.states
    assert w.global_step == e.global_step
    np.testing.assert_array_equal(f32(w.probs).reshape(S, V), e.probabilities)
    np.testing.assert_array_equal(i32(w.data_counts).reshape(S, V), e.data_counts())
    h = e.history
    np.testing.assert_array_equal(i32(w.history_steps), h.steps)
    np.testing.assert_array_equal(f32(w.history_losses), h.losses)
    np.testing.assert_array_equal(f32(w.history_probs).reshape(len(h), S, V), h.probs)
    assert w.loss == pytest.approx(e.loss)


@pytest.fixture
def w() -> BabyGPTWidget:
    return BabyGPTWidget()


@pytest.fixture
def small() -> BabyGPTWidget:
    return BabyGPTWidget(**SMALL)


# -- traits ------------------------------------------------------------------------------------------
def test_traits_after_construction(w):
    assert w.config == RunConfig().to_dict()
    assert w.config["sequence"] == "111101111011110" and w.config["alphabet"] == "01"
    assert w.states == ["000", "001", "010", "011", "100", "101", "110", "111"]
    assert isinstance(w.probs, bytes) and len(w.probs) == 8 * 2 * 4
    np.testing.assert_allclose(f32(w.probs), 0.5, atol=0.05)
    np.testing.assert_allclose(f32(w.probs)[:2], [0.4963, 0.5037], atol=1e-3)
    assert len(w.data_counts) == 8 * 2 * 4
    assert i32(w.data_counts).reshape(8, 2).tolist() == [[0, 0], [0, 0], [0, 0], [0, 2], [0, 0], [0, 2], [0, 2], [3, 3]]
    assert w.global_step == 0
    assert i32(w.history_steps).tolist() == [0]
    assert len(f32(w.history_losses)) == 1 and f32(w.history_losses)[0] == pytest.approx(0.6635394, abs=1e-6)
    assert len(w.history_probs) == 8 * 2 * 4
    assert w.loss == pytest.approx(0.663539469242096, abs=1e-6)
    assert w.graph_layout == "circular" and w.shown_index == -1 and w.playing is False and w.train_n == 50
    assert w.errors == {}
    assert_traits_mirror_engine(w)


def test_every_contract_trait_is_synced(w):
    names = re.findall(r"^\| `(\w+)` \| [^|]+ \| (?:Python|both) \|", CONTRACT.read_text(), re.M)
    assert len(names) >= 14
    state = w.get_state()
    for name in names:
        assert name in state, f"trait {name!r} of docs/state-contract.md is not synced"
        assert w.trait_metadata(name, "sync") is True


def test_constructor_settings_and_bad_settings():
    w = BabyGPTWidget(alphabet="ab", context_length=2, sequence="abbaab", graph_layout="force", train_n=7, **SMALL)
    assert w.states == ["aa", "ab", "ba", "bb"] and w.graph_layout == "force" and w.train_n == 7
    with pytest.raises(ValueError, match="^lr:"):
        BabyGPTWidget(lr=-1)
    with pytest.raises(traitlets.TraitError, match="graph_layout"):
        BabyGPTWidget(graph_layout="spiral")


# -- commands: the front end's one channel ---------------------------------------------------------------
def test_step_command(w, monkeypatch):
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="step") == {"reply": "step", "ok": True}
    assert w.global_step == 1 and i32(w.history_steps).tolist() == [0, 1]
    assert_traits_mirror_engine(w)


def test_train_command(w, monkeypatch):
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="train", n=5) == {"reply": "train", "ok": True}
    assert w.global_step == 5 and optimizer_steps(w) == {5}
    w.train_n = 3
    assert command(w, replies, cmd="train") == {"reply": "train", "ok": True}  # n defaults to train_n
    assert w.global_step == 8
    assert i32(w.history_steps).tolist() == list(range(9))
    assert_traits_mirror_engine(w)


def test_reset_command(w, monkeypatch):
    replies = listen(w, monkeypatch)
    fresh = synced(BabyGPTWidget(), drop=("errors", "layout", "can_undo_reset", "can_undo"))  # layout: ipywidgets' own Layout model
    w.train(5)
    w.shown_index = 2
    assert command(w, replies, cmd="reset") == {"reply": "reset", "ok": True}
    assert w.global_step == 0 and w.shown_index == -1
    assert w.can_undo_reset is True  # the previous run is kept until the next training step
    assert synced(w, drop=("errors", "layout", "can_undo_reset", "can_undo")) == fresh


def test_configure_command_valid(w, monkeypatch):
    replies = listen(w, monkeypatch)
    w.train(5)
    probs = w.probs
    assert command(w, replies, cmd="configure", values={"lr": 0.01}) == {"reply": "configure", "ok": True}
    assert w.config["lr"] == 0.01 and w.global_step == 5 and w.probs == probs  # live: no reset
    assert command(w, replies, cmd="configure", values={"n_layer": 2})["ok"] is True
    assert w.config["n_layer"] == 2 and w.global_step == 0 and i32(w.history_steps).tolist() == [0]
    assert command(w, replies, cmd="configure", values={"alphabet": "abc", "sequence": "abcabcab", "context_length": 2})["ok"]
    assert len(w.states) == 9 and len(w.probs) == 9 * 3 * 4
    assert_traits_mirror_engine(w)


BAD_CONFIG = [
    ({"lr": -1}, "lr"),
    ({"lr": None}, "lr"),
    ({"sequence": "0120"}, "sequence"),
    ({"alphabet": "0"}, "alphabet"),
    ({"context_length": 20}, "context_length"),
    ({"alphabet": "0123456789", "context_length": 4, "sequence": "01234"}, "context_length"),
    ({"n_embd": 10}, "n_embd"),
    ({"n_layer": True}, "n_layer"),
    ({"seed": -5}, "seed"),
    ({"weight_decay": "high"}, "weight_decay"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize("values,field", BAD_CONFIG, ids=[f for _, f in BAD_CONFIG])
def test_configure_command_invalid_changes_nothing(w, monkeypatch, values, field):
    replies = listen(w, monkeypatch)
    w.train(3)
    w.shown_index = 1
    before = synced(w)
    reply = command(w, replies, cmd="configure", values=values)
    assert reply["reply"] == "configure" and reply["ok"] is False
    assert reply["field"] == field and reply["error"].startswith(f"{field}: ")
    assert synced(w) == before
    # inline next to its field; an unknown setting has no field to show it at: errors gains no new key
    assert w.errors == ({} if field == "colour" else {field: reply["error"]})
    assert w.engine.global_step == 3
    # a later valid value for the field clears its error (and only its error)
    if field in ("lr", "seed"):
        w.errors = {**w.errors, "n_head": "stale"}
        assert command(w, replies, cmd="configure", values={field: 1e-3 if field == "lr" else 1337})["ok"]
        assert field not in w.errors and "n_head" in w.errors


def test_configure_from_python_sets_inline_error(w):
    with pytest.raises(ValueError, match="^n_embd:"):
        w.configure(n_embd=15)
    assert set(w.errors) == {"n_embd"} and "divisible by n_head" in w.errors["n_embd"]
    w.configure(n_embd=32)
    assert w.errors == {} and w.config["n_embd"] == 32


@pytest.mark.parametrize("n", [0, -3, True, 2.5, "10", 10**9])
def test_train_command_with_bad_n(w, monkeypatch, n):
    replies = listen(w, monkeypatch)
    before = synced(w)
    reply = command(w, replies, cmd="train", n=n)
    assert reply["ok"] is False and reply["field"] == "train_n" and reply["error"].startswith("train_n: must be an integer")
    assert w.errors == {"train_n": reply["error"]}  # shown inline next to the N field
    after = synced(w)
    assert {k: v for k, v in after.items() if k != "errors"} == {k: v for k, v in before.items() if k != "errors"}
    assert w.engine.global_step == 0


def test_pause_and_unknown_commands(w, monkeypatch):
    replies = listen(w, monkeypatch)
    before = synced(w)
    assert command(w, replies, cmd="pause") == {"reply": "pause", "ok": True}
    reply = command(w, replies, cmd="explode")
    assert reply["ok"] is False and reply["reply"] == "explode" and reply["field"] == "cmd"
    assert "step" in reply["error"] and "train" in reply["error"]  # lists the known commands
    assert synced(w) == before


def test_messages_that_are_not_commands_are_ignored(w, monkeypatch):
    replies = listen(w, monkeypatch)
    before = synced(w)
    for content in ("step", None, 3, {"command": "step"}, {}):
        w._on_message(w, content, [])
    assert replies == [] and synced(w) == before


@pytest.mark.parametrize("content", [
    {"cmd": "configure", "values": 5},
    {"cmd": "configure", "values": "lr"},
    {"cmd": "configure", "values": [["lr", 0.1, 3]]},
    {"cmd": ["step"]},
    {"cmd": "play"},  # no running event loop here: must still be answered
], ids=["values-int", "values-str", "values-list", "cmd-list", "play-without-loop"])
def test_malformed_commands_are_answered_not_raised(w, monkeypatch, content):
    replies = listen(w, monkeypatch)
    before = synced(w)
    w._on_message(w, content, [])
    assert len(replies) == 1 and replies[0]["ok"] is False and replies[0]["error"]
    assert synced(w) == before


# -- python calls update the traits ---------------------------------------------------------------------
def test_python_train_updates_traits(w):
    probs = w.probs
    losses = w.train(5)
    assert len(losses) == 5
    assert w.global_step == 5 and w.probs != probs
    assert len(i32(w.history_steps)) == 6 and len(f32(w.history_losses)) == 6
    assert len(w.history_probs) == 6 * 8 * 2 * 4
    assert w.step() == pytest.approx(f32(w.history_losses)[5], abs=1e-6)
    assert w.global_step == 6
    assert_traits_mirror_engine(w)


def test_seed_results_through_the_widget(w):
    losses = w.train(50)
    assert losses[0] == pytest.approx(0.663539469, abs=1e-5) and losses[49] == pytest.approx(0.4699831, abs=1e-5)
    p = f32(w.probs).reshape(8, 2)
    assert p[w.states.index("101"), 1] == pytest.approx(0.793, abs=2e-3)


def test_throttled_updates_but_complete_history(w, monkeypatch):
    clock = VirtualClock(step_seconds=0.001).install(monkeypatch)  # slices follow counted steps
    changes = []
    w.observe(lambda change: changes.append(change["new"]), names="probs")
    steps = []
    w.observe(lambda change: steps.append(change["new"]), names="global_step")
    w.train(300)
    sizes = [n for _, n in clock.slices]
    per_slice = int(widget_module.CHUNK_SECONDS / 0.001)  # a slice: CHUNK_SECONDS of measured steps
    assert sizes[0] == 1 and set(sizes[1:-1]) == {per_slice} and sum(sizes) == 300, sizes
    assert len(changes) == len(sizes) and len(steps) == len(sizes), "one front-end update per slice, not per step"
    assert w.global_step == 300 and steps[-1] == 300
    assert i32(w.history_steps).tolist() == list(range(301))
    assert f32(w.history_probs).size == 301 * 16
    assert_traits_mirror_engine(w)


def test_binary_traits_decode_as_documented(w):
    w.train(4)
    S, V = 8, 2
    p = np.frombuffer(w.probs, dtype=np.dtype("float32").newbyteorder("<")).reshape(S, V)
    np.testing.assert_allclose(p.sum(1), 1, atol=1e-6)
    assert p.tobytes() == w.engine.probabilities.astype("<f4").tobytes()
    assert len(w.history_steps) == 4 * 5 and len(w.history_losses) == 4 * 5
    assert i32(w.history_steps).tolist() == [0, 1, 2, 3, 4]
    hp = f32(w.history_probs).reshape(5, S, V)
    np.testing.assert_array_equal(hp[-1], p)  # the last history entry is the live chain
    assert f32(w.history_losses)[-1] == pytest.approx(w.loss, abs=1e-7)
    assert int.from_bytes(w.history_steps[-4:], "little") == 4


def test_widget_mirrors_the_engine(w):
    w.train(20)
    e = w.engine
    assert isinstance(e, BabyGPT)
    np.testing.assert_array_equal(w.probabilities, e.probabilities)
    np.testing.assert_array_equal(w.history.steps, e.history.steps)
    np.testing.assert_array_equal(w.history.probs, e.history.probs)
    assert w.sample(15, seed=4) == e.sample(15, seed=4)
    assert w.sample(6, start="000", temperature=0) == e.sample(6, start="000", temperature=0)
    assert w.to_graphviz().source == e.to_graphviz().source
    np.testing.assert_array_equal(w.stationary_distribution(), e.stationary_distribution())
    assert w.unseen_states == e.unseen_states and w.num_parameters == 12_656
    assert w.reach_probability(["000"], 5) == e.reach_probability(["000"], 5)
    with pytest.raises(AttributeError):
        w.no_such_thing


def test_graph_layout_validation(w):
    with pytest.raises(traitlets.TraitError, match="circular, force"):
        w.graph_layout = "spiral"
    assert w.graph_layout == "circular"
    w.set_state({"graph_layout": "spiral"})  # the path of a front-end update: refused, not raised
    assert w.graph_layout == "circular" and w.errors["graph_layout"].startswith("graph_layout: must be one of")
    w.graph_layout = "force"
    assert w.graph_layout == "force" and w.get_state()["graph_layout"] == "force"


def test_ipywidgets_layout_is_left_alone(w):
    """`layout` is every DOMWidget's Layout model: the graph layout must not shadow it."""
    import ipywidgets

    assert isinstance(w.layout, ipywidgets.Layout)
    assert w.get_state()["layout"] == f"IPY_MODEL_{w.layout.model_id}"


def test_train_n_and_shown_index_validation(w):
    with pytest.raises(ValueError, match="^train_n:"):
        w.train_n = 0
    assert w.train_n == 50
    with pytest.raises(traitlets.TraitError, match="shown_index"):
        w.shown_index = 5  # only one history entry yet
    w.train(10)
    w.shown_index = 5
    assert w.shown_index == 5
    with pytest.raises(traitlets.TraitError):
        w.shown_index = -2
    assert w.shown_index == 5


def test_show_step_follows_the_step_through_thinning(small):
    small.engine._trainer.history.__init__(len(small.engine._trainer.space), 2, capacity=16)
    small.engine._trainer.evaluate()
    small.train(10)
    small.show_step(6)
    assert i32(small.history_steps)[small.shown_index] == 6
    before = i32(small.history_steps).tolist()
    small.train(30)  # thinning moves indices: still the newest kept step at or before 6
    steps = i32(small.history_steps)
    assert steps.tolist() != before and small.engine.history.stride == 4
    assert steps[small.shown_index] == 4 and steps[small.shown_index + 1] > 6
    small.show_step(None)
    assert small.shown_index == -1


def test_divergence_in_the_widget(w):
    w.train(3)
    trainer = w.engine._trainer
    real = trainer.optimizer_step

    def poisoned() -> None:  # every optimizer step now blows the weights up
        real()
        with torch.no_grad():
            for p in w.engine.model.parameters():
                p.fill_(float("nan"))

    trainer._optimizer_step = poisoned
    with pytest.raises(ValueError, match="^train:"):
        w.train(10)
    assert w.global_step == 3 and "train" in w.errors and w.playing is False
    assert np.all(np.isfinite(f32(w.probs)))
    assert i32(w.history_steps).tolist() == [0, 1, 2, 3]
    assert_traits_mirror_engine(w)
    trainer._optimizer_step = real
    w.reset()
    assert "train" not in w.errors and w.global_step == 0


def test_load_shows_the_saved_run(tmp_path, w):
    w.train(12)
    w.save(tmp_path / "run.pt")
    w2 = BabyGPTWidget.load(tmp_path / "run.pt", graph_layout="force")
    assert w2.global_step == 12 and w2.graph_layout == "force"
    assert w2.probs == w.probs and w2.history_steps == w.history_steps
    assert_traits_mirror_engine(w2)
    assert w2.train(3) == w.train(3)


def test_redisplay_refers_to_the_same_model(w):
    a = w._repr_mimebundle_()
    b = w._repr_mimebundle_()
    bundle_a = a[0] if isinstance(a, tuple) else a
    bundle_b = b[0] if isinstance(b, tuple) else b
    key = "application/vnd.jupyter.widget-view+json"
    assert bundle_a[key]["model_id"] == bundle_b[key]["model_id"] == w.model_id
    assert "BabyGPT" in bundle_a["text/plain"]


# -- play / pause: inside an event loop ------------------------------------------------------------------
def test_play_without_a_running_loop(w):
    with pytest.raises(RuntimeError, match="train"):
        w.play()
    assert w.playing is False and w.global_step == 0


async def _wait_done(w: BabyGPTWidget, timeout: float = 300.0) -> None:
    if w._task is not None:
        await asyncio.wait_for(asyncio.shield(w._task), timeout)


@pytest.mark.timeout(120)
def test_play_and_pause_in_an_event_loop(small, monkeypatch):
    w = small
    clock = VirtualClock(step_seconds=0.001).install(monkeypatch)  # slices follow counted steps
    ticks: list[int] = []  # at each turn of another task: how many slices Play had run by then
    updates = []
    w.observe(lambda change: updates.append(change["new"]), names="probs")

    async def ticker(stop):
        while not stop.is_set():
            await asyncio.sleep(0)
            ticks.append(len(clock.slices))

    async def main():
        stop = asyncio.Event()
        tick = asyncio.create_task(ticker(stop))
        w.play()
        assert w.playing is True
        await loop_turns_until(lambda: len(clock.slices) >= 8)
        assert w.playing is True and w.engine.global_step > 0
        w.pause()
        await _wait_done(w)
        assert w.playing is False
        after = w.global_step
        for _ in range(50):  # turns of the loop after Pause: nothing trains any more
            await asyncio.sleep(0)
        stop.set()
        await tick
        return after

    after = asyncio.run(main())
    assert after > 0 and w.global_step == after == w.engine.global_step
    assert optimizer_steps(w) == {after}
    assert w.playing is False
    assert i32(w.history_steps)[-1] == after  # the final push sent the whole history
    h = w.engine.history
    if after < h.stride * 2048:
        assert h.steps.tolist() == list(range(0, after + 1, h.stride)) or h.steps[-1] == after
    # Play yields to the event loop after every slice (so Pause and other cells get in) ...
    slices = len(clock.slices)
    missing = sorted(set(range(1, slices)) - set(ticks))
    assert not missing, f"no other task ran between slices {missing[:5]} and the next"
    # ... a slice holds CHUNK_SECONDS of (measured) steps, and each sends one update: <= ~30/s
    sizes = [n for _, n in clock.slices]
    assert sizes[0] == 1 and set(sizes[1:]) == {int(widget_module.CHUNK_SECONDS / 0.001)}, sizes
    assert 0 < len(updates) <= slices + 1, f"{len(updates)} front-end updates for {slices} slices"


@pytest.mark.timeout(120)
def test_pause_stops_a_long_background_train(small, monkeypatch):
    w = small
    replies = listen(w, monkeypatch)

    async def main():
        assert command(w, replies, cmd="train", n=100_000)["ok"]
        await asyncio.sleep(0.2)
        assert command(w, replies, cmd="pause")["ok"]
        stopped_at = w.engine.global_step
        await _wait_done(w)
        return stopped_at

    stopped_at = asyncio.run(main())
    assert 0 < stopped_at < 100_000 and w.engine.global_step == stopped_at == w.global_step
    assert w._pending_steps == 0 and optimizer_steps(w) == {stopped_at}


@pytest.mark.timeout(120)
def test_large_train_command_runs_in_the_background_exactly(small, monkeypatch):
    w = small
    replies = listen(w, monkeypatch)
    n = 1500

    async def main():
        reply = command(w, replies, cmd="train", n=n)
        assert reply == {"reply": "train", "ok": True}
        assert w._task is not None and not w._task.done(), "a long train should not block the kernel"
        await _wait_done(w)

    asyncio.run(main())
    assert w.global_step == w.engine.global_step == n
    assert optimizer_steps(w) == {n}
    assert i32(w.history_steps).tolist() == list(range(n + 1))  # no lost or duplicated steps
    assert w.playing is False and w._pending_steps == 0


@pytest.mark.timeout(120)
def test_commands_while_playing_each_count_once(small, monkeypatch):
    w = small
    replies = listen(w, monkeypatch)
    VirtualClock(step_seconds=0.001).install(monkeypatch)  # a Step is short (runs at once) on any machine

    async def main():
        assert command(w, replies, cmd="play") == {"reply": "play", "ok": True}
        await asyncio.sleep(0.05)
        for _ in range(5):  # each Step runs between Play's slices and counts exactly once
            before = w.engine.global_step
            assert command(w, replies, cmd="step")["ok"]
            assert w.engine.global_step == before + 1
            await asyncio.sleep(0.01)
        before = w.engine.global_step
        assert command(w, replies, cmd="train", n=40)["ok"]  # at once, or queued ahead of Play's own steps
        while w._pending_steps:
            await asyncio.sleep(0.005)
        assert w.engine.global_step >= before + 40
        await asyncio.sleep(0.02)
        assert command(w, replies, cmd="pause") == {"reply": "pause", "ok": True}
        paused_at = w.engine.global_step
        await _wait_done(w)
        return paused_at

    paused_at = asyncio.run(main())
    final = w.engine.global_step
    assert final == paused_at  # Pause takes effect at once: no step after it
    assert w.global_step == final and optimizer_steps(w) == {final}
    assert w.engine.history.steps[-1] == final
    assert w.playing is False


@pytest.mark.timeout(120)
def test_reset_while_playing_stops(small, monkeypatch):
    w = small
    replies = listen(w, monkeypatch)

    async def main():
        w.play()
        await asyncio.sleep(0.1)
        assert command(w, replies, cmd="reset")["ok"]
        await _wait_done(w)

    asyncio.run(main())
    assert w.playing is False and w.global_step == 0 == w.engine.global_step
    assert i32(w.history_steps).tolist() == [0]


def test_chunking_constants():
    assert widget_module.CHUNK_SECONDS <= 1 / 20  # <= ~30 front-end updates per second while training


# -- the actual state space, walks, marked states, run strings -------------------------------------------
def test_prefix_traits_decode_as_documented(w):
    w.train(3)
    every = w.engine.transition_matrix(include_prefixes=True)
    assert w.prefix_states == ["0", "1", "00", "01", "10", "11"]
    np.testing.assert_allclose(f32(w.prefix_probs).reshape(6, 2), every[:6], atol=1e-7)
    assert i32(w.prefix_data_counts).reshape(6, 2).tolist() == w.engine.data_counts(include_prefixes=True)[:6].tolist()
    assert len(w.history_prefix_probs) == 4 * 6 * 2 * 4  # H=4 snapshots (steps 0..3)


def test_hello_command(w, monkeypatch):
    replies = listen(w, monkeypatch)
    before = synced(w)
    assert command(w, replies, cmd="hello") == {"reply": "hello", "ok": True}
    assert synced(w) == before


def test_load_run_command(w, monkeypatch):
    replies = listen(w, monkeypatch)
    text = BabyGPT(lr=0.01, **SMALL).run_string.replace("steps=0", "steps=7")
    assert command(w, replies, cmd="load_run", value=text) == {"reply": "load_run", "ok": True}
    assert w.global_step == 7 and w.config["lr"] == 0.01 and w.config["n_layer"] == 1
    assert w.run_string == text
    assert_traits_mirror_engine(w)
    before = synced(w)
    reply = command(w, replies, cmd="load_run", value="babygpt1:lr=-1")
    assert reply["ok"] is False and reply["field"] == "run_string"
    assert synced(w) == before and set(w.errors) == {"run_string"}


def test_sample_sets_the_walk(w):
    w.train(50)
    text = w.sample(10, seed=3)
    assert text == w.engine.sample(10, seed=3)
    assert w.walk["start"] == "111" and w.walk["tokens"] == text[3:] and w.walk["seed"] == 3


def test_marked_states(w):
    w.train(50)
    w.naughty = ["000", "000", "00"]
    assert w.naughty == ["000", "00"]
    with pytest.raises(traitlets.TraitError, match="naughty"):
        w.naughty = ["0000"]
    assert w.naughty == ["000", "00"]
    w.reach_k = 5
    assert w.reach_probability() == w.engine.reach_probability(["000", "00"], 5)
