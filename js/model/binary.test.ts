import { describe, expect, it } from "vitest";
import { toFloat32, toInt32 } from "./binary";
import { f32, i32 } from "../testing/fakeModel";

describe("binary traits", () => {
  it("decodes little-endian float32 from an unaligned DataView", () => {
    const dv = f32([0.25, -1.5, 3], 3);
    expect(dv.byteOffset % 4).toBe(3);
    expect(Array.from(toFloat32(dv))).toEqual([0.25, -1.5, 3]);
  });

  it("views aligned buffers without copying", () => {
    const buf = new ArrayBuffer(16);
    new Float32Array(buf).set([1, 2, 3, 4]);
    const out = toFloat32(new DataView(buf, 4, 8));
    expect(Array.from(out)).toEqual([2, 3]);
    expect(out.buffer).toBe(buf);
  });

  it("decodes int32 and tolerates missing values and plain arrays", () => {
    expect(Array.from(toInt32(i32([3, -2, 0])))).toEqual([3, -2, 0]);
    expect(toInt32(null).length).toBe(0);
    expect(Array.from(toFloat32([0.5, 1]))).toEqual([0.5, 1]);
    expect(Array.from(toInt32(new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0]).buffer))).toEqual([1, 2]);
  });
});
