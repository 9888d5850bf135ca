// The model's shape and the run's settings, checked like babygpt_widget/config.py checks them
// (each error names the field and the allowed values).

export interface ModelShape {
  vocabSize: number; // V
  contextLength: number; // C (block_size)
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

export interface RunSettings extends ModelShape {
  sequence: Int32Array | number[]; // token ids 0..V-1
  lr: number;
  weightDecay: number;
  seed: number | bigint;
  teach?: TeachSpec | null; // rows set by hand, in force while a nudge / teach trains (model/teach.ts)
}

/** Python's `teach` setting (core/teach_targets.py): each row's context (C token ids) trains
 *  toward `probs` (V probabilities in token order) as one soft-label example of `weight` windows. */
export interface TeachSpec {
  rows: { context: number[]; probs: number[] }[];
  weight: number;
}

export const MAX_STATES = 4096;
export const MAX_EDGES = 16_384;
export const MAX_N_LAYER = 12;
export const MAX_N_HEAD = 16;
export const MAX_N_EMBD = 256;
export const MAX_LR = 10;
export const MAX_WEIGHT_DECAY = 10;
export const MAX_SEQUENCE_LENGTH = 100_000;
export const MAX_SEED = 2n ** 63n - 1n;

export const MAX_TAUGHT_STATES = 64; // teach_targets.MAX_TAUGHT_STATES
export const MAX_TEACH_WEIGHT = 1_000_000;
export const ROW_TOLERANCE = 1e-6; // a taught row's probabilities sum to 1 within this

import { costRefusal } from "./cost";

export class EngineConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "EngineConfigError";
  }
}

function checkInt(field: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high) {
    throw new EngineConfigError(field, `must be an integer from ${low} to ${high}; got ${String(value)}`);
  }
  return value;
}

function checkFloat(field: string, value: unknown, low: number, high: number, lowOpen: boolean): number {
  const allowed = `${lowOpen ? "greater than" : "from"} ${low} ${lowOpen ? "and at most" : "to"} ${high}`;
  if (typeof value !== "number" || !Number.isFinite(value) || value < low || (lowOpen && value === low) || value > high) {
    throw new EngineConfigError(field, `must be a finite number ${allowed}; got ${String(value)}`);
  }
  return value;
}

/**
 * Checks every setting; returns the settings with the sequence as an Int32Array. `blame`: the
 * field to name when the settings together are too costly (the one just changed; else n_embd).
 */
export function validateSettings(s: RunSettings, blame = "n_embd"): RunSettings {
  const V = checkInt("alphabet", s.vocabSize, 2, 128);
  const C = checkInt("context_length", s.contextLength, 1, 12);
  if (V ** C > MAX_STATES || V ** C * V > MAX_EDGES) {
    throw new EngineConfigError("context_length", `${V}**${C} states with ${V} edges each is above the cap of ${MAX_STATES} states / ${MAX_EDGES} edges`);
  }
  const nLayer = checkInt("n_layer", s.nLayer, 1, MAX_N_LAYER);
  const nHead = checkInt("n_head", s.nHead, 1, MAX_N_HEAD);
  const nEmbd = checkInt("n_embd", s.nEmbd, 1, MAX_N_EMBD);
  if (nEmbd % nHead !== 0) throw new EngineConfigError("n_embd", `must be divisible by n_head (${nHead}); got ${nEmbd}`);
  const seq = Int32Array.from(s.sequence);
  if (seq.length < C + 1 || seq.length > MAX_SEQUENCE_LENGTH) {
    throw new EngineConfigError("sequence", `length must be between context_length + 1 = ${C + 1} and ${MAX_SEQUENCE_LENGTH}; got ${seq.length}`);
  }
  for (const t of seq) {
    if (!(t >= 0 && t < V)) throw new EngineConfigError("sequence", `token ids must be in 0..${V - 1}; got ${t}`);
  }
  const lr = checkFloat("lr", s.lr, 0, MAX_LR, true);
  const weightDecay = checkFloat("weight_decay", s.weightDecay, 0, MAX_WEIGHT_DECAY, false);
  const seed = s.seed;
  const seedOk = typeof seed === "bigint" ? seed >= 0n && seed <= MAX_SEED : Number.isSafeInteger(seed) && seed >= 0;
  if (!seedOk) throw new EngineConfigError("seed", `must be an integer from 0 to 2**63 - 1 (a bigint above 2**53); got ${String(seed)}`);
  const refusal = costRefusal(V, C, nLayer, nHead, nEmbd, seq.length);
  if (refusal !== null) throw new EngineConfigError(blame, refusal);
  const teach = s.teach == null ? null : validateTeach(s.teach, V, C);
  return { vocabSize: V, contextLength: C, nLayer, nHead, nEmbd, sequence: seq, lr, weightDecay, seed, teach };
}

/** Neumaier's compensated sum (Python checks a row with math.fsum). */
function fsum(values: number[]): number {
  let sum = 0;
  let c = 0;
  for (const x of values) {
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Checks a teach setting like teach_targets.parse_teach; returns a copy. */
export function validateTeach(t: TeachSpec, V: number, C: number): TeachSpec {
  const fail = (message: string): never => {
    throw new EngineConfigError("teach", message);
  };
  if (typeof t !== "object" || t === null || !Array.isArray(t.rows)) fail(`must be {rows: [{context, probs}, ...], weight} or null; got ${String(t)}`);
  const w = t.weight;
  if (typeof w !== "number" || !Number.isFinite(w) || w <= 0 || w > MAX_TEACH_WEIGHT) {
    fail(`weight must be a number greater than 0 and at most ${MAX_TEACH_WEIGHT.toLocaleString("en")} (training windows one taught row counts as); got ${String(w)}`);
  }
  if (t.rows.length < 1 || t.rows.length > MAX_TAUGHT_STATES) fail(`needs 1 to ${MAX_TAUGHT_STATES} distinct states; got ${t.rows.length} rows`);
  const seen = new Set<string>();
  const rows = t.rows.map((row, i) => {
    const ctx = row?.context;
    if (!Array.isArray(ctx) || ctx.length !== C || !ctx.every((id) => Number.isInteger(id) && id >= 0 && id < V)) {
      fail(`row ${i}: context must be ${C} token ids in 0..${V - 1}; got ${JSON.stringify(ctx)}`);
    }
    const key = ctx.join(",");
    if (seen.has(key)) fail(`row ${i}: context ${JSON.stringify(ctx)} is taught twice; needs distinct states`);
    seen.add(key);
    const probs = row.probs;
    if (!Array.isArray(probs) || probs.length !== V) fail(`row ${i}: needs ${V} probabilities; got ${Array.isArray(probs) ? probs.length : String(probs)}`);
    probs.forEach((p, j) => {
      if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 1) fail(`row ${i}: probability ${j} must be from 0 to 1; got ${String(p)}`);
    });
    const total = fsum(probs);
    if (Math.abs(total - 1) > ROW_TOLERANCE) fail(`row ${i}: the row's probabilities must sum to 1; they sum to ${total.toPrecision(6)}`);
    return { context: ctx.slice(), probs: probs.slice() };
  });
  return { rows, weight: w };
}
