// Label placement for the SVG drawing: greedy, most important first. Each label tries a few
// candidate spots (on its edge, middle first, then touching it; around its node, outward first)
// and takes the first that overlaps no node, no arrowhead and no label placed before it, keeping
// LABEL_GAP_EM apart. A state label must sit nearer its own node than any other; on a crowded
// chain an edge label must sit where no other edge runs through it (else it could belong to
// either). A label with no such spot is hidden (it shows on hover), never drawn ambiguously.
import { arrowTip, pointAt } from "./edgeShapes";
import type { EdgeShape, Point } from "./edgeShapes";
import { CHAR_EM, LABEL_GAP_EM, LINE_EM } from "./labelMetrics";
import type { Placement, Rect } from "./labelMetrics";

export type { Placement, Rect } from "./labelMetrics";
import { polyline, segmentHitsRect, StrokeSegments } from "./labelStrokes";
import { radialBox, radialNodeLabels } from "./radial";

export interface LabelItem {
  candidates: Point[];
  w: number;
  h: number;
  /** The edge the label belongs to (its own stroke does not count as a crossing). */
  owner?: number;
  /** Shown only where no other edge's stroke runs through it (a crowded chain). */
  alone?: boolean;
  /** Gap kept to the labels placed before it (default: placeGreedy's `pad`). */
  pad?: number;
}

/** Spots along a curve, middle first; the ends are left to nodes and arrowheads. */
export const CANDIDATES = [0.5, 0.42, 0.58, 0.35, 0.65, 0.28, 0.72];
export { CHAR_EM, LABEL_GAP_EM, LINE_EM } from "./labelMetrics";
export { RADIAL_GAP, RADIAL_LINE_EM, radialBox, radialNodeLabels } from "./radial";

export const rectAt = (c: Point, w: number, h: number): Rect => ({ x0: c.x - w / 2, y0: c.y - h / 2, x1: c.x + w / 2, y1: c.y + h / 2 });

export function overlaps(a: Rect, b: Rect): boolean {
  return Math.min(a.x1, b.x1) > Math.max(a.x0, b.x0) && Math.min(a.y1, b.y1) > Math.max(a.y0, b.y0);
}

/** Rectangles in a uniform grid: overlap queries touch only nearby cells. */
class Grid {
  private readonly cells = new Map<string, Rect[]>();
  constructor(private readonly size: number) {}

  private keys(r: Rect): string[] {
    const s = this.size;
    const out: string[] = [];
    for (let i = Math.floor(r.x0 / s); i <= Math.floor(r.x1 / s); i++)
      for (let j = Math.floor(r.y0 / s); j <= Math.floor(r.y1 / s); j++) out.push(`${i},${j}`);
    return out;
  }

  add(r: Rect): void {
    for (const k of this.keys(r)) {
      const c = this.cells.get(k);
      if (c) c.push(r);
      else this.cells.set(k, [r]);
    }
  }

  /** Area of r covered by the stored rectangles (0 = free). */
  cost(r: Rect): number {
    let sum = 0;
    const seen = new Set<Rect>();
    for (const k of this.keys(r))
      for (const q of this.cells.get(k) ?? []) {
        if (seen.has(q)) continue;
        seen.add(q);
        const w = Math.min(r.x1, q.x1) - Math.max(r.x0, q.x0);
        const h = Math.min(r.y1, q.y1) - Math.max(r.y0, q.y0);
        if (w > 0 && h > 0) sum += w * h;
      }
    return sum;
  }
}

/**
 * Place `items` in `order` (most important first; items not in `order` stay hidden) around
 * fixed `obstacles`. `prefer[i]` (a candidate index) is tried first: a label that still fits
 * where it was stays there. `pad` is the gap kept around every label.
 */
