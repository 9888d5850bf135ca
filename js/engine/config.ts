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
  return { vocabSize: V, contextLength: C, nLayer, nHead, nEmbd, sequence: seq, lr, weightDecay, seed };
}
