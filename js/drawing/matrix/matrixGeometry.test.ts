import { describe, expect, it } from "vitest";
import { cellAt, cellRect, contentHeight, matrixGeometry, rowAt, scrollToRow, visibleRows } from "./matrixGeometry";

describe("transition matrix geometry", () => {
  const g = matrixGeometry(4096, 2, 12, 400);

  it("hit-tests a cell from a point, with the view scrolled", () => {
    const at = cellRect(g, { row: 2000, col: 1 }, 2000 * g.rowH - 50);
    expect(cellAt(g, at.x + 2, at.y + 2, 2000 * g.rowH - 50)).toEqual({ row: 2000, col: 1 });
    expect(cellAt(g, at.x + at.w - 1, at.y + at.h - 1, 2000 * g.rowH - 50)).toEqual({ row: 2000, col: 1 });
  });

  it("the header and the label column are not cells; past the last row is nothing", () => {
    expect(cellAt(g, g.labelW + 5, g.headerH - 1, 0)).toBeNull();
    expect(cellAt(g, g.labelW - 1, g.headerH + 5, 0)).toBeNull();
    expect(cellAt(g, g.labelW + 2 * g.cellW + 1, g.headerH + 5, 0)).toBeNull();
    expect(cellAt(g, g.labelW + 1, contentHeight(g) + 10, 0)).toBeNull();
    expect(rowAt(g, g.headerH + 3 * g.rowH + 1, 0)).toBe(3);
  });

  it("paints only the rows in view (virtualised)", () => {
    const [a, b] = visibleRows(g, 100 * g.rowH, 300);
    expect(a).toBe(100);
    expect(b - a).toBeLessThan(20);
    expect(visibleRows(g, 0, contentHeight(g) + 100)).toEqual([0, 4096]);
  });

  it("scrolls a row into view only when it is out of view", () => {
    expect(scrollToRow(g, 10, 0, 300)).toBe(0);
    const s = scrollToRow(g, 3000, 0, 300);
    const [a, b] = visibleRows(g, s, 300);
    expect(3000).toBeGreaterThanOrEqual(a);
    expect(3000).toBeLessThan(b);
  });
});
