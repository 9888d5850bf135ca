"""Long runs under control: Stop, progress, training, Play speed, undo reset, back to live, stale
errors cleared, the first Play slice of a heavier model timed on that model."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from conftest import SMALL
from test_widget import assert_traits_mirror_engine, command, i32, listen, optimizer_steps
from test_widget_threads import wait_idle
from virtual_clock import VirtualClock, loop_turns_until

from babygpt_widget import BabyGPT, BabyGPTWidget


@pytest.fixture
def w() -> BabyGPTWidget:
    return BabyGPTWidget(**SMALL)


def watch(w: BabyGPTWidget, name: str) -> list:
    seen: list = []
    w.observe(lambda change: seen.append(change["new"]), names=name)
    return seen


@pytest.mark.timeout(120)
@pytest.mark.parametrize("cmd", ["stop", "pause"])
def test_stop_ends_play_and_background_train_before_the_next_slice(w, monkeypatch, cmd):
    replies = listen(w, monkeypatch)
    training = watch(w, "training")

    async def main() -> tuple[int, int]:
        w.train(10)
        assert command(w, replies, cmd="train", n=100_000)["ok"]
        assert command(w, replies, cmd="play")["ok"]
        await asyncio.sleep(0.2)
        assert w.training is True and w.playing is True and w.progress["total"] == 100_000
        assert command(w, replies, cmd=cmd) == {"reply": cmd, "ok": True}
        stopped_at = w.engine.global_step  # no slice may start after the reply
        assert w.training is False and w.playing is False and w.progress == {}
        await wait_idle(w)
        await asyncio.sleep(0.05)
        return stopped_at, w.engine.global_step

    stopped_at, final = asyncio.run(main())
    assert 10 < stopped_at == final < 100_010
    assert training[0] is True and training[-1] is False
    assert optimizer_steps(w) == {final} and w.global_step == final


@pytest.mark.timeout(120)
def test_background_train_reports_progress(w, monkeypatch):
    replies = listen(w, monkeypatch)
    progress = watch(w, "progress")

    async def main() -> None:
        w.train(10)
        assert command(w, replies, cmd="train", n=3000)["ok"]
        assert w.training is True
        await wait_idle(w)

    asyncio.run(main())
    done = [p["done"] for p in progress if p]
    assert {p["total"] for p in progress if p} == {3000}
    assert done[0] == 0 and done == sorted(done) and len(done) >= 3
    assert progress[-1] == {} and w.training is False and w.global_step == 3010


@pytest.mark.timeout(120)
def test_load_run_trains_in_the_background_with_progress(w, monkeypatch):
    replies = listen(w, monkeypatch)
    text = BabyGPT(**SMALL).run_string.replace("steps=0", "steps=2500")

    async def main() -> None:
        w.train(5)
        assert command(w, replies, cmd="load_run", value=text)["ok"]
        await asyncio.sleep(0.05)
        assert w.training is True and w.progress["total"] == 2500 and w.engine.global_step < 2500
        await wait_idle(w)

    asyncio.run(main())
    assert w.global_step == 2500 and w.run_string == text
    assert_traits_mirror_engine(w)


def test_play_speed_validation(w):
    for ok in (0, 0.5, 2, 5000):
        w.play_speed = ok
        assert w.play_speed == ok
    for bad in (0.4, -1, 5001, float("nan"), float("inf"), True, "fast"):
        with pytest.raises(ValueError, match="^play_speed: "):
            w.play_speed = bad
    assert w.play_speed == 5000


@pytest.mark.timeout(120)
def test_slow_play_pushes_every_step(w, monkeypatch):
    clock = VirtualClock(step_seconds=0.001).install(monkeypatch)  # Play's naps pass on this clock
    w.play_speed = 20
    steps = watch(w, "global_step")
    history_ends = []
    w.observe(lambda c: history_ends.append(int(i32(c["new"])[-1])), names="history_steps")

    async def main() -> None:
        w.play()
        await loop_turns_until(lambda: w.engine.global_step >= 8)
        w.stop()
        await wait_idle(w)

    asyncio.run(main())
    n = w.engine.global_step
    starts = [t for t, _ in clock.slices]
    assert [k for _, k in clock.slices] == [1] * n, "at 20 steps/s every slice is one step"
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert gaps == pytest.approx([1 / 20] * (n - 1), abs=1e-6), "paced at 20 steps/s on the widget's own clock"
    assert steps == list(range(1, n + 1)), "slow motion must show every step"
    assert history_ends[-n:] == list(range(1, n + 1)), "the slider follows every step"


@pytest.mark.timeout(120)
def test_first_play_slice_of_a_heavier_model_is_one_timed_step(w, monkeypatch):
    replies = listen(w, monkeypatch)
    VirtualClock(step_seconds=0.001).install(monkeypatch)  # the fast model's slices: 33 steps, on any machine
    w.train(200)  # a fast model: slices of many steps
    assert w._steps_per_chunk() > 1
    assert command(w, replies, cmd="configure", values={"n_layer": 4, "n_embd": 64, "n_head": 4})["ok"]
    slices: list[int] = []
    real = w.engine.train
    monkeypatch.setattr(w.engine, "train", lambda n, **kw: (slices.append(n), real(n, **kw))[1])

    async def main() -> None:
        w.play()
        await loop_turns_until(lambda: len(slices) >= 2)
        w.stop()
        await wait_idle(w)

    asyncio.run(main())
    assert slices[0] == 1, f"first slice of the new model was {slices[0]} steps, sized from the old model"


@pytest.mark.timeout(60)
def test_a_refused_undo_does_not_stop_play(w, monkeypatch):
    replies = listen(w, monkeypatch)

    async def main() -> None:
        w.play()
        await asyncio.sleep(0.05)
        assert command(w, replies, cmd="undo_reset")["ok"] is False and replies[-1]["field"] == "undo_reset"
        assert w.playing is True and w.training is True
        w.stop()
        await wait_idle(w)

    asyncio.run(main())


def test_undo_reset(w, monkeypatch):
    replies = listen(w, monkeypatch)
    w.train(7)
    probs, history = w.probs, w.history_steps
    assert w.can_undo_reset is False
    assert command(w, replies, cmd="undo_reset")["ok"] is False and replies[-1]["field"] == "undo_reset"
    assert command(w, replies, cmd="reset")["ok"] and w.global_step == 0 and w.can_undo_reset is True
    assert command(w, replies, cmd="undo_reset") == {"reply": "undo_reset", "ok": True}
    assert w.global_step == 7 and w.probs == probs and w.history_steps == history and w.can_undo_reset is False
    assert_traits_mirror_engine(w)
    w.reset()
    w.step()  # the next training step drops the kept run
    assert w.can_undo_reset is False
    with pytest.raises(ValueError, match="^undo_reset: "):
        w.undo_reset()
    w.reset()
    w.configure(lr=0.002)  # … and so does a settings change
    assert w.can_undo_reset is False and w.global_step == 0


def test_step_train_play_return_the_view_to_live(w, monkeypatch):
    replies = listen(w, monkeypatch)
    w.train(5)
    for content in ({"cmd": "step"}, {"cmd": "train", "n": 2}):
        w.shown_index = 2
        assert command(w, replies, **content)["ok"]
        assert w.shown_index == -1

    async def main() -> None:
        w.shown_index = 1
        assert command(w, replies, cmd="play")["ok"]
        assert w.shown_index == -1
        w.stop()
        await wait_idle(w)

    asyncio.run(main())


def test_a_refused_train_or_play_keeps_the_shown_step(w, monkeypatch):
    replies = listen(w, monkeypatch)
    w.train(4)
    w.shown_index = 2
    assert command(w, replies, cmd="train", n=0)["ok"] is False
    assert command(w, replies, cmd="play")["ok"] is False  # no event loop here
    assert w.shown_index == 2 and w.global_step == 4


def test_stale_errors_are_cleared_by_the_next_success(w, monkeypatch):
    replies = listen(w, monkeypatch)
    assert command(w, replies, cmd="train", n=0)["ok"] is False and "train_n" in w.errors
    assert command(w, replies, cmd="train", n=2)["ok"] and "train_n" not in w.errors
    w.errors = {"train": "train: diverged"}
    w.train(1)
    assert "train" not in w.errors
    w.errors = {"train": "train: diverged"}
    w.reset()
    assert "train" not in w.errors


@pytest.mark.timeout(60)
@pytest.mark.parametrize("content", [
    {"cmd": "step", "n": 3}, {"cmd": "train", "n": 5, "extra": 1}, {"cmd": None}, {"cmd": {"a": 1}},
    {"cmd": "train", "n": 10**5000}, {"cmd": "train", "n": 1e308}, {"cmd": "configure", "values": None},
    {"cmd": "configure", "values": {"lr": 10**400}}, {"cmd": "load_run", "value": None},
    {"cmd": "load_run", "value": ["babygpt1:"]}, {"cmd": "x" * 10**6},
], ids=lambda c: f"{c['cmd']!s:.12}-{sorted(c)[-1]}")
def test_malformed_commands_follow_the_error_contract(w, monkeypatch, content):
    from test_widget import synced

    replies = listen(w, monkeypatch)
    before = synced(w)
    reply = command(w, replies, **content)
    assert reply["ok"] is False and isinstance(reply["field"], str) and len(reply["field"]) <= 40
    assert reply["error"].startswith(reply["field"] + ":") and len(reply["error"]) <= 300
    assert len(str(reply["reply"])) <= 60
    assert synced(w, drop=("errors",)) == {k: v for k, v in before.items() if k != "errors"}
    assert w.engine.global_step == 0


@pytest.mark.timeout(60)
def test_a_new_play_speed_applies_without_waiting_out_a_slow_nap(w, monkeypatch):
    clock = VirtualClock(step_seconds=0.001).install(monkeypatch)  # the 2 s nap passes on this clock

    async def main() -> float:
        w.train(50)  # timed: full speed then means slices of many steps
        clock.slices.clear()
        w.play_speed = 0.5  # one step every 2 s
        w.play()
        await loop_turns_until(lambda: len(clock.slices) >= 1)  # the first slow step ran: now it naps
        changed = clock.now
        w.play_speed = 0  # full speed: the 2 s nap ends now
        await loop_turns_until(lambda: len(clock.slices) >= 2)
        w.stop()
        await wait_idle(w)
        return changed

    changed = asyncio.run(main())
    (slow_at, slow_n), (fast_at, fast_n) = clock.slices[0], clock.slices[1]
    assert slow_n == 1 and fast_n > 1, clock.slices
    assert fast_at - changed <= 0.011, f"the next slice came {fast_at - changed:.3f} s after the change, not at once"
    assert fast_at - slow_at < 2 - 0.1, "the 2 s nap was waited out"


def test_a_longer_sequence_is_timed_again(w):
    w.train(50)
    assert w._seconds_per_step() is not None
    w.configure(sequence="0110" * 5000)  # same model, 20,000 windows: much slower steps
    assert w._seconds_per_step() is None and w._steps_per_chunk() == 1
    w.train(1)
    assert w._seconds_per_step() is not None


# -- Stop ends the readout (issue 18 item 4): within one step, and Play never runs ahead of the page --
@pytest.mark.timeout(120)
def test_stop_mid_slice_ends_training_within_one_step(w, monkeypatch):
    """A Stop arriving (from the comm thread) in the middle of a long slice ends it after the
    step in progress, not at the slice's end; nothing trained after it is pushed."""

    w.train(5)
    monkeypatch.setattr(w, "_steps_per_chunk", lambda: 100_000)  # one very long slice
    pushed = watch(w, "global_step")
    at_stop: list[int] = []

    def press_stop() -> None:
        time.sleep(0.4)
        at_stop.append(w.engine._trainer.global_step)  # where training is when Stop arrives
        w._on_message(w, {"cmd": "stop"}, [])

    async def main() -> None:
        w.play()
        t = threading.Thread(target=press_stop)
        t.start()
        while t.is_alive():
            await asyncio.sleep(0.01)
        await wait_idle(w)

    with_replies = listen(w, monkeypatch)
    asyncio.run(main())
    assert with_replies[-1] == {"reply": "stop", "ok": True}
    final = w.engine.global_step
    assert 5 < at_stop[0] <= final <= at_stop[0] + 1, (at_stop, final)
    assert pushed[-1] == final and max(pushed) == final, "a step after Stop reached the page"
    assert optimizer_steps(w) == {final}


