// What the lecture readouts show, derived from the chain being shown: the tempered chain,
// long-run shares, data-vs-model distances and the reach probability. Pure: no DOM.
import { dataDistance, reachSteps, runToEnd, stationarySteps, temper } from "./markov";
import type { Distance } from "./markov";
import type { Space } from "./space";

export interface DeriveInput {
  space: Space;
  /** Shown rows of all states (full, then shorter contexts), untempered. */
  shown: Float32Array;
  /** Data counts of all states (same layout). */
  counts: Int32Array;
  temperature: number;
  naughty: string[];
  start: string;
  k: number;
}

export interface Derived {
  ok: boolean;
  /** The shown chain at the temperature (all states). */
  tempered: Float32Array;
  /** Long-run share of each full context (shorter ones are transient: 0). */
  shares: Float64Array;
  /** Per-state distances (all states) ... */
  distance: Distance;
  /** ... and the total over the training windows (full contexts only). */
  full: Distance;
  reach: { p: number; note: string; marked: number };
}

/** The shown chain at the temperature (cheap: done on every update). */
export function temperShown(space: Space, shown: Float32Array, temperature: number): { ok: boolean; tempered: Float32Array } {
  const V = space.tokens.length;
  const S = space.states.length;
  const ok = V > 0 && S > 0 && shown.length >= S * V;
  return { ok, tempered: ok ? temper(shown, V, temperature) : new Float32Array(0) };
}

export function derive(input: DeriveInput, base = temperShown(input.space, input.shown, input.temperature)): Derived {
  return runToEnd(deriveSteps(input, base));
}

/**
 * `derive` in small steps (it yields between power-iteration and reach steps), so a big chain's
 * analysis can run in slices between frames. `warm`: the last long-run shares, a warm start.
 */
export function* deriveSteps(
  input: DeriveInput,
  base = temperShown(input.space, input.shown, input.temperature),
  warm: Float64Array | null = null,
): Generator<void, Derived> {
  const { space, counts } = input;
  const V = space.tokens.length;
  const S = space.states.length;
  const { ok, tempered } = base;
  const shares = ok ? yield* stationarySteps(tempered, space.next, space.nFull, V, { init: warm }) : new Float64Array(0);
  const empty: Distance = { perState: new Float64Array(S).fill(NaN), total: NaN, worst: -1 };
  const distance = ok ? dataDistance(tempered, counts, S, V) : empty;
  const full = ok ? dataDistance(tempered, counts, space.nFull, V) : empty;
  const naughty = new Set(input.naughty);
  const marked = space.states.map((s) => naughty.has(s));
  const startIndex = space.index.get(input.start);
  let p = NaN;
  let note = "";
  if (startIndex === undefined) note = "unknown start state";
  else if (!ok) note = "no chain yet";
  else p = (yield* reachSteps(tempered, space.next, marked, input.k, V))[startIndex];
  return { ok, tempered, shares, distance, full, reach: { p, note, marked: naughty.size } };
}

/** The few states a long walk spends most time in (shares above half a percent). */
export function topShares(space: Space, shares: Float64Array, n = 3): { state: string; share: number }[] {
  return Array.from(shares, (share, i) => ({ state: space.states[i], share }))
    .sort((a, b) => b.share - a.share)
    .slice(0, n)
    .filter((x) => x.share > 0.005);
}
