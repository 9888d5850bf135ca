// nn.LayerNorm (eps 1e-5, weight and bias) on one row, forward and backward, as ATen's CPU
// kernel computes them (layer_norm_kernel.cpp, moments_utils.h). PyTorch runs the AVX2 build
// of this kernel on AVX2 and AVX-512 machines alike: 8-lane Welford moments, combined lane by
// lane; GCC fuses the multiply-adds it can (measured against torch.native_layer_norm and
// native_layer_norm_backward).

import { fma32, fround } from "../f32";
import { treeSum } from "./reduce";

const W = 8; // lanes
const EPS = fround(1e-5);
const C_VECS = Array.from({ length: 16 }, (_, j) => fround(1 / (j + 1)));
const m1v = new Float64Array(W);
const m2v = new Float64Array(W);
const s1 = new Float64Array(W);
const s2 = new Float64Array(W);

export interface Moments {
  mean: number;
  rstd: number;
}

/** RowwiseMoments: (mean, biased variance) of x[xo .. xo+n), n <= 256. */
function moments(x: ArrayLike<number>, xo: number, n: number, out: Float64Array): void {
  const nVec = Math.floor(n / W);
  // per-lane Welford over each chunk of up to 16 vectors, folded into one stack entry
  let m0Stk = 0;
  s1.fill(0);
  s2.fill(0);
  for (let chunk = 0; chunk * 16 < nVec; chunk++) {
    const m0 = Math.min(16, nVec - chunk * 16);
    m1v.fill(0);
    m2v.fill(0);
    for (let j = 0; j < m0; j++) {
      const c = C_VECS[j];
      const base = xo + (chunk * 16 + j) * W;
      for (let l = 0; l < W; l++) {
        const xv = x[base + l];
        const delta = fround(xv - m1v[l]);
        m1v[l] = fma32(c, delta, m1v[l]);
        m2v[l] = fma32(delta, fround(xv - m1v[l]), m2v[l]);
      }
    }
    // AddMomentsVec(m0, m1v, m2v, stack)
    const total = m0Stk + m0;
    const c = fround(m0 / total);
    for (let l = 0; l < W; l++) {
      const delta = fround(m1v[l] - s1[l]);
      const m2tmp = fround(s2[l] + m2v[l]);
      const cDelta = fround(c * delta);
      const m0Delta = fround(delta * m0Stk);
      s1[l] = fround(s1[l] + cDelta);
      s2[l] = fma32(m0Delta, cDelta, m2tmp);
    }
    m0Stk = total;
  }
  // scalar Welford over the tail, then AddMoments of each lane into it
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = nVec * W; i < n; i++) {
    const xv = x[xo + i];
    const delta = fround(xv - m1);
    m0++;
    m1 = fround(m1 + fround(delta / m0));
    m2 = fround(m2 + fround(delta * fround(xv - m1)));
  }
  for (let l = 0; l < W; l++) {
    if (nVec === 0) break;
    const total = m0 + nVec;
    const c = fround(nVec / total);
    const delta = fround(s1[l] - m1);
    m1 = fma32(c, delta, m1);
    m2 = fround(m2 + fma32(fround(fround(delta * delta) * c), m0, s2[l]));
    m0 = total;
  }
  out[0] = m1;
  out[1] = fround(m2 / n);
}

const mom = new Float64Array(2);

/** y = (x - mean) * rstd * w + b; returns mean and rstd (kept for the backward). */
export function layerNormRow(x: ArrayLike<number>, xo: number, n: number, w: ArrayLike<number>, wo: number,
  b: ArrayLike<number>, bo: number, y: Float32Array, yo: number, stats: Float32Array, so: number): void {
  moments(x, xo, n, mom);
  const mean = mom[0];
  const rstd = fround(1 / fround(Math.sqrt(fround(mom[1] + EPS))));
  const negMean = -mean;
  for (let j = 0; j < n; j++) y[yo + j] = fma32(fround(fround(x[xo + j] + negMean) * rstd), w[wo + j], b[bo + j]);
  stats[so] = mean;
  stats[so + 1] = rstd;
}

/**
 * One row of native_layer_norm_backward: dx into dx[dxo..], and this row's share of the
 * weight and bias gradients added to dw, db (rows must be passed in PyTorch's row order).
 */
export function layerNormBackwardRow(dy: ArrayLike<number>, dyo: number, x: ArrayLike<number>, xo: number, n: number,
  mean: number, rstd: number, w: ArrayLike<number>, wo: number,
  dx: Float32Array, dxo: number, dw: Float32Array, dwo: number, db: Float32Array, dbo: number): void {
  const a = rstd;
  const bg = fround(-a * mean);
  for (let j = 0; j < n; j++) {
    dw[dwo + j] = fma32(dy[dyo + j], fma32(a, x[xo + j], bg), dw[dwo + j]);
    db[dbo + j] = fround(db[dbo + j] + dy[dyo + j]);
  }
  // ds = sum(dy * x * w), db = sum(dy * w): map-reduce over 8 lanes; the tail vector's
  // multiply-add is fused, the full vectors' is not (as GCC compiled it)
  let ds: number;
  let dbs: number;
  if (n < W) {
    ds = fround(fround(dy[dyo] * x[xo]) * w[wo]);
    dbs = fround(dy[dyo] * w[wo]);
    for (let j = 1; j < n; j++) {
      ds = fround(ds + fround(fround(dy[dyo + j] * x[xo + j]) * w[wo + j]));
      dbs = fround(dbs + fround(dy[dyo + j] * w[wo + j]));
    }
  } else {
    for (let l = 0; l < W; l++) {
      s1[l] = fround(fround(dy[dyo + l] * x[xo + l]) * w[wo + l]);
      s2[l] = fround(dy[dyo + l] * w[wo + l]);
    }
    let d = W;
    for (; d + W <= n; d += W) {
      for (let l = 0; l < W; l++) {
        const j = d + l;
        s1[l] = fround(s1[l] + fround(fround(dy[dyo + j] * x[xo + j]) * w[wo + j]));
        s2[l] = fround(s2[l] + fround(dy[dyo + j] * w[wo + j]));
      }
    }
    for (let l = 0; d + l < n; l++) {
      const j = d + l;
      s1[l] = fma32(fround(dy[dyo + j] * x[xo + j]), w[wo + j], s1[l]);
      s2[l] = fma32(dy[dyo + j], w[wo + j], s2[l]);
    }
    ds = treeSum(s1, W);
    dbs = treeSum(s2, W);
  }
  const scale = fround(1 / n);
  const bCoef = fround(fround(fround(fround(fma32(dbs, mean, -ds) * a) * a) * a) * scale);
  const cCoef = fma32(-bCoef, mean, -fround(fround(dbs * a) * scale));
  for (let j = 0; j < n; j++) {
    dx[dxo + j] = fround(fma32(bCoef, x[xo + j], fround(fround(a * dy[dyo + j]) * w[wo + j])) + cCoef);
  }
}
