// The forward pass over every context at once (one row per trie node), each row computed
// with the same operations, in the same order, as PyTorch's batched forward computes the
// corresponding (context, position) row in babygpt_widget (model.py, block_function.py):
// rows never mix, so a node's values equal those of every full context that starts with it.

import type { ModelShape } from "../config";
import { fround } from "../f32";
import { geluForwardRow } from "../gelu";
import { layerNormRow } from "../kernels/layer_norm";
import { linearRow } from "../kernels/linear";
import { softmaxRow } from "../kernels/softmax";
import type { Layout } from "../layout";
import type { ContextSpace } from "../space";
import type { Activations } from "./activations";
import { AttentionSums } from "./attention_math";

export class Forward {
  private readonly d: number;
  private readonly hs: number;
  private readonly alpha: number;
  private readonly scores: Float32Array;
  private readonly tmp: Float32Array;
  private readonly rows: number; // rows of PyTorch's batch (every full context x C): MKL's M
  private readonly sums: AttentionSums;

  constructor(private readonly shape: ModelShape, private readonly layout: Layout, private readonly space: ContextSpace) {
    this.d = shape.nEmbd;
    this.hs = shape.nEmbd / shape.nHead;
    this.alpha = fround(1 / Math.sqrt(this.hs)); // baddbmm's alpha, a double cast to float
    this.scores = new Float32Array(shape.contextLength);
    this.tmp = new Float32Array(4 * shape.nEmbd);
    this.rows = space.leaves * shape.contextLength;
    this.sums = new AttentionSums(shape.contextLength, this.hs);
  }

  run(w: Float32Array, acts: Activations): void {
    const { space, layout, d } = this;
    const N = space.nodes;
    const x0 = acts.layers.length > 0 ? acts.layers[0].x : acts.xf;
    for (let n = 0; n < N; n++) {
      const te = layout.wte + space.token[n] * d;
      const pe = layout.wpe + space.position[n] * d;
      for (let c = 0; c < d; c++) x0[n * d + c] = fround(w[te + c] + w[pe + c]);
    }
    for (let l = 0; l < acts.layers.length; l++) {
      const next = l + 1 < acts.layers.length ? acts.layers[l + 1].x : acts.xf;
      this.block(w, l, acts, next);
    }
    for (let n = 0; n < N; n++) {
      layerNormRow(acts.xf, n * d, d, w, layout.lnfW, w, layout.lnfB, acts.hf, n * d, acts.lnf, 2 * n);
      linearRow(acts.hf, n * d, w, layout.wte, this.shape.vocabSize, d, acts.logits, n * this.shape.vocabSize, this.rows);
    }
  }

  private block(w: Float32Array, l: number, acts: Activations, out: Float32Array): void {
    const { space, d, hs, alpha, scores, tmp, sums, rows } = this;
    const { nHead: H, contextLength: C } = this.shape;
    const b = this.layout.blocks[l];
    const a = acts.layers[l];
    for (let n = 0; n < space.nodes; n++) {
      const r = n * d;
      layerNormRow(a.x, r, d, w, b.ln1W, w, b.ln1B, a.h1, r, a.ln1, 2 * n);
      linearRow(a.h1, r, w, b.attnW, 3 * d, d, a.qkv, n * 3 * d, rows);
      // causal attention over the node's ancestors (the seed's softmax(q k^T / sqrt(hs)) under a
      // mask: masked scores are -inf, exp(-inf) = 0 adds nothing, so they are left out)
      const pos = space.position[n];
      for (let h = 0; h < H; h++) {
        const qo = n * 3 * d + h * hs;
        for (let j = 0; j <= pos; j++) {
          const anc = space.ancestors[n * C + j];
          scores[j] = fround(alpha * sums.dot(a.qkv, qo, a.qkv, anc * 3 * d + d + h * hs, j));
        }
        const ao = (n * H + h) * C;
        softmaxRow(scores, 0, pos + 1, a.att, ao);
        a.att.fill(0, ao + pos + 1, ao + C);
        for (let c = 0; c < hs; c++) {
          let acc = 0;
          for (let j = 0; j <= pos; j++) {
            const v = a.qkv[space.ancestors[n * C + j] * 3 * d + 2 * d + h * hs + c];
            acc = sums.add(acc, a.att[ao + j], v);
          }
          a.y[r + h * hs + c] = acc;
        }
      }
      linearRow(a.y, r, w, b.attnProjW, d, d, tmp, 0, rows);
      for (let c = 0; c < d; c++) a.x2[r + c] = fround(a.x[r + c] + tmp[c]);
      layerNormRow(a.x2, r, d, w, b.ln2W, w, b.ln2B, a.h2, r, a.ln2, 2 * n);
      const fo = n * 4 * d;
      linearRow(a.h2, r, w, b.fcW, 4 * d, d, a.f, fo, rows);
      geluForwardRow(a.f, fo, a.g, fo, 4 * d);
      linearRow(a.g, fo, w, b.mlpProjW, d, 4 * d, tmp, 0, rows);
      for (let c = 0; c < d; c++) out[r + c] = fround(a.x2[r + c] + tmp[c]);
    }
  }
}
