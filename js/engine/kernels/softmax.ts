// softmax / log_softmax over the last dimension and their backward passes, as ATen's
// vectorised last-dim kernels compute them (SoftMaxKernel.cpp, LogSoftmaxKernelImpl.h; AVX-512
// build: 16 lanes), with SLEEF's exp and log.

import { fma32, fround } from "../f32";
import { expf, logf } from "../sleef";
import { reduceMax, reduceSum } from "./reduce";

const LANES = 16;
const tmp = new Float32Array(4096);

/** out[oo..] = softmax(x[xo .. xo+n)). */
export function softmaxRow(x: ArrayLike<number>, xo: number, n: number, out: Float32Array, oo: number): void {
  const max = reduceMax(x, xo, n);
  for (let i = 0; i < n; i++) out[oo + i] = expf(fround(x[xo + i] - max));
  const inv = fround(1 / reduceSum(out, oo, n, LANES));
  for (let i = 0; i < n; i++) out[oo + i] = fround(out[oo + i] * inv);
}

/** softmax backward: out = (g - sum(g * y)) * y. */
export function softmaxBackwardRow(g: ArrayLike<number>, go: number, y: ArrayLike<number>, yo: number, n: number,
  out: Float32Array, oo: number): void {
  for (let i = 0; i < n; i++) tmp[i] = fround(g[go + i] * y[yo + i]);
  const sum = reduceSum(tmp, 0, n, LANES);
  for (let i = 0; i < n; i++) out[oo + i] = fround(fround(g[go + i] - sum) * y[yo + i]);
}

/** out = x - max - log(sum(exp(x - max))): the subtraction order PyTorch keeps on purpose. */
export function logSoftmaxRow(x: ArrayLike<number>, xo: number, n: number, out: Float32Array, oo: number): void {
  const max = reduceMax(x, xo, n);
  for (let i = 0; i < n; i++) tmp[i] = expf(fround(x[xo + i] - max));
  const logSum = logf(reduceSum(tmp, 0, n, LANES));
  for (let i = 0; i < n; i++) out[oo + i] = fround(fround(x[xo + i] - max) - logSum);
}

/** log_softmax backward: out = g - exp(y) * sum(g), fused as GCC compiles it (vfnmadd). */
export function logSoftmaxBackwardRow(g: ArrayLike<number>, go: number, y: ArrayLike<number>, yo: number, n: number,
  out: Float32Array, oo: number): void {
  const sum = reduceSum(g, go, n, LANES);
  for (let i = 0; i < n; i++) out[oo + i] = fma32(-expf(y[yo + i]), sum, g[go + i]);
}
