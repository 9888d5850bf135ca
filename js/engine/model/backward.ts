// The backward pass, written out for this model (no autodiff), following the Python engine's
// own hand-written one (block_function.py) and autograd's order for the rest, row by row in
// PyTorch's batch order: every full context that occurs in the data, lexicographic, each with
// its C positions (row r = context * C + position). Rows of contexts not in the data carry
// zero gradient in PyTorch too; leaving them out changes no sum.

import type { ModelShape } from "../config";
import { fround } from "../f32";
import { geluBackwardRow } from "../gelu";
import { layerNormBackwardRow } from "../kernels/layer_norm";
import { linearBackwardRow, WeightGradient } from "../kernels/linear";
import { softmaxBackwardRow } from "../kernels/softmax";
import { sumRows } from "../kernels/torch_sum";
import type { Layout } from "../layout";
import type { ContextSpace } from "../space";
import type { Activations } from "./activations";
import { AttentionSums } from "./attention_math";
import type { Loss } from "./loss";

interface LayerGradients {
  attn: WeightGradient;
  attnProj: WeightGradient;
  fc: WeightGradient;
  mlpProj: WeightGradient;
}

export class Backward {
  private readonly d: number;
  private readonly hs: number;
  private readonly C: number;
  private readonly scale: number;
  private readonly sums: AttentionSums;
  private readonly layers: LayerGradients[];
  private readonly lm: WeightGradient;
  private readonly lmGrad: Float32Array;
  private readonly wteEmb: Float32Array;
  private readonly posGrad: Float32Array; // (leaves, C*d): every context's input gradient, for wpe
  private readonly wpeGrad: Float32Array;
  // per-window row buffers (C rows)
  private readonly dx3: Float32Array;
  private readonly dx2: Float32Array;
  private readonly dtmp: Float32Array;
  private readonly dz: Float32Array;
  private readonly df: Float32Array;
  private readonly dy: Float32Array;
  private readonly dqkv: Float32Array;
  private readonly ds: Float32Array;
  private readonly dlogit: Float32Array;
  private readonly dhf: Float32Array;
  private readonly nodesOf: Int32Array;
  private readonly R: number; // rows of PyTorch's batch: MKL's M
  private readonly hAtt: Float32Array;
  private readonly hq: Float32Array;
  private readonly hk: Float32Array;
  private readonly hv: Float32Array;
  private readonly hdy: Float32Array;

  constructor(private readonly shape: ModelShape, private readonly layout: Layout, private readonly space: ContextSpace,
    readonly grads: Float32Array) {
    const { nEmbd: d, contextLength: C, vocabSize: V } = shape;
    this.d = d;
    this.C = C;
    this.hs = d / shape.nHead;
    this.scale = fround(1 / Math.sqrt(this.hs));
    this.sums = new AttentionSums(C, this.hs);
    const R = space.leaves * C; // rows of PyTorch's batch
    this.R = R;
    const sub = (o: number, n: number) => grads.subarray(o, o + n);
    this.layers = layout.blocks.map((b) => ({
      attn: new WeightGradient(sub(b.attnW, 3 * d * d), R, 3 * d, d),
      attnProj: new WeightGradient(sub(b.attnProjW, d * d), R, d, d),
      fc: new WeightGradient(sub(b.fcW, 4 * d * d), R, 4 * d, d),
      mlpProj: new WeightGradient(sub(b.mlpProjW, 4 * d * d), R, d, 4 * d),
    }));
    this.lmGrad = new Float32Array(V * d);
    this.lm = new WeightGradient(this.lmGrad, R, V, d);
    this.wteEmb = new Float32Array(V * d);
    this.posGrad = new Float32Array(space.leaves * C * d);
    this.wpeGrad = new Float32Array(C * d);
    this.dx3 = new Float32Array(C * d);
    this.dx2 = new Float32Array(C * d);
    this.dtmp = new Float32Array(C * d);
    this.dz = new Float32Array(4 * d);
    this.df = new Float32Array(C * 4 * d);
    this.dy = new Float32Array(C * d);
    this.dqkv = new Float32Array(C * 3 * d);
    this.ds = new Float32Array(C * C);
    this.dlogit = new Float32Array(V);
    this.dhf = new Float32Array(d);
    this.nodesOf = new Int32Array(C);
    this.hAtt = new Float32Array(C * C);
    this.hq = new Float32Array(C * this.hs);
    this.hk = new Float32Array(C * this.hs);
    this.hv = new Float32Array(C * this.hs);
    this.hdy = new Float32Array(C * this.hs);
  }

