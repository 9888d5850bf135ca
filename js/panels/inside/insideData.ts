// The inside panel's data: the `inside` trait (one state's forward pass, from Python's explain)
// and the `inside_replay` a saved page carries, read defensively (traits come over the wire).

/** One state's forward pass at one training step (docs/state-contract.md, `inside`). */
export interface Inside {
  state: string;
  step: number;
  tokens: string[];
  /** [T][d] wte rows of the context's tokens. */
  token_embeddings: number[][];
  /** [T][d] wpe rows of positions 0..T-1. */
  position_embeddings: number[][];
  /** [layer][head][T][T]: row = the position attending (from), column = the position attended (to). */
  attention: number[][][][];
  /** [n_layer + 1][V]: row 0 after the embeddings, row l after block l; the last is `probs`. */
  lens_probs: number[][];
  logits: number[];
  probs: number[];
  /** First lens row from which the top token is the final one and stays so. */
  decided_at: number;
  /** The step asked for, when the kernel answered at the nearest step it could rebuild in time. */
  asked?: number;
}

/** Precomputed explanations of a saved page: entries[state][k] is at steps[k]. */
export interface InsideReplay {
  steps: number[];
  states: string[];
  entries: Record<string, Inside[]>;
  /** Every step save_html chose was saved (else the time or size budget cut it short). */
  complete: boolean;
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isArr = Array.isArray;
const nums = (v: unknown, n?: number): v is number[] => isArr(v) && (n === undefined || v.length === n) && v.every(isNum);
const matrix = (v: unknown, rows: number, cols?: number): v is number[][] => isArr(v) && v.length === rows && v.every((r) => nums(r, cols));

/** The trait as an Inside, or null when empty or malformed (a closed panel). */
export function parseInside(v: unknown): Inside | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const tokens = o.tokens;
  if (typeof o.state !== "string" || !isNum(o.step) || !isArr(tokens) || !tokens.every((t) => typeof t === "string")) return null;
  const T = tokens.length;
  const probs = o.probs;
  if (!nums(probs) || probs.length === 0) return null;
  const V = probs.length;
  const att = o.attention;
  if (!isArr(att) || att.length === 0 || !att.every((l) => isArr(l) && l.length > 0 && l.every((h) => matrix(h, T, T)))) return null;
  const L = att.length;
  if (!matrix(o.token_embeddings, T) || !matrix(o.position_embeddings, T) || !matrix(o.lens_probs, L + 1, V)) return null;
  if (!nums(o.logits, V) || !isNum(o.decided_at)) return null;
  return v as Inside;
}

export function parseReplay(v: unknown): InsideReplay | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (!nums(o.steps) || !isArr(o.states) || typeof o.entries !== "object" || o.entries === null) return null;
  return { steps: o.steps, states: o.states.filter((s): s is string => typeof s === "string"), entries: o.entries as Record<string, Inside[]>, complete: o.complete === true };
}

/** The saved explanation of `state` nearest at or before `step` (else the first saved), or null. */
export function replayAt(replay: InsideReplay | null, state: string, step: number): Inside | null {
  const rows = replay?.entries[state];
  if (!replay || !isArr(rows) || rows.length === 0) return null;
  let k = 0;
  for (let i = 0; i < replay.steps.length; i++) if (replay.steps[i] <= step) k = i;
  return parseInside(rows[Math.min(k, rows.length - 1)]);
}

/** softmax(logits / T); T = 0 is greedy: all mass on the argmax (the first one on ties). */
export function temperedProbs(logits: readonly number[], temperature: number): number[] {
  if (!(temperature > 0)) {
    const top = argmax(logits);
    return logits.map((_, i) => (i === top ? 1 : 0));
  }
  const z = logits.map((l) => l / temperature);
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/** The largest |value| of a matrix (a symmetric colour scale's half-range; 1 when all zero). */
export function maxAbs(rows: readonly (readonly number[])[]): number {
  let m = 0;
  for (const r of rows) for (const x of r) m = Math.max(m, Math.abs(x));
  return m > 0 ? m : 1;
}
