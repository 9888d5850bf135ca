// How a probability looks on an edge, shared by the SVG and the canvas drawing.

/** Probability -> stroke width (drawing units) and opacity: the likely transitions stand out. */
export function edgeWidth(p: number): number {
  return Number.isFinite(p) ? Math.round((1 + 5 * p) * 10) / 10 : 1;
}
export function edgeOpacity(p: number): number {
  return Number.isFinite(p) ? Math.round((0.18 + 0.82 * p) * 100) / 100 : 0.3;
}
export function labelOpacity(p: number): number {
  return Number.isFinite(p) ? Math.round((0.6 + 0.4 * p) * 100) / 100 : 0.6;
}
