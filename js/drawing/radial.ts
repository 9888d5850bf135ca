// Radial state labels on a crowded ring (a circular dendrogram's leaves): each label points away
// from the ring's centre, so it takes one glyph height of the circumference instead of its whole
// width, and sits right outside its own node (nearer it than any other node).
import type { Point } from "./edgeShapes";
import type { Placement, Rect } from "./labelMetrics";
import { LABEL_GAP_EM, LINE_EM } from "./labelMetrics";

/** Gap between a node's rim and its radial label. */
export const RADIAL_GAP = 4;
/** A radial label's glyphs take about this much of the circumference (a line of any text); labels
 *  of digits and capitals only (no ascenders or descenders) take INK_CAPS_EM. Neighbours also keep
 *  LABEL_GAP_EM apart. */
export const RADIAL_LINE_EM = 0.9;
export const INK_CAPS_EM = 0.75;

/** Height of a label's ink across its line, in ems, for labels made of these characters. */
export function inkEm(chars: string): number {
  return /^[0-9A-Z]*$/.test(chars) ? INK_CAPS_EM : RADIAL_LINE_EM;
}

/** A ring of this many states or more, named by labels this long or longer, gets radial labels:
 *  level ones no longer fit round it in a lecture-sized box (V=2 C=6 named 36 of 64; ACGT C=3's
 *  staggered level labels ran together, `301` beside `011`). */
export const RADIAL_STATES = 32;
export const RADIAL_CHARS = 2;

export function radialLabels(ring: boolean, states: number, chars: number): boolean {
  return ring && states >= RADIAL_STATES && chars >= RADIAL_CHARS;
}

/**
 * State labels pointing away from the ring's centre. All are shown when neighbours are at least
 * (ink + LABEL_GAP_EM) font apart (ink: inkEm of the labels' characters), else every other (or fourth, …) one; the rest show
 * on hover.
 */
export function radialNodeLabels(nodes: Point[], centre: Point, r: number, font: number, aspect = 1, ink = RADIAL_LINE_EM): Placement[] {
  const n = nodes.length;
  const byAngle = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => Math.atan2(nodes[a].y - centre.y, nodes[a].x - centre.x) - Math.atan2(nodes[b].y - centre.y, nodes[b].x - centre.x) || a - b,
  );
  const gap = (k: number, step: number): number => {
    const a = nodes[byAngle[k]];
    const b = nodes[byAngle[(k + step) % n]];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  const need = (ink + LABEL_GAP_EM) * font;
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

/** The four corners of a radial label's glyph box (w long, RADIAL_LINE_EM font across). */
export function radialQuad(l: Placement, w: number, font: number, across = LINE_EM): Point[] {
  const a = ((l.angle ?? 0) * Math.PI) / 180;
  const dir = l.anchor === "end" ? -1 : 1;
  const [cx, cy] = [Math.cos(a) * dir, Math.sin(a) * dir]; // along the text, outward
  const [nx, ny] = [-Math.sin(a), Math.cos(a)];
  const h = (across * font) / 2;
  const out: Point[] = [];
  for (const [t, s] of [[0, -h], [w, -h], [w, h], [0, h]]) out.push({ x: l.at.x + cx * t + nx * s, y: l.at.y + cy * t + ny * s });
  return out;
}

/** The axis-aligned box around a radial label (an obstacle for the edge labels). */
export function radialBox(l: Placement, w: number, font: number): Rect {
  const q = radialQuad(l, w, font);
  const xs = q.map((p) => p.x);
  const ys = q.map((p) => p.y);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Centre of a radial label's glyph box. */
export function radialCentre(l: Placement, w: number): Point {
  const a = ((l.angle ?? 0) * Math.PI) / 180;
  const dir = l.anchor === "end" ? -1 : 1;
  return { x: l.at.x + Math.cos(a) * dir * (w / 2), y: l.at.y + Math.sin(a) * dir * (w / 2) };
}
