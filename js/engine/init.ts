// torch.manual_seed(seed) followed by babygpt_widget.model.GPT's initialisation, bit for bit.
// Constructing the modules draws first (nn.Embedding: N(0, 1); nn.Linear: kaiming uniform, one
// 32-bit draw per element), in creation order; only how many numbers they use matters, as
// GPT's own init overwrites them. Then nn.Module.apply visits modules depth first (wte, wpe, each block's c_attn, attn.c_proj,
// c_fc, mlp.c_proj, then lm_head), every Linear/Embedding weight ~ N(0, 0.02), LayerNorms
// ones/zeros; wte.weight *is* lm_head.weight, so it is drawn twice and keeps lm_head's draw;
// then every c_proj weight is drawn again ~ N(0, 0.02/sqrt(2 n_layer)).

import type { ModelShape } from "./config";
import type { Layout } from "./layout";
import { MT19937 } from "./mt19937";
import { normal_ } from "./torch_normal";

export function initialWeights(shape: ModelShape, layout: Layout, seed: number | bigint): Float32Array {
  const w = new Float32Array(layout.total);
  const gen = new MT19937(seed);
  const draw = (offset: number, size: number, std: number) => normal_(w.subarray(offset, offset + size), 0, std, gen);
  const { vocabSize: V, contextLength: C, nEmbd: d } = shape;
  // module construction: Embedding.reset_parameters, Linear.reset_parameters (no biases)
  const scratch = new Float32Array(Math.max(V, C) * d);
  const embeddingInit = (rows: number) => normal_(scratch.subarray(0, rows * d), 0, 1, gen);
  const linearInit = (size: number) => {
    for (let i = 0; i < size; i++) gen.random(); // uniform_(-bound, bound) on float32
  };
  embeddingInit(V);
  embeddingInit(C);
  for (let l = 0; l < shape.nLayer; l++) {
    linearInit(3 * d * d);
    linearInit(d * d);
    linearInit(4 * d * d);
    linearInit(4 * d * d);
  }
  linearInit(V * d);
  // GPT._init_weights through apply()
  draw(layout.wte, V * d, 0.02); // Embedding wte (overwritten by lm_head below)
  draw(layout.wpe, C * d, 0.02);
  for (const b of layout.blocks) {
    w.fill(1, b.ln1W, b.ln1W + d);
    w.fill(1, b.ln2W, b.ln2W + d); // biases stay 0
    draw(b.attnW, 3 * d * d, 0.02);
    draw(b.attnProjW, d * d, 0.02);
    draw(b.fcW, 4 * d * d, 0.02);
    draw(b.mlpProjW, 4 * d * d, 0.02);
  }
  w.fill(1, layout.lnfW, layout.lnfW + d);
  draw(layout.wte, V * d, 0.02); // Linear lm_head: the tied weight's final values
  const projStd = 0.02 / Math.sqrt(2 * shape.nLayer);
  for (const b of layout.blocks) {
    draw(b.attnProjW, d * d, projStd);
    draw(b.mlpProjW, 4 * d * d, projStd);
  }
  return w;
}
