// @vitest-environment node
// Past steps of a run that was nudged: the replay follows each segment's settings, taught rows
// included, so a step inside (or after) a nudge is the step that happened.
import { describe, expect, it } from "vitest";
import { BabyGPTEngine, type RunSettings, type TeachSpec } from "../engine";
import { PastSteps, type Segment } from "./pastSteps";

const SEED: RunSettings = {
  vocabSize: 2, contextLength: 3, nLayer: 4, nHead: 4, nEmbd: 16,
  sequence: Array.from("111101111011110").map(Number), lr: 1e-3, weightDecay: 0.1, seed: 1337,
};
const NUDGE: TeachSpec = { rows: [{ context: [1, 0, 1], probs: [0.05, 0.95] }], weight: 36 };

/** 10 plain steps, a 10-step nudge at lr 3e-3, 6 plain steps: every step's probabilities. */
function nudgedRun(): { engine: BabyGPTEngine; segments: Segment[]; probs: Float32Array[] } {
  const engine = new BabyGPTEngine(SEED);
  const probs = [engine.probabilities()];
  const segments: Segment[] = [{ start: 0, settings: engine.runSettings() }];
  const phase = (steps: number) => {
    for (let i = 0; i < steps; i++) {
      engine.step();
      probs.push(engine.probabilities());
    }
  };
  phase(10);
  engine.configure({ teach: NUDGE, lr: 3e-3 });
  segments.push({ start: 10, settings: engine.runSettings() });
  phase(10);
  engine.configure({ teach: null, lr: 1e-3 });
  segments.push({ start: 20, settings: engine.runSettings() });
  phase(6);
  return { engine, segments, probs };
}

describe("PastSteps replays taught segments", { timeout: 120_000 }, () => {
  it("from the run string's segments: steps inside and after a nudge equal the live run's", () => {
    const { engine, segments, probs } = nudgedRun();
    const past = new PastSteps(engine, segments);
    expect(past.floor).toBe(0);
    for (const step of [5, 10, 15, 20, 23]) {
      expect(past.distance(step)).toBeLessThanOrEqual(past.limit);
      expect(past.modelAt(step).probabilities()).toEqual(probs[step]);
    }
    // the nudge mattered: the same replay without its taught rows ends elsewhere
    const untaught = new PastSteps(engine, segments.map((s) => ({ start: s.start, settings: { ...s.settings, teach: null } })));
    expect(untaught.modelAt(15).probabilities()).not.toEqual(probs[15]);
  });

  it("segments whose last teach setting is not the live one are not the live run's (its own snapshot instead)", () => {
    const { engine, segments } = nudgedRun();
    const wrong = [...segments.slice(0, 2), { start: 20, settings: { ...segments[2].settings, teach: NUDGE } }];
    expect(new PastSteps(engine, wrong).floor).toBe(engine.globalStep);
  });

  it("following the live run (configured / stepped): a nudge's steps replay taught", () => {
    const engine = new BabyGPTEngine(SEED);
    const past = new PastSteps(engine);
    const probs: Float32Array[] = [engine.probabilities()];
    const run = (steps: number) => {
      for (let i = 0; i < steps; i++) {
        engine.step();
        probs.push(engine.probabilities());
        past.stepped(engine);
      }
    };
    run(4);
    engine.configure({ teach: NUDGE, lr: 3e-3 });
    past.configured(engine);
    run(8);
    engine.configure({ teach: null, lr: 1e-3 });
    past.configured(engine);
    run(3);
    for (const step of [2, 6, 11, 13]) {
      expect(past.nearest(step, engine.globalStep)).toBe(step);
      expect(past.modelAt(step).probabilities()).toEqual(probs[step]);
    }
  });
});
