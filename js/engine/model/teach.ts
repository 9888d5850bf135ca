// Taught rows (Python's `teach` setting, core/teach_targets.py + Trainer.set_counts): while a
// nudge or teach trains, each taught context's row of the count matrix is replaced by
// weight * target, computed in double as numpy does and rounded to float32 as torch.as_tensor
// does, and the loss divides by the float32 sum of the full contexts' rows (torch's
// `full.sum()`, whose order matters now that counts are fractional). The loss the run records
// stays the data's (engine.ts).

import type { TeachSpec } from "../config";
import { sumAll } from "../kernels/torch_sum";
import type { ContextSpace } from "../space";

/** The counts a step trains on (nodes x V; only the full contexts' rows train) and their windows. */
export interface TrainingTarget {
  counts: Float32Array;
  nWindows: number;
}

/** The data's counts as they are, or a copy with the taught rows; `windows`: the data's. */
export function trainingTarget(space: ContextSpace, data: Float32Array, windows: number, teach: TeachSpec | null | undefined): TrainingTarget {
  if (teach == null) return { counts: data, nWindows: windows };
  const V = space.V;
  const counts = data.slice();
  for (const row of teach.rows) {
    const at = space.nodeOf(row.context) * V;
    for (let v = 0; v < V; v++) counts[at + v] = Math.fround(teach.weight * row.probs[v]);
  }
  const leaves = counts.subarray(space.leafStart * V, (space.leafStart + space.leaves) * V);
  return { counts, nWindows: sumAll(leaves, leaves.length) };
}
