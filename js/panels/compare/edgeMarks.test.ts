// What runs compared draw on edges: bands that grow with the spread, diverging colours.
import { describe, expect, it } from "vitest";
import { buildChain } from "../../model/chain";
import { difference, parseEnsemble } from "./compareData";
import { ENSEMBLE } from "./fixtures";
import { BAND_PER_SPREAD, DIVERGING, diffColour, differenceDecor, ensembleDecor, medianRows } from "./edgeMarks";
import { interpolateRgb } from "d3-interpolate";

const rgb = (c: string) => ({ toString: () => interpolateRgb(c, c)(0) });

const chain = buildChain(["00", "01", "10", "11"], "01", 2);

describe("ensemble bands", () => {
  it("one band per edge, wider for a wider spread, carrying median/min/max", () => {
    const e = parseEnsemble(ENSEMBLE, 4, 2)!;
    const bands = ensembleDecor(chain, e);
    expect(bands).toHaveLength(chain.edges.length);
    const of = (from: string, token: string) => bands.find((b) => b.data!.from === from && b.data!.token === token)!;
    expect(of("10", "1").width).toBeCloseTo(2 + BAND_PER_SPREAD * 0.8);
    expect(of("10", "1").width).toBeGreaterThan(of("01", "1").width);
    expect(of("10", "1").data).toMatchObject({ median: "0.5000", min: "0.1000", max: "0.9000" });
    expect(of("10", "1").cls).toContain("bg-band-tok-1");
  });
  it("shorter contexts (drawn with the actual state space) get no band", () => {
    const withPrefixes = buildChain(["00", "01", "10", "11", "0", "1"], "01", 2);
    const bands = ensembleDecor(withPrefixes, parseEnsemble(ENSEMBLE, 4, 2)!);
    expect(bands.every((b) => b.data!.from.length === 2)).toBe(true);
  });
  it("median rows replace the full states' rows only", () => {
    const base = new Float32Array(12).fill(0.25);
    const rows = medianRows(base, parseEnsemble(ENSEMBLE, 4, 2)!, 6, 2);
    expect(rows[5]).toBeCloseTo(0.5);
    expect(rows[3]).toBeCloseTo(0.8);
    expect(rows[9]).toBeCloseTo(0.25);
  });
});

describe("difference colours", () => {
  it("diverging: negative purple, zero grey, positive green, clamped", () => {
    expect(rgb(diffColour(-1, 0.5)).toString()).toBe(rgb(DIVERGING[0]).toString());
    expect(rgb(diffColour(0, 0.5)).toString()).toBe(rgb(DIVERGING[1]).toString());
    expect(rgb(diffColour(0.5, 0.5)).toString()).toBe(rgb(DIVERGING[2]).toString());
  });
  it("one coloured stroke per edge, width growing with |Δ|", () => {
    const mine = new Float32Array([0.5, 0.5, 0.2, 0.8, 0.9, 0.1, 0.3, 0.7]);
    const d = difference(mine, new Float64Array([0.5, 0.5, 0.4, 0.6, 0.1, 0.9, 0.3, 0.7]), 4, 2)!;
    const marks = differenceDecor(chain, d, 4, 2);
    expect(marks).toHaveLength(8);
    const big = marks.find((m) => m.data!.from === "10" && m.data!.token === "0")!;
    const none = marks.find((m) => m.data!.from === "00")!;
    expect(big.width).toBeGreaterThan(none.width);
    expect(big.data!.diff).toBe("0.8000");
  });
});
