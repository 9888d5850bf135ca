import { describe, expect, it } from "vitest";
import { counterText, indexAt, positionOf, sliderStops, stepIndex } from "./sliderStops";

/** A long run as Python keeps it: evenly spaced snapshots, every 10th step up to 20,000. */
const LONG = Int32Array.from({ length: 2001 }, (_, i) => i * 10);

describe("slider stops", () => {
  it("linear: one position per snapshot, the right end is live", () => {
    const stops = sliderStops(Int32Array.from([0, 1, 2, 3, 4]), 5, false);
    expect(stops).toEqual([0, 1, 2, 3, 4]);
    expect(indexAt(stops, 0)).toBe(0);
    expect(indexAt(stops, 3)).toBe(3);
    expect(indexAt(stops, 4)).toBe(-1);
    expect(positionOf(stops, -1)).toBe(4);
    expect(positionOf(stops, 2)).toBe(2);
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

  it("maps an index to the nearest stop and back", () => {
    const stops = [0, 2, 5, 9];
    expect(positionOf(stops, 5)).toBe(2);
    expect(positionOf(stops, 4)).toBe(2);
    expect(positionOf(stops, 1)).toBe(0);
    expect(positionOf([0, 0, 0, 1, 1, 2], 1)).toBe(3);
    expect(indexAt(stops, positionOf(stops, 2))).toBe(2);
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
