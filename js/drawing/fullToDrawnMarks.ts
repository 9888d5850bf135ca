// The node marks (model/data bars) as the app sees them: full-chain rows in, the rows of
// the drawn states (all of them, or a focus view's) out. Remembers the last rows so a change
// of what is drawn can re-apply them.
import type { NodeMarks } from "./nodeMarks";

/** Rows `nodes` of a states × V array, in that order. */
export function gather(rows: ArrayLike<number>, nodes: number[], V: number): Float64Array {
  const out = new Float64Array(nodes.length * V).fill(NaN);
  nodes.forEach((s, i) => {
    for (let t = 0; t < V; t++) if (s * V + t < rows.length) out[i * V + t] = rows[s * V + t];
  });
  return out;
}

export class MappedMarks {
  private nodes: number[] | null = null;
  private V = 0;
  private model: ArrayLike<number> | null = null;
  private data: ArrayLike<number> | null = null;

  constructor(private readonly marks: NodeMarks) {}

  get enabled(): boolean {
    return this.marks.enabled;
  }

  setMap(nodes: number[] | null, V: number): void {
    this.nodes = nodes;
    this.V = V;
  }

  setModel(probs: ArrayLike<number> | null): void {
    this.model = probs;
    this.marks.setModel(this.map(probs));
  }

  setData(counts: ArrayLike<number> | null): void {
    this.data = counts;
    this.marks.setData(this.map(counts));
  }

  reapply(): void {
    this.marks.setModel(this.map(this.model));
    this.marks.setData(this.map(this.data));
  }

  private map(rows: ArrayLike<number> | null): ArrayLike<number> | null {
    return rows && this.nodes ? gather(rows, this.nodes, this.V) : rows;
  }
}
