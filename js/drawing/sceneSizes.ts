// Sizes of the SVG drawing: fonts (drawing units and their on-screen floors), the room a ring's
// outside labels need, and how thin an edge may get on screen.
import { CHAR_EM, LINE_EM, NODE_LABEL_REACH } from "./labels";
import { RADIAL_GAP } from "./radial";

/** Edge label font (drawing units) and, in presentation mode, the bigger one. */
export const LABEL_FONT = 14;
export const PRESENT_FONT = 19;
/** Smallest on-screen text, in CSS pixels: readable on a projector. */
export const MIN_SCREEN_FONT = 13;
/** ... and in presentation mode (the back row of a lecture hall). */
export const MIN_PRESENT_FONT = 17;
export const minPx = (present: boolean): number => (present ? MIN_PRESENT_FONT : MIN_SCREEN_FONT);
/** The widest oval a ring is stretched to in a wide box (width / height). */
export const MAX_ASPECT = 2;

/**
 * Half the side of the viewBox for a ring of radius R (nodes of radius r) whose state labels
 * (`chars` wide) may have to sit outside the nodes at ≥ MIN_SCREEN_FONT in a box `minBox` px
 * across: the labels need room beyond the ring. `base` is the frame's own half.
 */
export function halfWithLabels(base: number, R: number, r: number, chars: number, minBox: number, present = false, radial = false): number {
  if (!(minBox > 0)) return base;
  const want = present ? 19 : 15;
  const fits = (r * 2.9) / Math.max(1, chars);
  let half = base;
  for (let k = 0; k < 8; k++) {
    const unit = (minPx(present) * 2 * half) / minBox; // the smallest font, in drawing units
    // Loops' labels sit just outside the ring: one edge-label line beyond the loop.
    let need = R + r * 3.6 + LINE_EM * Math.max(present ? PRESENT_FONT : LABEL_FONT, unit) + 4;
    const font = Math.max(want, unit);
    const w = chars * CHAR_EM * font + 2;
    // radial labels run straight out from the node; level ones may step out (a stagger)
    if (font > fits) need = Math.max(need, R + (radial ? r + RADIAL_GAP + w + 4 : NODE_LABEL_REACH(r, w, LINE_EM * font) + 2));
    half = Math.max(base, Math.min(3 * R + 200, need));
  }
  return half;
}

/** On-screen stroke width (CSS px) an edge of probability p keeps at least, however small the
 *  drawing is scaled: 64 states of four tokens (p ≈ 0.25) were 0.8 px hairlines. */
export const edgeFloorPx = (p: number): number => (Number.isFinite(p) ? 1.4 + 2.6 * p : 1.4);