  /** Gradients of the loss for the activations of the last forward, into `grads`. */
  run(w: Float32Array, acts: Activations, loss: Loss, counts: Float32Array, nWindows: number): void {
    const { space, layout, d, C, grads } = this;
    const V = this.shape.vocabSize;
    grads.fill(0);
    for (const lg of this.layers) {
      lg.attn.reset();
      lg.attnProj.reset();
      lg.fc.reset();
      lg.mlpProj.reset();
    }
    this.lm.reset();
    this.wteEmb.fill(0);
    this.posGrad.fill(0);
    for (let s = 0; s < space.leaves; s++) {
      const leaf = space.leafStart + s;
      let seen = false;
      for (let v = 0; v < V; v++) if (counts[leaf * V + v] !== 0) seen = true;
      if (!seen) continue;
      for (let t = 0; t < C; t++) this.nodesOf[t] = space.ancestors[leaf * C + t];
      // cross-entropy -> lm_head -> ln_f, the last position only
      loss.gradient(s, counts, nWindows, this.dlogit, 0);
      const rLast = s * C + C - 1;
      this.lm.addRow(rLast, this.dlogit, 0, acts.hf, leaf * d);
      linearBackwardRow(this.dlogit, 0, w, layout.wte, V, d, this.dhf, 0, this.R);
      this.dx3.fill(0);
      layerNormBackwardRow(this.dhf, 0, acts.xf, leaf * d, d, acts.lnf[2 * leaf], acts.lnf[2 * leaf + 1], w, layout.lnfW,
        this.dx3, (C - 1) * d, grads, layout.lnfW, grads, layout.lnfB);
      for (let l = this.layers.length - 1; l >= 0; l--) this.block(w, acts, l, s);
      // embeddings: wte by index_add in row order, wpe through the batch sum below
      for (let t = 0; t < C; t++) {
        const te = space.token[this.nodesOf[t]] * d;
        for (let c = 0; c < d; c++) this.wteEmb[te + c] = fround(this.wteEmb[te + c] + this.dx3[t * d + c]);
      }
      this.posGrad.set(this.dx3, s * C * d);
    }
    for (const lg of this.layers) {
      lg.attn.flush();
      lg.attnProj.flush();
      lg.fc.flush();
      lg.mlpProj.flush();
    }
    this.lm.flush();
    sumRows(this.posGrad, space.leaves, C * d, this.wpeGrad);
    grads.set(this.wpeGrad, layout.wpe);
    for (let i = 0; i < V * d; i++) grads[layout.wte + i] = fround(this.lmGrad[i] + this.wteEmb[i]);
  }

