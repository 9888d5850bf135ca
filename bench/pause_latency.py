"""Pause latency in a real kernel, the way JupyterLab 4.6 talks to it.

A kernel (ipykernel 7) runs the widget; this process is the front end. Like JupyterLab's default
`commsOverSubshells`, it creates a kernel subshell and sends the widget's commands over it (so
they are handled on the subshell's thread while Play runs on the kernel's main loop). Each round
starts Play (or a long Train ×N), lets it run, sends `stop` and times from sending the message to
the `training: false` update arriving. Reports median and max over the rounds; target <= 100 ms.

    .venv/bin/python bench/pause_latency.py [--rounds 20] [--model default|heavy]
"""

from __future__ import annotations

import argparse
import queue
import statistics
import threading
import time

from common import finish, load_note, target
from jupyter_client.manager import start_new_kernel

SETUP = """
import torch
torch.set_num_threads(1)
from babygpt_widget import BabyGPTWidget
w = BabyGPTWidget({settings})
w.train(20)
print(w.comm.comm_id)
"""
MODELS = {"default": "", "heavy": "n_layer=6, n_embd=128, n_head=8"}


class Front:
    """The front end's side of one widget comm, over a kernel subshell."""

    def __init__(self, kc, comm_id: str, subshell_id: str | None) -> None:
        self.kc, self.comm_id, self.subshell_id = kc, comm_id, subshell_id
        self.updates: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read_iopub, daemon=True)
        self._reader.start()

    def _read_iopub(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.kc.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                continue
            content = msg["content"]
            if msg["msg_type"] == "comm_msg" and content.get("comm_id") == self.comm_id:
                state = content.get("data", {}).get("state", {})
                if "training" in state:
                    self.updates.put((time.perf_counter(), state["training"]))

    def command(self, cmd: dict) -> float:
        data = {"method": "custom", "content": cmd}
        msg = self.kc.session.msg("comm_msg", {"comm_id": self.comm_id, "data": data})
        if self.subshell_id is not None:
            msg["header"]["subshell_id"] = self.subshell_id
        sent = time.perf_counter()
        self.kc.shell_channel.send(msg)
        return sent

    def wait_training(self, value: bool, after: float, timeout: float = 30.0) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            t, v = self.updates.get(timeout=max(0.01, deadline - time.perf_counter()))
            if v is value and t >= after:
                return t

    def close(self) -> None:
        self._stop.set()
        self._reader.join()


def create_subshell(kc) -> str | None:
    msg = kc.session.msg("create_subshell_request", {})
    kc.control_channel.send(msg)
    reply = kc.control_channel.get_msg(timeout=10)
    return reply["content"].get("subshell_id")


def run_code(kc, code: str) -> str:
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))

    kc.execute_interactive(code, timeout=300, output_hook=hook)
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--model", choices=sorted(MODELS), default="default")
    parser.add_argument("--run-seconds", type=float, default=0.5)
    args = parser.parse_args()

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        comm_id = run_code(kc, SETUP.format(settings=MODELS[args.model])).strip().splitlines()[-1]
        # the reader thread takes iopub from here on: no more execute_interactive
        subshell = create_subshell(kc)
        front = Front(kc, comm_id, subshell)
        latencies: dict[str, list[float]] = {"play": [], "train x100000": []}
        for i in range(args.rounds):
            start = {"cmd": "play"} if i % 2 == 0 else {"cmd": "train", "n": 100_000}
            kind = "play" if i % 2 == 0 else "train x100000"
            t = front.command(start)
            front.wait_training(True, t)
            time.sleep(args.run_seconds)
            sent = front.command({"cmd": "stop"})
            latencies[kind].append(front.wait_training(False, sent) - sent)
            time.sleep(0.2)
        front.close()
        every = [x for v in latencies.values() for x in v]
        print(f"\n== Pause latency in a real kernel ({args.model} model, commands over a subshell: "
              f"{subshell is not None}) ==")
        for kind, values in latencies.items():
            print(f"{kind:14s} n={len(values):2d}  median {statistics.median(values) * 1e3:6.1f} ms  "
                  f"max {max(values) * 1e3:6.1f} ms")
        print(f"{'all':14s} n={len(every):2d}  median {statistics.median(every) * 1e3:6.1f} ms  "
              f"max {max(every) * 1e3:6.1f} ms   ({load_note()})")
        name = f"pause_latency ({args.model} model): stop -> training false"
        print(f"median {statistics.median(every) * 1e3:6.1f} ms"
              + target(f"{name}, median", statistics.median(every) * 1e3, 100, at_most=True, unit=" ms", fmt=".0f"))
        print(f"max    {max(every) * 1e3:6.1f} ms"
              + target(f"{name}, every pause (max)", max(every) * 1e3, 100, at_most=True, unit=" ms", fmt=".0f"))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
    finish()
