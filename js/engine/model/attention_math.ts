// The sums inside attention (q.k, att.v and their backward), as torch.bmm/baddbmm compute
// them: for tiny batches (contraction * rows * cols < 400) ATen's own loop, multiply then add
// in float32 with no fusion (LinearAlgebra.cpp is built without FMA); above that MKL, fused.

import { fma32, fround } from "../f32";

/** acc + a*b the way the chosen bmm path accumulates. */
export function accumulate(acc: number, a: number, b: number, naive: boolean): number {
  return naive ? fround(acc + fround(a * b)) : fma32(a, b, acc);
}

/** sum_k a[ao + k*as] * b[bo + k*bs], k in order. */
export function attentionDot(a: ArrayLike<number>, ao: number, as: number, b: ArrayLike<number>, bo: number, bs: number,
  n: number, naive: boolean): number {
  let acc = 0;
  for (let k = 0; k < n; k++) acc = accumulate(acc, a[ao + k * as], b[bo + k * bs], naive);
  return acc;
}
