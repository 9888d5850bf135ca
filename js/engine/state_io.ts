// A run's state in one binary blob a saved page can carry and the Python side can write:
//
//   bytes 0..7   "BGPTSTAT"
//   bytes 8..11  header length H (uint32, little-endian)
//   H bytes      header: UTF-8 JSON, padded with spaces to a multiple of 4 bytes
//   P float32    weights, little-endian, in model.parameters() order (see layout.ts:
//                transformer.wte.weight (= lm_head.weight), wpe, per block ln_1.weight,
//                ln_1.bias, attn.c_attn.weight, attn.c_proj.weight, ln_2.weight, ln_2.bias,
//                mlp.c_fc.weight, mlp.c_proj.weight; ln_f.weight, ln_f.bias; each row-major)
//   P float32    AdamW exp_avg, same order (zeros before the first step)
//   P float32    AdamW exp_avg_sq, same order
//
// The header: {"format": "babygpt-engine-state", "version": 1, "step": int,
//   "settings": {vocab_size, context_length, n_layer, n_head, n_embd, lr, weight_decay,
//                seed (decimal string), sequence (token ids)},
//   "params": [[name, [shape...]], ...]}.
// From Python: np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
// .astype("<f4").tobytes(), and likewise optimizer.state[p]["exp_avg"] / ["exp_avg_sq"].

import type { RunSettings } from "./config";
import { makeLayout } from "./layout";

/** AdamW's moments and step count (the engine's, saved with the weights). */
export interface OptimizerState {
  step: number;
  expAvg: Float32Array;
  expAvgSq: Float32Array;
}

const MAGIC = "BGPTSTAT";
export const STATE_FORMAT = "babygpt-engine-state";

export interface EngineState {
  settings: RunSettings;
  weights: Float32Array;
  optimizer: OptimizerState;
}

export function encodeState(state: EngineState): ArrayBuffer {
  const s = state.settings;
  const layout = makeLayout(s);
  const header = {
    format: STATE_FORMAT,
    version: 1,
    step: state.optimizer.step,
    settings: {
      vocab_size: s.vocabSize, context_length: s.contextLength, n_layer: s.nLayer, n_head: s.nHead, n_embd: s.nEmbd,
      lr: s.lr, weight_decay: s.weightDecay, seed: String(s.seed), sequence: Array.from(s.sequence),
    },
    params: layout.params.map((p) => [p.name, p.shape]),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 4) * 4;
  if (padded !== json.length) {
    const withPad = new Uint8Array(padded).fill(0x20);
    withPad.set(json);
    json = withPad;
  }
  const P = layout.total;
  const buf = new ArrayBuffer(12 + json.length + 12 * P);
  const bytes = new Uint8Array(buf);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(buf).setUint32(8, json.length, true);
  bytes.set(json, 12);
  const view = new DataView(buf, 12 + json.length);
  const put = (a: Float32Array, at: number) => {
    if (a.length !== P) throw new RangeError(`state: expected ${P} values per array; got ${a.length}`);
    for (let i = 0; i < P; i++) view.setFloat32((at + i) * 4, a[i], true);
  };
  put(state.weights, 0);
  put(state.optimizer.expAvg, P);
  put(state.optimizer.expAvgSq, 2 * P);
  return buf;
}

/** Parses and checks a state blob; throws RangeError naming what is wrong. */
export function decodeState(buf: ArrayBuffer): EngineState {
  if (buf.byteLength < 12 || new TextDecoder().decode(new Uint8Array(buf, 0, 8)) !== MAGIC) {
    throw new RangeError("state: not a babygpt engine state (bad magic)");
  }
  const headerLength = new DataView(buf).getUint32(8, true);
  if (headerLength % 4 !== 0 || 12 + headerLength > buf.byteLength) throw new RangeError("state: bad header length");
  let header: any;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, headerLength)));
  } catch {
    throw new RangeError("state: header is not JSON");
  }
  if (header?.format !== STATE_FORMAT || header.version !== 1) throw new RangeError("state: unknown format or version");
  const h = header.settings;
  const settings: RunSettings = {
    vocabSize: h.vocab_size, contextLength: h.context_length, nLayer: h.n_layer, nHead: h.n_head, nEmbd: h.n_embd,
    lr: h.lr, weightDecay: h.weight_decay, seed: BigInt(h.seed), sequence: h.sequence,
  };
  const layout = makeLayout(settings);
  const P = layout.total;
  const names = layout.params.map((p) => JSON.stringify([p.name, p.shape]));
  if (!Array.isArray(header.params) || header.params.length !== names.length
      || header.params.some((p: unknown, i: number) => JSON.stringify(p) !== names[i])) {
    throw new RangeError("state: parameter names or shapes do not match the settings");
  }
  if (buf.byteLength !== 12 + headerLength + 12 * P) {
    throw new RangeError(`state: expected ${12 * P} bytes of tensors; got ${buf.byteLength - 12 - headerLength}`);
  }
  if (!Number.isInteger(header.step) || header.step < 0) throw new RangeError("state: bad step");
  const view = new DataView(buf, 12 + headerLength);
  const take = (at: number) => {
    const a = new Float32Array(P);
    for (let i = 0; i < P; i++) a[i] = view.getFloat32((at + i) * 4, true);
    return a;
  };
  return { settings, weights: take(0), optimizer: { step: header.step, expAvg: take(P), expAvgSq: take(2 * P) } };
}