@pytest.mark.timeout(120)
def test_play_waits_for_the_page_then_flow_control_gives_up(w, monkeypatch):
    """Once a page acknowledges steps (`seen`), Play trains at most ACK_DEPTH slices past the
    last acknowledged push; a page that stops answering turns flow control off after ACK_WAIT."""
    from babygpt_widget.widget.play_loop import ACK_DEPTH, ACK_WAIT

    replies = listen(w, monkeypatch)
    w.train(3)
    monkeypatch.setattr(w, "_steps_per_chunk", lambda: 2)
    w._on_message(w, {"cmd": "seen", "step": 3}, [])
    assert replies == [], "`seen` is not answered (one per push would double the traffic)"
    pushes = watch(w, "global_step")

    async def main() -> tuple[int, int, bool]:
        w.play()
        await asyncio.sleep(ACK_WAIT * 0.6)
        held = len(pushes)  # the page never acknowledged: Play is held
        still_on = w._acks
        await asyncio.sleep(ACK_WAIT * 0.8)  # past ACK_WAIT: flow control off, Play runs on
        later = len(pushes)
        w.stop()
        await wait_idle(w)
        return held, later, still_on

    held, later, still_on = asyncio.run(main())
    assert still_on and held == ACK_DEPTH, f"{held} pushes without an ack (at most {ACK_DEPTH})"
    assert later > held + 5 and w._acks is False


