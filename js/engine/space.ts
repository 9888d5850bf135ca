// Every context of length 1..C as one node of a prefix trie, in the order of babygpt_widget's
// StateSpace(include_prefixes=True): shorter contexts first, each length lexicographic. Under
// causal attention a context's hidden state at position j is the state of its first j + 1
// tokens, so the forward runs once per node and a full context's rows are its ancestors.

export class ContextSpace {
  readonly nodes: number;
  readonly leaves: number; // V**C full-length contexts
  readonly leafStart: number;
  readonly offsets: number[]; // offsets[L]: first node of length L (L = 1..C)
  readonly token: Int32Array; // each node's newest token
  readonly position: Int32Array; // its length - 1
  readonly ancestors: Int32Array; // node n's length-(m+1) prefix at n*C + m, m <= position

  constructor(readonly V: number, readonly C: number) {
    this.offsets = [0, 0];
    let total = 0;
    for (let L = 1; L <= C; L++) {
      this.offsets[L] = total;
      total += V ** L;
    }
    this.nodes = total;
    this.leaves = V ** C;
    this.leafStart = this.offsets[C];
    this.token = new Int32Array(total);
    this.position = new Int32Array(total);
    this.ancestors = new Int32Array(total * C);
    for (let L = 1; L <= C; L++) {
      for (let i = 0; i < V ** L; i++) {
        const n = this.offsets[L] + i;
        this.token[n] = i % V;
        this.position[n] = L - 1;
        for (let m = 0; m < L; m++) this.ancestors[n * C + m] = this.offsets[m + 1] + Math.floor(i / V ** (L - 1 - m));
      }
    }
  }

  /** Node index of a context given as token ids (length 1..C). */
  nodeOf(context: ArrayLike<number>): number {
    let i = 0;
    for (let k = 0; k < context.length; k++) i = i * this.V + context[k];
    return this.offsets[context.length] + i;
  }

  /** Token ids of node n's context. */
  contextOf(n: number): number[] {
    const L = this.position[n] + 1;
    let i = n - this.offsets[L];
    const out = new Array<number>(L);
    for (let k = L - 1; k >= 0; k--) {
      out[k] = i % this.V;
      i = Math.floor(i / this.V);
    }
    return out;
  }
}

/** (nodes x V) counts: how often token t follows each context anywhere in the sequence. */
export function dataCounts(space: ContextSpace, seq: ArrayLike<number>): Float32Array {
  const { V, C } = space;
  const counts = new Float32Array(space.nodes * V);
  for (let L = 1; L <= C; L++) {
    for (let start = 0; start + L < seq.length; start++) {
      let i = 0;
      for (let k = 0; k < L; k++) i = i * V + seq[start + k];
      counts[(space.offsets[L] + i) * V + seq[start + L]] += 1;
    }
  }
  return counts;
}
