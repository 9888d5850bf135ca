// Geometry for tests, written apart from the product's (js/drawing/labels.ts): text boxes as
// corner lists (rotated ones too) and overlap by the separating-axis theorem, so a placement
// bug and a bug in the product's own overlap test cannot cancel out.
export interface Pt {
  x: number;
  y: number;
}

/** Corners of a w×h box centred on c, with sides along the axes. */
export function boxCorners(c: Pt, w: number, h: number): Pt[] {
  return [
    { x: c.x - w / 2, y: c.y - h / 2 },
    { x: c.x + w / 2, y: c.y - h / 2 },
    { x: c.x + w / 2, y: c.y + h / 2 },
    { x: c.x - w / 2, y: c.y + h / 2 },
  ];
}

/** Corners of an SVG text line `rotate(deg, at)` with `text-anchor` start|end and a central
 *  baseline: in the rotated frame it spans x in [0, w] (start) or [-w, 0] (end), y in [-h/2, h/2]. */
export function textCorners(at: Pt, deg: number, anchor: "start" | "end", w: number, h: number): Pt[] {
  const a = (deg * Math.PI) / 180;
  const [cos, sin] = [Math.cos(a), Math.sin(a)];
  const [x0, x1] = anchor === "end" ? [-w, 0] : [0, w];
  return [
    [x0, -h / 2],
    [x1, -h / 2],
    [x1, h / 2],
    [x0, h / 2],
  ].map(([x, y]) => ({ x: at.x + x * cos - y * sin, y: at.y + x * sin + y * cos }));
}

function project(poly: Pt[], ax: number, ay: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of poly) {
    const d = p.x * ax + p.y * ay;
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  return [lo, hi];
}

/** Do two convex polygons share area (more than `eps` deep)? Touching sides do not count. */
export function convexOverlap(a: Pt[], b: Pt[], eps = 1e-9): boolean {
  for (const poly of [a, b])
    for (let i = 0; i < poly.length; i++) {
      const p = poly[i];
      const q = poly[(i + 1) % poly.length];
      const [ax, ay] = [q.y - p.y, p.x - q.x]; // the side's normal
      const len = Math.hypot(ax, ay);
      if (len === 0) continue;
      const [aLo, aHi] = project(a, ax / len, ay / len);
      const [bLo, bHi] = project(b, ax / len, ay / len);
      if (Math.min(aHi, bHi) - Math.max(aLo, bLo) <= eps) return false; // a separating axis
    }
  return true;
}

/** Distance from p to the closest point of a convex polygon (0 inside it). */
export function distanceToPolygon(p: Pt, poly: Pt[]): number {
  let pos = 0;
  let neg = 0;
  let best = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i];
    const b = poly[(i + 1) % poly.length];
    const [dx, dy] = [b.x - a.x, b.y - a.y];
    const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)));
    const side = dx * (p.y - a.y) - dy * (p.x - a.x);
    if (side > 0) pos++;
    if (side < 0) neg++;
  }
  return pos === 0 || neg === 0 ? 0 : best; // on one side of every edge: inside
}
