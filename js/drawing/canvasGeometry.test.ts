// The canvas drawing's pure geometry: screen <-> drawing, hit-testing, grouping, detail levels.
import { describe, expect, it } from "vitest";
import {
  baseScale,
  bucketOf,
  bucketProbability,
  densityAlpha,
  detailFor,
  edgeArrays,
  edgeDistance,
  edgeInRect,
  focusZoom,
  groupEdges,
  hitEdge,
  hitNode,
  MAX_EDGE_LABELS,
  NAN_BUCKET,
  P_BUCKETS,
  scaleForRadius,
  toDrawing,
  toScreen,
  visibleRect,
  zoomExtent,
} from "./canvasGeometry";
import type { ScreenBox } from "./canvasGeometry";
import { curveShape, loopShape } from "./edgeShapes";

const box: ScreenBox = { width: 1000, height: 600, half: 300 }; // 1 px per unit, square in the middle

describe("screen <-> drawing", () => {
  it("maps the viewBox square into the middle of the box, like preserveAspectRatio meet", () => {
    expect(baseScale(box)).toBe(1);
    expect(toScreen({ x: 0, y: 0 }, box, { k: 1, x: 0, y: 0 })).toEqual({ x: 500, y: 300 });
    expect(toScreen({ x: -300, y: 300 }, box, { k: 1, x: 0, y: 0 })).toEqual({ x: 200, y: 600 });
    expect(baseScale({ width: 400, height: 800, half: 100 })).toBe(2);
  });

  it("applies the zoom transform (in viewBox units) and inverts exactly", () => {
    const t = { k: 4, x: -120, y: 40 };
    const p = { x: 37.5, y: -12.25 };
    const s = toScreen(p, box, t);
    expect(s).toEqual({ x: 500 + 4 * 37.5 - 120, y: 300 + 4 * -12.25 + 40 });
    const back = toDrawing(s.x, s.y, box, t);
    expect(back.x).toBeCloseTo(p.x, 9);
    expect(back.y).toBeCloseTo(p.y, 9);
  });

  it("knows which part of the drawing is in view", () => {
    const r = visibleRect(box, { k: 2, x: 0, y: 0 });
    expect(r).toEqual({ x0: -250, y0: -150, x1: 250, y1: 150 });
    const grown = visibleRect(box, { k: 2, x: 0, y: 0 }, 20);
    expect(grown.x0).toBe(-260);
  });

  it("zooms to a node: centred, big enough, within the zoom range", () => {
    const z = focusZoom({ x: 100, y: -50 }, 5);
    expect(toScreen({ x: 100, y: -50 }, box, z)).toEqual({ x: 500, y: 300 });
    expect(scaleForRadius(box, 5, 22)).toBeCloseTo(22 / 5, 9);
    const [lo, hi] = zoomExtent(13_708, 5); // 4,096 states
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(300); // far enough in to read a node
    expect(zoomExtent(240, 26)[1]).toBe(8); // small drawings keep the usual range
  });
});

