import { describe, expect, it } from "vitest";
import { draw, mulberry32 } from "./rng";

describe("seeded PRNG", () => {
  it("repeats for the same seed and differs between seeds", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    // Seeds beyond 32 bits are not folded onto small ones.
    expect(mulberry32(2 ** 32 + 7)()).not.toBe(mulberry32(7)());
  });

  it("is roughly uniform", () => {
    const r = mulberry32(1);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) bins[Math.floor(r() * 10)]++;
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it("draws an index in proportion to its weight", () => {
    expect(draw([0.2, 0.8], 0.1)).toBe(0);
    expect(draw([0.2, 0.8], 0.25)).toBe(1);
    expect(draw([0, 1, 0], 0.999)).toBe(1);
    expect(draw([0, 0], 0.5)).toBe(-1);
    expect(draw([NaN, 1], 0.3)).toBe(1);
    const r = mulberry32(3);
    let ones = 0;
    for (let i = 0; i < 10000; i++) ones += draw([0.3, 0.7], r());
    expect(ones / 10000).toBeCloseTo(0.7, 1);
  });
});
