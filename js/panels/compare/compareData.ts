// Runs compared, as data: the `ensemble`, `comparison` and `hitting` traits decoded and
// checked, the seed-ensemble table, per-state total variation against another run, and the
// text a user types to pick what to compare with. No DOM here.

export interface Ensemble {
  seeds: number[];
  steps: number;
  /** S × V, row-major (the `states` trait's order). */
  median: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** k × S × V. */
  perSeed: Float64Array;
  seen: boolean[];
  nStates: number;
  V: number;
}

export interface Comparison {
  label: string;
  step: number;
  /** S × V. */
  other: Float64Array;
  tv: number[];
  meanTv: number;
  maxTv: number;
}

export interface Hitting {
  targets: string[];
  k: number;
  start: string;
  step: number;
  temperatures: number[];
  probabilities: number[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === "number" ? v : NaN);

/** Flatten nested number lists of the expected shape (else null). */
export function flat(v: unknown, shape: number[]): Float64Array | null {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  let i = 0;
  const walk = (x: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof x !== "number" && x !== null) return false;
      out[i++] = typeof x === "number" ? x : NaN;
      return true;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) return false;
    return x.every((y) => walk(y, depth + 1));
  };
  return walk(v, 0) && i === size ? out : null;
}

export function parseEnsemble(v: unknown, nStates: number, V: number): Ensemble | null {
  if (!isRec(v) || !Array.isArray(v.seeds) || !Array.isArray(v.seen)) return null;
  const k = v.seeds.length;
  const median = flat(v.median, [nStates, V]);
  const min = flat(v.min, [nStates, V]);
  const max = flat(v.max, [nStates, V]);
  const perSeed = flat(v.per_seed, [k, nStates, V]);
  if (!median || !min || !max || !perSeed || v.seen.length !== nStates || k === 0) return null;
  return { seeds: v.seeds.map(num), steps: num(v.steps), median, min, max, perSeed, seen: v.seen.map(Boolean), nStates, V };
}

export function parseComparison(v: unknown, nStates: number, V: number): Comparison | null {
  if (!isRec(v) || !Array.isArray(v.tv)) return null;
  const other = flat(v.other_probs, [nStates, V]);
  if (!other || v.tv.length !== nStates) return null;
  return { label: String(v.label ?? ""), step: num(v.step), other, tv: v.tv.map(num), meanTv: num(v.mean_tv), maxTv: num(v.max_tv) };
}

export function parseHitting(v: unknown): Hitting | null {
  if (!isRec(v) || !Array.isArray(v.temperatures) || !Array.isArray(v.probabilities) || !Array.isArray(v.targets)) return null;
  if (v.temperatures.length !== v.probabilities.length || v.temperatures.length === 0) return null;
  return {
    targets: v.targets.map(String),
    k: num(v.k),
    start: String(v.start ?? ""),
    step: num(v.step),
    temperatures: v.temperatures.map(num),
    probabilities: v.probabilities.map(num),
  };
}

/** The k values of one edge (state s, token t) across seeds. */
export function seedValues(e: Ensemble, s: number, t: number): number[] {
  const n = e.nStates * e.V;
  return e.seeds.map((_, j) => e.perSeed[j * n + s * e.V + t]);
}

export interface EnsembleRow {
  state: string;
  index: number;
  seen: boolean;
  median: number;
  min: number;
  max: number;
  spread: number;
}

export type SortKey = "state" | "spread";

/** One row per state for token t (state order, or widest spread first). */
export function ensembleRows(e: Ensemble, states: string[], t: number, sort: SortKey = "state"): EnsembleRow[] {
  const rows = states.slice(0, e.nStates).map((state, index) => {
    const i = index * e.V + t;
    return { state, index, seen: e.seen[index], median: e.median[i], min: e.min[i], max: e.max[i], spread: e.max[i] - e.min[i] };
  });
  if (sort === "spread") rows.sort((a, b) => b.spread - a.spread || a.index - b.index);
  return rows;
}