export function placeGreedy(items: LabelItem[], order: number[], obstacles: Rect[], pad = 1, prefer: number[] = [], strokes?: StrokeSegments): Placement[] {
  let cell = 16;
  for (const it of items) cell = Math.max(cell, it.w, it.h);
  const grid = new Grid(cell);
  for (const o of obstacles) grid.add(o);
  const out: Placement[] = items.map((it) => ({ at: it.candidates[0] ?? { x: 0, y: 0 }, shown: false, pick: 0 }));
  for (const i of order) {
    const it = items[i];
    const n = it.candidates.length;
    if (n === 0) continue;
    const g = it.pad ?? pad;
    const box = (c: number): Rect => rectAt(it.candidates[c], it.w + 2 * g, it.h + 2 * g);
    const crossings = (c: number): number => (strokes ? strokes.count(rectAt(it.candidates[c], it.w, it.h), it.owner ?? -1) : 0);
    const free = (c: number): boolean => grid.cost(box(c)) === 0 && !(it.alone && crossings(c) > 0);
    const first = prefer[i] !== undefined && prefer[i] >= 0 && prefer[i] < n ? prefer[i] : -1;
    let best = 0;
    let bestCost = Infinity;
    let bestCross = Infinity;
    if (first >= 0 && free(first)) {
      [best, bestCost] = [first, 0]; // still free where it was: stay (no jumping labels)
    } else {
      // Free spots only; among them the one fewest other edges run through (off crossings).
      for (let c = 0; c < n; c++) {
        let cost = grid.cost(box(c));
        const cross = cost === 0 ? crossings(c) : 0;
        if (cost === 0 && it.alone && cross > 0) cost = 1e-9 * cross; // not free: hover spot only
        if (cost < bestCost || (cost === 0 && cross < bestCross)) {
          [best, bestCost, bestCross] = [c, cost, cross];
        }
        if (cost === 0 && cross === 0) break;
      }
    }
    out[i] = { at: it.candidates[best], shown: bestCost === 0, pick: best };
    if (bestCost === 0) grid.add(rectAt(it.candidates[best], it.w, it.h));
  }
  return out;
}

/** Spots on the curve (parameter): the middle first; the ends are left to nodes and arrowheads. */
const ON = CANDIDATES;
/** Spots beside the curve (parameter, side; side 0: on it, nearer an end): the label's box just
 *  touches its edge. */
const BESIDE: [number, number][] = [[0.5, 1], [0.5, -1], [0.4, 1], [0.6, -1], [0.4, -1], [0.6, 1], [0.22, 0], [0.78, 0], [0.3, 1], [0.7, -1], [0.3, -1], [0.7, 1], [0.22, 1], [0.78, -1], [0.22, -1], [0.78, 1]];
/** Candidate centres for a w × h label of an edge: on the curve, middle first, then beside it
 *  (its box just touching the curve); a loop's just outside the loop (its top, then its sides). */
export function edgeCandidates(shape: EdgeShape, loop: boolean, w: number, h: number): Point[] {
  const line = polyline(shape, Math.max(1, h / 4));
  const meets = (c: Point): boolean => line.some((a, j) => j > 0 && segmentHitsRect(line[j - 1], a, rectAt(c, w, h)));
  const normalAt = (t: number): Point => {
    const a = pointAt(shape, Math.max(0, t - 0.01));
    const b = pointAt(shape, Math.min(1, t + 0.01));
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    return { x: -(b.y - a.y) / len, y: (b.x - a.x) / len };
  };
  /** From the curve's point at t, along n, as far as the box still meets the curve. */
  const off = (t: number, side: number, nrm = normalAt(t)): Point => {
    const p = pointAt(shape, t);
    const at = (d: number): Point => ({ x: p.x + nrm.x * side * d, y: p.y + nrm.y * side * d });
    let [lo, hi] = [0, Math.abs(nrm.x) * (w / 2) + Math.abs(nrm.y) * (h / 2)];
    for (let k = 0; k < 10; k++) {
      const mid = (lo + hi) / 2;
      if (meets(at(mid))) lo = mid;
      else hi = mid;
    }
    return at(Math.max(0, lo - 1)); // a unit into the stroke: touching, not a hair apart
  };
  if (!loop) return [...ON.map((t) => pointAt(shape, t)), ...BESIDE.map(([t, side]) => (side === 0 ? pointAt(shape, t) : off(t, side)))];
  // a loop: away from its own middle (the node), at its far end and on either side
  const pts = Array.from({ length: 9 }, (_, k) => pointAt(shape, k / 8));
  const mid = { x: pts.reduce((s, p) => s + p.x, 0) / pts.length, y: pts.reduce((s, p) => s + p.y, 0) / pts.length };
  return [0.5, 0.3, 0.7].map((t) => {
    const p = pointAt(shape, t);
    const len = Math.hypot(p.x - mid.x, p.y - mid.y) || 1;
    return off(t, 1, { x: (p.x - mid.x) / len, y: (p.y - mid.y) / len });
  });
}

/** Turns (radians) from the outward direction a state label tries; `AROUND` the rest of the way. */
const TURNS = [0, 0.2, -0.2, 0.4, -0.4, 0.7, -0.7, 1.0, -1.0, 1.3, -1.3];
const AROUND = [1.57, -1.57, 1.9, -1.9, 2.3, -2.3, 2.7, -2.7, Math.PI];

/** How far from its node's centre a state label may reach (the frame leaves this much room). */
export const NODE_LABEL_REACH = (r: number, w: number, h: number): number => r + 14 + Math.max(w, 4.5 * h);

