// Float32 arithmetic in JavaScript doubles, rounded the way PyTorch's CPU kernels round.
//
// A product of two float32 numbers is exact in a double (24 + 24 bits < 53), so
// `Math.fround(a * b)` is the float32 product and `Math.fround(a + b)` the float32 sum.
// Fused multiply-add (one rounding) needs care: `Math.fround(a * b + c)` rounds twice and is
// wrong when the double sum lands exactly halfway between two float32 numbers; `fma32`
// detects that case and decides it from the exact error of the double addition.

export const fround = Math.fround;

/** float32 fused multiply-add: fround(a * b + c) rounded once, as vfmadd / std::fma(float). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact
  const s = p + c;
  const r = fround(s);
  const o = 2 * s - r; // the other float32 neighbour of s when s is a midpoint (exact: Sterbenz)
  if (fround(o) !== o || o === r) return r;
  // s lies exactly halfway between r and o: the sign of the error p + c - s decides
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err > 0) return r > o ? r : o;
  if (err < 0) return r < o ? r : o;
  return r; // an exact tie: fround already rounded to even
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const i32buf = new Int32Array(f32buf.buffer);

/** The float32 with these IEEE-754 bits. */
export function fromBits(bits: number): number {
  u32buf[0] = bits >>> 0;
  return f32buf[0];
}

/** IEEE-754 bits of a float32 value (as an unsigned 32-bit integer). */
export function toBits(x: number): number {
  f32buf[0] = x;
  return u32buf[0];
}

/** IEEE-754 bits of a float32 value as a signed 32-bit integer. */
export function toIntBits(x: number): number {
  f32buf[0] = x;
  return i32buf[0];
}

/** Floor of log2|x| for a finite non-zero float32 (its unbiased exponent; denormals included). */
export function exponentOf(x: number): number {
  const bits = toBits(x);
  const e = (bits >>> 23) & 0xff;
  if (e !== 0) return e - 127;
  return Math.floor(Math.log2(Math.abs(x))); // denormal: exact for powers of two ranges
}
