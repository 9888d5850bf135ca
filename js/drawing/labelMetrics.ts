// Text metrics the label placement works with (monospace labels), in ems, and the shapes it
// hands around (labels.ts, radial.ts and labelStrokes.ts all use them, and import only this).
import type { Point } from "./edgeShapes";

/** Monospace advance and line box. */
export const CHAR_EM = 0.6;
export const LINE_EM = 1.2;
/** Least gap between two labels' text boxes: a quarter em keeps `301` and `011` two names, not
 *  one `301011`. */
export const LABEL_GAP_EM = 0.25;

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
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