  /** BlocksFunction._backward for one context's C rows: dx3 (block output grad) -> block input grad. */
  private block(w: Float32Array, acts: Activations, l: number, s: number): void {
    const { d, C, hs, sums, nodesOf, dx3, dx2, dtmp, dz, df, dy, dqkv, ds, grads } = this;
    const H = this.shape.nHead;
    const a = acts.layers[l];
    const b = this.layout.blocks[l];
    const lg = this.layers[l];
    const r0 = s * C;
    // MLP
    for (let t = 0; t < C; t++) {
      const n = nodesOf[t];
      lg.mlpProj.addRow(r0 + t, dx3, t * d, a.g, n * 4 * d);
    }
    for (let t = 0; t < C; t++) {
      const n = nodesOf[t];
      linearBackwardRow(dx3, t * d, w, b.mlpProjW, d, 4 * d, dz, 0, this.R);
      geluBackwardRow(dz, 0, a.f, n * 4 * d, df, t * 4 * d, 4 * d);
    }
    for (let t = 0; t < C; t++) lg.fc.addRow(r0 + t, df, t * 4 * d, a.h2, nodesOf[t] * d);
    for (let t = 0; t < C; t++) {
      const n = nodesOf[t];
      linearBackwardRow(df, t * 4 * d, w, b.fcW, 4 * d, d, dz, 0, this.R);
      layerNormBackwardRow(dz, 0, a.x2, n * d, d, a.ln2[2 * n], a.ln2[2 * n + 1], w, b.ln2W, dtmp, t * d, grads, b.ln2W, grads, b.ln2B);
    }
    for (let i = 0; i < C * d; i++) dx2[i] = fround(dtmp[i] + dx3[i]);
    // attention
    for (let t = 0; t < C; t++) lg.attnProj.addRow(r0 + t, dx2, t * d, a.y, nodesOf[t] * d);
    for (let t = 0; t < C; t++) linearBackwardRow(dx2, t * d, w, b.attnProjW, d, d, dy, t * d, this.R);
    const q3 = 3 * d;
    const { hAtt, hq, hk, hv, hdy } = this;
    for (let h = 0; h < H; h++) {
      const ho = h * hs;
      // this head's rows, gathered: att (C x C, zero above the diagonal), q, k, v, dy (C x hs)
      for (let i = 0; i < C; i++) {
        const n = nodesOf[i];
        const attOff = (n * H + h) * C;
        for (let j = 0; j < C; j++) hAtt[i * C + j] = a.att[attOff + j];
        const qo = n * q3 + ho;
        for (let c = 0; c < hs; c++) {
          hq[i * hs + c] = a.qkv[qo + c];
          hk[i * hs + c] = a.qkv[qo + d + c];
          hv[i * hs + c] = a.qkv[qo + 2 * d + c];
          hdy[i * hs + c] = dy[i * d + ho + c];
        }
      }
      // dv[j] = sum_i att[i][j] dy[i]   (i < j contribute zeros)
      for (let j = 0; j < C; j++) {
        for (let c = 0; c < hs; c++) {
          let acc = 0;
          for (let i = j; i < C; i++) acc = sums.add(acc, hAtt[i * C + j], hdy[i * hs + c]);
          dqkv[j * q3 + 2 * d + ho + c] = acc;
        }
      }
      // dscores = softmax_backward(dy v^T, att) / sqrt(hs), rows' masked entries 0
      for (let i = 0; i < C; i++) {
        for (let j = 0; j <= i; j++) ds[i * C + j] = sums.dot(hdy, i * hs, hv, j * hs, j);
        softmaxBackwardRow(ds, i * C, hAtt, i * C, i + 1, ds, i * C);
        for (let j = 0; j <= i; j++) ds[i * C + j] = fround(ds[i * C + j] * this.scale);
        for (let j = i + 1; j < C; j++) ds[i * C + j] = 0;
      }
      // dq[i] = sum_j ds[i][j] k[j];  dk[j] = sum_i ds[i][j] q[i]
      for (let i = 0; i < C; i++) {
        for (let c = 0; c < hs; c++) {
          let acc = 0;
          for (let j = 0; j <= i; j++) acc = sums.add(acc, ds[i * C + j], hk[j * hs + c]);
          dqkv[i * q3 + ho + c] = acc;
        }
      }
      for (let j = 0; j < C; j++) {
        for (let c = 0; c < hs; c++) {
          let acc = 0;
          for (let i = j; i < C; i++) acc = sums.add(acc, ds[i * C + j], hq[i * hs + c]);
          dqkv[j * q3 + d + ho + c] = acc;
        }
      }
    }
    for (let t = 0; t < C; t++) lg.attn.addRow(r0 + t, dqkv, t * q3, a.h1, nodesOf[t] * d);
    for (let t = 0; t < C; t++) {
      const n = nodesOf[t];
      linearBackwardRow(dqkv, t * q3, w, b.attnW, q3, d, dz, 0, this.R);
      layerNormBackwardRow(dz, 0, a.x, n * d, d, a.ln1[2 * n], a.ln1[2 * n + 1], w, b.ln1W, dtmp, t * d, grads, b.ln1W, grads, b.ln1B);
    }
    for (let i = 0; i < C * d; i++) dx3[i] = fround(dtmp[i] + dx2[i]);
  }
}