describe("hit-testing", () => {
  const style = { r: 5, arrow: 2 };
  const shapes = [
    curveShape({ x: 0, y: 0 }, { x: 100, y: 0 }, 0.12, style), // 0: bends to y > 0
    curveShape({ x: 0, y: 0 }, { x: 0, y: 100 }, 0.12, style), // 1
    loopShape({ x: 100, y: 0 }, { x: 1, y: 0 }, style), // 2: right of (100, 0)
  ];
  const arrays = edgeArrays(shapes, style.arrow);

  it("flattens shapes into typed arrays with safe bounding boxes", () => {
    expect(arrays.count).toBe(3);
    expect(Array.from(arrays.cubic)).toEqual([0, 0, 1]);
    expect(edgeInRect(arrays, 0, { x0: 40, y0: -5, x1: 60, y1: 20 })).toBe(true);
    expect(edgeInRect(arrays, 0, { x0: 40, y0: 50, x1: 60, y1: 70 })).toBe(false);
    expect(edgeInRect(arrays, 2, { x0: 105, y0: -3, x1: 130, y1: 3 })).toBe(true);
  });

  it("finds the nearest edge within the tolerance, and skips hidden ones", () => {
    const mid = shapes[0].label; // a point on curve 0
    expect(edgeDistance(arrays, 0, mid)).toBeLessThan(0.5);
    expect(hitEdge(arrays, { x: mid.x, y: mid.y + 2 }, 4)).toBe(0);
    expect(hitEdge(arrays, { x: mid.x, y: mid.y + 30 }, 4)).toBe(-1);
    expect(hitEdge(arrays, { x: mid.x, y: mid.y + 2 }, 4, (i) => i === 0)).toBe(-1);
    expect(hitEdge(arrays, { x: -4, y: 50 }, 8)).toBe(1);
    expect(hitEdge(arrays, shapes[2].label, 12)).toBe(2);
  });

  it("finds the nearest node within a radius", () => {
    const xy = new Float64Array([0, 0, 10, 0, 100, 100]);
    expect(hitNode(xy, { x: 6, y: 0 }, 5)).toBe(1);
    expect(hitNode(xy, { x: 4, y: 0 }, 5)).toBe(0);
    expect(hitNode(xy, { x: 50, y: 50 }, 5)).toBe(-1);
    expect(hitNode(xy, { x: 50, y: 50 }, 80)).toBe(1); // the nearest of those in reach
    expect(hitNode(xy, { x: 90, y: 90 }, 80)).toBe(2);
  });
});

describe("grouping and detail", () => {
  it("buckets probabilities, unknown ones apart", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.05)).toBe(0);
    expect(bucketOf(0.55)).toBe(5);
    expect(bucketOf(1)).toBe(P_BUCKETS - 1);
    expect(bucketOf(NaN)).toBe(NAN_BUCKET);
    expect(bucketProbability(5)).toBeCloseTo(0.55, 9);
    expect(bucketProbability(NAN_BUCKET)).toBeNaN();
  });

  it("sorts the kept edges into (colour, bucket) groups, each in edge order", () => {
    const p = [0.9, 0.1, 0.95, 0.12, NaN, 0.5];
    const g = groupEdges(6, (i) => i % 2, 2, (i) => p[i], (i) => i !== 5);
    expect(g.order.length).toBe(5);
    const groupOf = (slot: number, b: number) => Array.from(g.order.subarray(g.start[slot * g.perSlot + b], g.start[slot * g.perSlot + b + 1]));
    expect(groupOf(0, 9)).toEqual([0, 2]);
    expect(groupOf(0, NAN_BUCKET)).toEqual([4]);
    expect(groupOf(1, 1)).toEqual([1, 3]);
    expect(groupOf(1, 5)).toEqual([]); // edge 5 was not kept
  });

  it("shows more as the zoom grows: outlines, arrows, labels beside then inside, edge labels", () => {
    const far = detailFor(0.02, 5, 1.7, 12, 8192);
    expect(far).toMatchObject({ outlines: false, arrows: false, nodeLabelPx: 0, sideLabelPx: 0, edgeLabels: false });
    const mid = detailFor(4.4, 5, 1.7, 12, 180);
    expect(mid.outlines).toBe(true);
    expect(mid.arrows).toBe(true);
    expect(mid.nodeLabelPx).toBe(0); // 12 characters do not fit in a 22 px node ...
    expect(mid.sideLabelPx).toBeGreaterThan(0); // ... so the label goes beside it
    expect(mid.edgeLabels).toBe(true);
    expect(detailFor(4.4, 5, 1.7, 12, MAX_EDGE_LABELS + 1).edgeLabels).toBe(false);
    const near = detailFor(10, 5, 1.7, 12, 40);
    expect(near.nodeLabelPx).toBeGreaterThanOrEqual(9);
    expect(near.sideLabelPx).toBe(0);
  });

  it("fades edges when thousands share the box", () => {
    expect(densityAlpha(10, 600_000)).toBe(1);
    expect(densityAlpha(8192, 600_000)).toBeLessThan(0.5);
    expect(densityAlpha(100_000, 600_000)).toBeGreaterThan(0.2);
  });
});
