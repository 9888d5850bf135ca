"""Running benchmark code in a real Jupyter kernel (jupyter_client), as a notebook would."""

from __future__ import annotations

import json
from typing import Callable


def run_in_kernel(kc, code: str, on_iopub: Callable[[dict], None] | None = None, timeout: float = 600) -> dict:
    """Execute ``code``; returns the JSON objects it printed (lines starting with "{"), merged.
    An error in the kernel raises RuntimeError with its traceback; ``on_iopub`` sees every
    message first (e.g. to time the widget's comm updates)."""
    out: dict = {}

    def hook(msg: dict) -> None:
        if on_iopub is not None:
            on_iopub(msg)
        if msg["msg_type"] == "stream" and msg["content"]["text"].startswith("{"):
            out.update(json.loads(msg["content"]["text"]))
        elif msg["msg_type"] == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))

    kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return out
