// Edge label placement: each label sits on its own curve, at the first spot (from the
// middle outwards) that overlaps no node, no arrowhead and no label placed before it.
import { arrowTip, pointAt } from "./geometry";
import type { EdgeShape, Point } from "./geometry";

export interface LabelBox {
  /** Label width and height in drawing units (labels are centred on their point). */
  w: number;
  h: number;
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Spots along a curve, middle first; the ends are left to nodes and arrowheads. */
export const CANDIDATES = [0.5, 0.42, 0.58, 0.35, 0.65, 0.28, 0.72];

const rect = (c: Point, w: number, h: number): Rect => ({ x0: c.x - w / 2, y0: c.y - h / 2, x1: c.x + w / 2, y1: c.y + h / 2 });

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Label centre for every edge. Loops keep their spot outside the loop; other edges are
 * placed shortest first (they have the least room), each at the candidate with the least
 * overlap (zero when possible, the middle on ties).
 */
export function placeLabels(
  shapes: EdgeShape[],
  loops: boolean[],
  nodes: Point[],
  nodeRadius: number,
  arrow: number,
  box: LabelBox,
): Point[] {
  const taken: Rect[] = nodes.map((p) => rect(p, 2 * nodeRadius + 4, 2 * nodeRadius + 4));
  for (const s of shapes) taken.push(rect(arrowTip(s, arrow / 2), arrow + 4, arrow + 4));
  const out: Point[] = shapes.map((s) => s.label);
  const order = shapes
    .map((s, i) => ({ i, len: Math.hypot(s.end.x - s.start.x, s.end.y - s.start.y) }))
    .sort((a, b) => Number(loops[b.i]) - Number(loops[a.i]) || a.len - b.len);
  for (const { i } of order) {
    let best = shapes[i].label;
    if (!loops[i]) {
      let bestCost = Infinity;
      for (const t of CANDIDATES) {
        const p = pointAt(shapes[i], t);
        const r = rect(p, box.w, box.h);
        let cost = 0;
        for (const q of taken) cost += overlap(r, q);
        if (cost < bestCost - 1e-6) {
          bestCost = cost;
          best = p;
        }
        if (cost === 0) break;
      }
    }
    out[i] = best;
    taken.push(rect(best, box.w, box.h));
  }
  return out;
}
