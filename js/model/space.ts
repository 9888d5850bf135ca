// The whole state space the front end computes on: the full contexts (traits `states`, rows of
// `probs`), then the shorter ones (`prefix_states`, rows of `prefix_probs`). Full states come
// first so a full-only view is just the first rows.
import { levelOf, tokensOf } from "./chain";
import type { History } from "./history";
import { successors, temper } from "./markov";

export interface Space {
  states: string[];
  /** How many of `states` are full contexts (the rest are shorter ones). */
  nFull: number;
  tokens: string[];
  contextLength: number;
  /** Successor index of (state, token) within `states`, -1 if none. */
  next: Int32Array;
  index: Map<string, number>;
}

/** Shorter contexts are used only when they are what the contract says: lengths 1..C-1, unique. */
export function buildSpace(full: string[], prefixes: string[] | null | undefined, alphabet: string, contextLength: number): Space {
  const seen = new Set(full);
  const ok =
    Array.isArray(prefixes) &&
    prefixes.every((p) => typeof p === "string" && levelOf(p) >= 1 && levelOf(p) < contextLength && !seen.has(p)) &&
    new Set(prefixes).size === prefixes.length;
  const states = ok ? [...full, ...prefixes] : [...full];
  const tokens = tokensOf(alphabet);
  return {
    states,
    nFull: full.length,
    tokens,
    contextLength,
    next: successors(states, tokens, contextLength),
    index: new Map(states.map((s, i) => [s, i] as const)),
  };
}

/** Full rows then prefix rows; missing or short parts are filled with `fill`. */
export function joinRows<T extends Float32Array | Int32Array>(
  full: T,
  prefix: T | null,
  space: Space,
  make: (n: number) => T,
  fill: number,
): T {
  const V = space.tokens.length;
  const nf = space.nFull * V;
  const n = space.states.length * V;
  if (n === nf && full.length >= nf) return full.length === nf ? full : (full.subarray(0, nf) as T);
  const out = make(n);
  out.fill(fill);
  if (full.length >= nf) out.set(full.subarray(0, nf));
  if (prefix && prefix.length >= n - nf) out.set(prefix.subarray(0, n - nf), nf);
  return out;
}

/** Start state of walks by default: the last token repeated C times (e.g. "111"). */
export function defaultStart(space: Space): string {
  const last = space.tokens[space.tokens.length - 1] ?? "";
  return last.repeat(Math.max(0, space.contextLength));
}

/** Row of state `s` at history index k (full or prefix history). */
function historyRowOf(h: History, hp: History | null, space: Space, s: number, k: number): Float32Array | null {
  const V = space.tokens.length;
  if (s < space.nFull) return k < h.length ? h.probs.subarray(k * h.rowSize + s * V, k * h.rowSize + (s + 1) * V) : null;
  if (!hp || k >= hp.length) return null;
  const q = s - space.nFull;
  return hp.probs.subarray(k * hp.rowSize + q * V, k * hp.rowSize + (q + 1) * V);
}

/** P(token t | state s) at every history snapshot, at temperature T. */
export function edgeHistory(h: History, hp: History | null, space: Space, s: number, t: number, T: number): Float64Array {
  const V = space.tokens.length;
  const out = new Float64Array(h.length).fill(NaN);
  for (let k = 0; k < h.length; k++) {
    const row = historyRowOf(h, hp, space, s, k);
    if (row && row.length === V) out[k] = temper(row, V, T)[t];
  }
  return out;
}
