// log256_ps and sincos256_ps from ATen's avx_mathfun.h (Julien Pommier's cephes ports), one lane
// at a time, as GCC compiles them for PyTorch's AVX2/AVX-512 kernels: with -mfma it fuses each
// multiply whose only use is an add into one FMA (checked against torch.normal_ on 2**20
// samples). torch.nn.init.normal_ on a float32 tensor of >= 16 elements uses these.

import { fma32, fromBits, fround, toBits } from "./f32";

const SQRTHF = fround(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(fround);
const LOG_Q1 = fround(-2.1219444e-4);
const LOG_Q2 = fround(0.693359375);
const MIN_NORM_POS = fromBits(0x00800000);

/** log256_ps for a positive float32 (the only inputs torch's Box-Muller passes). */
export function log256(v: number): number {
  let x = Math.max(v, MIN_NORM_POS);
  const bits = toBits(x);
  let e = fround(((bits >>> 23) - 0x7f) + 1);
  x = fromBits((bits & ~0x7f800000) | 0x3f000000); // keep the fraction, exponent of 0.5
  const mask = x < SQRTHF;
  const tmp = mask ? x : 0;
  x = fround(x - 1);
  e = fround(e - (mask ? 1 : 0));
  x = fround(x + tmp);
  const z = fround(x * x);
  let y = LOG_P[0];
  for (let i = 1; i < 9; i++) y = fma32(y, x, LOG_P[i]);
  y = fround(y * x);
  y = fma32(y, z, fround(e * LOG_Q1)); // y*z + e*q1: GCC fuses the first product
  y = fround(y - fround(z * 0.5));
  return fma32(e, LOG_Q2, fround(x + y));
}

const FOPI = fround(1.27323954473516);
const DP1 = -0.78515625;
const DP2 = fround(-2.4187564849853515625e-4);
const DP3 = fround(-3.77489497744594108e-8);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(fround);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(fround);

/** sincos256_ps: [sin(v), cos(v)] for a float32 v. */
export function sincos256(v: number): [number, number] {
  let signSin = v < 0 || (v === 0 && 1 / v < 0);
  let x = Math.abs(v);
  let j = Math.trunc(fround(x * FOPI)); // cvttps
  j = (j + 1) & ~1;
  const y = j; // exact as float32 for |v| < 2**24
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  x = fma32(y, DP1, x);
  x = fma32(y, DP2, x);
  x = fma32(y, DP3, x);
  const signCos = (~(j - 2) & 4) !== 0;
  signSin = signSin !== swapSin;
  const z = fround(x * x);
  let c = fma32(COS_P[0], z, COS_P[1]);
  c = fma32(c, z, COS_P[2]);
  c = fround(c * z);
  c = fma32(c, z, -fround(z * 0.5));
  c = fround(c + 1);
  let s = fma32(SIN_P[0], z, SIN_P[1]);
  s = fma32(s, z, SIN_P[2]);
  s = fround(s * z);
  s = fma32(s, x, x);
  // select with and/andnot and adds of +0, exactly as the intrinsics do
  const sinSel = fround((polyMask ? 0 : c) + (polyMask ? s : 0));
  const cosSel = fround((polyMask ? c : 0) + (polyMask ? 0 : s));
  return [signSin ? -sinSel : sinSel, signCos ? -cosSel : cosSel];
}
