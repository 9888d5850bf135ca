// History snapshots (slider) and which chain is shown: live or snapshot k.
import { toFloat32, toInt32 } from "./binary";
import type { Binary } from "./types";

export interface History {
  steps: Int32Array;
  losses: Float32Array;
  /** H rows of rowSize floats (states × V). */
  probs: Float32Array;
  rowSize: number;
  /** Usable snapshots: traits arrive one by one, so trust only what all three cover. */
  length: number;
}

export function decodeHistory(steps: Binary, losses: Binary, probs: Binary, rowSize: number): History {
  const s = toInt32(steps);
  const l = toFloat32(losses);
  const p = toFloat32(probs);
  const rows = rowSize > 0 ? Math.floor(p.length / rowSize) : 0;
  return { steps: s, losses: l, probs: p, rowSize, length: Math.min(s.length, l.length, rows) };
}

/** Row k of history_probs, as a view (no copy). */
export function historyRow(h: History, k: number): Float32Array | null {
  if (!Number.isInteger(k) || k < 0 || k >= h.length) return null;
  return h.probs.subarray(k * h.rowSize, (k + 1) * h.rowSize);
}

export interface Live {
  probs: Float32Array;
  step: number;
  loss: number;
}

export interface Shown extends Live {
  /** -1 = live, else the history index actually shown. */
  index: number;
}

/** shown_index -> what to draw. An index the history does not (yet) cover falls back to live. */
export function resolveShown(shownIndex: number, h: History, live: Live): Shown {
  const row = shownIndex >= 0 ? historyRow(h, shownIndex) : null;
  if (!row) return { index: -1, ...live };
  return { index: shownIndex, probs: row, step: h.steps[shownIndex], loss: h.losses[shownIndex] };
}

/** Slider position for shown_index: live sits at the right end. */
export function sliderValue(shownIndex: number, length: number): number {
  if (length <= 0) return 0;
  return shownIndex < 0 || shownIndex >= length ? length - 1 : shownIndex;
}

/** shown_index for a slider position: the right end means live (-1). */
export function indexFromSlider(value: number, length: number): number {
  const v = Math.round(value);
  return length <= 0 || v >= length - 1 ? -1 : Math.max(0, v);
}

/** Index of the snapshot whose step is nearest `step` (after history thinning). */
export function nearestIndex(steps: Int32Array, step: number, length = steps.length): number {
  if (length <= 0) return -1;
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && step - steps[lo - 1] <= steps[lo] - step) return lo - 1;
  return lo;
}
