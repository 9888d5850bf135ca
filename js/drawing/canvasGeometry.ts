// Pure geometry of the canvas drawing of big chains: drawing units <-> screen (viewBox + zoom),
// flat typed arrays of edge curves for drawing and hit-testing, probability buckets (one
// stroke call per token colour and bucket) and how much detail a zoom level can show.
import { arrowTip, pointAt } from "./edgeShapes";
import type { EdgeShape, Point } from "./edgeShapes";

/** The graph's box on screen (CSS pixels) and half the side of its square viewBox. */
export interface ScreenBox {
  width: number;
  height: number;
  half: number;
}

/** d3-zoom's transform (in viewBox units): v = k·p + (x, y). */
export interface ZoomState {
  k: number;
  x: number;
  y: number;
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** CSS pixels per viewBox unit ("xMidYMid meet": the square fits the box, centred). */
export function baseScale(box: ScreenBox): number {
  return box.half > 0 ? Math.min(box.width, box.height) / (2 * box.half) : 0;
}

/** CSS pixels per drawing unit at zoom t. */
export function screenScale(box: ScreenBox, t: ZoomState): number {
  return baseScale(box) * t.k;
}

/** Drawing point -> position in the box (CSS pixels from its top-left corner). */
export function toScreen(p: Point, box: ScreenBox, t: ZoomState): Point {
  const s0 = baseScale(box);
  return { x: box.width / 2 + s0 * (t.k * p.x + t.x), y: box.height / 2 + s0 * (t.k * p.y + t.y) };
}

/** Position in the box (CSS pixels) -> drawing point: the inverse of toScreen. */
export function toDrawing(sx: number, sy: number, box: ScreenBox, t: ZoomState): Point {
  const s0 = baseScale(box) || 1;
  return { x: ((sx - box.width / 2) / s0 - t.x) / t.k, y: ((sy - box.height / 2) / s0 - t.y) / t.k };
}

/** The part of the drawing the box shows, grown by `margin` CSS pixels on every side. */
export function visibleRect(box: ScreenBox, t: ZoomState, margin = 0): Rect {
  const a = toDrawing(-margin, -margin, box, t);
  const b = toDrawing(box.width + margin, box.height + margin, box, t);
  return { x0: a.x, y0: a.y, x1: b.x, y1: b.y };
}

/** Zoom range for a drawing: out to half size, in until a node fills about 1/6 of the box. */
export function zoomExtent(half: number, nodeRadius: number): [number, number] {
  return [0.5, Math.max(8, (2 * half) / (nodeRadius * 12))];
}

/** The zoom that centres drawing point p at scale k. */
export function focusZoom(p: Point, k: number): ZoomState {
  return { k, x: -k * p.x, y: -k * p.y };
}

/** Zoom scale at which a node of radius r shows about `px` CSS pixels wide (radius). */
export function scaleForRadius(box: ScreenBox, r: number, px: number): number {
  const s0 = baseScale(box);
  return s0 > 0 && r > 0 ? px / (s0 * r) : 1;
}

// ---- edges as flat arrays ----------------------------------------------------------------

/** Straight pieces per curve for hit-testing (plus the arrowhead). */
export const HIT_SEGMENTS = 10;

export interface EdgeArrays {
  count: number;
  /** Per edge: start, control 1, control 2 (= control 1 for quadratic curves), end. */
  curve: Float64Array;
  cubic: Uint8Array;
  /** Per edge: arrow tip x, y and the unit direction from the path's end to the tip. */
  tip: Float64Array;
  /** Per edge: bounding box x0, y0, x1, y1 of the curve and its arrowhead. */
  box: Float64Array;
  /** Per edge: HIT_SEGMENTS + 2 points along the curve and out to the arrow tip. */
  poly: Float64Array;
  /** Per edge: where its label goes. */
  label: Float64Array;
}

export function edgeArrays(shapes: EdgeShape[], arrow: number): EdgeArrays {
  const m = shapes.length;
  const P = HIT_SEGMENTS + 2;
  const out: EdgeArrays = {
    count: m,
    curve: new Float64Array(8 * m),
    cubic: new Uint8Array(m),
    tip: new Float64Array(4 * m),
    box: new Float64Array(4 * m),
    poly: new Float64Array(2 * P * m),
    label: new Float64Array(2 * m),
  };
  const { curve, tip: tips, box, poly, label, cubic } = out;
  shapes.forEach((s, i) => {
    const c1 = s.controls[0] ?? s.start;
    const c2 = s.controls[1] ?? c1;
    const o = 8 * i;
    curve[o] = s.start.x;
    curve[o + 1] = s.start.y;
    curve[o + 2] = c1.x;
    curve[o + 3] = c1.y;
    curve[o + 4] = c2.x;
    curve[o + 5] = c2.y;
    curve[o + 6] = s.end.x;
    curve[o + 7] = s.end.y;
    cubic[i] = s.controls.length > 1 ? 1 : 0;
    const tip = arrowTip(s, arrow);
    const len = Math.hypot(tip.x - s.end.x, tip.y - s.end.y) || 1;
    tips[4 * i] = tip.x;
    tips[4 * i + 1] = tip.y;
    tips[4 * i + 2] = (tip.x - s.end.x) / len;
    tips[4 * i + 3] = (tip.y - s.end.y) / len;
    for (let k = 0; k < P; k++) {
      const p = k <= HIT_SEGMENTS ? pointAt(s, k / HIT_SEGMENTS) : tip;
      poly[2 * (P * i + k)] = p.x;
      poly[2 * (P * i + k) + 1] = p.y;
    }
    // The control polygon holds the whole Bezier curve: a safe box for culling.
    const x0 = Math.min(s.start.x, s.end.x, tip.x, c1.x, c2.x);
    const y0 = Math.min(s.start.y, s.end.y, tip.y, c1.y, c2.y);
    const x1 = Math.max(s.start.x, s.end.x, tip.x, c1.x, c2.x);
    const y1 = Math.max(s.start.y, s.end.y, tip.y, c1.y, c2.y);
    box[4 * i] = x0;
    box[4 * i + 1] = y0;
    box[4 * i + 2] = x1;
    box[4 * i + 3] = y1;
    label[2 * i] = s.label.x;
    label[2 * i + 1] = s.label.y;
  });
  return out;
}

/** Does edge i's box meet rect r? */
export function edgeInRect(a: EdgeArrays, i: number, r: Rect): boolean {
  const b = a.box;
  return b[4 * i] <= r.x1 && b[4 * i + 2] >= r.x0 && b[4 * i + 1] <= r.y1 && b[4 * i + 3] >= r.y0;
}

function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** Distance from p to edge i's curve (its polyline) including the arrowhead. */
export function edgeDistance(a: EdgeArrays, i: number, p: Point): number {
  const P = HIT_SEGMENTS + 2;
  const o = 2 * P * i;
  const q = a.poly;
  let best = Infinity;
  for (let k = 0; k + 1 < P; k++) {
    const d = segmentDistance2(p.x, p.y, q[o + 2 * k], q[o + 2 * k + 1], q[o + 2 * k + 2], q[o + 2 * k + 3]);
    if (d < best) best = d;
  }
  return Math.sqrt(best);
}

/** The edge nearest p within `tol` drawing units (-1: none). `skip(i)`: hidden edges. */
export function hitEdge(a: EdgeArrays, p: Point, tol: number, skip?: (i: number) => boolean): number {
  let best = -1;
  let bestD = tol;
  const b = a.box;
  for (let i = 0; i < a.count; i++) {
    if (p.x < b[4 * i] - tol || p.x > b[4 * i + 2] + tol || p.y < b[4 * i + 1] - tol || p.y > b[4 * i + 3] + tol) continue;
    if (skip?.(i)) continue;
    const d = edgeDistance(a, i, p);
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** The node nearest p within `radius` drawing units (-1: none); xy = x0, y0, x1, y1, … */
export function hitNode(xy: Float64Array, p: Point, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; 2 * i < xy.length; i++) {
    const dx = xy[2 * i] - p.x;
    const dy = xy[2 * i + 1] - p.y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

// ---- probability buckets -------------------------------------------------------------------

/** Edges are drawn in this many probability steps (one stroke call each per token colour). */
export const P_BUCKETS = 10;
/** Bucket of unknown probabilities (NaN). */
export const NAN_BUCKET = P_BUCKETS;

export function bucketOf(p: number): number {
  if (!Number.isFinite(p)) return NAN_BUCKET;
  return p <= 0 ? 0 : p >= 1 ? P_BUCKETS - 1 : Math.min(P_BUCKETS - 1, Math.floor(p * P_BUCKETS));
}

/** The probability a bucket is drawn with (its middle; NaN for the unknown bucket). */
export function bucketProbability(b: number): number {
  return b >= NAN_BUCKET ? NaN : (b + 0.5) / P_BUCKETS;
}

export interface EdgeGroups {
  /** Edge indices grouped by (colour slot, bucket): group g is order[start[g] … start[g+1]). */
  order: Int32Array;
  start: Int32Array;
  /** Groups per colour slot (P_BUCKETS + 1). */
  perSlot: number;
}

/**
 * Counting sort of the drawn edges by colour slot and probability bucket. `keep(i)` says
 * whether edge i is drawn at all (culled or hidden edges are left out).
 */
export function groupEdges(
  count: number,
  slotOf: (i: number) => number,
  slots: number,
  probOf: (i: number) => number,
  keep: (i: number) => boolean,
): EdgeGroups {
  const perSlot = P_BUCKETS + 1;
  const groups = slots * perSlot;
  const key = new Int32Array(count).fill(-1);
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < count; i++) {
    if (!keep(i)) continue;
    const g = slotOf(i) * perSlot + bucketOf(probOf(i));
    key[i] = g;
    start[g + 1]++;
  }
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const fill = start.slice(0, groups);
  const order = new Int32Array(start[groups]);
  for (let i = 0; i < count; i++) if (key[i] >= 0) order[fill[key[i]]++] = i;
  return { order, start, perSlot };
}

// ---- detail by zoom level ------------------------------------------------------------------

export interface Detail {
  /** Node radius on screen (CSS pixels). */
  nodePx: number;
  /** Font size of state labels inside the nodes (0: they do not fit there). */
  nodeLabelPx: number;
  /** Font size of state labels under the nodes, when they do not fit inside (0: none). */
  sideLabelPx: number;
  /** Draw arrowheads. */
  arrows: boolean;
  /** Draw node outlines (else nodes are plain dots). */
  outlines: boolean;
  /** Draw the edge labels t(p%). */
  edgeLabels: boolean;
}

/** Smallest readable text on the canvas (CSS pixels). */
export const MIN_CANVAS_FONT = 9;
/** Nodes at least this big (radius, CSS pixels) get their label underneath if not inside. */
export const SIDE_LABEL_NODE_PX = 7;
/** Edge labels only when this few edges are in view (else they are a smear). */
export const MAX_EDGE_LABELS = 250;

/**
 * What a zoom level can show: state labels once they fit inside the node at a readable size,
 * arrowheads once they are a few pixels long, edge labels when few edges are in view.
 */
export function detailFor(scale: number, nodeRadius: number, arrow: number, labelChars: number, edgesInView: number): Detail {
  const nodePx = nodeRadius * scale;
  const fit = (2.9 * nodePx) / Math.max(1, labelChars);
  const nodeLabelPx = fit >= MIN_CANVAS_FONT ? Math.min(15, fit) : 0;
  return {
    nodePx,
    nodeLabelPx,
    sideLabelPx: nodeLabelPx === 0 && nodePx >= SIDE_LABEL_NODE_PX ? 11 : 0,
    arrows: arrow * scale >= 4,
    outlines: nodePx >= 2.5,
    edgeLabels: nodePx >= 9 && edgesInView <= MAX_EDGE_LABELS,
  };
}

/**
 * How opaque edges are drawn at an overview: thousands of overlapping strokes would be a
 * solid blot, so the fewer pixels per edge, the fainter each one (1 when zoomed in).
 */
export function densityAlpha(edgesInView: number, boxArea: number): number {
  if (edgesInView <= 0) return 1;
  const pxPerEdge = boxArea / edgesInView;
  return Math.max(0.22, Math.min(1, Math.sqrt(pxPerEdge / 400)));
}

/**
 * Where a label of w × h pixels goes beside a node (offset of its centre, CSS pixels): just
 * clear of the node (`gap` from its centre), on the side facing away from `centre`.
 */
export function labelOffset(p: Point, centre: Point, gap: number, w: number, h: number): Point {
  let ux = p.x - centre.x;
  let uy = p.y - centre.y;
  const len = Math.hypot(ux, uy);
  if (len < 1e-9) {
    ux = 0;
    uy = 1;
  } else {
    ux /= len;
    uy /= len;
  }
  const reach = gap + Math.abs(ux) * (w / 2) + Math.abs(uy) * (h / 2);
  return { x: ux * reach, y: uy * reach };
}
