// The history slider is the loss chart's step axis: a step sits at the same fraction of the
// slider's track as of the chart's x axis, linear or log (d3's symlog, which the chart uses).
// Linear with evenly spaced snapshots: one position per snapshot. Otherwise (log, or Python's
// off-stride newest snapshot) the positions are evenly spaced along the axis and each shows
// the snapshot nearest it; an early snapshot may own many positions, a late one none (the
// arrow keys then step by snapshot, see `stepIndex`).

/** Positions of a slider whose positions are not its snapshots (more when the history is longer). */
const AXIS_POSITIONS = 1000;

/** d3's scaleSymlog transform (constant 1): the loss chart's log step axis. */
export const symlog = (x: number): number => Math.sign(x) * Math.log1p(Math.abs(x));

/** The chart's step domain for a history from `first` to `last` (never empty). */
export function stepDomain(first: number, last: number): [number, number] {
  return [first, last > first ? last : first + 1];
}

/** Where `step` sits along the step axis, 0 (first) … 1 (last), as the loss chart draws it. */
export function stepFraction(step: number, first: number, last: number, log: boolean): number {
  const [lo, hi] = stepDomain(first, last);
  const f = log ? symlog : (x: number): number => x;
  const a = f(lo);
  const t = (f(step) - a) / (f(hi) - a);
  return Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
}

export interface SliderAxis {
  /** Position p of the slider shows snapshot stops[p] (non-decreasing). */
  stops: number[];
  /** Position of each snapshot: where its step sits on the axis. */
  at: number[];
  /** One position per snapshot (the arrow keys move by position = by snapshot). */
  perSnapshot: boolean;
}

const EMPTY: SliderAxis = { stops: [], at: [], perSnapshot: true };

function evenlySpaced(steps: ArrayLike<number>, n: number): boolean {
  const d = steps[1] - steps[0];
  if (!(d > 0)) return false;
  for (let i = 2; i < n; i++) if (steps[i] - steps[i - 1] !== d) return false;
  return true;
}

/** Slider positions for a history of `length` snapshots at `steps`, on a linear or log axis. */
export function sliderAxis(steps: ArrayLike<number>, length: number, log: boolean): SliderAxis {
  const n = Math.min(length, steps.length);
  if (n <= 0) return EMPTY;
  if (n === 1 || (!log && evenlySpaced(steps, n))) {
    const ids = Array.from({ length: n }, (_, i) => i);
    return { stops: ids, at: ids, perSnapshot: true };
  }
  const first = steps[0];
  const last = steps[n - 1];
  const m = Math.max(n, AXIS_POSITIONS);
  const frac = Array.from({ length: n }, (_, k) => stepFraction(steps[k], first, last, log) * (m - 1));
  const at = frac.map((x) => Math.round(x));
  at[0] = 0;
  at[n - 1] = m - 1;
  // Each position shows the snapshot nearest it along the axis (a sweep: both increase).
  const stops = new Array<number>(m);
  let k = 0;
  for (let p = 0; p < m; p++) {
    while (k + 1 < n && Math.abs(frac[k + 1] - p) <= Math.abs(frac[k] - p)) k++;
    stops[p] = k;
  }
  for (let j = 0; j < n; j++) stops[at[j]] = j; // a snapshot's own position shows it
  for (let p = 1; p < m; p++) if (stops[p] < stops[p - 1]) stops[p] = stops[p - 1];
  stops[m - 1] = n - 1;
  return { stops, at, perSnapshot: false };
}

/** The stops alone (position -> snapshot). */
export function sliderStops(steps: ArrayLike<number>, length: number, log: boolean): number[] {
  return sliderAxis(steps, length, log).stops;
}

/** Slider position of history index `index` (-1 = live: the right end). */
export function positionOf(axis: SliderAxis, index: number): number {
  const m = axis.stops.length;
  if (m === 0) return 0;
  if (index < 0 || index >= axis.at.length) return m - 1;
  return axis.at[index];
}

/** Shown index for slider position `p`: the right end is live (-1). */
export function indexAt(stops: number[], p: number): number {
  const v = Math.round(p);
  if (stops.length === 0 || v >= stops.length - 1) return -1;
  return stops[Math.max(0, v)];
}

/** Arrow keys on a slider whose positions are not snapshots: the snapshot before (-1) or after
 *  (+1) the shown one (-1 = live, the newest); stepping past the newest returns -1 (live). */
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