/** Median spread (max − min, over every edge) of seen and of unseen states. */
export function spreadSummary(e: Ensemble): { seen: number; unseen: number } {
  const pick = (seen: boolean): number => {
    const v: number[] = [];
    for (let s = 0; s < e.nStates; s++) if (e.seen[s] === seen) for (let t = 0; t < e.V; t++) v.push(e.max[s * e.V + t] - e.min[s * e.V + t]);
    if (!v.length) return NaN;
    v.sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  };
  return { seen: pick(true), unseen: pick(false) };
}

export interface Spread {
  state: string;
  token: number;
  min: number;
  max: number;
  seen: boolean;
}

/** The `n` widest min–max spreads across seeds, one per state (its widest token), widest
 *  first: a median of spreads hides that one unseen state's P ranges over 30 points. */
export function widestSpreads(e: Ensemble, states: string[], n = 3): Spread[] {
  const out: Spread[] = [];
  for (let s = 0; s < Math.min(e.nStates, states.length); s++) {
    let best = -1;
    for (let t = 0; t < e.V; t++) if (best < 0 || e.max[s * e.V + t] - e.min[s * e.V + t] > e.max[s * e.V + best] - e.min[s * e.V + best]) best = t;
    // binary: the last token's range (the table's P(1)); both tokens' spreads are equal anyway
    const t = e.V === 2 ? 1 : best;
    out.push({ state: states[s], token: t, min: e.min[s * e.V + t], max: e.max[s * e.V + t], seen: e.seen[s] });
  }
  return out.sort((a, b) => b.max - b.min - (a.max - a.min) || a.state.localeCompare(b.state)).slice(0, n);
}

export interface Difference {
  /** S × V: this − other. */
  diff: Float64Array;
  tv: Float64Array;
  meanTv: number;
  maxTv: number;
  worst: number;
  /** Largest |diff| (for the colour scale's domain). */
  maxAbs: number;
}

/** This chain (S × V rows, untempered) against the other run's, state by state. */
export function difference(mine: ArrayLike<number>, other: Float64Array, nStates: number, V: number): Difference | null {
  if (mine.length < nStates * V || other.length < nStates * V || nStates === 0) return null;
  const diff = new Float64Array(nStates * V);
  const tv = new Float64Array(nStates);
  let sum = 0;
  let maxTv = -1;
  let worst = -1;
  let maxAbs = 0;
  for (let s = 0; s < nStates; s++) {
    let l1 = 0;
    for (let t = 0; t < V; t++) {
      const d = mine[s * V + t] - other[s * V + t];
      diff[s * V + t] = d;
      l1 += Math.abs(d);
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    tv[s] = l1 / 2;
    sum += tv[s];
    if (tv[s] > maxTv) [maxTv, worst] = [tv[s], s];
  }
  return { diff, tv, meanTv: sum / nStates, maxTv, worst, maxAbs };
}

export type OtherChoice = { kind: "step"; step: number } | { kind: "run"; run: string } | { kind: "error"; message: string };

/** What the user typed: "step 10", "10" (a step of this run) or a run string `babygpt2:…` (or `babygpt1:…`). */
export function parseOther(text: string, liveStep: number): OtherChoice {
  const t = text.trim();
  if (t.startsWith("babygpt2:") || t.startsWith("babygpt1:")) return { kind: "run", run: t };
  const m = /^(?:step\s*)?(\d+)$/i.exec(t);
  if (m) {
    const step = Number(m[1]);
    if (!Number.isSafeInteger(step) || step > liveStep) return { kind: "error", message: `other: step must be from 0 to ${liveStep} (this run's steps)` };
    return { kind: "step", step };
  }
  return { kind: "error", message: "other: type a step of this run (e.g. step 10) or a run string (babygpt2:…)" };
}

/** Identity of a hitting curve request: marked states, k, start, step. */
export function hittingKey(targets: string[], k: number, start: string, step: number): string {
  return `${[...targets].sort().join(",")}|${k}|${start}|${step}`;
}
