import { describe, expect, it } from "vitest";
import { arrowTip, BEND_PAIR, curveShape, loopShape, outwardFrom, pointAt } from "./edgeShapes";
import type { Point } from "./edgeShapes";
import { placeChainLabels } from "./labels";

const style = { r: 26, arrow: 9 };
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
/** Which side of the line a->b the point p is on (sign of the cross product). */
const side = (a: Point, b: Point, p: Point) => Math.sign((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x));

describe("self-loops", () => {
  const c = { x: 100, y: 50 };
  const out = outwardFrom({ x: 0, y: 0 }, c);
  const s = loopShape(c, out, style);

  it("leave and re-enter the node's own circle, the arrow tip touching it", () => {
    expect(dist(s.start, c)).toBeCloseTo(style.r, 6);
    expect(dist(s.end, c)).toBeGreaterThan(style.r + style.arrow * 0.5);
    expect(dist(arrowTip(s, style.arrow), c)).toBeCloseTo(style.r, 1);
    expect(s.d).toMatch(/^M[-\d.]+,[-\d.]+C/);
  });

  it("bulge away from the drawing's centre, label beyond the loop", () => {
    const apex = pointAt(s, 0.5);
    expect(dist(apex, c)).toBeGreaterThan(style.r * 1.8);
    expect(dist(apex, { x: 0, y: 0 })).toBeGreaterThan(dist(c, { x: 0, y: 0 }));
    expect(dist(s.label, c)).toBeGreaterThan(dist(apex, c));
  });
});

describe("opposite pairs", () => {
  const a = { x: -100, y: 0 };
  const b = { x: 100, y: 20 };
  const ab = curveShape(a, b, BEND_PAIR, style);
  const ba = curveShape(b, a, BEND_PAIR, style);

  it("bend to opposite sides so neither hides the other", () => {
    expect(side(a, b, ab.controls[0])).toBe(-side(a, b, ba.controls[0]));
    expect(side(a, b, pointAt(ab, 0.5))).toBe(-side(a, b, pointAt(ba, 0.5)));
    expect(dist(pointAt(ab, 0.5), pointAt(ba, 0.5))).toBeGreaterThan(0.25 * dist(a, b));
    expect(dist(ab.label, ba.label)).toBeGreaterThan(30);
  });

  it("start on the source circle and stop an arrow's length before the target", () => {
    expect(dist(ab.start, a)).toBeCloseTo(style.r, 6);
    expect(dist(ab.end, b)).toBeGreaterThan(style.r + style.arrow * 0.9);
    expect(dist(arrowTip(ab, style.arrow), b)).toBeCloseTo(style.r, 1);
  });

  it("puts the label on the curve itself", () => {
    const mid = pointAt(ab, 0.5);
    expect(ab.label.x).toBeCloseTo(mid.x, 6);
    expect(ab.label.y).toBeCloseTo(mid.y, 6);
  });
});

describe("label placement", () => {
  it("moves a label along its curve off another label, never onto a node or arrowhead", () => {
    // Two crossing edges whose midpoints coincide.
    const nodes = [
      { x: -150, y: 0 },
      { x: 150, y: 0 },
      { x: 0, y: -150 },
      { x: 0, y: 150 },
    ];
    const shapes = [curveShape(nodes[0], nodes[1], 0, style), curveShape(nodes[2], nodes[3], 0, style)];
    const placed = placeChainLabels({
      nodes, r: style.r, arrow: style.arrow, stateChars: 1, outsideFont: null, shapes, loops: [false, false],
      edgeFont: 14, edgeChars: 6, priority: [0.5, 0.5], minPriority: 0,
    });
    const box = placed.edgeBox;
    expect(placed.edges.every((p) => p.shown)).toBe(true);
    const spots = placed.edges.map((p) => p.at);
    const overlapX = Math.abs(spots[0].x - spots[1].x) < box.w;
    const overlapY = Math.abs(spots[0].y - spots[1].y) < box.h;
    expect(overlapX && overlapY).toBe(false);
    for (const p of spots) {
      for (const n of nodes) expect(dist(p, n)).toBeGreaterThan(style.r + box.h / 2);
      for (const s of shapes) expect(dist(p, arrowTip(s, style.arrow / 2))).toBeGreaterThan(box.h / 2);
    }
    // Still on its own curve: edge 0 is horizontal, edge 1 vertical.
    expect(spots[0].y).toBeCloseTo(0, 6);
    expect(spots[1].x).toBeCloseTo(0, 6);
  });
});
