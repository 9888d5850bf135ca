import { describe, expect, it } from "vitest";
import { CANVAS_EDGES, renderMode } from "./renderMode";

describe("renderMode", () => {
  it("draws small chains as SVG with labels, mid-size without edge labels", () => {
    expect(renderMode(8, 16)).toBe("svg");
    expect(renderMode(64, 256)).toBe("svg");
    expect(renderMode(128, 256)).toBe("svg-dense");
  });
  it("switches to the canvas by state count", () => {
    expect(renderMode(512, 1024)).toBe("canvas");
  });
  it("switches to the canvas by edge count even with few states (V=256 C=1)", () => {
    expect(renderMode(256, 65_536)).toBe("canvas");
    expect(renderMode(16, CANVAS_EDGES + 1)).toBe("canvas");
    expect(renderMode(16, CANVAS_EDGES)).toBe("svg");
  });
});
