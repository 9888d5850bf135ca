// @vitest-environment node
import { describe, expect, it } from "vitest";
import { fma32, fround } from "./f32";
import { expf, logf } from "./sleef";

/** Exact a*b + c for float32 inputs, rounded to float32 (ties to even), via BigInt. */
function exactFma(a: number, b: number, c: number): number {
  const parts = (x: number): [bigint, number] => {
    if (x === 0) return [0n, 0];
    let e = 0;
    let m = Math.abs(x);
    while (!Number.isInteger(m)) { m *= 2; e--; }
    return [BigInt(x < 0 ? -m : m), e];
  };
  const [ma, ea] = parts(a);
  const [mb, eb] = parts(b);
  const [mc, ec] = parts(c);
  const e = Math.min(ea + eb, ec);
  const num = ma * mb * (1n << BigInt(ea + eb - e)) + mc * (1n << BigInt(ec - e)); // exact value = num * 2**e
  if (num === 0n) return 0;
  const neg = num < 0n;
  let m = neg ? -num : num;
  let exp = e;
  // keep 24 significant bits, round half to even
  const bits = m.toString(2).length;
  if (bits > 24) {
    const drop = BigInt(bits - 24);
    const rem = m & ((1n << drop) - 1n);
    const half = 1n << (drop - 1n);
    m >>= drop;
    exp += Number(drop);
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  }
  const v = Number(m) * 2 ** exp;
  return fround(neg ? -v : v);
}

describe("fma32: one rounding, like vfmadd", { timeout: 60_000 }, () => {
  it("is exact where rounding twice is not", () => {
    const a = fround(1 + 2 ** -23);
    const b = fround(2 ** -24 - 2 ** -47);
    const c = fround(1 + 2 ** -23);
    expect(fround(a * b + c)).toBe(1 + 2 ** -22); // double rounding lands on a tie, rounds up
    expect(fma32(a, b, c)).toBe(1 + 2 ** -23);
    expect(exactFma(a, b, c)).toBe(1 + 2 ** -23);
  });

  it("agrees with exact arithmetic on random and near-tie inputs", () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20000; i++) {
      const a = fround((rand() - 0.5) * 2 ** Math.floor(rand() * 20 - 10));
      const b = fround((rand() - 0.5) * 2 ** Math.floor(rand() * 20 - 10));
      // c close to -a*b's neighbourhood or far from it
      const c = i % 2 ? fround(-a * b * (1 + (rand() - 0.5) * 2 ** -20)) : fround((rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20));
      expect(fma32(a, b, c)).toBe(exactFma(a, b, c));
    }
  });
});

describe("SLEEF exp/log (float32, <= 1 ulp)", () => {
  it("stays within one float32 ulp of the exact values", () => {
    for (let x = -87; x < 88; x += 0.37) {
      const e = expf(fround(x));
      const ref = Math.exp(fround(x));
      expect(Math.abs(e - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2 ** -23);
    }
    for (let x = 1e-30; x < 1e30; x *= 3.7) {
      const l = logf(fround(x));
      const ref = Math.log(fround(x));
      expect(Math.abs(l - ref)).toBeLessThanOrEqual(Math.max(Math.abs(ref) * 2 ** -23, 2 ** -149));
    }
    expect(expf(0)).toBe(1);
    expect(logf(1)).toBe(0);
    expect(expf(-200)).toBe(0);
    expect(logf(0)).toBe(-Infinity);
  });
});
