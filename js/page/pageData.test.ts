// The saved page's data format read back into traits (the Python side: babygpt_widget/page_data.py).
import { describe, expect, it } from "vitest";
import { base64Bytes, decodePage, fromFractions, nest, PAGE_FORMAT, PageDataError } from "./pageData";

const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const f32Bytes = (v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);
const u16Bytes = (v: number[]): Uint8Array => {
  const out = new Uint8Array(v.length * 2);
  const dv = new DataView(out.buffer);
  v.forEach((x, i) => dv.setUint16(i * 2, Math.round(x * 65535), true));
  return out;
};
const page = { recorded: 3, kept: 2, first_step: 0, last_step: 2, quantised: true, left_out: [], saved_by: "test" };

describe("saved page data", () => {
  it("base64 and 16-bit fractions come back as bytes and float32", () => {
    expect([...base64Bytes(b64(new Uint8Array([0, 1, 255, 128])))]).toEqual([0, 1, 255, 128]);
    const p = fromFractions(u16Bytes([0, 0.25, 0.7316, 1]));
    expect(p).toBeInstanceOf(Float32Array);
    expect([...p].map((x) => Math.abs(x - [0, 0.25, 0.7316, 1][p.indexOf(x)]) <= 0.5 / 65535)).toEqual([true, true, true, true]);
  });

  it("nests a flat list row-major, like JSON's nested arrays", () => {
    expect(nest([1, 2, 3, 4, 5, 6], [2, 3])).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(nest([1, 2, 3, 4], [2, 1, 2])).toEqual([[[1, 2]], [[3, 4]]]);
    expect(() => nest([1, 2, 3], [2, 2])).toThrow(PageDataError);
  });

  it("bytes traits become DataViews (raw as saved, u16p as float32); list leaves become lists in their dict", () => {
    const { traits, page: info } = decodePage({
      format: PAGE_FORMAT,
      version: 1,
      traits: { states: ["0", "1"], probs: null, history_probs: null, ensemble: { seeds: [1, 2], per_seed: null } },
      binary: [
        { path: ["probs"], enc: "raw", data: b64(f32Bytes([0.25, 0.75, 0.5, 0.5])) },
        { path: ["history_probs"], enc: "u16p", data: b64(u16Bytes([0.5, 0.5, 0.1, 0.9])) },
        { path: ["ensemble", "per_seed"], enc: "u16p", data: b64(u16Bytes([0.5, 0.5, 0.2, 0.8])), shape: [2, 1, 2] },
      ],
      page,
    });
    expect(traits.states).toEqual(["0", "1"]);
    const probs = traits.probs as DataView;
    expect(probs).toBeInstanceOf(DataView);
    expect([0, 1, 2, 3].map((i) => probs.getFloat32(i * 4, true))).toEqual([0.25, 0.75, 0.5, 0.5]);
    const hist = traits.history_probs as DataView;
    expect(hist.byteLength).toBe(16); // float32 again, as the front end reads history rows
    expect(hist.getFloat32(12, true)).toBeCloseTo(0.9, 4);
    const ens = traits.ensemble as { seeds: number[]; per_seed: number[][][] };
    expect(ens.seeds).toEqual([1, 2]);
    expect(ens.per_seed.length).toBe(2);
    expect(ens.per_seed[1][0][1]).toBeCloseTo(0.8, 4);
    expect(info.kept).toBe(2);
  });

  it("refuses what is not a saved page, naming the version it reads", () => {
    expect(() => decodePage({ format: "x" })).toThrow(/not a babyGPT saved page/);
    expect(() => decodePage({ format: PAGE_FORMAT, version: 9, traits: {}, binary: [], page })).toThrow(/format 9.*reads format 1/);
    expect(() => decodePage({ format: PAGE_FORMAT, version: 1, traits: {} })).toThrow(/incomplete/);
  });
});
