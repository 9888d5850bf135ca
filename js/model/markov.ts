// Chain math on the transition matrix the front end already has (rows of V next-token
// probabilities; successor table next[s*V+t]). Mirrors the Python names in chain.py, so a
// saved page without a kernel computes the same things.
import { nextState } from "./chain";
import { draw } from "./rng";

/** Successor index of (state, token), or -1 when that state is not in the list. */
export function successors(states: string[], tokens: string[], contextLength: number): Int32Array {
  const index = new Map(states.map((s, i) => [s, i] as const));
  const V = tokens.length;
  const next = new Int32Array(states.length * V).fill(-1);
  states.forEach((s, i) => tokens.forEach((t, k) => (next[i * V + k] = index.get(nextState(s, t, contextLength)) ?? -1)));
  return next;
}

/**
 * The shown chain at temperature T: p^(1/T) renormalised (= softmax(logits / T)).
 * T = 1 returns `probs` itself; T = 0 is greedy: one-hot on the first argmax of each row.
 */
export function temper(probs: Float32Array, V: number, T: number): Float32Array {
  if (T === 1 || V === 0) return probs;
  const out = new Float32Array(probs.length);
  const rows = Math.floor(probs.length / V);
  for (let s = 0; s < rows; s++) {
    const o = s * V;
    let best = -1;
    for (let t = 0; t < V; t++) if (probs[o + t] > (best < 0 ? -Infinity : probs[o + best])) best = t;
    if (best < 0) {
      for (let t = 0; t < V; t++) out[o + t] = NaN; // unknown row stays unknown
      continue;
    }
    if (T === 0) {
      out[o + best] = 1;
      continue;
    }
    // exp((log p - log max) / T): no overflow or underflow to NaN for tiny T.
    const top = Math.log(probs[o + best]);
    let sum = 0;
    for (let t = 0; t < V; t++) {
      const p = probs[o + t];
      const w = p > 0 ? Math.exp((Math.log(p) - top) / T) : 0;
      out[o + t] = w;
      sum += w;
    }
    for (let t = 0; t < V; t++) out[o + t] /= sum;
  }
  return out;
}

/** One step of the chain: out = dist · P (rows renormalised). */
function propagate(dist: Float64Array, probs: ArrayLike<number>, next: Int32Array, V: number, out: Float64Array): void {
  out.fill(0);
  for (let s = 0; s < dist.length; s++) {
    const m = dist[s];
    if (m === 0) continue;
    let sum = 0;
    for (let t = 0; t < V; t++) sum += probs[s * V + t] > 0 ? probs[s * V + t] : 0;
    if (!(sum > 0)) continue;
    for (let t = 0; t < V; t++) {
      const p = probs[s * V + t];
      const j = next[s * V + t];
      if (p > 0 && j >= 0) out[j] += (m * p) / sum; // float32 rows sum to 1 only to ~1e-7
    }
  }
}

export interface StationaryOptions {
  tol?: number;
  maxIter?: number;
  /**
   * Warm start (e.g. the previous update's answer). Used only when the chain is irreducible
   * for sure (every probability > 0, every successor known): then the limit does not depend
   * on where the iteration starts, and a chain that changed a little converges in a few steps.
   */
  init?: ArrayLike<number> | null;
}

/** Run a stepwise computation to its end (the synchronous form of the `…Steps` generators). */
export function runToEnd<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Long-run fraction of time in each of the first S states for a walk started uniformly at
 * random: power iteration on the lazy chain (I + P) / 2, which has the same stationary
 * distributions as P and no period, so it converges for every finite chain (the Cesàro limit).
 */
export function stationary(probs: ArrayLike<number>, next: Int32Array, S: number, V: number, opts: StationaryOptions = {}): Float64Array {
  return runToEnd(stationarySteps(probs, next, S, V, opts));
}

/** Every row of the first S states strictly positive with all successors among them. */
export function irreducibleForSure(probs: ArrayLike<number>, next: Int32Array, S: number, V: number): boolean {
  for (let i = 0; i < S * V; i++) if (!(probs[i] > 0) || next[i] < 0 || next[i] >= S) return false;
  return S > 0;
}

/**
 * `stationary` one power-iteration step at a time: yields after each step, so a caller can
 * spread a slow-mixing chain (a sharply trained model, thousands of states) over several
 * tasks instead of blocking the page. Returns the distribution.
 */
export function* stationarySteps(
  probs: ArrayLike<number>,
  next: Int32Array,
  S: number,
  V: number,
  opts: StationaryOptions = {},
): Generator<void, Float64Array> {
  const exact = deterministicStationary(probs, next, S, V);
  if (exact) return exact;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 10_000;
  let pi = new Float64Array(S).fill(S > 0 ? 1 / S : 0);
  const init = opts.init;
  if (init && init.length === S && irreducibleForSure(probs, next, S, V)) {
    let total = 0;
    for (let s = 0; s < S; s++) total += init[s] > 0 ? init[s] : 0;
    if (total > 0) for (let s = 0; s < S; s++) pi[s] = init[s] > 0 ? init[s] / total : 0;
  }
  const moved = new Float64Array(S);
  let nxt = new Float64Array(S);
  for (let it = 0; it < maxIter && S > 0; it++) {
    propagate(pi, probs, next, V, moved);
    let total = 0;
    for (let s = 0; s < S; s++) {
      nxt[s] = 0.5 * pi[s] + 0.5 * moved[s];
      total += nxt[s];
    }
    let diff = 0;
    for (let s = 0; s < S; s++) {
      nxt[s] = total > 0 ? nxt[s] / total : 0;
      diff += Math.abs(nxt[s] - pi[s]);
    }
    [pi, nxt] = [nxt, pi];
    if (diff < tol) break;
    yield;
  }
  return pi;
}

