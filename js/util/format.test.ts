import { describe, expect, it } from "vitest";
import { edgeLabel, formatLoss, formatStep, percent, percent1 } from "./format";

describe("edge labels", () => {
  it("rounds to whole percent like the seed's graph", () => {
    expect(edgeLabel("1", 0.7929)).toBe("1(79%)");
    expect(edgeLabel("0", 0.2071)).toBe("0(21%)");
    expect(edgeLabel("1", 0.4536)).toBe("1(45%)");
    expect(edgeLabel("1", 0.005)).toBe("1(1%)");
  });

  it("never rounds a possible transition to 0% or a non-certain one to 100%", () => {
    expect(percent(0.004)).toBe("<1%");
    expect(percent(1e-9)).toBe("<1%");
    expect(percent(0.996)).toBe(">99%");
    expect(percent(0)).toBe("0%");
    expect(percent(1)).toBe("100%");
  });

  it("marks unknown probabilities", () => {
    expect(percent(NaN)).toBe("?");
    expect(edgeLabel("a", NaN)).toBe("a(?)");
  });
});

describe("readouts", () => {
  it("formats loss and step, with a dash when unknown", () => {
    expect(formatLoss(0.4699831008911133)).toBe("0.4700");
    expect(formatLoss(NaN)).toBe("–");
    expect(formatLoss(null)).toBe("–");
    expect(formatStep(49)).toBe("49");
    expect(percent1(0.79291)).toBe("79.3%");
  });
});
