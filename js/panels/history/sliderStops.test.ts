import { scaleLinear, scaleSymlog } from "d3-scale";
import { describe, expect, it } from "vitest";
import { counterText, indexAt, positionOf, sliderAxis, sliderStops, stepFraction, stepIndex } from "./sliderStops";

/** A long run as Python keeps it: evenly spaced snapshots, every 10th step up to 20,000. */
const LONG = Int32Array.from({ length: 2001 }, (_, i) => i * 10);
/** Thinned with an off-stride newest snapshot (history.py keeps the tip). */
const TIP = Int32Array.from([...Array.from({ length: 51 }, (_, i) => i * 2), 101]);


describe("the slider is the loss chart's step axis", () => {
  it("stepFraction is d3's linear and symlog scales (the chart's)", () => {
    for (const [first, last] of [[0, 50], [0, 20000], [37, 5000]]) {
      const lin = scaleLinear().domain([first, last]).range([0, 1]);
      const log = scaleSymlog().domain([first, last]).range([0, 1]);
      for (const s of [first, first + 1, first + 10, (first + last) / 2, last]) {
        expect(stepFraction(s, first, last, false)).toBeCloseTo(lin(s), 12);
        expect(stepFraction(s, first, last, true)).toBeCloseTo(log(s), 12);
      }
    }
  });

  it("every snapshot's thumb sits at its step on the axis: within 1/1000 of the track (log, uneven)", () => {
    for (const [steps, log] of [[LONG, true], [TIP, false], [TIP, true], [Int32Array.from([0, 1, 2, 5, 50]), true]] as const) {
      const first = steps[0];
      const last = steps[steps.length - 1];
      const axis = sliderAxis(steps, steps.length, log);
      // the thumb's centre, as a fraction of the track, for snapshot k
      const thumb = (k: number): number => positionOf(axis, k) / (axis.stops.length - 1);
      let worst = 0;
      for (let k = 0; k < steps.length; k++) worst = Math.max(worst, Math.abs(thumb(k) - stepFraction(steps[k], first, last, log)));
      expect(worst).toBeLessThanOrEqual(0.0006);
    }
  });

  it("a position shows the snapshot nearest it, and a snapshot's own position shows it", () => {
    for (const log of [false, true]) {
      const axis = sliderAxis(TIP, TIP.length, log);
      for (let k = 0; k < TIP.length - 1; k++) expect(indexAt(axis.stops, positionOf(axis, k))).toBe(k);
      for (let p = 1; p < axis.stops.length; p++) expect(axis.stops[p]).toBeGreaterThanOrEqual(axis.stops[p - 1]);
    }
  });
});

describe("slider stops", () => {
  it("linear, evenly spaced: one position per snapshot, the right end is live", () => {
    const axis = sliderAxis(Int32Array.from([0, 1, 2, 3, 4]), 5, false);
    expect(axis.stops).toEqual([0, 1, 2, 3, 4]);
    expect(axis.perSnapshot).toBe(true);
    expect(indexAt(axis.stops, 0)).toBe(0);
    expect(indexAt(axis.stops, 3)).toBe(3);
    expect(indexAt(axis.stops, 4)).toBe(-1);
    expect(positionOf(axis, -1)).toBe(4);
    expect(positionOf(axis, 2)).toBe(2);
  });

  it("linear with an off-stride newest snapshot: positions along the axis, keys by snapshot", () => {
    const axis = sliderAxis(TIP, TIP.length, false);
    expect(axis.perSnapshot).toBe(false);
    expect(axis.stops.length).toBeGreaterThan(TIP.length);
  });

  it("log: the first 1,000 of 20,000 steps get most of the slider (5% on a linear one)", () => {
    const share = (stops: number[]) => stops.filter((k) => LONG[k] < 1000).length / stops.length;
    expect(share(sliderStops(LONG, LONG.length, false))).toBeLessThan(0.06);
    const log = sliderStops(LONG, LONG.length, true);
    expect(share(log)).toBeGreaterThan(0.5);
    for (let i = 1; i < log.length; i++) expect(log[i]).toBeGreaterThanOrEqual(log[i - 1]);
    expect(log[0]).toBe(0);
    expect(log.at(-1)).toBe(LONG.length - 1);
  });

  it("arrow keys step one snapshot at a time; past the newest is live", () => {
    expect(stepIndex(-1, 10, -1)).toBe(8);
    expect(stepIndex(8, 10, -1)).toBe(7);
    expect(stepIndex(0, 10, -1)).toBe(0);
    expect(stepIndex(7, 10, 1)).toBe(8);
    expect(stepIndex(8, 10, 1)).toBe(-1);
    expect(stepIndex(-1, 0, 1)).toBe(-1);
  });

  it("is empty without history", () => {
    expect(sliderStops(new Int32Array(0), 0, true)).toEqual([]);
    expect(indexAt([], 0)).toBe(-1);
  });

  it("counts in steps, with thousands separators", () => {
    expect(counterText(37, 1233)).toBe("step 37 / 1,233");
    expect(counterText(NaN, 3)).toBe("");
  });
});