/**
 * The same limit, exactly, when every state has a single successor (greedy, T = 0): each walk
 * ends in a cycle and then spends equal time on its states. Null when the chain is random.
 */
export function deterministicStationary(probs: ArrayLike<number>, next: Int32Array, S: number, V: number): Float64Array | null {
  const succ = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    let only = -1;
    for (let t = 0; t < V; t++) {
      const p = probs[s * V + t];
      if (p === 0) continue;
      if (p !== 1 || only >= 0) return null;
      only = t;
    }
    const j = only >= 0 ? next[s * V + only] : -1;
    if (j < 0 || j >= S) return null;
    succ[s] = j;
  }
  // cycleOf[s]: id of the cycle the walk from s ends in; found by following successors.
  const cycleOf = new Int32Array(S).fill(-1);
  const mark = new Int32Array(S).fill(-1);
  const cycles: number[][] = [];
  for (let s0 = 0; s0 < S; s0++) {
    if (cycleOf[s0] >= 0) continue;
    const path: number[] = [];
    let s = s0;
    while (cycleOf[s] < 0 && mark[s] !== s0) {
      mark[s] = s0;
      path.push(s);
      s = succ[s];
    }
    let id = cycleOf[s];
    if (id < 0) {
      // s is on a new cycle: the part of the path from s on.
      id = cycles.length;
      cycles.push(path.slice(path.indexOf(s)));
    }
    for (const q of path) cycleOf[q] = id;
  }
  const pi = new Float64Array(S);
  const starts = new Float64Array(cycles.length);
  for (let s = 0; s < S; s++) starts[cycleOf[s]] += 1 / S;
  cycles.forEach((c, id) => {
    for (const s of c) pi[s] = starts[id] / c.length;
  });
  return pi;
}

/**
 * P(the walk visits a target within k steps) for every start state; a start inside the
 * target set counts as reached at step 0. Successors outside the list count as not reached.
 */
export function reachProbability(probs: ArrayLike<number>, next: Int32Array, targets: boolean[], k: number, V: number): Float64Array {
  return runToEnd(reachSteps(probs, next, targets, k, V));
}

/** `reachProbability` one step of k at a time (yields after each). */
export function* reachSteps(probs: ArrayLike<number>, next: Int32Array, targets: boolean[], k: number, V: number): Generator<void, Float64Array> {
  const S = targets.length;
  let reached = new Float64Array(S);
  let nxt = new Float64Array(S);
  for (let s = 0; s < S; s++) reached[s] = targets[s] ? 1 : 0;
  for (let step = 0; step < k; step++) {
    for (let s = 0; s < S; s++) {
      if (targets[s]) {
        nxt[s] = 1;
        continue;
      }
      let acc = 0;
      let sum = 0;
      for (let t = 0; t < V; t++) {
        const p = probs[s * V + t];
        if (!(p > 0)) continue;
        sum += p;
        const j = next[s * V + t];
        if (j >= 0) acc += p * reached[j];
      }
      nxt[s] = sum > 0 ? acc / sum : 0;
    }
    [reached, nxt] = [nxt, reached];
    if (step + 1 < k) yield;
  }
  return reached;
}

export interface Walk {
  /** Token indices drawn. */
  tokens: number[];
  /** Visited state indices, the start first (length tokens + 1). */
  states: number[];
}

/** Draw up to n tokens from state `start`, shifting the state each time (stops at a dead end). */
export function sampleWalk(probs: ArrayLike<number>, next: Int32Array, V: number, start: number, n: number, rand: () => number): Walk {
  const tokens: number[] = [];
  const states = [start];
  let s = start;
  const row = new Float64Array(V);
  for (let i = 0; i < n && s >= 0; i++) {
    for (let t = 0; t < V; t++) row[t] = probs[s * V + t];
    const t = draw(row, rand());
    if (t < 0) break;
    tokens.push(t);
    s = next[s * V + t];
    states.push(s);
  }
  return { tokens, states };
}

export interface Distance {
  /** Per state 0.5·Σ|p − q| between the model's row and the data's frequencies; NaN if unseen. */
  perState: Float64Array;
  /** Average over states weighted by how often each occurs in the data; NaN without data. */
  total: number;
  /** State with the largest distance among those seen in the data (-1 if none). */
  worst: number;
}

export function dataDistance(probs: ArrayLike<number>, counts: ArrayLike<number>, S: number, V: number): Distance {
  const perState = new Float64Array(S).fill(NaN);
  let weighted = 0;
  let weight = 0;
  let worst = -1;
  for (let s = 0; s < S; s++) {
    let n = 0;
    for (let t = 0; t < V; t++) n += counts[s * V + t] ?? 0;
    if (!(n > 0)) continue;
    let d = 0;
    for (let t = 0; t < V; t++) d += Math.abs((probs[s * V + t] ?? NaN) - counts[s * V + t] / n);
    d *= 0.5;
    perState[s] = d;
    if (!Number.isFinite(d)) continue;
    weighted += n * d;
    weight += n;
    if (worst < 0 || d > perState[worst]) worst = s;
  }
  return { perState, total: weight > 0 ? weighted / weight : NaN, worst };
}
