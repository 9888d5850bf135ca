import { describe, expect, it } from "vitest";
import { LossChart } from "./lossChart";

const history = (steps: number[]) => ({
  steps: Int32Array.from(steps),
  losses: Float32Array.from(steps.map((s) => 1 / (1 + s))),
  probs: new Float32Array(steps.length * 2),
  rowSize: 2,
  length: steps.length,
});

const tickTexts = (chart: LossChart): string[] =>
  Array.from(chart.svg.querySelectorAll(".bg-axis-x .tick text"), (t) => t.textContent ?? "");

describe("loss chart step axis", () => {
  it("labels only whole steps, each once, for a history of one step", () => {
    const chart = new LossChart(() => {}, new AbortController().signal);
    chart.resize(700, 120);
    chart.setHistory(history([0]));
    const ticks = tickTexts(chart);
    expect(ticks).toEqual(["0", "1"]);
  });

  it("labels a long run with thousands separators", () => {
    const chart = new LossChart(() => {}, new AbortController().signal);
    chart.resize(700, 120);
    chart.setHistory(history([0, 5000, 12000]));
    const ticks = tickTexts(chart);
    expect(ticks.length).toBeGreaterThan(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks).toContain("10,000");
  });
});
