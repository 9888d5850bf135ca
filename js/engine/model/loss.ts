// The Python engine's loss (trainer.py): the seed's mean cross-entropy over the training
// windows, written as F.cross_entropy(logits of every full context, counts as soft targets,
// reduction="sum") / n_windows. In ATen that is -(log_softmax(logits) * counts).sum() / n.

import { fround } from "../f32";
import { logSoftmaxBackwardRow, logSoftmaxRow, softmaxRow } from "../kernels/softmax";
import { sumAll } from "../kernels/torch_sum";
import type { ContextSpace } from "../space";

export class Loss {
  readonly logp: Float32Array; // (leaves, V)
  private readonly products: Float32Array;
  private readonly dlogp: Float32Array;

  constructor(private readonly space: ContextSpace, private readonly V: number) {
    this.logp = new Float32Array(space.leaves * V);
    this.products = new Float32Array(space.leaves * V);
    this.dlogp = new Float32Array(V);
  }

  /** Loss of the current logits; `counts` is (nodes, V), its leaf rows are the windows. */
  value(logits: Float32Array, counts: Float32Array, nWindows: number): number {
    const { space, V } = this;
    for (let s = 0; s < space.leaves; s++) {
      const n = space.leafStart + s;
      logSoftmaxRow(logits, n * V, V, this.logp, s * V);
      for (let v = 0; v < V; v++) this.products[s * V + v] = fround(this.logp[s * V + v] * counts[n * V + v]);
    }
    const total = sumAll(this.products, space.leaves * V);
    return fround(-total / fround(nWindows));
  }

  /**
   * d loss / d logits of leaf s into out[oo .. oo+V): autograd's chain for the expression above
   * (div -> neg -> sum -> mul by the counts -> log_softmax backward). Call after value().
   */
  gradient(s: number, counts: Float32Array, nWindows: number, out: Float32Array, oo: number): void {
    const { space, V } = this;
    const g = -fround(1 / fround(nWindows));
    const n = space.leafStart + s;
    for (let v = 0; v < V; v++) this.dlogp[v] = fround(g * counts[n * V + v]);
    logSoftmaxBackwardRow(this.dlogp, 0, this.logp, s * V, V, out, oo);
  }
}

/** Next-token probabilities of every node: torch.softmax over the logits' last dimension. */
export function probabilities(logits: Float32Array, nodes: number, V: number, out: Float32Array): void {
  for (let n = 0; n < nodes; n++) softmaxRow(logits, n * V, V, out, n * V);
}
