// Geometry checks of placed labels (tests only): text boxes as quadrilaterals (radial labels are
// turned), how far apart two are (separating axes), which node a label is nearest to, and
// whether an edge label sits on its own edge with no other edge running through it.
import type { EdgeShape, Point } from "../drawing/edgeShapes";
import { nearestNode, rectAt } from "../drawing/labels";
import type { ChainLabels, Placement } from "../drawing/labels";
import { polyline, segmentHitsRect } from "../drawing/labelStrokes";
import { radialCentre, radialQuad } from "../drawing/radial";

export interface Shown {
  kind: "node" | "edge";
  /** Node or edge index. */
  index: number;
  quad: Point[];
  centre: Point;
  font: number;
}

const corners = (c: Point, w: number, h: number): Point[] => {
  const r = rectAt(c, w, h);
  return [{ x: r.x0, y: r.y0 }, { x: r.x1, y: r.y0 }, { x: r.x1, y: r.y1 }, { x: r.x0, y: r.y1 }];
};

/** Every shown label's text box: level ones as placed, radial ones `ink` em across. */
export function shownLabels(placed: ChainLabels, nodeFont: number, edgeFont: number, ink: number): Shown[] {
  const out: Shown[] = [];
  const { nodeBox, edgeBox } = placed;
  placed.nodes.forEach((p: Placement, i) => {
    if (!p.shown || nodeBox.w === 0) return;
    if (p.angle === undefined) out.push({ kind: "node", index: i, quad: corners(p.at, nodeBox.w, nodeBox.h), centre: p.at, font: nodeFont });
    else out.push({ kind: "node", index: i, quad: radialQuad(p, nodeBox.w, nodeFont, ink), centre: radialCentre(p, nodeBox.w), font: nodeFont });
  });
  placed.edges.forEach((p, i) => {
    if (p.shown) out.push({ kind: "edge", index: i, quad: corners(p.at, edgeBox.w, edgeBox.h), centre: p.at, font: edgeFont });
  });
  return out;
}

/** A lower bound of the distance between two convex quads (the widest gap along their edges'
 *  normals; ≤ 0 when they overlap). */
export function separation(p: Point[], q: Point[]): number {
  let best = -Infinity;
  for (const poly of [p, q])
    for (let i = 0; i < poly.length; i++) {
      const a = poly[i];
      const b = poly[(i + 1) % poly.length];
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const [nx, ny] = [(a.y - b.y) / len, (b.x - a.x) / len];
      const pa = p.map((v) => v.x * nx + v.y * ny);
      const qa = q.map((v) => v.x * nx + v.y * ny);
      best = Math.max(best, Math.max(Math.min(...qa) - Math.max(...pa), Math.min(...pa) - Math.max(...qa)));
    }
  return best;
}

/** Pairs of shown labels closer than `gapEm` of the smaller font. */
export function tooClose(shown: Shown[], gapEm: number): string[] {
  const bad: string[] = [];
  for (let i = 0; i < shown.length; i++)
    for (let j = i + 1; j < shown.length; j++) {
      const d = separation(shown[i].quad, shown[j].quad);
      const need = gapEm * Math.min(shown[i].font, shown[j].font) - 0.01;
      if (d < need) bad.push(`${shown[i].kind} ${shown[i].index} / ${shown[j].kind} ${shown[j].index}: ${d.toFixed(2)} < ${need.toFixed(2)}`);
    }
  return bad;
}

/** State labels whose centre is not nearer their own node than any other node. */
export function strayNodeLabels(shown: Shown[], nodes: Point[]): number[] {
  return shown.filter((s) => s.kind === "node" && nearestNode(nodes, s.centre) !== s.index).map((s) => s.index);
}

/** Edge labels that do not touch their own edge, and those another edge runs through. */
export function edgeLabelProblems(shown: Shown[], shapes: EdgeShape[]): { off: number[]; crossed: number[] } {
  const lines = shapes.map((s) => polyline(s, 2));
  const hits = (k: number, q: Point[], grow: number): boolean => {
    const xs = q.map((v) => v.x);
    const ys = q.map((v) => v.y);
    const r = { x0: Math.min(...xs) - grow, y0: Math.min(...ys) - grow, x1: Math.max(...xs) + grow, y1: Math.max(...ys) + grow };
    return lines[k].some((a, j) => j > 0 && segmentHitsRect(lines[k][j - 1], a, r));
  };
  const off: number[] = [];
  const crossed: number[] = [];
  for (const s of shown) {
    if (s.kind !== "edge") continue;
    if (!hits(s.index, s.quad, 1)) off.push(s.index);
    if (shapes.some((_, k) => k !== s.index && hits(k, s.quad, -0.5))) crossed.push(s.index);
  }
  return { off, crossed };
}

/** Distance from p to a convex quad (0 inside it). */
export function distanceToQuad(p: Point, quad: Point[]): number {
  let inside = true;
  let best = Infinity;
  for (let i = 0; i < quad.length; i++) {
    const a = quad[i];
    const b = quad[(i + 1) % quad.length];
    const [dx, dy] = [b.x - a.x, b.y - a.y];
    if (dx * (p.y - a.y) - dy * (p.x - a.x) < 0) inside = false;
    const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)));
  }
  const sign = quad.length ? 1 : 0;
  return inside && sign ? 0 : best;
}
