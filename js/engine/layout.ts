// Where each parameter lives in the engine's one flat Float32Array: the order of
// `model.parameters()` in babygpt_widget/model.py (the tied lm_head.weight is
// transformer.wte.weight and is stored once), each tensor row-major as PyTorch stores it.

import type { ModelShape } from "./config";

export interface ParamSpec {
  name: string; // state_dict key
  shape: number[];
  offset: number;
  size: number;
}

export interface BlockOffsets {
  ln1W: number;
  ln1B: number;
  attnW: number; // (3d, d)
  attnProjW: number; // (d, d)
  ln2W: number;
  ln2B: number;
  fcW: number; // (4d, d)
  mlpProjW: number; // (d, 4d)
}

export interface Layout {
  params: ParamSpec[];
  total: number;
  wte: number; // (V, d), also lm_head.weight
  wpe: number; // (C, d)
  blocks: BlockOffsets[];
  lnfW: number;
  lnfB: number;
}

export function makeLayout(shape: ModelShape): Layout {
  const { vocabSize: V, contextLength: C, nLayer, nEmbd: d } = shape;
  const params: ParamSpec[] = [];
  let offset = 0;
  const add = (name: string, shp: number[]): number => {
    const size = shp.reduce((a, b) => a * b, 1);
    params.push({ name, shape: shp, offset, size });
    offset += size;
    return offset - size;
  };
  const wte = add("transformer.wte.weight", [V, d]);
  const wpe = add("transformer.wpe.weight", [C, d]);
  const blocks: BlockOffsets[] = [];
  for (let l = 0; l < nLayer; l++) {
    const p = `transformer.h.${l}.`;
    blocks.push({
      ln1W: add(`${p}ln_1.weight`, [d]),
      ln1B: add(`${p}ln_1.bias`, [d]),
      attnW: add(`${p}attn.c_attn.weight`, [3 * d, d]),
      attnProjW: add(`${p}attn.c_proj.weight`, [d, d]),
      ln2W: add(`${p}ln_2.weight`, [d]),
      ln2B: add(`${p}ln_2.bias`, [d]),
      fcW: add(`${p}mlp.c_fc.weight`, [4 * d, d]),
      mlpProjW: add(`${p}mlp.c_proj.weight`, [d, 4 * d]),
    });
  }
  const lnfW = add("transformer.ln_f.weight", [d]);
  const lnfB = add("transformer.ln_f.bias", [d]);
  return { params, total: offset, wte, wpe, blocks, lnfW, lnfB };
}

/** V*d + C*d + L*(12 d^2 + 4 d) + 2 d: 12,656 for the seed's model. */
export function parameterCount(shape: ModelShape): number {
  return makeLayout(shape).total;
}
