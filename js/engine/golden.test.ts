// @vitest-environment node
// The engine against numbers the Python engine wrote (tests/golden/make_engine_golden.py):
// initial weights for many seeds and shapes, and six training runs to 1,000 steps. The engine
// follows PyTorch's CPU kernels op for op, so weights, AdamW moments, losses and every
// context's probabilities are expected bit for bit; the tolerances are asserted too
// (max |dP| <= 1e-5 at 50 steps, the step-49 loss to 7 digits, PyTorch's own float32-vs-float64
// drift at 300 and 1,000).

import { describe, expect, it } from "vitest";
import { fnv1a } from "./checksum";
import { BabyGPTEngine } from "./engine";
import { loadGolden, settingsOf } from "./golden_data";
import { initialWeights } from "./init";
import { makeLayout } from "./layout";

const golden = loadGolden();

/** The JSON holds float32 values as their shortest decimals: read them back as float32. */
const f32 = (values: number[]) => values.map(Math.fround);

describe("initial weights: torch.manual_seed(seed) + GPT init", () => {
  for (const c of golden.init) {
    it(`V=${c.V} C=${c.C} n_layer=${c.n_layer} n_head=${c.n_head} n_embd=${c.n_embd} seed=${c.seed}`, () => {
      const shape = { vocabSize: c.V, contextLength: c.C, nLayer: c.n_layer, nHead: c.n_head, nEmbd: c.n_embd };
      const w = initialWeights(shape, makeLayout(shape), BigInt(c.seed));
      expect(Array.from(w.subarray(0, c.head.length))).toEqual(f32(c.head));
      expect(fnv1a(w)).toBe(c.checksum);
    });
  }
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("training runs against the Python engine", () => {
  for (const [name, run] of Object.entries(golden.runs)) {
    it(`${name}: weights, moments, losses and probabilities at steps ${run.checkpoints.map((c) => c.step).join(", ")}`, () => {
      const engine = new BabyGPTEngine(settingsOf(run));
      expect(engine.parameterCount).toBe(run.n_parameters);
      expect(fnv1a(engine.parameters())).toBe(run.init_checksum);
      const losses: number[] = [];
      for (const cp of run.checkpoints) {
        losses.push(...engine.train(cp.step - engine.globalStep));
        const probs = engine.probabilities();
        const expected = f32(cp.probs);
        const dP = maxAbsDiff(probs, expected);
        // the tolerances, then the exact claim
        if (cp.step <= 50) expect(dP).toBeLessThanOrEqual(1e-5);
        else expect(dP).toBeLessThanOrEqual(cp.drift_f32_f64);
        expect(dP).toBe(0);
        expect(Array.from(probs)).toEqual(expected);
        expect(fnv1a(engine.parameters())).toBe(cp.weights_checksum);
        const opt = engine.optimizerState();
        expect(fnv1a(opt.expAvg)).toBe(cp.exp_avg_checksum);
        expect(fnv1a(opt.expAvgSq)).toBe(cp.exp_avg_sq_checksum);
      }
      for (const [step, loss] of Object.entries(run.losses)) expect(losses[Number(step)]).toBe(Math.fround(loss));
      expect(fnv1a(Float32Array.from(losses))).toBe(run.losses_checksum);
      if (name === "seed") {
        expect(losses[0].toFixed(7)).toBe("0.6635395"); // the seed notebook's step 0
        expect(losses[49].toPrecision(7)).toBe("0.4699831"); // and its step 49
      }
    }, 600_000);
  }
});
