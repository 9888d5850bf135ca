// Driver for bench/browser_engine.py: runs the in-browser engine (js/engine/, bundled for
// Node, the same V8 as Chromium) on commands read from stdin, one JSON object per line:
//   {"op": "make", "name": ..., "settings": {...}, "warm": n}  -> {"ok": true, "parameters": P}
//   {"op": "train", "name": ..., "n": n}                       -> {"seconds": s, "loss": l}
// Timing happens here, around train(n) only.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const { BabyGPTEngine } = await import(pathToFileURL(process.argv[2]).href);
const engines = new Map();
const reply = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line);
  if (cmd.op === "make") {
    const s = cmd.settings;
    const engine = new BabyGPTEngine({ ...s, seed: BigInt(s.seed) });
    engine.train(cmd.warm);
    engines.set(cmd.name, engine);
    reply({ ok: true, parameters: engine.parameterCount });
  } else if (cmd.op === "train") {
    const engine = engines.get(cmd.name);
    const t = performance.now();
    const losses = engine.train(cmd.n);
    reply({ seconds: (performance.now() - t) / 1000, loss: losses[losses.length - 1] });
  }
}
