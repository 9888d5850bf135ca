// Label placement for the SVG drawing: greedy, most important first. Each label tries a few
// candidate spots (along its edge, middle first; around its node, outward first) and takes
// the first that overlaps no node, no arrowhead and no label placed before it. A label with
// no free spot is hidden (it shows on hover) rather than drawn over another or made smaller.
import { arrowTip, pointAt } from "./geometry";
import type { EdgeShape, Point } from "./geometry";

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LabelItem {
  candidates: Point[];
  w: number;
  h: number;
  /** The edge the label belongs to (its own stroke does not count as a crossing). */
  owner?: number;
}

export interface Placement {
  /** Centre of the label: the free spot, or (hidden) the least crowded one, for hover. */
  at: Point;
  shown: boolean;
  /** Which candidate was taken (callers pass it back to keep labels still between updates). */
  pick: number;
  /** A radial state label: turned this many degrees about `at`, the text starting (or, on the
   *  ring's left half, ending) there so that it never reads upside down. */
  angle?: number;
  anchor?: "start" | "end";
}

/** Spots along a curve, middle first; the ends are left to nodes and arrowheads. */
export const CANDIDATES = [0.5, 0.42, 0.58, 0.35, 0.65, 0.28, 0.72];
/** Monospace advance and line box, in ems. */
export const CHAR_EM = 0.6;
export const LINE_EM = 1.2;

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
export function placeGreedy(items: LabelItem[], order: number[], obstacles: Rect[], pad = 1, prefer: number[] = [], strokes?: StrokePoints): Placement[] {
  let cell = 16;
  for (const it of items) cell = Math.max(cell, it.w, it.h);
  const grid = new Grid(cell);
  for (const o of obstacles) grid.add(o);
  const out: Placement[] = items.map((it) => ({ at: it.candidates[0] ?? { x: 0, y: 0 }, shown: false, pick: 0 }));
  for (const i of order) {
    const it = items[i];
    const n = it.candidates.length;
    if (n === 0) continue;
    const box = (c: number): Rect => rectAt(it.candidates[c], it.w + 2 * pad, it.h + 2 * pad);
    const first = prefer[i] !== undefined && prefer[i] >= 0 && prefer[i] < n ? prefer[i] : -1;
    let best = 0;
    let bestCost = Infinity;
    let bestCross = Infinity;
    if (first >= 0 && grid.cost(box(first)) === 0) {
      [best, bestCost] = [first, 0]; // still free where it was: stay (no jumping labels)
    } else {
      // Free spots only; among them the one fewest other edges run through (off crossings).
      for (let c = 0; c < n; c++) {
        const cost = grid.cost(box(c));
        const cross = cost === 0 && strokes ? strokes.count(box(c), it.owner ?? -1) : 0;
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

/** Points along every edge's stroke, to count how many OTHER edges run under a label. */
export class StrokePoints {
  private readonly cells = new Map<string, { x: number; y: number; owner: number }[]>();
  constructor(private readonly size: number) {}

  add(p: Point, owner: number): void {
    const k = `${Math.floor(p.x / this.size)},${Math.floor(p.y / this.size)}`;
    const c = this.cells.get(k);
    if (c) c.push({ ...p, owner });
    else this.cells.set(k, [{ ...p, owner }]);
  }

  /** Distinct edges other than `owner` with a point inside r. */
  count(r: Rect, owner: number): number {
    const s = this.size;
    const seen = new Set<number>();
    for (let i = Math.floor(r.x0 / s); i <= Math.floor(r.x1 / s); i++)
      for (let j = Math.floor(r.y0 / s); j <= Math.floor(r.y1 / s); j++)
        for (const q of this.cells.get(`${i},${j}`) ?? [])
          if (q.owner !== owner && q.x >= r.x0 && q.x <= r.x1 && q.y >= r.y0 && q.y <= r.y1) seen.add(q.owner);
    return seen.size;
  }
}

/** Off-curve spots (parameter, offset across the curve in label heights): still touching it. */
const BESIDE: [number, number][] = [[0.5, 0.8], [0.5, -0.8], [0.4, 0.8], [0.6, -0.8], [0.4, -0.8], [0.6, 0.8], [0.22, 0], [0.78, 0]];

/** Candidate spots for an edge's label: on the curve, middle first, then just beside it; a
 *  loop's just outside the loop, then further out. */
export function edgeCandidates(shape: EdgeShape, loop: boolean, outward: Point, step: number): Point[] {
  if (!loop) {
    const on = CANDIDATES.map((t) => pointAt(shape, t));
    const beside = BESIDE.map(([t, k]) => {
      const a = pointAt(shape, t - 0.01);
      const b = pointAt(shape, t + 0.01);
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const p = pointAt(shape, t);
      return { x: p.x - ((b.y - a.y) / len) * k * step, y: p.y + ((b.x - a.x) / len) * k * step };
    });
    return [...on, ...beside];
  }
  return [0, 1, 2].map((k) => ({ x: shape.label.x + outward.x * step * k, y: shape.label.y + outward.y * step * k }));
}

/** How far from its node's centre a state label may reach (the frame leaves this much room). */
export const NODE_LABEL_REACH = (r: number, w: number, h: number): number => r + 14 + Math.max(w, 4.5 * h);

/**
 * Candidate centres for a w × h label beside a node at p (radius r), outward from `centre`
 * first (on a ring that is where no edges run), then further out, then turned to either side.
 */
export function nodeCandidates(p: Point, centre: Point, r: number, w: number, h: number, aspect = 1): Point[] {
  // Outward = the ring's normal (an oval `aspect` times wider than tall: its normal, not the radius).
  let ux = (p.x - centre.x) / (aspect * aspect);
  let uy = p.y - centre.y;
  const len = Math.hypot(ux, uy);
  [ux, uy] = len > 1e-9 ? [ux / len, uy / len] : [0, 1];
  const out: { p: Point; cost: number }[] = [];
  for (const turn of [0, 0.2, -0.2, 0.4, -0.4, 0.7, -0.7, 1.0, -1.0, 1.3, -1.3]) {
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
  strokes: StrokePoints;
  nodeBox: { w: number; h: number };
  edgeBox: { w: number; h: number };
  radial: Placement[] | null;
}

/** What depends on geometry and fonts only, kept between probability updates. */
const statics = new WeakMap<EdgeShape[], Static>();

function staticsFor(c: ChainLabelInput): Static {
  const key = [c.nodes.length, c.r, c.arrow, c.stateChars, c.outsideFont, c.edgeFont, c.edgeChars, c.aspect ?? 1, c.radial === true].join(",");
  const hit = statics.get(c.shapes);
  if (hit && hit.key === key) return hit;
  const centre = centreOf(c.nodes);
  const obstacles: Rect[] = c.nodes.map((p) => rectAt(p, 2 * c.r + 2, 2 * c.r + 2));
  for (const s of c.shapes) obstacles.push(rectAt(arrowTip(s, c.arrow / 2), c.arrow + 2, c.arrow + 2));
  const nodeBox = c.outsideFont ? { w: c.stateChars * CHAR_EM * c.outsideFont + 2, h: LINE_EM * c.outsideFont } : { w: 0, h: 0 };
  const ef = c.edgeFont > 0 ? c.edgeFont : 14; // no edge labels: spots for hover only
  const edgeBox = { w: c.edgeChars * CHAR_EM * ef + 4, h: LINE_EM * ef };
  const items: LabelItem[] = [];
  const radial = c.radial && c.outsideFont ? radialNodeLabels(c.nodes, centre, c.r, c.outsideFont, c.aspect ?? 1) : null;
  if (radial) for (const l of radial) if (l.shown) obstacles.push(radialBox(l, nodeBox.w, c.outsideFont ?? 0));
  if (c.outsideFont && !radial) for (const p of c.nodes) items.push({ candidates: nodeCandidates(p, centre, c.r, nodeBox.w, nodeBox.h, c.aspect ?? 1), ...nodeBox });
  const base = items.length;
  c.shapes.forEach((s, i) => {
    const a = c.nodes[0] ? outward(centre, s.label) : { x: 0, y: -1 };
    items.push({ candidates: edgeCandidates(s, c.loops[i], a, edgeBox.h), ...edgeBox, owner: i });
  });
  // Round the ring, every other label first: the rest then step out between them (a stagger).
  const angle = (i: number): number => Math.atan2(c.nodes[i].y - centre.y, c.nodes[i].x - centre.x);
  const byAngle = Array.from({ length: base }, (_, i) => i).sort((a, b) => angle(a) - angle(b) || a - b);
  const nodeOrder = [...byAngle.filter((_, k) => k % 2 === 0), ...byAngle.filter((_, k) => k % 2 === 1)];
  // Strokes sampled every ~half a label height: labels keep off other edges where they can.
  const strokes = new StrokePoints(Math.max(edgeBox.w, edgeBox.h));
  c.shapes.forEach((s, i) => {
    const len = Math.hypot(s.end.x - s.start.x, s.end.y - s.start.y) + 1;
    const k = Math.max(6, Math.min(60, Math.ceil(len / (edgeBox.h * 0.5))));
    for (let j = 1; j < k; j++) strokes.add(pointAt(s, j / k), i);
  });
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

/** Gap between a node's rim and its radial label. */
export const RADIAL_GAP = 4;
/** Radial labels sit side by side across the ring: each needs about a glyph's height (cap
 *  height plus a little air) of the ring's circumference. */
export const RADIAL_LINE_EM = 0.9;

/**
 * State labels pointing away from the ring's centre, as a circular dendrogram's leaves: on a
 * crowded ring (64 states) a label then takes one glyph height of the circumference instead of
 * its whole width. All are shown when neighbours are at least RADIAL_LINE_EM font apart, else
 * every other (or fourth, …) one; the rest show on hover.
 */
export function radialNodeLabels(nodes: Point[], centre: Point, r: number, font: number, aspect = 1): Placement[] {
  const n = nodes.length;
  const byAngle = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => Math.atan2(nodes[a].y - centre.y, nodes[a].x - centre.x) - Math.atan2(nodes[b].y - centre.y, nodes[b].x - centre.x) || a - b,
  );
  const gap = (k: number, step: number): number => {
    const a = nodes[byAngle[k]];
    const b = nodes[byAngle[(k + step) % n]];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  const need = RADIAL_LINE_EM * font;
  let every = 1;
  while (every < 16 && n > 1 && byAngle.some((_, k) => k % every === 0 && gap(k, every) < need)) every *= 2;
  const out: Placement[] = new Array(n);
  byAngle.forEach((i, k) => {
    const p = nodes[i];
    // the ring's outward normal (an oval's, not the radius), as for beside-the-node labels
    let ux = (p.x - centre.x) / (aspect * aspect);
    let uy = p.y - centre.y;
    const len = Math.hypot(ux, uy);
    [ux, uy] = len > 1e-9 ? [ux / len, uy / len] : [1, 0];
    const left = ux < -1e-9;
    let deg = (Math.atan2(uy, ux) * 180) / Math.PI + (left ? 180 : 0);
    if (deg > 180) deg -= 360; // within a quarter turn of level: never upside down
    out[i] = {
      at: { x: p.x + ux * (r + RADIAL_GAP), y: p.y + uy * (r + RADIAL_GAP) },
      // every `every`-th round the ring; none too close to the first (where the round closes)
      shown: k % every === 0 && (k === 0 || n - k >= every),
      pick: 0,
      angle: Math.round(deg * 10) / 10,
      anchor: left ? "end" : "start",
    };
  });
  return out;
}

/** The axis-aligned box around a radial label (an obstacle for the edge labels). */
export function radialBox(l: Placement, w: number, font: number): Rect {
  const a = ((l.angle ?? 0) * Math.PI) / 180;
  const dir = l.anchor === "end" ? -1 : 1;
  const [cx, cy] = [Math.cos(a) * dir, Math.sin(a) * dir]; // along the text, outward
  const [nx, ny] = [-Math.sin(a), Math.cos(a)];
  const h = (LINE_EM * font) / 2;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const t of [0, w]) for (const s of [-h, h]) {
    xs.push(l.at.x + cx * t + nx * s);
    ys.push(l.at.y + cy * t + ny * s);
  }
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function outward(centre: Point, p: Point): Point {
  const dx = p.x - centre.x;
  const dy = p.y - centre.y;
  const len = Math.hypot(dx, dy);
  return len > 1e-9 ? { x: dx / len, y: dy / len } : { x: 0, y: -1 };
}
