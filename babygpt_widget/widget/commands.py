"""The front end's commands: one custom-message channel, every command answered.

Each message names a command and its arguments (`COMMAND_ARGS`); anything else is refused
naming the field. A command runs the same widget method a notebook user calls, and its reply
says ok or carries the error message for the field. Train and Step requests either run at once
(short) or go to the background runner in slices (play_loop.py).
"""

from __future__ import annotations

from typing import Any, Callable

from ..core.field_checks import FieldError, check_count, echo, field_message
from ..core.memory_release import release_free_memory
from .play_loop import SHORT_SECONDS
from .traits import MAX_TRAIN_N

# Arguments each command accepts (anything else is refused, naming the field).
COMMAND_ARGS: dict[str, frozenset[str]] = {
    "step": frozenset(), "train": frozenset({"n"}), "play": frozenset(), "pause": frozenset(), "stop": frozenset(),
    "reset": frozenset(), "undo_reset": frozenset(), "configure": frozenset({"values"}),
    "load_run": frozenset({"value"}), "hello": frozenset(), "seen": frozenset({"step"}),
    # runs compared (widget/compare.py)
    "compare_seeds": frozenset({"k"}), "compare": frozenset({"other"}), "clear_compare": frozenset(),
    "hitting": frozenset({"k", "start"}),
    "explain": frozenset({"state", "step"}),  # the inside panel (widget/inside.py)
    "step_report": frozenset({"k"}),  # the This step view (widget/engine_reads.py)
    # push the chain yourself (widget/teaching.py)
    "nudge": frozenset({"state", "token", "p", "steps"}), "teach": frozenset({"targets", "steps"}), "undo": frozenset(),
    "lesson": frozenset({"page"}),  # the lesson card's Back / Next / Leave (widget/lesson.py)
}


def _values(values: Any) -> dict:
    """The `values` of a configure command: a dict of setting names (strings) to values."""
    if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
        raise FieldError("values", f"must be an object of setting names to values; got {echo(values)}")
    return values


class FrontEndCommands:
    """Mixed into BabyGPTWidget: needs the widget's commands (train, configure, ...), its traits,
    `_owner()`, `_main_loop()`, `_queue_steps()` and `_check_room()`."""

    def _on_message(self, _widget: Any, content: Any, buffers: list) -> None:
        if not isinstance(content, dict) or "cmd" not in content:
            return
        cmd = content["cmd"]
        if cmd == "seen":  # the page received a step (flow control, play_loop.py): no lock, no reply
            self._seen(content.get("step"))
            return
        reply: dict[str, Any] = {"reply": cmd if isinstance(cmd, str) and len(cmd) <= 40 else echo(cmd), "ok": True}
        try:
            self._run_command(cmd, content)
        except Exception as e:  # noqa: BLE001 - every command is answered; nothing escapes into the kernel
            field = getattr(e, "field", None) or str(e).split(":")[0]
            field = field if isinstance(field, str) and len(field) <= 40 else "cmd"
            message = field_message(field, e, content.get("n", content.get("value")))
            reply.update(ok=False, error=message, field=field)
            if field in ("train_n", "run_string") and field not in self.errors:
                with self._owner():
                    self.errors = {**self.errors, field: message}
        self.send(reply)
        release_free_memory()  # this thread's glibc arena keeps what the command freed (at most every 10 s)

    def _run_command(self, cmd: Any, content: dict) -> None:
        if not isinstance(cmd, str) or cmd not in COMMAND_ARGS:
            raise FieldError("cmd", f"unknown command {echo(cmd)}; known: {', '.join(COMMAND_ARGS)}")
        unknown = [k for k in content if k != "cmd" and k not in COMMAND_ARGS[cmd]]
        if unknown:
            name = unknown[0] if isinstance(unknown[0], str) and len(unknown[0]) <= 40 else "cmd"
            raise FieldError(name, f"{cmd} takes no argument {echo(unknown[0])}")
        handlers: dict[str, Callable[[], Any]] = {
            "step": lambda: self._live_then(lambda: self._queue_or_run(1)),
            "train": lambda: self._train_command(content.get("n", self.train_n)),
            "play": self._play_command,
            "pause": self.stop,
            "stop": self.stop,
            "reset": self.reset,
            "undo_reset": self.undo_reset,
            "configure": lambda: self.configure(**_values(content.get("values"))),
            "load_run": lambda: self.load_run(content.get("value")),
            "hello": lambda: None,  # the front end's "is there a kernel?" probe
            "seen": lambda: self._seen(content.get("step")),  # _on_message handles it without a reply
            **self._compare_handlers(content),
            "explain": lambda: self._explain_command(content),  # widget/inside.py
            "step_report": lambda: self._step_report_command(content.get("k")),  # widget/engine_reads.py
            "nudge": lambda: self.nudge(content.get("state"), content.get("token"), content.get("p"),
                                        content.get("steps", 20)),
            "teach": lambda: self.teach(content.get("targets"), content.get("steps", 60)),
            "undo": self.undo,
            "lesson": lambda: self._lesson_command(content.get("page")),  # widget/lesson.py
        }
        handlers[cmd]()

    def _train_command(self, n: Any) -> None:
        n = check_count("train_n", n, 1, MAX_TRAIN_N)  # checked first: a refused command changes nothing
        self._live_then(lambda: self._queue_or_run(n))

    def _play_command(self) -> None:
        if self._main_loop() is None:
            raise RuntimeError("play: needs a running event loop (a Jupyter kernel); use train(n) instead")
        self._live_then(self.play)

    def _live_then(self, action: Callable[[], Any]) -> None:
        """step / train / play act on the live model: return the view to live first."""
        with self._owner():
            self.shown_index = -1
        action()

    def _queue_or_run(self, n: int) -> None:
        """Short requests run now (between slices of a running Play, so each counts once); long
        ones run on the kernel's main loop in slices, so Stop and other cells get through."""
        self._check_room(n, "train")
        seconds = self._seconds_per_step()
        loop = self._main_loop()
        short = n <= 2 if seconds is None else n * seconds <= SHORT_SECONDS
        if loop is None or short:
            self.train(n)
            return
        self._queue_steps(n, loop)
