import { describe, expect, it } from "vitest";
import { decodeHistory, historyRow, indexFromSlider, nearestIndex, resolveShown, sliderValue } from "./history";
import { f32, i32 } from "../testing/fakeModel";

// 3 snapshots of a 2-state, V=2 chain.
const h = decodeHistory(
  i32([0, 10, 20]),
  f32([0.7, 0.6, 0.5]),
  f32([0.5, 0.5, 0.5, 0.5, 0.4, 0.6, 0.45, 0.55, 0.1, 0.9, 0.2, 0.8]),
  4,
);
const live = { probs: new Float32Array([0, 1, 0, 1]), step: 21, loss: 0.49 };

describe("history snapshots", () => {
  it("decodes row k of history_probs as the chain at history_steps[k]", () => {
    expect(h.length).toBe(3);
    expect(Array.from(historyRow(h, 1)!)).toEqual(Array.from(new Float32Array([0.4, 0.6, 0.45, 0.55])));
    expect(historyRow(h, 3)).toBeNull();
  });

  it("uses only snapshots all three arrays cover (traits arrive one at a time)", () => {
    const partial = decodeHistory(i32([0, 10, 20]), f32([0.7, 0.6]), f32(new Array(12).fill(0.5)), 4);
    expect(partial.length).toBe(2);
  });

  it("resolves shown_index to probs, step and loss", () => {
    const s = resolveShown(2, h, live);
    expect(s.index).toBe(2);
    expect(s.step).toBe(20);
    expect(s.loss).toBeCloseTo(0.5);
    expect(s.probs[1]).toBeCloseTo(0.9);
    expect(resolveShown(-1, h, live)).toEqual({ index: -1, ...live });
    expect(resolveShown(7, h, live).index).toBe(-1); // not (yet) in history: live
  });
});

describe("slider mapping", () => {
  it("live sits at the right end; the right end means live", () => {
    expect(sliderValue(-1, 3)).toBe(2);
    expect(sliderValue(1, 3)).toBe(1);
    expect(indexFromSlider(2, 3)).toBe(-1);
    expect(indexFromSlider(0, 3)).toBe(0);
    expect(indexFromSlider(1, 3)).toBe(1);
    expect(indexFromSlider(0, 0)).toBe(-1);
  });

  it("finds the snapshot nearest a step after thinning", () => {
    const steps = Int32Array.from([0, 4, 8, 12]);
    expect(nearestIndex(steps, 5)).toBe(1);
    expect(nearestIndex(steps, 7)).toBe(2);
    expect(nearestIndex(steps, 100)).toBe(3);
    expect(nearestIndex(steps, 0)).toBe(0);
    expect(nearestIndex(new Int32Array(0), 3)).toBe(-1);
  });
});
