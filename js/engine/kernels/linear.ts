// The matrix products of a training step, in the summation order MKL's sgemm uses for them
// on x86-64 (measured against torch.mm over a grid of shapes; C = A B is M x N):
// - N >= 12 columns (and M >= 4 rows): one fused multiply-add per k, in k order, k split into
//   blocks of min(192, floor(K/2)) when K > 192, each block summed from zero and then added;
// - fewer columns, B transposed (x @ W^T, e.g. the lm_head forward): lane-wise partial dot
//   products without fusion, combined by a halving tree: 4 lanes for the first 4*floor(N/4)
//   columns, 8 lanes for the rest;
// - fewer columns (or M <= 3, e.g. the lm_head weight gradient for V <= 3), B not transposed:
//   plain multiply then add, k in order.

import { fma32, fround } from "../f32";

/** MKL's k-block for a contraction of length K. */
export function kBlock(K: number): number {
  return K <= 192 ? K : Math.min(192, Math.floor(K / 2));
}

/** sum_k a[ao + k*as] * b[bo + k*bs], fused, in k order, blocked like MKL. */
export function dotFma(a: ArrayLike<number>, ao: number, as: number, b: ArrayLike<number>, bo: number, bs: number, K: number): number {
  const kc = kBlock(K);
  let total = 0;
  for (let k0 = 0; k0 < K; k0 += kc) {
    const k1 = Math.min(K, k0 + kc);
    let acc = 0;
    for (let k = k0; k < k1; k++) acc = fma32(a[ao + k * as], b[bo + k * bs], acc);
    total = k0 === 0 ? acc : fround(total + acc);
  }
  return total;
}

const lanes = new Float64Array(8);

/** Lane-wise unfused partial sums (lane l takes k = l, l+L, ...), then the halving tree. */
export function dotLanes(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, K: number, L: number): number {
  for (let l = 0; l < L; l++) {
    let acc = 0;
    for (let k = l; k < K; k += L) acc = fround(acc + fround(a[ao + k] * b[bo + k]));
    lanes[l] = acc;
  }
  for (let h = L >> 1; h > 0; h >>= 1) {
    for (let i = 0; i < h; i++) lanes[i] = fround(lanes[i] + lanes[i + h]);
  }
  return lanes[0];
}

/** Whether MKL fuses (N >= 12 output columns, M >= 4 rows) or takes its small-shape kernels. */
export function fusedShape(M: number, N: number): boolean {
  return N >= 12 && M >= 4;
}

/** Lanes of the unfused dot product for output column j of N (x @ W^T with N < 12). */
export function lanesFor(j: number, N: number): number {
  return j < 4 * Math.floor(N / 4) ? 4 : 8;
}

/** out[oo + j] = x[xo ..] . W[wo + j*K ..] for j < J (x @ W^T, W row-major (J, K)); M: rows of the batch. */
export function linearRow(x: ArrayLike<number>, xo: number, W: ArrayLike<number>, wo: number, J: number, K: number,
  out: Float32Array, oo: number, M: number): void {
  if (!fusedShape(M, J)) {
    for (let j = 0; j < J; j++) out[oo + j] = dotLanes(x, xo, W, wo + j * K, K, lanesFor(j, J));
    return;
  }
  if (K <= 192) {
    // the common case inlined: four outputs at a time, one fused multiply-add per k
    let j = 0;
    for (; j + 4 <= J; j += 4) {
      const w0 = wo + j * K;
      const w1 = w0 + K;
      const w2 = w1 + K;
      const w3 = w2 + K;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = 0; k < K; k++) {
        const xv = x[xo + k];
        a0 = fma32(xv, W[w0 + k], a0);
        a1 = fma32(xv, W[w1 + k], a1);
        a2 = fma32(xv, W[w2 + k], a2);
        a3 = fma32(xv, W[w3 + k], a3);
      }
      out[oo + j] = a0;
      out[oo + j + 1] = a1;
      out[oo + j + 2] = a2;
      out[oo + j + 3] = a3;
    }
    for (; j < J; j++) out[oo + j] = dotFma(x, xo, 1, W, wo + j * K, 1, K);
    return;
  }
  for (let j = 0; j < J; j++) out[oo + j] = dotFma(x, xo, 1, W, wo + j * K, 1, K);
}

