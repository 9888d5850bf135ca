// The sums inside attention (q.k, att.v and their backward) as torch.bmm / baddbmm compute
// them. For tiny batches (contraction * rows * cols < 400) ATen's own loop: multiply, then add,
// in float32, no fusion (LinearAlgebra.cpp is built without FMA). Above that MKL's batched
// gemm, with the same shape rules as its sgemm (kernels/linear.ts): products with hs >= 12
// columns fused in k order, the T x T ones (q k^T and dy v^T, T < 12 columns, second operand
// transposed) as unfused lane-wise dot products.

import { fma32, fround } from "../f32";
import { dotLanes, fusedShape, lanesFor } from "../kernels/linear";

export class AttentionSums {
  readonly naive: boolean;
  /** att @ v, att^T @ dy, ds @ k, ds^T @ q: fused (MKL, >= 12 columns) or multiply-then-add. */
  readonly fusedValues: boolean;
  private readonly T: number;

  constructor(T: number, readonly hs: number) {
    this.T = T;
    this.naive = T * T * hs < 400;
    this.fusedValues = !this.naive && fusedShape(T, hs);
  }

  /** acc + a*b as the value products accumulate. */
  add(acc: number, a: number, b: number): number {
    return this.fusedValues ? fma32(a, b, acc) : fround(acc + fround(a * b));
  }

  /** The (row, column j) dot product of q k^T or dy v^T: a[ao..ao+hs) . b[bo..bo+hs). */
  dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, j: number): number {
    const hs = this.hs;
    if (this.naive) {
      let acc = 0;
      for (let c = 0; c < hs; c++) acc = fround(acc + fround(a[ao + c] * b[bo + c]));
      return acc;
    }
    if (fusedShape(this.T, this.T)) {
      let acc = 0;
      for (let c = 0; c < hs; c++) acc = fma32(a[ao + c], b[bo + c], acc);
      return acc;
    }
    return dotLanes(a, ao, b, bo, hs, lanesFor(j, this.T));
  }
}
