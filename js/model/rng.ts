// A tiny seeded PRNG (mulberry32): the same seed gives the same walk, with or without a kernel.

/** Uniform numbers in [0, 1) from a 32-bit state seeded by `seed` (any integer; hashed). */
export function mulberry32(seed: number): () => number {
  let a = seedBits(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32 bits of an integer seed, high bits folded in so seeds above 2^32 differ too. */
function seedBits(seed: number): number {
  const s = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  const lo = s >>> 0;
  const hi = Math.floor(s / 4294967296) >>> 0;
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
}

/** Index drawn from a (not necessarily normalised) distribution; -1 when it has no mass. */
export function draw(weights: ArrayLike<number>, u: number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] > 0) total += weights[i];
  if (!(total > 0)) return -1;
  let x = u * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(w > 0)) continue;
    last = i;
    if (x < w) return i;
    x -= w;
  }
  return last; // rounding at the top end
}
