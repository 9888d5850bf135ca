// Custom d3-force forces for the focus view (focusPositions.ts): nodes off the edges they are not an
// end of, off the self-loops, and edges apart from each other (at a node: a least angle between
// its edges; elsewhere: no two edges close and parallel). Each force counts the conflicts it
// saw on its last run, so the layout knows when it is done.
import type { Force, SimulationNodeDatum } from "d3-force";
import type { Point } from "../edgeShapes";

export interface Node extends SimulationNodeDatum {
  index: number;
}

export type Link = { a: number; b: number; bend: number };

export interface CountingForce extends Force<Node, undefined> {
  /** Conflicts seen on the last run. */
  conflicts: number;
}

/** Points along the quadratic curve the drawing uses for the edge a→b (geometry.curveShape). */
export function curvePoints(a: Point, b: Point, bend: number, k = 10): Point[] {
  const dist = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const [ux, uy] = [(b.x - a.x) / dist, (b.y - a.y) / dist];
  const c = { x: (a.x + b.x) / 2 - uy * bend * dist, y: (a.y + b.y) / 2 + ux * bend * dist };
  const out: Point[] = new Array(k + 1);
  for (let j = 0; j <= k; j++) {
    const t = j / k;
    const s = 1 - t;
    out[j] = { x: s * s * a.x + 2 * s * t * c.x + t * t * b.x, y: s * s * a.y + 2 * s * t * c.y + t * t * b.y };
  }
  return out;
}

/** Nearest point to p on the polyline, and its distance. */
export function nearestOn(line: Point[], p: Point): { q: Point; d: number } {
  let [qx, qy, best] = [line[0].x, line[0].y, Infinity];
  for (let j = 1; j < line.length; j++) {
    const a = line[j - 1];
    const b = line[j];
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
    const x = a.x + t * dx;
    const y = a.y + t * dy;
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d < best) [qx, qy, best] = [x, y, d];
  }
  return { q: { x: qx, y: qy }, d: Math.sqrt(best) };
}

const at = (d: Node): Point => ({ x: d.x ?? 0, y: d.y ?? 0 });
const nudge = (n: Node, dx: number, dy: number): void => {
  n.vx = (n.vx ?? 0) + dx;
  n.vy = (n.vy ?? 0) + dy;
};

function counting(run: (alpha: number) => number, init: (ns: Node[]) => void): CountingForce {
  const force = ((alpha: number) => void (force.conflicts = run(alpha))) as CountingForce;
  force.conflicts = 0;
  force.initialize = init;
  return force;
}

/** Pushes every node off the edges it is not an end of (and those edges' ends the other way),
 *  until it is `clear` from the curve. */
export function keepOffEdges(links: Link[], clear: number, strength: () => number, counts = clear): CountingForce {
  let nodes: Node[] = [];
  return counting(
    (a) => {
      const alpha = a * strength();
      let seen = 0;
      for (const l of links) {
        const A = nodes[l.a];
        const B = nodes[l.b];
        const line = curvePoints(at(A), at(B), l.bend, 8);
        for (const n of nodes) {
          if (n.index === l.a || n.index === l.b) continue;
          const p = at(n);
          const { q, d } = nearestOn(line, p);
          if (d >= clear) continue;
          if (d < counts) seen++;
          const [ux, uy] = d > 1e-6 ? [(p.x - q.x) / d, (p.y - q.y) / d] : [1, 0];
          const push = (clear - d) * alpha;
          nudge(n, ux * push, uy * push);
          nudge(A, (-ux * push) / 2, (-uy * push) / 2);
          nudge(B, (-ux * push) / 2, (-uy * push) / 2);
        }
      }
      return seen;
    },
    (ns) => void (nodes = ns),
  );
}

/** The direction of the widest gap between a node's edges (up when it has none). */
export function loopDirection(p: Point, others: Point[]): Point {
  const angles = others.map((o) => Math.atan2(o.y - p.y, o.x - p.x)).sort((x, y) => x - y);
  if (angles.length === 0) return { x: 0, y: -1 };
  let best = -Math.PI / 2;
  let widest = -1;
  angles.forEach((a, k) => {
    const next = k + 1 < angles.length ? angles[k + 1] : angles[0] + 2 * Math.PI;
    if (next - a > widest) [widest, best] = [next - a, (a + next) / 2];
  });
  return { x: Math.cos(best), y: Math.sin(best) };
}

