// Edge shapes: self-loops, gently curved single edges, and opposite pairs bending apart.
// Pure functions of node positions, computed on layout changes only.

export interface Point {
  x: number;
  y: number;
}

export interface EdgeShape {
  /** SVG path, ending where the arrowhead's base sits. */
  d: string;
  start: Point;
  end: Point;
  /** Bezier control points (one for curves, two for loops). */
  controls: Point[];
  /** Where the label's centre goes: on the curve (or just outside a loop). */
  label: Point;
}

export interface ShapeStyle {
  /** Node circle radius. */
  r: number;
  /** Arrowhead length: paths stop this far before the node so the tip touches it. */
  arrow: number;
}

/** Bend (as a fraction of the distance between centres) of a lone edge and of a pair's edges. */
export const BEND_SINGLE = 0.12;
export const BEND_PAIR = 0.3;

const r1 = (v: number): number => Math.round(v * 10) / 10;
const pt = (p: Point): string => `${r1(p.x)},${r1(p.y)}`;

function unit(dx: number, dy: number): Point {
  const n = Math.hypot(dx, dy);
  return n > 1e-9 ? { x: dx / n, y: dy / n } : { x: 0, y: -1 };
}

const along = (c: Point, u: Point, d: number): Point => ({ x: c.x + u.x * d, y: c.y + u.y * d });

/**
 * Curve from a to b bending to the right of the direction a->b (in screen coordinates, y
 * down): on the circle, edges running clockwise bend inwards, away from the nodes between
 * their ends. The reverse edge b->a bends right of *its* direction, i.e. to the other
 * side, so the two edges of a pair never overlap.
 */
export function curveShape(a: Point, b: Point, bend: number, style: ShapeStyle): EdgeShape {
  const dist = Math.hypot(b.x - a.x, b.y - a.y);
  const u = unit(b.x - a.x, b.y - a.y);
  const normal = { x: -u.y, y: u.x };
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const control = along(mid, normal, bend * dist);
  const start = along(a, unit(control.x - a.x, control.y - a.y), style.r);
  const end = arrowBase(along(b, unit(control.x - b.x, control.y - b.y), style.r), control, style.arrow);
  const label = {
    x: 0.25 * start.x + 0.5 * control.x + 0.25 * end.x,
    y: 0.25 * start.y + 0.5 * control.y + 0.25 * end.y,
  };
  return lazyPath({ start, end, controls: [control], label }, () => `M${pt(start)}Q${pt(control)} ${pt(end)}`);
}

/** Self-loop on the side of the node facing `outward` (away from the drawing's centre). */
export function loopShape(c: Point, outward: Point, style: ShapeStyle): EdgeShape {
  const base = Math.atan2(outward.y, outward.x);
  const spread = 0.5; // where the loop leaves/enters the circle, radians from `outward`
  const reach = style.r * 2.6; // how far the control points stick out
  const dir = (angle: number): Point => ({ x: Math.cos(angle), y: Math.sin(angle) });
  const start = along(c, dir(base - spread), style.r);
  const c1 = along(c, dir(base - spread * 1.9), style.r + reach);
  const c2 = along(c, dir(base + spread * 1.9), style.r + reach);
  const end = arrowBase(along(c, dir(base + spread), style.r), c2, style.arrow);
  // Cubic Bezier at t = 0.5, then a little further out so the label clears the stroke.
  const apex = {
    x: (start.x + 3 * c1.x + 3 * c2.x + end.x) / 8,
    y: (start.y + 3 * c1.y + 3 * c2.y + end.y) / 8,
  };
  const label = along(apex, dir(base), style.r * 0.55);
  return lazyPath({ start, end, controls: [c1, c2], label }, () => `M${pt(start)}C${pt(c1)} ${pt(c2)} ${pt(end)}`);
}

/** The SVG path text is made when first read: a canvas drawing of 65,536 edges needs the
 *  numbers only (building every string cost ~40 ms per layout). */
function lazyPath(shape: Omit<EdgeShape, "d">, make: () => string): EdgeShape {
  let d: string | null = null;
  return Object.defineProperty(shape, "d", { get: () => (d ??= make()), enumerable: true }) as EdgeShape;
}

/** Where a path must stop so an arrowhead of length `arrow`, aligned with the path's end
 *  tangent (from its last control point), puts its tip at `tip` on the node's circle. */
function arrowBase(tip: Point, lastControl: Point, arrow: number): Point {
  return along(tip, unit(lastControl.x - tip.x, lastControl.y - tip.y), arrow);
}

/** Unit vector from `centre` to `p` (straight up when they coincide). */
export function outwardFrom(centre: Point, p: Point): Point {
  return unit(p.x - centre.x, p.y - centre.y);
}

/** Point at parameter t on the shape's Bezier curve (quadratic or cubic). */
export function pointAt(shape: EdgeShape, t: number): Point {
  const { start: p0, end: p3, controls } = shape;
  const s = 1 - t;
  if (controls.length === 1) {
    const c = controls[0];
    return { x: s * s * p0.x + 2 * s * t * c.x + t * t * p3.x, y: s * s * p0.y + 2 * s * t * c.y + t * t * p3.y };
  }
  const [c1, c2] = controls;
  const a = s * s * s;
  const b = 3 * s * s * t;
  const c = 3 * s * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * c1.x + c * c2.x + d * p3.x, y: a * p0.y + b * c1.y + c * c2.y + d * p3.y };
}

/** Where the arrowhead sits: from the path's end, `arrow` units along the end tangent. */
export function arrowTip(shape: EdgeShape, arrow: number): Point {
  const last = shape.controls[shape.controls.length - 1];
  const u = unit(shape.end.x - last.x, shape.end.y - last.y);
  return along(shape.end, u, arrow);
}
