// ATen's horizontal reductions on one row (vec::reduce_all and friends, functional_base.h):
// rows shorter than a vector fold left to right; longer rows accumulate lane-wise and finish
// with the shuffle tree (lane i + lane i^(w/2), then ^(w/4), ...). Which width a kernel uses
// depends on how PyTorch registers it: LayerNorm runs its AVX2 build (8 lanes) even on
// AVX-512 machines, softmax/log_softmax their AVX-512 build (16 lanes).

import { fround } from "../f32";

const lanesBuf = new Float64Array(16);

/** vec::reduce_all(+) over values[at .. at+n) with `lanes`-wide vectors. */
export function reduceSum(values: ArrayLike<number>, at: number, n: number, lanes: number): number {
  if (n < lanes) {
    let acc = values[at];
    for (let i = 1; i < n; i++) acc = fround(acc + values[at + i]);
    return acc;
  }
  const acc = lanesBuf;
  for (let i = 0; i < lanes; i++) acc[i] = values[at + i];
  let d = lanes;
  for (; d + lanes <= n; d += lanes) {
    for (let i = 0; i < lanes; i++) acc[i] = fround(acc[i] + values[at + d + i]);
  }
  for (let i = 0; d + i < n; i++) acc[i] = fround(acc[i] + values[at + d + i]); // Vec::set on the tail
  return treeSum(acc, lanes);
}

/** VecReduceAllSIMD with +: lane i + lane i^(w/2), ..., lane 0's value. */
export function treeSum(acc: Float64Array, lanes: number): number {
  for (let sh = lanes >> 1; sh > 0; sh >>= 1) {
    for (let i = 0; i < sh; i++) acc[i] = fround(acc[i] + acc[i + sh]);
  }
  return acc[0];
}

/** Maximum of values[at .. at+n) (order does not matter for max of non-NaN floats). */
export function reduceMax(values: ArrayLike<number>, at: number, n: number): number {
  let m = values[at];
  for (let i = 1; i < n; i++) {
    const v = values[at + i];
    if (v > m || v !== v) m = v;
  }
  return m;
}
