// Exact-erf GELU as PyTorch computes it for float32 CPU tensors: through oneDNN (MKL-DNN 3.x)
// eltwise_gelu_erf on AVX-512 machines. The forward is oneDNN's piecewise minimax erf
// (25 polynomials of degree 5 picked by the input's exponent bits); the backward is the
// Abramowitz-Stegun erf with oneDNN's own exp. Both differ from erf() by ~1e-7 and from each
// other; matching them bit for bit keeps a run equal to PyTorch's.

import { fma32, fromBits, fround, toIntBits } from "./f32";

const h = fromBits;

// gelu_erf_minimax_pol: coefficients of degree 0..5 for each of 25 intervals
const POLY: Float64Array[] = [
  [0xa6f2cb94, 0x32827792, 0x3381cc0c, 0x34523d4a, 0x351ac44d, 0x35f36d88, 0x36ee8229, 0x37b8a3bb, 0x3867a213,
    0x3940033b, 0x3a2a5a1d, 0x3ae35863, 0x3b7828f2, 0x3c08b14b, 0x3c515ed3, 0xbb503236, 0xbd8d8e5e, 0xbe8abcd9,
    0xbf0c19a2, 0xbeccb328, 0x3e176ced, 0x3f470d99, 0x3f7abb28, 0x3f800000, 0],
  [0x3f4c422a, 0x3f4c421f, 0x3f4c4207, 0x3f4c41cb, 0x3f4c413b, 0x3f4c3fad, 0x3f4c3a2f, 0x3f4c2d40, 0x3f4c146a,
    0x3f4bc341, 0x3f4ad08c, 0x3f48f8cf, 0x3f45fac7, 0x3f404e07, 0x3f3b980f, 0x3f48dff3, 0x3f78b21b, 0x3fbb0704,
    0x40019c32, 0x3fe536d6, 0x3f81331e, 0x3e6c8684, 0x3c98f936, 0, 0x3f800000],
  [0xb62173f4, 0x3735e4cf, 0x37f2ff89, 0x388c23be, 0x3917535c, 0x39ab2ab0, 0x3a60fadb, 0x3af9b960, 0x3b6e5491,
    0x3c0a4ec5, 0x3ca5aa8c, 0x3d2138d9, 0x3d8737d4, 0x3ddfb660, 0x3e0f27ab, 0x3d94004b, 0xbe0efdeb, 0xbf1d96c3,
    0xbf89db58, 0xbf6d9897, 0xbef69fb8, 0xbdc4f8a8, 0xbbde6422, 0, 0],
  [0xbe081a19, 0xbe084570, 0xbe08639b, 0xbe089837, 0xbe08f409, 0xbe09ab95, 0xbe0b66d0, 0xbe0e400a, 0xbe124df8,
    0xbe1bde02, 0xbe2f19c9, 0xbe4931bf, 0xbe685fbc, 0xbe89c95f, 0xbe96cbca, 0xbe8044aa, 0xbe0550f2, 0x3dcfd6a1,
    0x3e94c826, 0x3e79345f, 0x3decec91, 0x3ca46568, 0x3aa1e00a, 0, 0],
  [0xba3d61db, 0x39f097a3, 0x3a5845dc, 0x3ab1fa35, 0x3b0cefb8, 0x3b653ab6, 0x3bcae527, 0x3c221712, 0x3c6c5840,
    0x3cc0a703, 0x3d1dcc19, 0x3d63656d, 0x3d955907, 0x3dbf9910, 0x3dd53f69, 0x3db7dcef, 0x3d639ebe, 0xba6ede48,
    0xbd22be69, 0xbd041cf1, 0xbc64f5ab, 0xbb097a32, 0xb8ebf380, 0, 0],
  [0x3cb7d80c, 0x3c9b6050, 0x3c978d11, 0x3c92e850, 0x3c8d058b, 0x3c848454, 0x3c6cd623, 0x3c4c824b, 0x3c2a7935,
    0x3be0b390, 0x3b0651ac, 0xbb232f53, 0xbbd42fa0, 0xbc2c5366, 0xbc492c9e, 0xbc2a7aa6, 0xbbd55d04, 0xba823a76,
    0x3b102aa8, 0x3ae25a7e, 0x3a31f792, 0x38b84375, 0x3689bb5a, 0, 0],
].map((row) => Float64Array.from(row, h));

const IDX_BIAS = 0xc21fffff | 0; // gelu_erf_idx_bias, added as an int32
const RBOUND = h(0x40b15cee);