/** out[oo + k] = sum_j g[go + j] * W[wo + j*K + k] (g @ W, the input gradient of a Linear); M: rows. */
export function linearBackwardRow(g: ArrayLike<number>, go: number, W: ArrayLike<number>, wo: number, J: number, K: number,
  out: Float32Array, oo: number, M: number): void {
  if (!fusedShape(M, K)) {
    for (let k = 0; k < K; k++) {
      let acc = 0;
      for (let j = 0; j < J; j++) acc = fround(acc + fround(g[go + j] * W[wo + j * K + k]));
      out[oo + k] = acc;
    }
    return;
  }
  if (J > 192) {
    for (let k = 0; k < K; k++) out[oo + k] = dotFma(g, go, 1, W, wo + k, K, J);
    return;
  }
  // all K sums at once, j outer (each sum still runs over j in order)
  const acc = scratch.length >= K ? scratch : (scratch = new Float64Array(K));
  acc.fill(0, 0, K);
  for (let j = 0; j < J; j++) {
    const gj = g[go + j];
    if (gj === 0) continue; // fma(0, w, acc) == acc
    const base = wo + j * K;
    for (let k = 0; k < K; k++) acc[k] = fma32(gj, W[base + k], acc[k]);
  }
  for (let k = 0; k < K; k++) out[oo + k] = acc[k];
}

let scratch = new Float64Array(1024);

/** target[j*K + k] = fma(g[j], x[k], target[j*K + k]) (small on purpose: V8 inlines fma32 here). */
function outerFused(target: Float64Array, g: ArrayLike<number>, go: number, x: ArrayLike<number>, xo: number, J: number, K: number): void {
  for (let j = 0; j < J; j++) {
    const gj = g[go + j];
    if (gj === 0) continue; // fma(0, x, acc) == acc
    const base = j * K;
    for (let k = 0; k < K; k++) target[base + k] = fma32(gj, x[xo + k], target[base + k]);
  }
}

function outerUnfused(target: Float64Array, g: ArrayLike<number>, go: number, x: ArrayLike<number>, xo: number, J: number, K: number): void {
  for (let j = 0; j < J; j++) {
    const gj = g[go + j];
    const base = j * K;
    for (let k = 0; k < K; k++) target[base + k] = fround(target[base + k] + fround(gj * x[xo + k]));
  }
}

/**
 * A weight gradient dW = G^T X summed over rows in PyTorch's row order, one row at a time:
 * fused per row, blocked by the rows' absolute index like MKL (rows that are all zero may be
 * skipped: adding their zeros changes nothing). `fused = false`: plain multiply then add.
 */
export class WeightGradient {
  private readonly total: Float64Array; // float32 values, kept as doubles (cheaper to update)
  private readonly block: Float64Array | null;
  private blockIndex = -1;
  private readonly kc: number;

  constructor(readonly out: Float32Array, readonly rows: number, readonly J: number, readonly K: number,
    readonly fused = fusedShape(J, K)) {
    this.kc = kBlock(rows);
    this.total = new Float64Array(J * K);
    this.block = fused && this.kc < rows ? new Float64Array(J * K) : null;
  }

  reset(): void {
    this.total.fill(0);
    this.block?.fill(0);
    this.blockIndex = -1;
  }

  /** Adds g[go .. go+J) (outer) x[xo .. xo+K) for the row with absolute index `row`. */
  addRow(row: number, g: ArrayLike<number>, go: number, x: ArrayLike<number>, xo: number): void {
    const { J, K } = this;
    let target = this.total;
    if (this.block !== null) {
      const bi = Math.floor(row / this.kc);
      if (bi !== this.blockIndex) {
        this.flushBlock();
        this.blockIndex = bi;
      }
      target = this.block;
    }
    if (this.fused) outerFused(target, g, go, x, xo, J, K);
    else outerUnfused(target, g, go, x, xo, J, K);
  }

  /** Adds the open block into the total and writes the gradient out (call after the last row). */
  flush(): void {
    this.flushBlock();
    this.out.set(this.total);
  }

  private flushBlock(): void {
    const block = this.block;
    if (block === null || this.blockIndex < 0) return;
    const total = this.total;
    if (this.blockIndex === 0) total.set(block);
    else for (let i = 0; i < total.length; i++) total[i] = fround(total[i] + block[i]);
    block.fill(0);
  }
}