/** Keeps nodes off the self-loops (each drawn in its node's widest gap, ~2 radii out). */
export function keepOffLoops(looped: number[], neighbours: number[][], r: number): CountingForce {
  let nodes: Node[] = [];
  return counting(
    (alpha) => {
      let seen = 0;
      for (const i of looped) {
        const c = nodes[i];
        const p = at(c);
        const dir = loopDirection(p, neighbours[i].map((j) => at(nodes[j])));
        const ghost = { x: p.x + dir.x * 2.2 * r, y: p.y + dir.y * 2.2 * r };
        for (const n of nodes) {
          if (n === c) continue;
          const [dx, dy] = [(n.x ?? 0) - ghost.x, (n.y ?? 0) - ghost.y];
          const d = Math.hypot(dx, dy);
          if (d >= 3 * r || d < 1e-6) continue;
          seen++;
          nudge(n, (dx / d) * (3 * r - d) * alpha, (dy / d) * (3 * r - d) * alpha);
        }
      }
      return seen;
    },
    (ns) => void (nodes = ns),
  );
}

/** Least angle between two edges at a node with `deg` neighbours: 40°, or 3/4 of an even share
 *  of the turn when it has many. Closer, their strokes run along each other. */
export const minAngleAt = (deg: number): number => Math.min((40 * Math.PI) / 180, (0.75 * 2 * Math.PI) / Math.max(1, deg));

/** Turns a node's neighbours apart (about the node, keeping their distance) where two of its
 *  edges leave it at less than minAngleAt. */
export function spreadAngles(neighbours: number[][], strength: () => number): CountingForce {
  let nodes: Node[] = [];
  return counting(
    (a) => {
      const k = Math.min(1, a * strength());
      let seen = 0;
      nodes.forEach((c, i) => {
        const ns = neighbours[i];
        if (ns.length < 2) return;
        const p = at(c);
        const least = minAngleAt(ns.length);
        const ang = ns.map((j) => ({ j, a: Math.atan2((nodes[j].y ?? 0) - p.y, (nodes[j].x ?? 0) - p.x) })).sort((x, y) => x.a - y.a);
        ang.forEach((u, m) => {
          const v = ang[(m + 1) % ang.length];
          let gap = v.a - u.a;
          if (gap < 0) gap += 2 * Math.PI;
          if (gap >= least * 0.9) return;
          if (gap < least * 0.25) seen++; // edges this close surely run along each other
          const turn = Math.min(0.2, (least - gap) / 2) * k;
          for (const [w, sign] of [[u, -1], [v, 1]] as const) {
            const n = nodes[w.j];
            const [dx, dy] = [(n.x ?? 0) - p.x, (n.y ?? 0) - p.y];
            const [cs, sn] = [Math.cos(sign * turn), Math.sin(sign * turn)];
            nudge(n, dx * cs - dy * sn - dx, dx * sn + dy * cs - dy);
          }
        });
      });
      return seen;
    },
    (ns) => void (nodes = ns),
  );
}

/** Moves apart two edges that lie close and nearly parallel: sharing no node, anywhere (a
 *  crossing meets the other edge at one spot only: left alone); sharing one, beyond `skip` of it
 *  (the far ends move apart). */
