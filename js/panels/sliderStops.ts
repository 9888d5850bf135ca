// Which history snapshot each slider position shows. Linear: one position per snapshot.
// Log: positions evenly spaced in log(1 + step), so the first steps — where the chain changes
// most — get as much of the slider as the thousands after them (an early snapshot may own many
// positions, a late one none: the arrow keys step by snapshot, see `stepIndex`).
import { nearestIndex } from "../model/history";

/** Positions of a log slider (more when the history is longer). */
const LOG_POSITIONS = 1000;

/** Non-decreasing history indices; position p of the slider shows snapshot stops[p]. */
export function sliderStops(steps: ArrayLike<number>, length: number, log: boolean): number[] {
  const n = Math.min(length, steps.length);
  if (n <= 0) return [];
  if (!log || n < 3) return Array.from({ length: n }, (_, i) => i);
  const first = steps[0];
  const span = Math.log1p(Math.max(0, steps[n - 1] - first));
  const m = Math.max(n, LOG_POSITIONS);
  const arr = steps instanceof Int32Array ? steps : Int32Array.from(steps as ArrayLike<number>);
  const out = new Array<number>(m);
  for (let p = 0; p < m; p++) {
    const k = nearestIndex(arr, first + Math.expm1((span * p) / (m - 1)), n);
    out[p] = p > 0 ? Math.max(k, out[p - 1]) : 0;
  }
  out[m - 1] = n - 1;
  return out;
}

/** Slider position of history index `index` (-1 = live: the right end): the first position
 *  showing the nearest snapshot. */
export function positionOf(stops: number[], index: number): number {
  if (stops.length === 0) return 0;
  if (index < 0) return stops.length - 1;
  let lo = 0;
  let hi = stops.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stops[mid] < index) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && index - stops[lo - 1] <= stops[lo] - index) {
    const k = stops[lo - 1];
    while (lo > 0 && stops[lo - 1] === k) lo--;
  }
  return lo;
}

/** Shown index for slider position `p`: the right end is live (-1). */
export function indexAt(stops: number[], p: number): number {
  const v = Math.round(p);
  if (stops.length === 0 || v >= stops.length - 1) return -1;
  return stops[Math.max(0, v)];
}

/** Arrow keys on a log slider: the snapshot before (-1) or after (+1) the shown one
 *  (-1 = live, the newest); stepping past the newest returns -1 (live). */
export function stepIndex(shown: number, length: number, dir: -1 | 1): number {
  if (length <= 0) return -1;
  const now = shown < 0 || shown >= length ? length - 1 : shown;
  const next = Math.max(0, Math.min(length - 1, now + dir));
  return next >= length - 1 ? -1 : next;
}

/** The counter under the slider: `step 37 / 1,233` (shown step / newest step). */
export function counterText(shownStep: number, lastStep: number): string {
  if (!Number.isFinite(shownStep) || !Number.isFinite(lastStep)) return "";
  return `step ${shownStep.toLocaleString("en-US")} / ${lastStep.toLocaleString("en-US")}`;
}
