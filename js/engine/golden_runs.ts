// The check of golden training runs, shared by golden.test.ts and golden_large.test.ts (two
// files so vitest runs them in parallel). Every checkpoint asserts the tolerances
// (max |dP| <= 1e-5 up to 50 steps; PyTorch's own float32-vs-float64 drift after that), then
// the exact claim: probabilities, weights and AdamW moments bit for bit, every loss too.

import { describe, expect, it } from "vitest";
import { fnv1a } from "./checksum";
import { BabyGPTEngine } from "./engine";
import { loadGolden, settingsOf } from "./golden_data";

const golden = loadGolden();

/** The JSON holds float32 values as their shortest decimals: read them back as float32. */
export const f32 = (values: number[]) => values.map(Math.fround);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function describeRuns(names: string[]): void {
  describe("training runs against the Python engine", () => {
    for (const name of names) {
      const run = golden.runs[name];
      const steps = run.checkpoints.map((c) => c.step).join(", ");
      it(`${name}: weights, moments, losses and probabilities at steps ${steps}`, () => {
        const engine = new BabyGPTEngine(settingsOf(run));
        expect(engine.parameterCount).toBe(run.n_parameters);
        expect(fnv1a(engine.parameters())).toBe(run.init_checksum);
        const losses: number[] = [];
        for (const cp of run.checkpoints) {
          losses.push(...engine.train(cp.step - engine.globalStep));
          const probs = engine.probabilities();
          const expected = f32(cp.probs);
          const dP = maxAbsDiff(probs, expected);
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
      }, 900_000);
    }
  });
}
