// Node positions: circular (full contexts on a ring in de Bruijn cycle order, shorter
// contexts on inner rings; stable) and force (d3-force, a radial force per level).
import { forceCollide, forceLink, forceManyBody, forceRadial, forceSimulation, forceX, forceY } from "d3-force";
import type { Simulation, SimulationLinkDatum, SimulationNodeDatum } from "d3-force";
import { levelOf } from "../model/chain";
import type { Chain } from "../model/chain";
import { deBruijnOrder } from "./debruijn";
import type { Point } from "./edgeShapes";

/** Sizes in drawing units; the SVG viewBox scales them to the cell. */
export interface Frame {
  /** Radius of the circle the nodes sit on (the force layout fills the same square). */
  radius: number;
  /** Node circle radius. */
  nodeRadius: number;
  /** Half the viewBox side: circle + loops + labels. */
  half: number;
}

export function frameFor(n: number): Frame {
  const nodeRadius = n <= 16 ? 26 : Math.max(5, 26 * Math.sqrt(16 / n));
  // Room along the circle for each node plus the edge labels between neighbours.
  const radius = Math.max(190, (n * (2 * nodeRadius + Math.max(4, nodeRadius * 2.2))) / (2 * Math.PI));
  return { radius, nodeRadius, half: radius + nodeRadius * 3.6 };
}

/** Node i at angle 2πi/n, clockwise from the top: lexicographic order reads like a clock. */
export function circularPositions(n: number, radius: number): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return { x: radius * Math.cos(a), y: radius * Math.sin(a) };
  });
}

/** Radius of the ring of contexts of length `level` (the full contexts sit on the outer one). */
export function ringRadius(level: number, contextLength: number, radius: number): number {
  if (contextLength <= 1 || level >= contextLength) return radius;
  return radius * (0.3 + (0.65 * (level - 1)) / (contextLength - 1));
}

const TAU = 2 * Math.PI;
const angleAt = (slot: number, n: number): number => -Math.PI / 2 + (TAU * slot) / n;
const wrap = (a: number): number => Math.atan2(Math.sin(a), Math.cos(a));

/**
 * Circular layout of a chain. Full contexts go clockwise from the top along the de Bruijn
 * cycle (lexicographic when the states are not all V^C contexts); each shorter level sits on
 * its own inner ring, every context near the children it grows into, evenly spaced.
 */
export function ringLayout(chain: Chain, radius: number): Point[] {
  const n = chain.states.length;
  const out: Point[] = new Array<Point>(n);
  const C = chain.contextLength;
  const levels = new Map<number, number[]>();
  chain.states.forEach((s, i) => {
    const L = Math.min(levelOf(s), C);
    if (!levels.has(L)) levels.set(L, []);
    levels.get(L)!.push(i);
  });
  const byLevel = [...levels.keys()].sort((a, b) => b - a);
  const angle = new Float64Array(n);
  const outer = byLevel[0];
  if (outer === undefined) return [];
  const top = levels.get(outer)!;
  const order =
    deBruijnOrder(
      top.map((i) => chain.states[i]),
      chain.tokens,
      outer,
    )?.map((k) => top[k]) ?? top;
  order.forEach((i, slot) => (angle[i] = angleAt(slot, order.length)));
  const children = new Map<number, number[]>();
  for (const e of chain.edges) {
    if (e.fromIndex === e.toIndex) continue;
    if (levelOf(chain.states[e.toIndex]) === levelOf(chain.states[e.fromIndex]) + 1) {
      if (!children.has(e.fromIndex)) children.set(e.fromIndex, []);
      children.get(e.fromIndex)!.push(e.toIndex);
    }
  }
  for (const L of byLevel.slice(1)) {
    const members = levels.get(L)!;
    // Where each context would like to be: the mean direction of its children.
    const want = members.map((i) => {
      const kids = children.get(i) ?? [];
      if (kids.length === 0) return 0;
      let x = 0;
      let y = 0;
      for (const k of kids) {
        x += Math.cos(angle[k]);
        y += Math.sin(angle[k]);
      }
      if (Math.hypot(x, y) > 1e-6 * kids.length) return Math.atan2(y, x);
      return angle[kids[0]]; // children on opposite sides: next to the first one
    });
    const sorted = members.map((i, k) => ({ i, a: wrap(want[k] + Math.PI / 2) })).sort((p, q) => p.a - q.a || p.i - q.i);
    // Even spacing, rotated to sit closest to the wanted angles.
    let x = 0;
    let y = 0;
    sorted.forEach((m, slot) => {
      const d = m.a - (TAU * slot) / sorted.length;
      x += Math.cos(d);
      y += Math.sin(d);
    });
    const offset = Math.hypot(x, y) > 1e-9 ? Math.atan2(y, x) : 0;
    sorted.forEach((m, slot) => (angle[m.i] = angleAt(slot, sorted.length) + offset));
  }
  for (const [L, members] of levels) {
    const r = ringRadius(L, outer, radius);
    for (const i of members) out[i] = { x: r * Math.cos(angle[i]), y: r * Math.sin(angle[i]) };
  }
  return out;
}

/**
 * A circular layout stretched into an oval `aspect` times wider than tall, nodes spaced evenly
 * along the oval (equal arc length, not equal angle): stretching alone packs them at the oval's
 * narrow ends, where a crowded ring's labels then ran out of room first.
 */
