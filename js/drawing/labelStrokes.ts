// Edge strokes as short segments in a grid, for label placement: how many OTHER edges run
// through a label's box (a label another edge crosses cannot be told apart from that edge's),
// and whether a box touches its own edge (a label belongs on or right beside its edge).
import { pointAt } from "./edgeShapes";
import type { EdgeShape, Point } from "./edgeShapes";
import type { Rect } from "./labelMetrics";

interface Segment {
  a: Point;
  b: Point;
  owner: number;
}

/** Does segment a–b meet rectangle r? (Liang–Barsky clipping.) */
export function segmentHitsRect(a: Point, b: Point, r: Rect): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const clip = (p: number, q: number): boolean => {
    if (Math.abs(p) < 1e-12) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, a.x - r.x0) && clip(dx, r.x1 - a.x) && clip(-dy, a.y - r.y0) && clip(dy, r.y1 - a.y) && t0 <= t1;
}

/** The curve as a polyline of about `step`-long pieces (6 to 60 of them). */
export function polyline(s: EdgeShape, step: number): Point[] {
  const len = Math.hypot(s.end.x - s.start.x, s.end.y - s.start.y) + (s.controls.length > 1 ? 4 * step : 1);
  const k = Math.max(6, Math.min(60, Math.ceil(len / Math.max(1e-9, step))));
  return Array.from({ length: k + 1 }, (_, j) => pointAt(s, j / k));
}

export class StrokeSegments {
  private readonly cells = new Map<string, Segment[]>();
  private readonly own = new Map<number, Segment[]>();

  constructor(private readonly size: number) {}

  add(points: Point[], owner: number): void {
    const mine: Segment[] = [];
    for (let j = 1; j < points.length; j++) {
      const seg = { a: points[j - 1], b: points[j], owner };
      mine.push(seg);
      for (const k of this.keys(Math.min(seg.a.x, seg.b.x), Math.min(seg.a.y, seg.b.y), Math.max(seg.a.x, seg.b.x), Math.max(seg.a.y, seg.b.y))) {
        const c = this.cells.get(k);
        if (c) c.push(seg);
        else this.cells.set(k, [seg]);
      }
    }
    this.own.set(owner, mine);
  }

  private keys(x0: number, y0: number, x1: number, y1: number): string[] {
    const s = this.size;
    const out: string[] = [];
    for (let i = Math.floor(x0 / s); i <= Math.floor(x1 / s); i++) for (let j = Math.floor(y0 / s); j <= Math.floor(y1 / s); j++) out.push(`${i},${j}`);
    return out;
  }

  /** Distinct edges other than `owner` whose stroke meets r. */
  count(r: Rect, owner: number): number {
    const seen = new Set<number>();
    for (const k of this.keys(r.x0, r.y0, r.x1, r.y1))
      for (const seg of this.cells.get(k) ?? []) if (seg.owner !== owner && !seen.has(seg.owner) && segmentHitsRect(seg.a, seg.b, r)) seen.add(seg.owner);
    return seen.size;
  }

  /** Does edge `owner`'s own stroke meet r (the label sits on or right beside its edge)? */
  touches(r: Rect, owner: number): boolean {
    return (this.own.get(owner) ?? []).some((seg) => segmentHitsRect(seg.a, seg.b, r));
  }
}
