// Runs compared as data: traits decoded (and refused when malformed), table rows, TV, input.
import { describe, expect, it } from "vitest";
import { ENSEMBLE } from "./fixtures";
import { difference, ensembleRows, hittingKey, parseComparison, parseEnsemble, parseHitting, parseOther, seedValues, spreadSummary, widestSpreads } from "./compareData";

const STATES = ["00", "01", "10", "11"];

describe("parse", () => {
  it("decodes an ensemble and its per-seed values", () => {
    const e = parseEnsemble(ENSEMBLE, 4, 2)!;
    expect(e.seeds).toEqual([1, 2, 3]);
    expect(seedValues(e, 2, 1)).toEqual([0.1, 0.9, 0.5]);
    expect(e.median[5]).toBeCloseTo(0.5);
  });
  it("refuses wrong shapes and empty traits", () => {
    expect(parseEnsemble({}, 4, 2)).toBeNull();
    expect(parseEnsemble(ENSEMBLE, 8, 2)).toBeNull();
    expect(parseEnsemble({ ...ENSEMBLE, median: [[1]] }, 4, 2)).toBeNull();
    expect(parseComparison({ label: "x", tv: [0], other_probs: [[1, 0]] }, 4, 2)).toBeNull();
    expect(parseHitting({ targets: [], temperatures: [0, 1], probabilities: [0] })).toBeNull();
  });
  it("decodes a comparison and a hitting curve", () => {
    const c = parseComparison({ label: "step 3", step: 9, other_probs: STATES.map(() => [0.5, 0.5]), tv: [0, 0.1, 0.2, 0.3], mean_tv: 0.15, max_tv: 0.3 }, 4, 2)!;
    expect(c.label).toBe("step 3");
    expect(c.other[7]).toBe(0.5);
    const h = parseHitting({ targets: ["00"], k: 3, start: "11", step: 9, temperatures: [0, 1, 2], probabilities: [0, 0.1, 0.3] })!;
    expect(h.probabilities).toEqual([0, 0.1, 0.3]);
    expect(hittingKey(h.targets, h.k, h.start, h.step)).toBe(hittingKey(["00"], 3, "11", 9));
    expect(hittingKey(["10", "00"], 3, "11", 9)).toBe(hittingKey(["00", "10"], 3, "11", 9));
  });
});

describe("table", () => {
  it("lists seen?, median, min, max per state; widest spread first on demand", () => {
    const e = parseEnsemble(ENSEMBLE, 4, 2)!;
    const rows = ensembleRows(e, STATES, 1);
    expect(rows.map((r) => r.state)).toEqual(STATES);
    expect(rows[2]).toMatchObject({ seen: false, median: 0.5, min: 0.1, max: 0.9 });
    expect(ensembleRows(e, STATES, 1, "spread").map((r) => r.state)).toEqual(["10", "00", "01", "11"]);
    const s = spreadSummary(e);
    expect(s.unseen).toBeGreaterThan(s.seen);
    expect(s.seen).toBeCloseTo(0.02);
  });
  it("names the widest spreads, widest first, with their range", () => {
    const e = parseEnsemble(ENSEMBLE, 4, 2)!;
    const w = widestSpreads(e, STATES, 2);
    expect(w.map((x) => x.state)).toEqual(["10", "00"]);
    expect(w[0]).toMatchObject({ token: 1, min: 0.1, max: 0.9, seen: false });
  });
});

describe("difference", () => {
  it("total variation per state, mean, max and the worst state", () => {
    const mine = new Float32Array([0.5, 0.5, 0.2, 0.8, 0.9, 0.1, 0.3, 0.7]);
    const other = new Float64Array([0.5, 0.5, 0.4, 0.6, 0.1, 0.9, 0.3, 0.7]);
    const d = difference(mine, other, 4, 2)!;
    expect(Array.from(d.tv).map((x) => +x.toFixed(6))).toEqual([0, 0.2, 0.8, 0]);
    expect(d.meanTv).toBeCloseTo(0.25, 6);
    expect(d.maxTv).toBeCloseTo(0.8, 6);
    expect(d.worst).toBe(2);
    expect(d.diff[4]).toBeCloseTo(0.8, 6);
    expect(d.maxAbs).toBeCloseTo(0.8, 6);
    expect(difference(new Float32Array(2), other, 4, 2)).toBeNull();
  });
});

describe("what to compare with", () => {
  it("reads a step, 'step N' or a run string; refuses the rest naming the field", () => {
    expect(parseOther("step 10", 50)).toEqual({ kind: "step", step: 10 });
    expect(parseOther(" 7 ", 50)).toEqual({ kind: "step", step: 7 });
    expect(parseOther("babygpt1:seq=0110;steps=3", 50)).toEqual({ kind: "run", run: "babygpt1:seq=0110;steps=3" });
    const segmented = "babygpt2:seq=0110;steps=3|lr=0.01;steps=2";
    expect(parseOther(` ${segmented} `, 50)).toEqual({ kind: "run", run: segmented });
    const late = parseOther("step 99", 50);
    expect(late.kind).toBe("error");
    expect(late.kind === "error" && late.message).toMatch(/^other: step must be from 0 to 50/);
    expect(parseOther("yesterday", 50).kind).toBe("error");
  });
});