export function ovalLayout(points: Point[], aspect: number): Point[] {
  if (Math.abs(aspect - 1) < 1e-9) return points.map((p) => ({ ...p }));
  // arc length of (aspect·cos φ, sin φ) from the top (φ = -π/2), clockwise, tabulated
  const K = 720;
  const len = new Float64Array(K + 1);
  const at = (k: number): [number, number] => {
    const f = -Math.PI / 2 + (TAU * k) / K;
    return [aspect * Math.cos(f), Math.sin(f)];
  };
  for (let k = 1; k <= K; k++) {
    const [x0, y0] = at(k - 1);
    const [x1, y1] = at(k);
    len[k] = len[k - 1] + Math.hypot(x1 - x0, y1 - y0);
  }
  return points.map((p) => {
    const rho = Math.hypot(p.x, p.y);
    if (rho < 1e-9) return { x: 0, y: 0 };
    const frac = (((Math.atan2(p.y, p.x) + Math.PI / 2) % TAU) + TAU) % TAU / TAU; // from the top, clockwise
    const want = frac * len[K];
    let lo = 0;
    let hi = K;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (len[mid] <= want) lo = mid;
      else hi = mid;
    }
    const t = (want - len[lo]) / Math.max(1e-12, len[hi] - len[lo]);
    const f = -Math.PI / 2 + (TAU * (lo + t)) / K;
    return { x: rho * aspect * Math.cos(f), y: rho * Math.sin(f) };
  });
}

export interface ForceNode extends SimulationNodeDatum {
  index: number;
}

/**
 * A d3-force simulation over the chain's nodes. It runs in its own "natural" units;
 * `scale` maps them into the frame's square so both layouts share one viewBox.
 */
/** Above this many states the force layout uses cheaper forces. */
export const BIG_FORCE_STATES = 512;

/** Ticks to settle: 300 (d3's default) for small chains, fewer as each tick gets dearer. */
export function forceTicks(n: number): number {
  return n <= 256 ? 300 : Math.max(80, Math.round((300 * 256) / n));
}

function runSteps<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export class ForceLayout {
  readonly nodes: ForceNode[];
  /** Ticks `settle` runs by default. */
  readonly ticks: number;
  readonly simulation: Simulation<ForceNode, SimulationLinkDatum<ForceNode>>;
  scale = 1;
  private cx = 0;
  private cy = 0;

  constructor(chain: Chain, frame: Frame) {
    const start = ringLayout(chain, frame.radius);
    this.nodes = start.map((p, index) => ({ index, x: p.x, y: p.y }));
    const links = chain.edges
      .filter((e) => e.kind !== "loop")
      .map((e) => ({ source: e.fromIndex, target: e.toIndex }));
    const r = frame.nodeRadius;
    const big = chain.states.length > BIG_FORCE_STATES;
    this.ticks = forceTicks(chain.states.length);
    this.simulation = forceSimulation<ForceNode>(this.nodes)
      .force("link", forceLink<ForceNode, SimulationLinkDatum<ForceNode>>(links).distance(r * 5).strength(0.6))
      // Big chains: a coarser Barnes-Hut and no collision force (half the time per tick).
      .force("charge", forceManyBody<ForceNode>().strength(-r * 30).theta(big ? 1.2 : 0.9))
      .force("collide", big ? null : forceCollide<ForceNode>(r * 2.4))
      .force("x", forceX<ForceNode>(0).strength(0.04))
      .force("y", forceY<ForceNode>(0).strength(0.04))
      .stop();
    const levels = chain.states.map((s) => Math.min(levelOf(s), chain.contextLength));
    if (new Set(levels).size > 1) {
      // Shorter contexts inside, full ones outside: one ring per level keeps levels readable.
      const spread = (r * 5 * Math.sqrt(chain.states.length)) / 2;
      const radial = forceRadial<ForceNode>((d) => ringRadius(levels[d.index], chain.contextLength, spread)).strength(0.9);
      this.simulation.force("radial", radial).force("x", null).force("y", null);
    } // ticked by hand: deterministic and no timer unless the user drags
  }

  /** Run to rest synchronously and fit into the frame. */
  settle(frame: Frame, ticks = this.ticks): Point[] {
    return runSteps(this.settleSteps(frame, ticks));
  }

  /**
   * The same, one tick at a time (yields after each, fitted to the frame): big chains settle
   * over many frames, drawn as they go, instead of freezing the page for seconds.
   */
  *settleSteps(frame: Frame, ticks = this.ticks): Generator<void, Point[]> {
    // Alpha cools from 1 to d3's alphaMin (0.001) in `ticks` steps (d3's default is 300).
    this.simulation.alpha(1).alphaDecay(1 - Math.pow(0.001, 1 / Math.max(1, ticks)));
    for (let k = 0; k < ticks; k++) {
      this.simulation.tick(1);
      if (k + 1 < ticks) yield;
    }
    this.fit(frame.radius);
    return this.positions();
  }

  /** Centre the bounding box and scale it to fill the square of half-side `radius`. */
  fit(radius: number): void {
    const xs = this.nodes.map((d) => d.x ?? 0);
    const ys = this.nodes.map((d) => d.y ?? 0);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    this.cx = (x0 + x1) / 2;
    this.cy = (y0 + y1) / 2;
    this.scale = radius / Math.max((x1 - x0) / 2, (y1 - y0) / 2, 1e-9);
  }

  positions(): Point[] {
    return this.nodes.map((d) => this.toDrawing(d.x ?? 0, d.y ?? 0));
  }

  toDrawing(x: number, y: number): Point {
    return { x: (x - this.cx) * this.scale, y: (y - this.cy) * this.scale };
  }

  /** Pin node i at a drawing-space point (d3-drag hands us drawing coordinates). */
  pin(i: number, p: Point): void {
    const d = this.nodes[i];
    d.fx = p.x / this.scale + this.cx;
    d.fy = p.y / this.scale + this.cy;
  }

  stop(): void {
    this.simulation.stop();
    this.simulation.on("tick", null);
  }
}