/** GELU(x) = x/2 * (1 + erf(x/sqrt2)), oneDNN's AVX-512 minimax kernel. */
export function geluForward(x: number): number {
  const xp = Math.abs(x);
  let idx = (toIntBits(xp) + IDX_BIAS) | 0; // vpaddd wraps
  idx >>= 21; // arithmetic shift: 2 mantissa bits per binade
  if (idx < 1) idx = 1;
  if (idx > 24) idx = 24;
  if (RBOUND < xp) idx = 23;
  let pol = POLY[5][idx];
  for (let deg = 4; deg >= 0; deg--) pol = fma32(pol, xp, POLY[deg][idx]);
  if (x < 0 || (x === 0 && 1 / x < 0)) pol = -pol; // the sign bit, -0 included
  pol = fround(pol + 1);
  return fround(fround(x * pol) * 0.5);
}

// Abramowitz-Stegun erf and oneDNN's exp (gelu_erf_compute_vector_bwd)
const AS_P = h(0x3ea7ba05);
const ONE_OVER_SQRT2 = h(0x3f3504f3);
const ONE_OVER_SQRTPI = h(0x3f106eba);
const AS_POLY = Float64Array.from([0x3e827906, 0xbe91a98e, 0x3fb5f0e3, 0xbfba00e3, 0x3f87dc22], h);
const LOG2E = h(0x3fb8aa3b);
const LN2 = h(0x3f317218);
const LN_FLT_MAX = h(0x42b17218);
const LN_FLT_MIN = h(0xc2aeac50);
const EXP_POLY = Float64Array.from([0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce], h);

// 2**n for the exponents exp_compute_vector_fwd can produce (n + 127 in 0..254; 0 gives +0)
const POW2 = Float64Array.from({ length: 255 }, (_, i) => fromBits(i << 23));

/** oneDNN's exp_compute_vector_fwd (2 * 2**(n-1) * p(r), degree-5 polynomial). */
export function onednnExp(x: number): number {
  const zero = x < LN_FLT_MIN;
  let v = Math.min(x, LN_FLT_MAX);
  v = Math.max(v, LN_FLT_MIN);
  const fx = fround(fround(v * LOG2E) + 0.5);
  const t = Math.floor(fx);
  const r = fma32(-t, LN2, v);
  const n = fround(t - 1);
  const pow2 = zero ? 0 : POW2[n + 127];
  let p = EXP_POLY[4];
  for (let i = 3; i >= 0; i--) p = fma32(p, r, EXP_POLY[i]);
  p = fma32(p, r, 1);
  return fround(fround(p * pow2) * 2);
}

/** d GELU(x) / dx as oneDNN's backward computes it; the gradient is fround(dy * this). */
export function geluDerivative(x: number): number {
  const r = fround(x * ONE_OVER_SQRT2);
  return derivativeWithExp(x, onednnExp(-fround(r * r)));
}

/** geluDerivative given q = exp(-(x/sqrt2)^2) (split so V8 inlines each part: no boxed doubles). */
function derivativeWithExp(x: number, q: number): number {
  const r = fround(x * ONE_OVER_SQRT2);
  const t = fround(fround(r * ONE_OVER_SQRTPI) * q);
  const w = fround(1 / fma32(AS_P, Math.abs(r), 1));
  const qw = fround(-q * w);
  let poly = AS_POLY[4];
  for (let i = 3; i >= 0; i--) poly = fma32(poly, w, AS_POLY[i]);
  let erf = fma32(qw, poly, 1);
  if (r < 0 || (r === 0 && 1 / r < 0)) erf = -erf;
  return fma32(erf, 0.5, fround(t + 0.5));
}

/** out[oo + i] = gelu(x[xo + i]) for i < n (a loop of its own: V8 then inlines everything). */
export function geluForwardRow(x: ArrayLike<number>, xo: number, out: Float32Array, oo: number, n: number): void {
  for (let i = 0; i < n; i++) out[oo + i] = geluForward(x[xo + i]);
}

/** out[oo + i] = fround(dz[dzo + i] * gelu'(f[fo + i])): gelu_backward(grad, input). */
export function geluBackwardRow(dz: ArrayLike<number>, dzo: number, f: ArrayLike<number>, fo: number, out: Float32Array,
  oo: number, n: number): void {
  if (expScratch.length < n) expScratch = new Float64Array(n);
  const q = expScratch;
  for (let i = 0; i < n; i++) {
    const r = fround(f[fo + i] * ONE_OVER_SQRT2);
    q[i] = onednnExp(-fround(r * r));
  }
  for (let i = 0; i < n; i++) out[oo + i] = fround(dz[dzo + i] * derivativeWithExp(f[fo + i], q[i]));
}

let expScratch = new Float64Array(1024);
