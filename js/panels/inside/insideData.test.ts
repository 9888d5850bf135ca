import { describe, expect, it } from "vitest";
import { fakeInside } from "./fixture";
import { argmax, maxAbs, parseInside, parseReplay, replayAt, temperedProbs } from "./insideData";

describe("parseInside", () => {
  it("accepts the trait's shape and refuses broken ones", () => {
    const ok = fakeInside("010", 7, 2, 3, 4, 2);
    expect(parseInside(ok)).toBe(ok);
    expect(parseInside({})).toBeNull();
    expect(parseInside(null)).toBeNull();
    expect(parseInside({ ...ok, attention: [[[[1]]]] })).toBeNull(); // not T×T
    expect(parseInside({ ...ok, lens_probs: ok.lens_probs.slice(1) })).toBeNull(); // one row short
    expect(parseInside({ ...ok, logits: [1] })).toBeNull();
    expect(parseInside({ ...ok, probs: [NaN, 1] })).toBeNull();
  });
});

describe("replayAt", () => {
  const replay = parseReplay({
    steps: [0, 10, 20],
    states: ["000"],
    entries: { "000": [fakeInside("000", 0), fakeInside("000", 10), fakeInside("000", 20)] },
    complete: true,
  });
  it("takes the newest saved step at or before the shown one", () => {
    expect(replayAt(replay, "000", 15)?.step).toBe(10);
    expect(replayAt(replay, "000", 20)?.step).toBe(20);
    expect(replayAt(replay, "000", 999)?.step).toBe(20);
  });
  it("has nothing for a state that was not saved", () => {
    expect(replayAt(replay, "111", 10)).toBeNull();
    expect(replayAt(null, "000", 10)).toBeNull();
  });
});

describe("temperedProbs", () => {
  const logits = [Math.log(0.27), Math.log(0.73)];
  it("is the softmax at T = 1", () => {
    const p = temperedProbs(logits, 1);
    expect(p[0]).toBeCloseTo(0.27, 10);
    expect(p[1]).toBeCloseTo(0.73, 10);
  });
  it("sharpens below 1, flattens above, and is greedy at 0", () => {
    expect(temperedProbs(logits, 0.5)[1]).toBeGreaterThan(0.73);
    expect(temperedProbs(logits, 2)[1]).toBeLessThan(0.73);
    expect(temperedProbs(logits, 0)).toEqual([0, 1]);
    expect(argmax([1, 3, 3])).toBe(1);
    expect(maxAbs([[0, -2], [1, 0.5]])).toBe(2);
    expect(maxAbs([[0]])).toBe(1);
  });
});
