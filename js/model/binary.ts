// Binary traits -> typed arrays. anywidget delivers bytes traits as DataView, possibly at an
// unaligned offset into a larger message buffer, so alignment decides copy vs. view.
import type { Binary } from "./types";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isArrayBuffer(v: unknown): v is ArrayBuffer {
  return Object.prototype.toString.call(v) === "[object ArrayBuffer]";
}

function bytesOf(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return isArrayBuffer(v) ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

type Typed = Float32Array | Int32Array;
interface TypedCtor<T extends Typed> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  from(values: ArrayLike<number>): T;
}

function decode<T extends Typed>(v: Binary, Ctor: TypedCtor<T>, read: (dv: DataView, at: number) => number): T {
  if (v == null) return new Ctor(0);
  if (v instanceof Ctor) return v;
  if (isArrayBuffer(v) || ArrayBuffer.isView(v)) {
    const bytes = bytesOf(v);
    const n = bytes.byteLength >>> 2;
    if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Ctor(bytes.buffer, bytes.byteOffset, n);
    const out = new Ctor(n);
    if (LITTLE_ENDIAN) {
      new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
    } else {
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < n; i++) out[i] = read(dv, i * 4);
    }
    return out;
  }
  return Ctor.from(v); // plain number arrays (fakes, JSON fallbacks)
}

/** float32 little-endian bytes -> Float32Array (a view when aligned, else a copy). */
export function toFloat32(v: Binary): Float32Array {
  return decode(v, Float32Array, (dv, at) => dv.getFloat32(at, true));
}

/** int32 little-endian bytes -> Int32Array (a view when aligned, else a copy). */
export function toInt32(v: Binary): Int32Array {
  return decode(v, Int32Array, (dv, at) => dv.getInt32(at, true));
}
