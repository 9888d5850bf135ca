// torch.Tensor.normal_(mean, std) for a contiguous float32 tensor on the CPU, bit for bit as
// x86-64 PyTorch (AVX2 and AVX-512 builds) draws it (aten/src/ATen/native/cpu/
// DistributionTemplates.h):
// - 16 elements or more: every element gets a 24-bit uniform first, then each block of 16 is
//   turned into normals by an 8-lane Box-Muller (avx_mathfun's log and sincos, float32); a
//   ragged end redraws 16 fresh uniforms for the last 16 elements;
// - fewer than 16: normal_distribution<double>, two 53-bit uniforms per pair, the second
//   sample cached in the generator for the next call.

import { log256, sincos256 } from "./avx_mathfun";
import { fma32, fround } from "./f32";
import type { MT19937 } from "./mt19937";

const TWO_PI_F = fround(2 * Math.PI);

export function normal_(out: Float32Array, mean: number, std: number, gen: MT19937): void {
  const n = out.length;
  if (n >= 16) {
    const m = fround(mean);
    const s = fround(std);
    for (let i = 0; i < n; i++) out[i] = gen.uniformFloat();
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i, m, s);
    if (n % 16 !== 0) {
      const start = n - 16;
      for (let i = 0; i < 16; i++) out[start + i] = gen.uniformFloat();
      boxMuller16(out, start, m, s);
    }
    return;
  }
  for (let i = 0; i < n; i++) out[i] = fround(scalarNormal(gen) * std + mean);
}

/** normal_fill_16_AVX2: lanes j and j + 8 become the cos and sin samples of one pair. */
function boxMuller16(data: Float32Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = fround(1 - data[at + j]); // (0, 1] for the log
    const u2 = data[at + j + 8];
    const radius = fround(Math.sqrt(fround(-2 * log256(u1))));
    const theta = fround(TWO_PI_F * u2);
    const [sin, cos] = sincos256(theta);
    data[at + j] = fma32(fround(radius * cos), std, mean);
    data[at + j + 8] = fma32(fround(radius * sin), std, mean);
  }
}

/** at::normal_distribution<double> with mean 0, std 1 (the caller scales). */
function scalarNormal(gen: MT19937): number {
  const cached = gen.nextDoubleNormal;
  if (cached !== null) {
    gen.nextDoubleNormal = null;
    return cached;
  }
  const u1 = gen.uniformDouble();
  const u2 = gen.uniformDouble();
  const r = Math.sqrt(-2 * Math.log1p(-u2));
  const theta = 2 * Math.PI * u1;
  gen.nextDoubleNormal = r * Math.sin(theta);
  return r * Math.cos(theta);
}
