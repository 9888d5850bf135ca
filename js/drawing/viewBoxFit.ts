// The chain fills its box: the SVG's viewBox is fitted to what is drawn (nodes, edges and the
// labels placed), not to the frame's worst-case square, which kept room for loops and labels
// on every side (an 8-state ring took ~62% of a 750×412 box's height). Refits only when
// something would be clipped or the drawing could grow by more than REFIT_GAIN: labels moving
// during Play do not make the drawing pump.

export interface ViewRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Grow the drawing only when it gains more than this (a ratio of scales). */
export const REFIT_GAIN = 1.05;
/** Room round what is drawn: strokes, arrowheads, the found node's halo (drawing units), and
 *  a share of the size. */
export const FIT_PAD = 8;
export const FIT_PAD_SHARE = 0.015;

/** CSS pixels per drawing unit of `view` shown "meet" in a box of `box` pixels. */
export function meetScale(view: ViewRect, box: { width: number; height: number }): number {
  return Math.min(box.width / view.w, box.height / view.h);
}

/** The union of boxes (null: none with an area). */
export function unionRect(rects: ViewRect[]): ViewRect | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of rects) {
    if (!(r.w > 0 || r.h > 0) || ![r.x, r.y, r.w, r.h].every(Number.isFinite)) continue;
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.w);
    y1 = Math.max(y1, r.y + r.h);
  }
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

/** `content` with the fit's margin round it. */
export function padded(content: ViewRect): ViewRect {
  const p = FIT_PAD + FIT_PAD_SHARE * Math.max(content.w, content.h);
  return { x: content.x - p, y: content.y - p, w: content.w + 2 * p, h: content.h + 2 * p };
}

/**
 * The viewBox to show next, or null to keep `current`: a refit when part of `content` (already
 * padded) lies outside `current`, or when fitting it would make the drawing REFIT_GAIN times
 * bigger on screen.
 */
export function refit(content: ViewRect, current: ViewRect | null, box: { width: number; height: number }): ViewRect | null {
  if (!(box.width > 0 && box.height > 0)) return null;
  if (current === null) return content;
  const e = 0.5;
  const clipped =
    content.x < current.x - e ||
    content.y < current.y - e ||
    content.x + content.w > current.x + current.w + e ||
    content.y + content.h > current.y + current.h + e;
  if (clipped || meetScale(content, box) > REFIT_GAIN * meetScale(current, box)) return content;
  return null;
}

/** A viewBox attribute's text for `r` (one decimal). */
export function viewBoxText(r: ViewRect): string {
  const d = (v: number): number => Math.round(v * 10) / 10;
  return `${d(r.x)} ${d(r.y)} ${d(r.w)} ${d(r.h)}`;
}