@pytest.mark.timeout(120)
def test_a_page_that_acknowledges_keeps_play_going(w, monkeypatch):
    listen(w, monkeypatch)
    monkeypatch.setattr(w, "_steps_per_chunk", lambda: 2)
    w.observe(lambda c: w._on_message(w, {"cmd": "seen", "step": c["new"]}, []), names="global_step")
    w._seen(0)

    async def main() -> None:
        w.play()
        await asyncio.sleep(0.6)
        w.stop()
        await wait_idle(w)

    asyncio.run(main())
    assert w._acks is True and w.engine.global_step >= 20, w.engine.global_step


def test_presentation_plays_at_a_pace_a_class_can_follow():
    """Presentation starts Play at PRESENTATION_PLAY_SPEED (not max) unless a speed was chosen;
    leaving it restores max if that pace was never changed."""
    from babygpt_widget.widget.traits import PRESENTATION_PLAY_SPEED

    assert PRESENTATION_PLAY_SPEED == 10
    assert BabyGPTWidget(**SMALL).play_speed == 0  # a notebook: as fast as the kernel trains
    assert BabyGPTWidget(presentation=True, **SMALL).play_speed == PRESENTATION_PLAY_SPEED
    assert BabyGPTWidget(presentation=True, play_speed=0, **SMALL).play_speed == 0  # chosen: kept
    w = BabyGPTWidget(**SMALL)
    w.set_state({"presentation": True})  # the front end's button
    assert w.play_speed == PRESENTATION_PLAY_SPEED
    w.set_state({"presentation": False})
    assert w.play_speed == 0
    w.set_state({"play_speed": 30})  # the lecturer picks a speed: presentation leaves it alone
    for on in (True, False, True):
        w.presentation = on
        assert w.play_speed == 30


