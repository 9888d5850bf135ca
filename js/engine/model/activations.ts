// Everything the forward pass keeps for the backward pass, one row per trie node.

import type { ModelShape } from "../config";
import type { ContextSpace } from "../space";

export interface LayerActivations {
  x: Float32Array; // (N, d) the block's input (the residual stream)
  h1: Float32Array; // (N, d) ln_1(x)
  ln1: Float32Array; // (N, 2) mean, rstd
  qkv: Float32Array; // (N, 3d) c_attn(h1): q | k | v, heads contiguous inside each
  att: Float32Array; // (N, H, C) attention weights over the node's ancestors (0 past its position)
  y: Float32Array; // (N, d) attention output, heads concatenated
  x2: Float32Array; // (N, d) x + c_proj(y)
  h2: Float32Array; // (N, d) ln_2(x2)
  ln2: Float32Array; // (N, 2)
  f: Float32Array; // (N, 4d) c_fc(h2)
  g: Float32Array; // (N, 4d) gelu(f)
}

export class Activations {
  readonly layers: LayerActivations[];
  readonly xf: Float32Array; // (N, d) the last block's output
  readonly hf: Float32Array; // (N, d) ln_f(xf)
  readonly lnf: Float32Array; // (N, 2)
  readonly logits: Float32Array; // (N, V)

  constructor(shape: ModelShape, space: ContextSpace) {
    const N = space.nodes;
    const { nEmbd: d, nHead: H, contextLength: C, vocabSize: V } = shape;
    this.layers = [];
    for (let l = 0; l < shape.nLayer; l++) {
      this.layers.push({
        x: new Float32Array(N * d), h1: new Float32Array(N * d), ln1: new Float32Array(N * 2),
        qkv: new Float32Array(N * 3 * d), att: new Float32Array(N * H * C), y: new Float32Array(N * d),
        x2: new Float32Array(N * d), h2: new Float32Array(N * d), ln2: new Float32Array(N * 2),
        f: new Float32Array(N * 4 * d), g: new Float32Array(N * 4 * d),
      });
    }
    this.xf = new Float32Array(N * d);
    this.hf = new Float32Array(N * d);
    this.lnf = new Float32Array(N * 2);
    this.logits = new Float32Array(N * V);
  }
}
