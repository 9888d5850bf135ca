// @vitest-environment node
// The engine against numbers the Python engine wrote (tests/golden/make_engine_golden.py):
// initial weights for many seeds and shapes, and training runs to 1,000 steps (the larger ones
// in golden_large.test.ts). The engine follows PyTorch's CPU kernels op for op, so weights,
// AdamW moments, losses and every context's probabilities are expected bit for bit; the
// issue's tolerances are asserted too (max |dP| <= 1e-5 at 50 steps, the step-49 loss to 7
// digits, PyTorch's own float32-vs-float64 drift at 300 and 1,000).

import { describe, expect, it } from "vitest";
import { fnv1a } from "./checksum";
import { loadGolden } from "./golden_data";
import { describeRuns, f32 } from "./golden_runs";
import { initialWeights } from "./init";
import { makeLayout } from "./layout";

const golden = loadGolden();

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

describeRuns(["seed", "v3c2", "other_sequence", "v5_d8", "c6_hs16"]);