@pytest.mark.timeout(120)
def test_play_runs_on_the_loop_of_a_session_thread_as_in_marimo_run(monkeypatch):
    """`marimo run` runs each session's cells and widget messages on a thread of its own with an
    asyncio loop, not on the main thread: a widget built there plays on that loop, and Pause
    stops it (Play used to answer "needs a running event loop" and never start)."""
    result: dict = {}

    def session() -> None:
        async def main() -> None:
            w = BabyGPTWidget(**SMALL)  # built by a cell, on the session's thread
            replies = listen(w, monkeypatch)
            result["play"] = command(w, replies, cmd="play")
            await asyncio.sleep(0.5)  # the session's loop runs between messages: Play trains
            result["playing"], result["steps"] = w.playing, w.engine.global_step
            result["pause"] = command(w, replies, cmd="pause")
            await wait_idle(w)
            result["stopped"] = w.engine.global_step
            await asyncio.sleep(0.2)
            result["later"] = w.engine.global_step

        try:
            asyncio.run(main())
        except BaseException as e:  # noqa: BLE001 - reported by the test thread
            result["error"] = e

    thread = threading.Thread(target=session)
    thread.start()
    thread.join(100)
    assert "error" not in result, result.get("error")
    assert result["play"] == {"reply": "play", "ok": True}, result["play"]
    assert result["playing"] is True and result["steps"] > 0
    assert result["pause"]["ok"] and result["stopped"] == result["later"] >= result["steps"]
