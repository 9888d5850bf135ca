"""The in-browser engine (js/engine/) against the Python engine: same machine, same run.

BabyGPTEngine.train(n) in Node (V8, as in Chromium; bundled by esbuild) against
BabyGPT.train(n) in this process, in 7 alternating rounds, medians. Three
runs: the seed's (8 states), V=2 C=6 (64 states) and V=2 C=10 (1,024 states) on a fixed
random sequence, default model. Target (DESIGN §4): the default step at least as fast as the
Python engine's (>= 1.0x), aim 2x; the others are reported. Also the engine's size minified
(esbuild --minify of js/engine/index.ts; target <= ~60 kB).

    .venv/bin/python bench/browser_engine.py
"""

from __future__ import annotations

import gzip
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from babygpt_widget import BabyGPT
from common import header

ROOT = Path(__file__).resolve().parents[1]
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"


def random_sequence(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("01") for _ in range(n))


RUNS = {  # name: (BabyGPT kwargs, steps per round, warm-up steps)
    "default (8 states)": (dict(), 50, 20),
    "64 states (C=6)": (dict(context_length=6, sequence=random_sequence(200)), 10, 3),
    "1,024 states (C=10)": (dict(context_length=10, sequence=random_sequence(300)), 2, 1),
}


def bundle(out_dir: Path) -> tuple[Path, int, int]:
    """The engine bundled for Node (to run) and minified for the browser (to weigh)."""
    node_bundle = out_dir / "engine.mjs"
    minified = out_dir / "engine.min.js"
    entry = str(ROOT / "js" / "engine" / "index.ts")
    subprocess.run([str(ESBUILD), entry, "--bundle", "--platform=node", "--format=esm", f"--outfile={node_bundle}",
                    "--log-level=warning"], check=True)
    subprocess.run([str(ESBUILD), entry, "--bundle", "--minify", "--format=esm", f"--outfile={minified}",
                    "--log-level=warning"], check=True)
    return node_bundle, minified.stat().st_size, len(gzip.compress(minified.read_bytes()))


class NodeEngine:
    def __init__(self, bundle_path: Path) -> None:
        self.proc = subprocess.Popen(["node", str(ROOT / "bench" / "browser_engine.mjs"), str(bundle_path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def call(self, **cmd) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def settings_of(run: BabyGPT) -> dict:
    c = run.config
    return dict(vocabSize=len(c.alphabet), contextLength=c.context_length, nLayer=c.n_layer, nHead=c.n_head,
                nEmbd=c.n_embd, sequence=[c.alphabet.index(ch) for ch in c.sequence], lr=c.lr,
                weightDecay=c.weight_decay, seed=str(c.seed))


def main() -> None:
    torch.set_num_threads(1)
    header("in-browser engine (Node/V8) vs the Python engine, one step")
    with tempfile.TemporaryDirectory() as tmp:
        node_bundle, size, gz = bundle(Path(tmp))
        node = NodeEngine(node_bundle)
        try:
            ratios = {}
            for name, (kwargs, n, warm) in RUNS.items():
                py = BabyGPT(**kwargs)
                py.train(warm)
                node.call(op="make", name=name, settings=settings_of(py), warm=warm)

                py_samples, js_samples = [], []
                for _ in range(7):  # alternating rounds: a busy neighbour slows both alike
                    started = time.perf_counter()
                    py.train(n)
                    py_samples.append((time.perf_counter() - started) / n)
                    js_samples.append(node.call(op="train", name=name, n=n)["seconds"] / n)
                py_s, js_s = statistics.median(py_samples), statistics.median(js_samples)
                ratios[name] = py_s / js_s
                print(f"{name:22s} python {py_s * 1e3:8.2f} ms/step   in-browser engine {js_s * 1e3:8.2f} ms/step"
                      f"   ratio {py_s / js_s:5.2f}x")
        finally:
            node.close()
    default = ratios["default (8 states)"]
    verdict = "met" if default >= 1.0 else "MISSED"
    aim = "met" if default >= 2.0 else "not met"
    print(f"ratio in-browser engine / Python engine, default step = {default:.2f}x "
          f"(target >= 1.0x: {verdict}; aim 2x: {aim})")
    print(f"engine size: {size / 1000:.1f} kB minified, {gz / 1000:.1f} kB gzipped "
          f"(target <= ~60 kB minified: {'met' if size <= 60_000 else 'MISSED'})")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
