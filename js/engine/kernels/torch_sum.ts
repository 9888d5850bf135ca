// torch.sum's float32 CPU reduction (ReduceOpsKernel/SumKernel.cpp, cascade_sum, AVX2 build:
// 8-lane vectors): rows are summed in groups of 16 ("levels") so the running sums stay
// similar in size, and a reduction over the contiguous dimension keeps 4 interleaved partial
// sums. The embedding gradient of wpe (a sum over every context) and the loss go through it.

import { fround } from "../f32";

const LANES = 8;
const LEVELS = 4;

const accA = new Float64Array(LEVELS * 4 * LANES);
const accB = new Float64Array(LEVELS * 4 * LANES);

function ceilLog2(x: number): number {
  return x <= 1 ? 0 : Math.ceil(Math.log2(x) - 1e-12);
}

/**
 * multi_row_sum: for each of `width` independent columns, the cascade sum of `size` rows;
 * row i of column k is at data[base + i*rowStride + k*colStride]. Result into out[oo + k].
 */
function multiRowSum(data: ArrayLike<number>, base: number, rowStride: number, colStride: number, size: number,
  width: number, out: Float64Array): void {
  const power = Math.max(4, Math.floor(ceilLog2(size) / LEVELS));
  const step = 1 << power;
  const mask = step - 1;
  const acc = accA;
  acc.fill(0, 0, LEVELS * width);
  let i = 0;
  for (; i + step <= size;) {
    for (let j = 0; j < step; j++, i++) {
      for (let k = 0; k < width; k++) acc[k] = fround(acc[k] + data[base + i * rowStride + k * colStride]);
    }
    for (let j = 1; j < LEVELS; j++) {
      for (let k = 0; k < width; k++) {
        acc[j * width + k] = fround(acc[j * width + k] + acc[(j - 1) * width + k]);
        acc[(j - 1) * width + k] = 0;
      }
      if ((i & (mask << (j * power))) !== 0) break;
    }
  }
  for (; i < size; i++) {
    for (let k = 0; k < width; k++) acc[k] = fround(acc[k] + data[base + i * rowStride + k * colStride]);
  }
  for (let j = 1; j < LEVELS; j++) {
    for (let k = 0; k < width; k++) acc[k] = fround(acc[k] + acc[j * width + k]);
  }
  for (let k = 0; k < width; k++) out[k] = acc[k];
}

const partial = new Float64Array(4 * LANES);
const block = new Float64Array(4 * LANES);

/**
 * row_sum with 4-way interleaving: `width` columns, `size` rows (row stride `rowStride`):
 * partial sums of rows i = k mod 4, the leftover rows into partial 0, then 0 + 1 + 2 + 3.
 */
function rowSum(data: ArrayLike<number>, base: number, rowStride: number, size: number, width: number, out: Float64Array): void {
  const groups = Math.floor(size / 4);
  // multi_row_sum over `groups` rows of 4 * width values: column (k, lane) = row 4i + k
  if (groups > 0) {
    multiRowSumGrouped(data, base, rowStride, groups, width);
  } else {
    partial.fill(0, 0, 4 * width);
  }
  for (let i = groups * 4; i < size; i++) {
    for (let c = 0; c < width; c++) partial[c] = fround(partial[c] + data[base + i * rowStride + c]);
  }
  for (let k = 1; k < 4; k++) {
    for (let c = 0; c < width; c++) partial[c] = fround(partial[c] + partial[k * width + c]);
  }
  for (let c = 0; c < width; c++) out[c] = partial[c];
}

function multiRowSumGrouped(data: ArrayLike<number>, base: number, rowStride: number, groups: number, width: number): void {
  // group i holds rows 4i .. 4i+3; treat (k, c) as one column of 4 * width
  const power = Math.max(4, Math.floor(ceilLog2(groups) / LEVELS));
  const step = 1 << power;
  const mask = step - 1;
  const W = 4 * width;
  const acc = accB;
  acc.fill(0, 0, LEVELS * W);
  const add = (i: number) => {
    for (let k = 0; k < 4; k++) {
      for (let c = 0; c < width; c++) acc[k * width + c] = fround(acc[k * width + c] + data[base + (4 * i + k) * rowStride + c]);
    }
  };
  let i = 0;
  for (; i + step <= groups;) {
    for (let j = 0; j < step; j++, i++) add(i);
    for (let j = 1; j < LEVELS; j++) {
      for (let q = 0; q < W; q++) {
        acc[j * W + q] = fround(acc[j * W + q] + acc[(j - 1) * W + q]);
        acc[(j - 1) * W + q] = 0;
      }
      if ((i & (mask << (j * power))) !== 0) break;
    }
  }
  for (; i < groups; i++) add(i);
  for (let j = 1; j < LEVELS; j++) for (let q = 0; q < W; q++) acc[q] = fround(acc[q] + acc[j * W + q]);
  for (let q = 0; q < W; q++) partial[q] = acc[q];
}

const col = new Float64Array(4 * LANES);

/** x.sum(0) of a contiguous (rows, cols) matrix: vectorized_outer_sum. */
export function sumRows(x: ArrayLike<number>, rows: number, cols: number, out: Float32Array): void {
  let j = 0;
  for (; j + 4 * LANES <= cols; j += 4 * LANES) {
    multiRowSum(x, j, cols, 1, rows, 4 * LANES, col);
    for (let k = 0; k < 4 * LANES; k++) out[j + k] = col[k];
  }
  for (; j + LANES <= cols; j += LANES) {
    rowSum(x, j, cols, rows, LANES, col);
    for (let k = 0; k < LANES; k++) out[j + k] = col[k];
  }
  for (; j < cols; j++) {
    rowSum(x, j, cols, rows, 1, col);
    out[j] = col[0];
  }
}

/** x.sum() of a contiguous vector of n values (vectorized_inner_sum, or the scalar loop). */
export function sumAll(x: ArrayLike<number>, n: number): number {
  if (n < LANES) {
    rowSum(x, 0, 1, n, 1, col);
    return col[0];
  }
  const vecs = Math.floor(n / LANES);
  rowSum(x, 0, LANES, vecs, LANES, block); // rows are whole vectors
  let acc = 0;
  for (let k = vecs * LANES; k < n; k++) acc = fround(acc + x[k]);
  for (let k = 0; k < LANES; k++) acc = fround(acc + block[k]);
  return acc;
}
