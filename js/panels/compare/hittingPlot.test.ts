import { describe, expect, it } from "vitest";
import { HittingPlot } from "./hittingPlot";

const emptyText = (p: HittingPlot): string =>
  Array.from(p.svg.querySelectorAll('[data-role="hitting-empty"] tspan'), (t) => t.textContent).join(" ");

describe("hitting plot", () => {
  it("before a curve, the plot says what to do (not bare axes); with one, the text goes", () => {
    const p = new HittingPlot(() => {}, new AbortController().signal);
    p.set(null, 1, "mark states (click nodes), then Plot");
    expect(emptyText(p)).toBe("mark states (click nodes), then Plot");
    expect(p.el.querySelector<HTMLElement>('[data-role="hitting-note"]')!.hidden).toBe(true); // said once, in the plot
    p.set({ targets: ["000"], k: 10, start: "111", step: 50, temperatures: [0, 1, 2], probabilities: [0, 0.4, 0.6] } as never, 1, "P(reach 000)");
    expect(emptyText(p)).toBe("");
    expect(p.el.querySelector<HTMLElement>('[data-role="hitting-note"]')!.hidden).toBe(false);
    expect(p.svg.querySelectorAll("circle.bg-hitting-point")).toHaveLength(3);
  });

  it("wraps a long note into lines that fit the plot", () => {
    const p = new HittingPlot(() => {}, new AbortController().signal);
    p.set(null, 1, "press Plot: P(reach a marked state) at temperatures 0…2");
    const lines = Array.from(p.svg.querySelectorAll('[data-role="hitting-empty"] tspan'), (t) => t.textContent ?? "");
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(32);
  });
});
