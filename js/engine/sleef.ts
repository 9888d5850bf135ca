// SLEEF's expf_u10 and logf_u10 as ATen's Vectorized<float>::exp()/log() compute them on x86-64
// with FMA (AVX2 and AVX-512 builds of SLEEF 3.x: `xexpf`, `xlogf_u1`), one lane at a time.
// PyTorch's softmax, log_softmax and their backward passes call these; a correctly rounded
// Math.exp/Math.log differs from them in the last bit for a few percent of inputs.

import { fma32, fromBits, fround, toBits } from "./f32";

const R_LN2F = fround(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = 0.693145751953125; // exact in float32
const L2LF = fround(1.428606765330187045e-6);
const EXP_POLY = [
  0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359,
  0.0416664853692054748535156, 0.166666671633720397949219, 0.5,
].map(fround);

/** Round half to even (cvtps2dq under the default MXCSR). */
export function rint(x: number): number {
  let r = Math.round(x); // half up
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return r;
}

/** 2**q as a float32 (vpow2i: the exponent field set directly). */
function pow2i(q: number): number {
  return fromBits(((q + 0x7f) << 23) >>> 0);
}

/** SLEEF xexpf: float32 exp with <= 1 ulp error, bit for bit. */
export function expf(d: number): number {
  if (d !== d) return NaN;
  const q = rint(fround(d * R_LN2F));
  let s = fma32(q, -L2UF, d);
  s = fma32(q, -L2LF, s);
  let u = EXP_POLY[0];
  for (let i = 1; i < 6; i++) u = fma32(u, s, EXP_POLY[i]);
  u = fround(1 + fma32(fround(s * s), u, s));
  const h = q >> 1;
  u = fround(fround(u * pow2i(h)) * pow2i(q - h)); // vldexp2: two steps keep 2**q in range
  if (d < -104) return 0;
  if (100 < d) return Infinity;
  return u;
}

const LOG_C = [fround(0.3027294874), fround(0.3996108174), fround(0.666669488)];
const LN2_HI = fround(0.69314718246459960938);
const LN2_LO = fround(-1.904654323148236017e-9);
const INV_075 = fround(1 / 0.75);

/** getexp: floor(log2|x|) of a finite non-zero float32, denormals included. */
function getexp(x: number): number {
  const bits = toBits(x);
  const e = (bits >>> 23) & 0xff;
  if (e !== 0) return e - 127;
  let m = bits & 0x7fffff;
  let k = -127;
  while ((m & 0x400000) === 0) {
    m <<= 1;
    k--;
  }
  return k;
}

/** getmant with _MM_MANT_NORM_p75_1p5: |x| scaled by a power of two into [0.75, 1.5). */
function getmantP75(x: number): number {
  const e = getexp(x);
  let m = Math.abs(x) * Math.pow(2, -e); // exact: [1, 2)
  if (m >= 1.5) m *= 0.5;
  return m;
}

/** SLEEF xlogf_u1 (the AVX-512 variant: getexp/getmant, then double-float arithmetic). */
export function logf(d: number): number {
  if (d !== d || d < 0) return NaN;
  if (d === 0) return -Infinity;
  if (d === Infinity) return Infinity;
  const e = getexp(fround(d * INV_075));
  const m = getmantP75(d);
  // s = dfmul((ln2_hi, ln2_lo), e)
  const sx = fround(LN2_HI * e);
  const sy = fma32(LN2_LO, e, fma32(LN2_HI, e, -sx));
  // x = dfdiv(dfadd2(-1, m), dfadd2(1, m)); dfadd2(x, y) = (s, (x - (s - v)) + (y - v)), v = s - x
  const nx = fround(m - 1);
  const nv = fround(nx + 1);
  const ny = fround(fround(-1 - fround(nx - nv)) + fround(m - nv));
  const dx = fround(1 + m);
  const dv = fround(dx - 1);
  const dy = fround(fround(1 - fround(dx - dv)) + fround(m - dv));
  const t = fround(1 / dx);
  const qx = fround(nx * t);
  const u = fma32(t, nx, -qx);
  const v = fma32(-dy, t, fma32(-dx, t, 1));
  const xx = qx;
  const xy = fma32(qx, v, fma32(ny, t, u));
  const x2 = fround(xx * xx);
  const poly = fma32(fma32(LOG_C[0], x2, LOG_C[1]), x2, LOG_C[2]);
  // s = dfadd(s, dfscale(x, 2))   (|s| >= |2x| assumed by SLEEF)
  const ax = fround(xx * 2);
  const ay = fround(xy * 2);
  const s2 = fround(sx + ax);
  const s2y = fround(fround(fround(fround(sx - s2) + ax) + sy) + ay);
  // s = dfadd(s, x2 * x * t)
  const w = fround(fround(x2 * xx) * poly);
  const s3 = fround(s2 + w);
  const s3y = fround(fround(fround(s2 - s3) + w) + s2y);
  return fround(s3 + s3y);
}
