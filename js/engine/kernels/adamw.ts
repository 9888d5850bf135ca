// torch.optim.AdamW's fused CPU kernel (aten/src/ATen/native/cpu/FusedAdamKernel.cpp,
// ADAM_MODE::ADAMW), which babygpt_widget calls directly (fused_adamw.py): per parameter
// tensor, the bias corrections in double, then per element in float32:
//   p *= 1 - lr*wd                  (decoupled weight decay, before the update)
//   m  = m + (1 - beta1) * (g - m)   (exp_avg.lerp_(grad, 1 - beta1), one FMA)
//   v  = v * beta2 + (1 - beta2) * g * g
//   p += (-lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)   (eps added after the square root)
// The kernel handles 8 elements at a time and the remainder in scalar code, which GCC fuses
// differently (v's update); both are reproduced.

import { fma32, fround } from "../f32";

export interface AdamWSettings {
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export function adamwStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, offset: number,
  size: number, step: number, s: AdamWSettings): void {
  const bc1 = 1 - Math.pow(s.beta1, step);
  const bc2 = 1 - Math.pow(s.beta2, step);
  const negStepSize = fround(-(s.lr / bc1));
  const bc2Sqrt = fround(Math.sqrt(bc2));
  const eps = fround(s.eps);
  const decay = fround(1 - s.lr * s.weightDecay);
  const w1 = fround(1 - s.beta1);
  const small = Math.abs(w1) < 0.5;
  const coeff = small ? w1 : fround(w1 - 1);
  const b2 = fround(s.beta2);
  const c2 = fround(1 - s.beta2);
  const vecEnd = offset + size - (size % 8);
  for (let i = offset; i < offset + size; i++) {
    let pv = p[i];
    const gv = g[i];
    if (s.weightDecay !== 0) pv = fround(pv * decay);
    const mv = fma32(coeff, fround(gv - m[i]), small ? m[i] : gv);
    const vv = i < vecEnd
      ? fma32(fround(c2 * gv), gv, fround(v[i] * b2))
      : fma32(v[i], b2, fround(fround(c2 * gv) * gv));
    m[i] = mv;
    v[i] = vv;
    const denom = fround(fround(fround(Math.sqrt(vv)) / bc2Sqrt) + eps);
    p[i] = fround(pv + fround(fround(negStepSize * mv) / denom));
  }
}
