// Circular order of the states along a de Bruijn cycle: consecutive windows of B(V, C) are
// joined by an edge, so every node has an edge along the rim and far fewer chords cross.

/** The lexicographically least de Bruijn sequence B(k, n) (FKM: Lyndon words in order). */
export function deBruijn(k: number, n: number): number[] {
  const seq: number[] = [];
  if (k <= 0 || n <= 0) return seq;
  if (k === 1) return [0];
  const a = new Array<number>(k * n + 1).fill(0);
  const db = (t: number, p: number): void => {
    if (t > n) {
      if (n % p === 0) for (let j = 1; j <= p; j++) seq.push(a[j]);
      return;
    }
    a[t] = a[t - p];
    db(t + 1, p);
    for (let j = a[t - p] + 1; j < k; j++) {
      a[t] = j;
      db(t + 1, t);
    }
  };
  db(1, 1);
  return seq;
}

/** Largest state space ordered this way (the recursion is V^C deep in total work). */
const MAX_STATES = 1 << 16;

/**
 * Indices into `states` in de Bruijn cycle order (window i = seq[i..i+C) cyclically), or
 * null when `states` is not exactly the V^C contexts of `tokens` (keep the given order then).
 */
export function deBruijnOrder(states: string[], tokens: string[], contextLength: number): number[] | null {
  const V = tokens.length;
  const C = contextLength;
  if (V < 1 || C < 1 || states.length !== V ** C || states.length > MAX_STATES) return null;
  const index = new Map(states.map((s, i) => [s, i] as const));
  const seq = deBruijn(V, C);
  const order: number[] = [];
  for (let i = 0; i < seq.length; i++) {
    let w = "";
    for (let j = 0; j < C; j++) w += tokens[seq[(i + j) % seq.length]];
    const at = index.get(w);
    if (at === undefined) return null;
    order.push(at);
  }
  return new Set(order).size === states.length ? order : null;
}
