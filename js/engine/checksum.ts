// FNV-1a (32-bit) over the IEEE-754 bytes of float32 values, little-endian: a compact
// fingerprint for comparing weights with tests/golden/make_engine_golden.py.

export function fnv1a(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
