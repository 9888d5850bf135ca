// The Markov chain's structure: states, edges s -> s[1:]+t, and what the data says.

export type EdgeKind = "loop" | "single" | "pair";

export interface ChainEdge {
  /** Stable key for data joins: from, token, to. */
  id: string;
  from: string;
  to: string;
  token: string;
  fromIndex: number;
  toIndex: number;
  tokenIndex: number;
  /** loop = self-loop; pair = the reverse edge exists too (drawn bending apart). */
  kind: EdgeKind;
}

export interface Chain {
  states: string[];
  tokens: string[];
  edges: ChainEdge[];
  /** C: states of this length are full contexts; shorter ones (prefixes) grow by one token. */
  contextLength: number;
}

/** Next state after `token`: drop the oldest token once the context is full. */
export function nextState(state: string, token: string, contextLength: number): string {
  const chars = Array.from(state);
  return chars.length >= contextLength ? chars.slice(1).join("") + token : state + token;
}

export function tokensOf(alphabet: string): string[] {
  return Array.from(alphabet ?? "");
}

/** Edges ordered by (state, token), so edge e's probability is probs[fromIndex * V + tokenIndex]. */
export function buildChain(states: string[], alphabet: string, contextLength: number): Chain {
  const tokens = tokensOf(alphabet);
  const index = new Map(states.map((s, i) => [s, i] as const));
  const edges: ChainEdge[] = [];
  const keys = new Set<string>();
  states.forEach((from, fromIndex) => {
    tokens.forEach((token, tokenIndex) => {
      const to = nextState(from, token, contextLength);
      const toIndex = index.get(to);
      if (toIndex === undefined) return;
      keys.add(`${from}\u0000${to}`);
      edges.push({ id: `${from}|${token}|${to}`, from, to, token, fromIndex, toIndex, tokenIndex, kind: "single" });
    });
  });
  for (const e of edges) {
    if (e.from === e.to) e.kind = "loop";
    else if (keys.has(`${e.to}\u0000${e.from}`)) e.kind = "pair";
  }
  return { states, tokens, edges, contextLength };
}

export interface TrainingWindow {
  /** Start position in the sequence: the window is sequence[i : i+C], its target sequence[i+C]. */
  i: number;
  next: string;
}

/** Training windows whose context equals `state` (the seed's X = seq[i:i+C], Y = seq[i+C]). */
export function windowsOf(sequence: string, state: string, contextLength: number): TrainingWindow[] {
  const seq = Array.from(sequence ?? "");
  const want = Array.from(state);
  if (want.length !== contextLength) return [];
  const out: TrainingWindow[] = [];
  for (let i = 0; i + contextLength < seq.length; i++) {
    let match = true;
    for (let j = 0; j < contextLength && match; j++) match = seq[i + j] === want[j];
    if (match) out.push({ i, next: seq[i + contextLength] });
  }
  return out;
}

/** States with an all-zero row in data_counts (never seen in the data). */
export function unseenStates(counts: Int32Array, nStates: number, vocab: number): boolean[] {
  const out = new Array<boolean>(nStates).fill(false);
  if (counts.length < nStates * vocab || vocab === 0) return out;
  for (let s = 0; s < nStates; s++) {
    let total = 0;
    for (let t = 0; t < vocab; t++) total += counts[s * vocab + t];
    out[s] = total === 0;
  }
  return out;
}

/** Number of tokens in a state label (characters, not UTF-16 units). */
export function levelOf(state: string): number {
  return Array.from(state).length;
}