/**
 * Candidate centres for a w × h label beside a node at p (radius r), outward from `centre`
 * first (on a ring that is where no edges run), then further out, then turned to either side;
 * `around` (not a ring: the focus view): all the way round, above and below too.
 */
export function nodeCandidates(p: Point, centre: Point, r: number, w: number, h: number, aspect = 1, around = false): Point[] {
  // Outward = the ring's normal (an oval `aspect` times wider than tall: its normal, not the radius).
  let ux = (p.x - centre.x) / (aspect * aspect);
  let uy = p.y - centre.y;
  const len = Math.hypot(ux, uy);
  [ux, uy] = len > 1e-9 ? [ux / len, uy / len] : [0, 1];
  const out: { p: Point; cost: number }[] = [];
  for (const turn of around ? [...TURNS, ...AROUND] : TURNS) {
    const vx = ux * Math.cos(turn) - uy * Math.sin(turn);
    const vy = ux * Math.sin(turn) + uy * Math.cos(turn);
    const reach = r + 11 + Math.abs(vx) * (w / 2) + Math.abs(vy) * (h / 2); // clear of arrowheads
    // Staggered outwards: on a crowded ring every other (or third) label steps out a line.
    for (const extra of [0, h * 1.1, h * 2.2, h * 3.3]) {
      if (reach + extra + Math.max(w, h) / 2 > NODE_LABEL_REACH(r, w, h)) continue;
      out.push({ p: { x: p.x + vx * (reach + extra), y: p.y + vy * (reach + extra) }, cost: extra + Math.abs(turn) * 2 * h });
    }
  }
  return out.sort((a, b) => a.cost - b.cost).map((c) => c.p);
}

export interface ChainLabelInput {
  nodes: Point[];
  /** Node circle radius and arrowhead length (drawing units). */
  r: number;
  arrow: number;
  /** Characters of each state label. */
  stateChars: number;
  /** Node label font when drawn beside the node; null: the labels fit inside the nodes. */
  outsideFont: number | null;
  shapes: EdgeShape[];
  loops: boolean[];
  /** Edge label font and widest label (characters); edgeFont 0: no edge labels. */
  edgeFont: number;
  edgeChars: number;
  /** Per edge: importance (its probability); below `minPriority` a label is not shown. */
  priority: number[];
  minPriority: number;
  /** At most this many edge labels (the likeliest). */
  maxEdgeLabels?: number;
  /** Width / height of the ring (an oval in a wide box). */
  aspect?: number;
  /** Candidate picks of the last placement (node labels first, then edges). */
  prefer?: number[];
  /** A crowded ring: state labels point away from the centre (see radialNodeLabels). */
  radial?: boolean;
  /** A crowded chain: an edge label shows only where no other edge runs through it. */
  alone?: boolean;
  /** Height of the state labels' ink, in ems (radial.ts inkEm). */
  stateInk?: number;
  /** Nodes on a ring (default): state labels go outward; else (focus view) all round the node. */
  ring?: boolean;
}

export interface ChainLabels {
  nodes: Placement[];
  edges: Placement[];
  /** The label boxes' sizes (drawing units). */
  nodeBox: { w: number; h: number };
  edgeBox: { w: number; h: number };
}

interface Static {
  key: string;
  obstacles: Rect[];
  items: LabelItem[];
  base: number;
  nodeOrder: number[];
  strokes: StrokeSegments;
  nodeBox: { w: number; h: number };
  edgeBox: { w: number; h: number };
  radial: Placement[] | null;
}

/** What depends on geometry and fonts only, kept between probability updates. */
const statics = new WeakMap<EdgeShape[], Static>();

