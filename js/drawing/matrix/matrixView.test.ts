// The transition matrix through the mounted widget: a colour key with values, sort and filter
// (the first row under the pointer follows them), the value under the pointer in words, and
// the large view over the drawing (Esc goes back, focus returns to Enlarge).
import { describe, expect, it } from "vitest";
import { setupEach } from "../../testing/harness";
import type { Setup } from "../../testing/harness";
import { STATES3, TRAINED_P1 } from "../../testing/fakeModel";

const make = setupEach();

function openMatrix(s: Setup): HTMLElement {
  s.$<HTMLButtonElement>('button[data-action="matrix"]').click();
  const m = s.$('[data-role="matrix"]');
  expect(m.hidden).toBe(false);
  return m;
}

/** Hover the first shown row's column `col` (jsdom: the scroller sits at 0,0). */
function hoverFirst(m: HTMLElement, col: number): string {
  const g = JSON.parse(m.dataset.geometry ?? "{}") as { labelW: number; headerH: number; cellW: number; rowH: number };
  m.querySelector(".bg-matrix-scroll")!.dispatchEvent(new MouseEvent("mousemove", { clientX: g.labelW + (col + 0.5) * g.cellW, clientY: g.headerH + g.rowH / 2, bubbles: true }));
  return m.dataset.hoverRow ?? "";
}

const pick = (sel: HTMLSelectElement | HTMLInputElement, value: string): void => {
  sel.value = value;
  sel.dispatchEvent(new Event(sel instanceof HTMLSelectElement ? "change" : "input"));
};

describe("transition matrix view", () => {
  it("has a colour key with values from 0% to 100%", () => {
    const s = make();
    const m = openMatrix(s);
    const key = m.querySelector('[data-role="matrix-scale"]')!;
    expect([...key.querySelectorAll(".bg-scale-tick")].map((t) => t.textContent)).toEqual(["0%", "25%", "50%", "75%", "100%"]);
    expect(key.querySelector(".bg-scale-title")!.textContent).toBe("P(next)");
    expect((key.querySelector(".bg-scale-bar") as HTMLElement).style.background).toContain("linear-gradient");
  });

  it("sorts by P of a token and filters by prefix and seen / unseen", () => {
    const s = make();
    const m = openMatrix(s);
    expect(m.dataset.rows).toBe("8");
    expect(hoverFirst(m, 1)).toBe("0"); // state order: 000 first
    const sort = m.querySelector<HTMLSelectElement>('select[data-field="matrix-sort"]')!;
    expect([...sort.options].map((o) => o.value)).toEqual(["state", "p:0", "p:1", "entropy", "unseen", "seen"]);
    pick(sort, "p:1");
    const top = TRAINED_P1.indexOf(Math.max(...TRAINED_P1));
    expect(hoverFirst(m, 1)).toBe(String(top)); // 011: the likeliest "1"
    expect(m.querySelector('[data-role="matrix-hover"]')!.textContent).toMatch(new RegExp(`^${STATES3[top]} → 1: \\d+\\.\\d%`));
    pick(sort, "entropy");
    expect(hoverFirst(m, 0)).toBe(String(STATES3.indexOf("111"))); // 45/55: the least sure
    pick(m.querySelector<HTMLInputElement>('input[data-field="matrix-filter"]')!, "10");
    expect(m.dataset.rows).toBe("2");
    expect(m.querySelector('[data-role="matrix-count"]')!.textContent).toBe("2 of 8 states");
    pick(m.querySelector<HTMLInputElement>('input[data-field="matrix-filter"]')!, "");
    pick(m.querySelector<HTMLSelectElement>('select[data-field="matrix-seen"]')!, "unseen");
    expect(m.dataset.rows).toBe("4"); // 000, 001, 010, 100 never occur in 111101111011110
    pick(sort, "state");
    expect(hoverFirst(m, 0)).toBe("0");
  });

  it("enlarges over the drawing and goes back with Esc, focus on Enlarge again", () => {
    const s = make();
    const m = openMatrix(s);
    const enlarge = m.querySelector<HTMLButtonElement>('button[data-action="matrix-large"]')!;
    enlarge.click();
    const large = s.$('[data-role="large-view"]');
    expect(large.hidden).toBe(false);
    expect(large.dataset.large).toBe("matrix");
    expect(large.contains(m)).toBe(true);
    expect(large.getAttribute("role")).toBe("dialog");
    expect(document.activeElement).toBe(large.querySelector('button[data-action="large-close"]'));
    expect(JSON.parse(m.dataset.geometry ?? "{}").font).toBeGreaterThanOrEqual(14);
    const esc = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    (document.activeElement as HTMLElement).dispatchEvent(esc);
    expect(large.hidden).toBe(true);
    expect(large.contains(m)).toBe(false);
    expect(s.$(".bg-graph-stack").contains(m)).toBe(true);
    expect(m.hidden).toBe(false); // back beside the drawing, still open
    expect(document.activeElement).toBe(enlarge);
    expect(s.mounted.graph.focusState).toBeNull(); // Esc closed the large view only
  });
});
