// @vitest-environment node
// Taught rows (RunSettings.teach, configure({ teach })): checked like Python's teach setting,
// trained on while in force, never shown as the data; the numbers themselves against Python in
// golden_teach.test.ts.
import { describe, expect, it } from "vitest";
import { type RunSettings, type TeachSpec, validateSettings } from "./config";
import { BabyGPTEngine, TrainingDivergedError } from "./engine";
import { decodeState, encodeState } from "./state_io";

const SEED: RunSettings = {
  vocabSize: 2, contextLength: 3, nLayer: 4, nHead: 4, nEmbd: 16,
  sequence: Array.from("111101111011110").map(Number), lr: 1e-3, weightDecay: 0.1, seed: 1337,
};
// nudge("101", "1", 0.95): Python's text 101:0.05/0.95@36.0
const NUDGE: TeachSpec = { rows: [{ context: [1, 0, 1], probs: [0.05, 0.95] }], weight: 36 };
const TWO_ROWS: TeachSpec = { rows: [{ context: [0, 0, 0], probs: [0.9, 0.1] }, { context: [1, 1, 1], probs: [0.2, 0.8] }], weight: 36 };

const row = (e: BabyGPTEngine, ctx: number[]) => Array.from(e.probabilities().subarray(2 * e.space.nodeOf(ctx), 2 * e.space.nodeOf(ctx) + 2));

describe("taught rows", { timeout: 120_000 }, () => {
  it("refuses bad teach settings naming the field and what is allowed", () => {
    const bad = (teach: unknown, message: RegExp) =>
      expect(() => validateSettings({ ...SEED, teach: teach as TeachSpec })).toThrow(message);
    const r = (context: number[], probs: number[]) => ({ context, probs });
    bad({ rows: [], weight: 1 }, /^teach: needs 1 to 64 distinct states; got 0 rows/);
    bad({ rows: Array.from({ length: 65 }, () => r([0, 0, 0], [1, 0])), weight: 1 }, /^teach: needs 1 to 64 distinct states; got 65/);
    bad({ rows: [r([0, 1], [1, 0])], weight: 1 }, /^teach: row 0: context must be 3 token ids in 0\.\.1; got \[0,1\]/);
    bad({ rows: [r([0, 2, 1], [1, 0])], weight: 1 }, /^teach: row 0: context must be 3 token ids in 0\.\.1/);
    bad({ rows: [r([0, 1, 1], [1, 0]), r([0, 1, 1], [0, 1])], weight: 1 }, /^teach: row 1: context \[0,1,1\] is taught twice/);
    bad({ rows: [r([0, 1, 1], [1])], weight: 1 }, /^teach: row 0: needs 2 probabilities; got 1/);
    bad({ rows: [r([0, 1, 1], [1.1, -0.1])], weight: 1 }, /^teach: row 0: probability 0 must be from 0 to 1; got 1\.1/);
    bad({ rows: [r([0, 1, 1], [NaN, 1])], weight: 1 }, /^teach: row 0: probability 0 must be from 0 to 1; got NaN/);
    bad({ rows: [r([0, 1, 1], [0.5, 0.6])], weight: 1 }, /^teach: row 0: the row's probabilities must sum to 1; they sum to 1\.10000/);
    for (const w of [0, -1, Infinity, 1e6 + 1]) {
      bad({ rows: [r([0, 1, 1], [0.5, 0.5])], weight: w }, /^teach: weight must be a number greater than 0 and at most 1,000,000/);
    }
    bad("101:0.5/0.5@3", /^teach: must be \{rows/);
    // within Python's tolerance (1e-6) and at the limits
    expect(validateSettings({ ...SEED, teach: { rows: [r([0, 1, 1], [0.3333333, 0.6666669])], weight: 1e6 } }).teach?.weight).toBe(1e6);
    const e = new BabyGPTEngine(SEED);
    e.configure({ teach: NUDGE });
    expect(() => e.configure({ teach: { rows: [], weight: 1 } })).toThrow(/^teach:/);
    expect(e.runSettings().teach).toEqual(NUDGE); // the old setting stays
  });

  it("trains toward the taught rows, records the data's loss, and draws the data's counts", () => {
    const plain = new BabyGPTEngine(SEED);
    const taught = new BabyGPTEngine(SEED);
    plain.train(50);
    taught.train(50);
    const counts = taught.dataCounts();
    taught.configure({ teach: NUDGE, lr: 3e-3 });
    expect(taught.runSettings().teach).toEqual(NUDGE);
    expect(taught.dataCounts()).toEqual(counts); // the page draws the data from these
    // at step 50 the weights are the same: the loss shown is the data's, not the taught objective
    expect(taught.loss()).toBe(plain.loss());
    const before = row(taught, [1, 0, 1])[1];
    const losses = taught.train(20);
    expect(before).toBeLessThan(0.8);
    expect(row(taught, [1, 0, 1])[1]).toBeGreaterThan(0.9); // the nudge: past 90 %
    // every recorded loss is the data's loss of that step's weights (an untaught copy agrees)
    const copy = BabyGPTEngine.fromState({ ...taught.exportState(), settings: { ...taught.runSettings(), teach: null } });
    expect(taught.loss()).toBe(copy.loss());
    expect(losses[0]).toBe(plain.loss());
    expect(Math.max(...losses)).toBeLessThan(1.5);
  });

  it("teach off (null) trains on the data again, exactly as an untaught run from the same state", () => {
    const e = new BabyGPTEngine({ ...SEED, teach: TWO_ROWS });
    const same = new BabyGPTEngine(SEED);
    same.configure({ teach: TWO_ROWS }); // from the start or configured at step 0: one run
    e.train(10);
    same.train(10);
    expect(e.parameters()).toEqual(same.parameters());
    const untaught = BabyGPTEngine.fromState({ ...e.exportState(), settings: { ...e.runSettings(), teach: null } });
    e.configure({ teach: null, lr: 1e-3 });
    expect(e.runSettings().teach).toBeNull();
    expect(e.train(5)).toEqual(untaught.train(5));
    expect(e.parameters()).toEqual(untaught.parameters());
    // configure without the key keeps the teach setting
    e.configure({ teach: NUDGE });
    e.configure({ lr: 2e-3 });
    expect(e.runSettings().teach).toEqual(NUDGE);
  });

  it("a state blob leaves the teach setting out (Python never saves one in force); the state in memory keeps it", () => {
    const e = new BabyGPTEngine({ ...SEED, teach: NUDGE });
    e.train(3);
    expect(decodeState(encodeState(e.exportState())).settings.teach ?? null).toBeNull();
    expect(BabyGPTEngine.fromState(e.exportState()).runSettings().teach).toEqual(NUDGE);
  });

  it("a taught run that diverges rolls back one step and says why", () => {
    const e = new BabyGPTEngine({ ...SEED, lr: 10, weightDecay: 0.5, teach: { ...TWO_ROWS, weight: 1e6 } });
    let error: unknown = null;
    try {
      e.train(500);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(/^train: the loss became (NaN|Infinity|-Infinity) at step \d+; training stopped and the model was kept at step \d+\./);
    expect(e.globalStep).toBe((error as TrainingDivergedError).step - 1);
    expect(Number.isFinite(e.loss())).toBe(true);
    expect(e.runSettings().teach?.weight).toBe(1e6);
  });
});