function staticsFor(c: ChainLabelInput): Static {
  const key = [c.nodes.length, c.r, c.arrow, c.stateChars, c.outsideFont, c.edgeFont, c.edgeChars, c.aspect ?? 1, c.radial === true, c.alone === true, c.stateInk, c.ring !== false].join(",");
  const hit = statics.get(c.shapes);
  if (hit && hit.key === key) return hit;
  const centre = centreOf(c.nodes);
  const obstacles: Rect[] = c.nodes.map((p) => rectAt(p, 2 * c.r + 2, 2 * c.r + 2));
  for (const s of c.shapes) obstacles.push(rectAt(arrowTip(s, c.arrow / 2), c.arrow + 2, c.arrow + 2));
  const nodeBox = c.outsideFont ? { w: c.stateChars * CHAR_EM * c.outsideFont + 2, h: LINE_EM * c.outsideFont } : { w: 0, h: 0 };
  const ef = c.edgeFont > 0 ? c.edgeFont : 14; // no edge labels: spots for hover only
  const edgeBox = { w: c.edgeChars * CHAR_EM * ef + 4, h: LINE_EM * ef };
  const items: LabelItem[] = [];
  const radial = c.radial && c.outsideFont ? radialNodeLabels(c.nodes, centre, c.r, c.outsideFont, c.aspect ?? 1, c.stateInk) : null;
  if (radial) for (const l of radial) if (l.shown) obstacles.push(radialBox(l, nodeBox.w, c.outsideFont ?? 0));
  if (c.outsideFont && !radial) {
    const gap = LABEL_GAP_EM * c.outsideFont;
    c.nodes.forEach((p, i) => {
      const spots = nodeCandidates(p, centre, c.r, nodeBox.w, nodeBox.h, c.aspect ?? 1, c.ring === false).filter((q) => nearestNode(c.nodes, q) === i);
      items.push({ candidates: spots, ...nodeBox, pad: gap });
    });
  }
  const base = items.length;
  const edgeGap = LABEL_GAP_EM * ef;
  c.shapes.forEach((s, i) => {
    items.push({ candidates: edgeCandidates(s, c.loops[i], edgeBox.w, edgeBox.h), ...edgeBox, owner: i, alone: c.alone === true, pad: edgeGap });
  });
  // Round the ring, every other label first: the rest then step out between them (a stagger).
  const angle = (i: number): number => Math.atan2(c.nodes[i].y - centre.y, c.nodes[i].x - centre.x);
  const byAngle = Array.from({ length: base }, (_, i) => i).sort((a, b) => angle(a) - angle(b) || a - b);
  const nodeOrder = [...byAngle.filter((_, k) => k % 2 === 0), ...byAngle.filter((_, k) => k % 2 === 1)];
  // Strokes as polylines of ~half a label height: labels keep off (or, alone, clear of) other edges.
  const strokes = new StrokeSegments(Math.max(edgeBox.w, edgeBox.h));
  c.shapes.forEach((s, i) => strokes.add(polyline(s, edgeBox.h * 0.5), i));
  const st = { key, obstacles, items, base, nodeOrder, strokes, nodeBox, edgeBox, radial };
  statics.set(c.shapes, st);
  return st;
}

/** Node labels (all of them, round the ring) first, then edge labels, likeliest first. */
export function placeChainLabels(c: ChainLabelInput): ChainLabels {
  const { obstacles, items, base, nodeOrder, strokes, nodeBox, edgeBox, radial } = staticsFor(c);
  const edgeOrder = c.shapes
    .map((s, i) => ({ i, p: c.priority[i] ?? 0, len: Math.hypot(s.end.x - s.start.x, s.end.y - s.start.y) }))
    .filter((e) => c.edgeFont > 0 && e.p >= c.minPriority)
    .sort((a, b) => b.p - a.p || a.len - b.len || a.i - b.i);
  const order = [...nodeOrder, ...edgeOrder.map((e) => base + e.i)];
  // Callers pass picks for nodes then edges; radial state labels take no item of their own.
  const prefer = radial ? c.prefer?.slice(c.nodes.length) : c.prefer;
  const placed = placeGreedy(items, order, obstacles, 1, prefer, c.edgeFont > 0 ? strokes : undefined);
  // Every shown edge label touches its own edge (on it, or right beside it).
  c.shapes.forEach((_, i) => {
    const p = placed[base + i];
    if (p.shown && !strokes.touches(rectAt(p.at, edgeBox.w + 2, edgeBox.h + 2), i)) p.shown = false;
  });
  // A cap on how many edge labels a big ring shows: the likeliest ones that found room.
  let kept = 0;
  for (const e of edgeOrder) {
    const p = placed[base + e.i];
    if (p.shown && ++kept > (c.maxEdgeLabels ?? Infinity)) p.shown = false;
  }
  return { nodes: radial ? radial.map((l) => ({ ...l })) : placed.slice(0, base), edges: placed.slice(base), nodeBox, edgeBox };
}

function centreOf(nodes: Point[]): Point {
  const n = nodes.length || 1;
  return { x: nodes.reduce((s, p) => s + p.x, 0) / n, y: nodes.reduce((s, p) => s + p.y, 0) / n };
}

/** Index of the node nearest to q (the first on ties). */
export function nearestNode(nodes: Point[], q: Point): number {
  let best = -1;
  let bestD = Infinity;
  nodes.forEach((p, i) => {
    const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2;
    if (d < bestD - 1e-9) [best, bestD] = [i, d];
  });
  return best;
}
