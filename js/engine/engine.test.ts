// @vitest-environment node
import { describe, expect, it } from "vitest";
import { EngineConfigError, type RunSettings, validateSettings } from "./config";
import { BabyGPTEngine, TrainingDivergedError } from "./engine";
import { decodeState, encodeState } from "./state_io";

const SEED: RunSettings = {
  vocabSize: 2, contextLength: 3, nLayer: 4, nHead: 4, nEmbd: 16,
  sequence: Array.from("111101111011110").map(Number), lr: 1e-3, weightDecay: 0.1, seed: 1337,
};

describe("BabyGPTEngine", { timeout: 120_000 }, () => {
  it("builds the seed's model: 12,656 parameters, 14 contexts, uniform-ish chain at step 0", () => {
    const e = new BabyGPTEngine(SEED);
    expect(e.parameterCount).toBe(12_656);
    expect(e.space.nodes).toBe(14);
    const p = e.probabilities();
    expect(p.length).toBe(28);
    for (let n = 0; n < 14; n++) {
      expect(p[2 * n] + p[2 * n + 1]).toBeCloseTo(1, 6);
      expect(Math.abs(p[2 * n] - 0.5)).toBeLessThan(0.05);
    }
    // the seed's "000 -> [0.4963, 0.5037]"
    const n000 = e.space.nodeOf([0, 0, 0]);
    expect(p[2 * n000].toFixed(4)).toBe("0.4963");
  });

  it("trains: step counter, one loss per step, the seed's published results after 50 steps", () => {
    const e = new BabyGPTEngine(SEED);
    const seen: number[] = [];
    const losses = e.train(50, (step) => seen.push(step));
    expect(losses).toHaveLength(50);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(e.globalStep).toBe(50);
    expect(e.loss()).toBeLessThan(losses[0]);
    const p = e.probabilities();
    const pOne = (ctx: number[]) => p[2 * e.space.nodeOf(ctx) + 1];
    expect(pOne([1, 0, 1])).toBeCloseTo(0.79, 2); // P(1 | 101) ~ 79 %
    expect(pOne([1, 1, 1])).toBeCloseTo(0.45, 2);
    expect(pOne([0, 0, 0])).toBeCloseTo(0.73, 2);
  });

  it("refuses bad settings with the field's name and keeps running with the old ones", () => {
    expect(() => new BabyGPTEngine({ ...SEED, nEmbd: 15 })).toThrow(/^n_embd: must be divisible by n_head/);
    expect(() => new BabyGPTEngine({ ...SEED, lr: 0 })).toThrow(EngineConfigError);
    expect(() => new BabyGPTEngine({ ...SEED, contextLength: 13 })).toThrow(/^context_length:/);
    expect(() => new BabyGPTEngine({ ...SEED, sequence: [1, 0, 1] })).toThrow(/^sequence: length/);
    expect(() => new BabyGPTEngine({ ...SEED, sequence: [1, 0, 2, 1, 1] })).toThrow(/^sequence: token ids/);
    expect(() => new BabyGPTEngine({ ...SEED, seed: -1 })).toThrow(/^seed:/);
    const e = new BabyGPTEngine(SEED);
    e.train(3);
    const before = e.parameters();
    expect(() => e.configure({ weightDecay: -1 })).toThrow(/^weight_decay:/);
    expect(e.weightDecay).toBe(0.1);
    expect(e.parameters()).toEqual(before);
  });

  it("refuses what Python's cost guard refuses, with its message", () => {
    const seq = (s: string, n: number) => Array.from(s.repeat(n)).map(Number);
    expect(() => new BabyGPTEngine({ ...SEED, contextLength: 12, nLayer: 12, nEmbd: 256, sequence: seq("01", 50) })).toThrow(
      "n_embd: 12 layers of 256 dims over 4,096 states (V=2, C=12) with a 100-token sequence need ~11 s and ~1.7 GB per "
      + "training step; the limit is 0.8 s and 1.5 GB. At these settings use n_embd at most 28, or fewer layers");
    expect(() => new BabyGPTEngine({ ...SEED, vocabSize: 4, contextLength: 6, nEmbd: 128, sequence: seq("0123", 25_000) })).toThrow(
      "n_embd: 4 layers of 128 dims over 4,096 states (V=4, C=6) with a 100,000-token sequence need ~1 s and ~1.1 GB per "
      + "training step; the limit is 0.8 s and 1.5 GB. At these settings use n_embd at most 108, or fewer layers");
    // allowed in Python, allowed here (constructing the largest takes a moment: not built)
    expect(validateSettings({ ...SEED, nLayer: 12, nEmbd: 256, nHead: 16 }).nEmbd).toBe(256);
    expect(validateSettings({ ...SEED, contextLength: 10, nEmbd: 160, sequence: seq("0110", 500) }).nEmbd).toBe(160);
    expect(() => validateSettings({ ...SEED, nEmbd: 272, nHead: 16 })).toThrow("n_embd: must be an integer from 1 to 256; got 272");
  });

  it("steps one at a time like BabyGPT.step", () => {
    const a = new BabyGPTEngine(SEED);
    const b = new BabyGPTEngine(SEED);
    const losses = [a.step(), a.step(), a.step()];
    expect(losses).toEqual(b.train(3));
    expect(a.globalStep).toBe(3);
    expect(a.parameters()).toEqual(b.parameters());
  });

  it("applies lr, weight decay and data to the running model (configure)", () => {
    const a = new BabyGPTEngine(SEED);
    const b = new BabyGPTEngine(SEED);
    a.train(5);
    b.train(5);
    b.configure({ lr: 1e-2 });
    a.train(1);
    b.train(1);
    expect(b.parameters()).not.toEqual(a.parameters());
    const c = new BabyGPTEngine(SEED);
    const lossBefore = c.loss();
    c.configure({ sequence: [0, 0, 0, 0, 0, 0, 0, 0] });
    expect(c.loss()).not.toBe(lossBefore);
    expect(c.dataCounts()[2 * c.space.nodeOf([0, 0, 0])]).toBe(5);
  });

  it("saves and restores weights, AdamW moments and step; the continued run equals the uninterrupted one", () => {
    const straight = new BabyGPTEngine(SEED);
    straight.train(40);
    const first = new BabyGPTEngine(SEED);
    first.train(25);
    const blob = encodeState(first.exportState());
    expect(blob.byteLength).toBeGreaterThan(12 * first.parameterCount);
    const second = BabyGPTEngine.fromState(decodeState(blob));
    expect(second.globalStep).toBe(25);
    second.train(15);
    expect(second.parameters()).toEqual(straight.parameters());
    expect(second.probabilities()).toEqual(straight.probabilities());
  });

  it("rejects damaged state blobs with a message", () => {
    const blob = encodeState(new BabyGPTEngine(SEED).exportState());
    expect(() => decodeState(blob.slice(0, 100))).toThrow(/^state:/);
    const bad = new Uint8Array(blob.slice(0));
    bad[0] = 0x41;
    expect(() => decodeState(bad.buffer)).toThrow(/bad magic/);
    const s = decodeState(blob);
    s.weights[3] = NaN;
    expect(() => BabyGPTEngine.fromState(s)).toThrow(/^weights: value 3 is not finite/);
  });

  it("rolls back a diverging step and says why (as Python's TrainingDiverged)", () => {
    const e = new BabyGPTEngine({ ...SEED, lr: 10, weightDecay: 0.5 });
    let error: unknown = null;
    try {
      e.train(500);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(/^train: the loss became (NaN|Infinity) at step \d+; training stopped and the model was kept at step \d+\. Lower lr \(now 10\) or weight_decay \(now 0\.5\)/);
    const bad = (error as TrainingDivergedError).step;
    expect(e.globalStep).toBe(bad - 1);
    expect(Number.isFinite(e.loss())).toBe(true);
    for (const p of e.probabilities()) expect(Number.isFinite(p)).toBe(true);
  });

  it("lays one context's forward pass open (embeddings, attention, logit lens)", () => {
    const e = new BabyGPTEngine(SEED);
    e.train(10);
    const t = e.forwardTrace([1, 0, 1]);
    expect(t.tokenIds).toEqual([1, 0, 1]);
    expect(t.embeddings.length).toBe(3 * 16);
    expect(t.attention.length).toBe(4 * 4 * 3 * 3);
    for (let row = 0; row < 4 * 4 * 3; row++) {
      const i = row % 3;
      let sum = 0;
      for (let j = 0; j < 3; j++) {
        const v = t.attention[row * 3 + j];
        if (j > i) expect(v).toBe(0); // causal
        sum += v;
      }
      expect(sum).toBeCloseTo(1, 6);
    }
    expect(t.lensProbs.length).toBe(5 * 2);
    const p = e.probabilities();
    const n = e.space.nodeOf([1, 0, 1]);
    expect(Array.from(t.probs)).toEqual([p[2 * n], p[2 * n + 1]]);
    expect(() => e.forwardTrace([1, 0, 1, 1])).toThrow(/^context: length/);
  });
});