export function keepParallelApart(links: Link[], gap: number, skip: number, strength: () => number, counts = gap): CountingForce {
  let nodes: Node[] = [];
  return counting(
    (a) => {
      const alpha = a * strength();
      const lines = links.map((l) => curvePoints(at(nodes[l.a]), at(nodes[l.b]), l.bend, 10));
      const boxes = lines.map((ln) => {
        let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
        for (const q of ln) [x0, y0, x1, y1] = [Math.min(x0, q.x), Math.min(y0, q.y), Math.max(x1, q.x), Math.max(y1, q.y)];
        return [x0 - gap, y0 - gap, x1 + gap, y1 + gap];
      });
      let seen = 0;
      for (let i = 0; i < links.length; i++)
        for (let j = i + 1; j < links.length; j++) {
          const e = links[i];
          const f = links[j];
          const shared = [e.a, e.b].filter((x) => x === f.a || x === f.b);
          if (shared.length > 1) continue; // a pair: bent apart by the drawing
          const b = boxes[i];
          const c = boxes[j];
          if (b[0] > c[2] || c[0] > b[2] || b[1] > c[3] || c[1] > b[3]) continue;
          const s = shared.length ? at(nodes[shared[0]]) : null;
          let near = 0;
          let touching = 0;
          let [ux, uy] = [0, 0];
          for (let k = 1; k < lines[i].length - 1; k++) {
            const p = lines[i][k];
            if (s && Math.hypot(p.x - s.x, p.y - s.y) < skip) continue;
            const { q, d } = nearestOn(lines[j], p);
            if (d >= gap) continue;
            near++;
            if (d < counts) touching++;
            if (d > 1e-6) [ux, uy] = [ux + (p.x - q.x) / d, uy + (p.y - q.y) / d];
          }
          if (near < 2) continue;
          if (touching >= 2) seen++;
          const len = Math.hypot(ux, uy) || 1;
          const push = gap * 0.5 * alpha;
          for (const [end, sign] of [[e.a, 1], [e.b, 1], [f.a, -1], [f.b, -1]] as const)
            if (!shared.includes(end)) nudge(nodes[end], (ux / len) * sign * push, (uy / len) * sign * push);
        }
      return seen;
    },
    (ns) => void (nodes = ns),
  );
}

/** Keeps nodes' boxes (a node with its label above or below it: 2·hw × 2·hh, centred on the
 *  node) from overlapping: each overlapping pair moves apart along the axis it overlaps least.
 *  For wide labels a box packs far tighter than forceCollide's circle round the label. */
export function collideBoxes(hw: number, hh: number): Force<Node, undefined> {
  let nodes: Node[] = [];
  const force = (): void => {
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b] = [nodes[i], nodes[j]];
        const dx = (b.x ?? 0) + (b.vx ?? 0) - (a.x ?? 0) - (a.vx ?? 0);
        const dy = (b.y ?? 0) + (b.vy ?? 0) - (a.y ?? 0) - (a.vy ?? 0);
        const ox = 2 * hw - Math.abs(dx);
        const oy = 2 * hh - Math.abs(dy);
        if (ox <= 0 || oy <= 0) continue;
        const share = (n: Node): number => (n.fx !== undefined && n.fx !== null ? 0 : 1);
        const [wa, wb] = [share(a), share(b)];
        if (wa + wb === 0) continue;
        if (ox / hw < oy / hh) {
          const m = (ox * (dx < 0 ? -1 : 1)) / (wa + wb);
          a.vx = (a.vx ?? 0) - m * wa;
          b.vx = (b.vx ?? 0) + m * wb;
        } else {
          const m = (oy * (dy < 0 ? -1 : 1)) / (wa + wb);
          a.vy = (a.vy ?? 0) - m * wa;
          b.vy = (b.vy ?? 0) + m * wb;
        }
      }
  };
  force.initialize = (ns: Node[]) => void (nodes = ns);
  return force;
}

/** Caps every node's velocity (added last: it sees what all other forces did this tick). Forces
 *  that each push a little can add up, and a layout that overshoots can blow up. */
export function limitSpeed(limit: () => number): Force<Node, undefined> {
  let nodes: Node[] = [];
  const force = (): void => {
    const max = limit();
    for (const n of nodes) {
      const v = Math.hypot(n.vx ?? 0, n.vy ?? 0);
      if (!(v <= max)) {
        const k = Number.isFinite(v) && v > 0 ? max / v : 0;
        n.vx = (n.vx ?? 0) * k;
        n.vy = (n.vy ?? 0) * k;
      }
    }
  };
  force.initialize = (ns: Node[]) => void (nodes = ns);
  return force;
}
