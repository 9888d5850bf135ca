// One context's forward pass laid open, as babygpt_widget.explain gives it for the inside
// panel: embeddings, every layer's attention, and the residual stream after each block read
// through ln_f + lm_head ("logit lens"). Taken from the training forward's own rows.

import type { ModelShape } from "../config";
import { layerNormRow } from "../kernels/layer_norm";
import { linearRow } from "../kernels/linear";
import { softmaxRow } from "../kernels/softmax";
import type { Layout } from "../layout";
import type { ContextSpace } from "../space";
import type { Activations } from "./activations";

export interface ForwardTrace {
  tokenIds: number[]; // (T,)
  tokenEmbeddings: Float32Array; // (T, d) wte rows
  positionEmbeddings: Float32Array; // (T, d) wpe rows
  embeddings: Float32Array; // (T, d) their sum, entering block 0
  attention: Float32Array; // (n_layer, n_head, T, T) causal, rows sum to 1
  lensLogits: Float32Array; // (n_layer + 1, V): after the embeddings, then after each block
  lensProbs: Float32Array; // (n_layer + 1, V)
  logits: Float32Array; // (V,)
  probs: Float32Array; // (V,)
}

export function forwardTrace(shape: ModelShape, layout: Layout, space: ContextSpace, w: Float32Array, acts: Activations,
  context: ArrayLike<number>): ForwardTrace {
  const { nEmbd: d, nHead: H, nLayer: L, vocabSize: V, contextLength: C } = shape;
  const T = context.length;
  if (T < 1 || T > C) throw new RangeError(`context: length must be between 1 and ${C}; got ${T}`);
  for (let i = 0; i < T; i++) {
    if (!(Number.isInteger(context[i]) && context[i] >= 0 && context[i] < V)) throw new RangeError(`context: token ids must be in 0..${V - 1}`);
  }
  const node = space.nodeOf(context);
  const rows = Array.from({ length: T }, (_, t) => space.ancestors[node * C + t]);
  const tokenEmbeddings = new Float32Array(T * d);
  const positionEmbeddings = new Float32Array(T * d);
  const embeddings = new Float32Array(T * d);
  const x0 = L > 0 ? acts.layers[0].x : acts.xf;
  for (let t = 0; t < T; t++) {
    tokenEmbeddings.set(w.subarray(layout.wte + context[t] * d, layout.wte + (context[t] + 1) * d), t * d);
    positionEmbeddings.set(w.subarray(layout.wpe + t * d, layout.wpe + (t + 1) * d), t * d);
    embeddings.set(x0.subarray(rows[t] * d, (rows[t] + 1) * d), t * d);
  }
  const attention = new Float32Array(L * H * T * T);
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const src = (rows[i] * H + h) * C;
        attention.set(acts.layers[l].att.subarray(src, src + T), ((l * H + h) * T + i) * T);
      }
    }
  }
  const lensLogits = new Float32Array((L + 1) * V);
  const lensProbs = new Float32Array((L + 1) * V);
  const hidden = new Float32Array(d);
  const stats = new Float32Array(2);
  const batchRows = space.leaves * C;
  for (let l = 0; l <= L; l++) {
    const stream = l < L ? acts.layers[l].x : acts.xf;
    layerNormRow(stream, node * d, d, w, layout.lnfW, w, layout.lnfB, hidden, 0, stats, 0);
    linearRow(hidden, 0, w, layout.wte, V, d, lensLogits, l * V, batchRows);
    softmaxRow(lensLogits, l * V, V, lensProbs, l * V);
  }
  return {
    tokenIds: Array.from(context), tokenEmbeddings, positionEmbeddings, embeddings, attention, lensLogits, lensProbs,
    logits: lensLogits.slice(L * V), probs: lensProbs.slice(L * V),
  };
}
