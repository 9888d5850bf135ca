// Which rows the transition matrix shows, in which order: a filter (a state prefix, or a pattern
// with * and ?; seen / unseen states) and a sort (by state, by P of a token, by uncertainty, by
// seen / unseen). Pure: states, probabilities and flags in, row order out.

export type MatrixSort = "state" | "entropy" | "unseen" | "seen" | `p:${number}`;
export type SeenFilter = "all" | "seen" | "unseen";

export interface MatrixQuery {
  text: string;
  seen: SeenFilter;
  sort: MatrixSort;
}

export const DEFAULT_QUERY: MatrixQuery = { text: "", seen: "all", sort: "state" };

/** Does the sort read the probabilities (so it changes as the model trains)? */
export const sortUsesProbs = (s: MatrixSort): boolean => s === "entropy" || s.startsWith("p:");

/** A test for state names: `text` as a prefix, or (with * or ?) a pattern over the whole name. */
export function stateMatcher(text: string): (s: string) => boolean {
  const t = text.trim();
  if (t === "") return () => true;
  if (!/[*?]/.test(t)) return (s) => s.startsWith(t);
  const body = Array.from(t)
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  const re = new RegExp(`^${body}$`, "u");
  return (s) => re.test(s);
}

/** Uncertainty of a row: entropy in bits (0 = sure, log2 V = uniform). */
export function rowEntropy(probs: ArrayLike<number>, row: number, V: number): number {
  let h = 0;
  for (let t = 0; t < V; t++) {
    const p = probs[row * V + t];
    if (p > 0) h -= p * Math.log2(p);
  }
  return h;
}

/** Row order (state indices) for `q`. Ties keep the states' own order. */
export function matrixOrder(states: string[], probs: ArrayLike<number> | null, V: number, unseen: boolean[], q: MatrixQuery): Int32Array {
  const match = stateMatcher(q.text);
  const rows: number[] = [];
  states.forEach((s, i) => {
    if (q.seen === "seen" && unseen[i] === true) return;
    if (q.seen === "unseen" && unseen[i] !== true) return;
    if (match(s)) rows.push(i);
  });
  const ok = probs !== null && probs.length >= states.length * V;
  let key: ((i: number) => number) | null = null;
  if (q.sort === "entropy" && ok) key = (i) => -rowEntropy(probs, i, V);
  else if (q.sort.startsWith("p:") && ok) {
    const t = Number(q.sort.slice(2));
    if (t >= 0 && t < V) key = (i) => -probs[i * V + t];
  } else if (q.sort === "unseen") key = (i) => (unseen[i] ? 0 : 1);
  else if (q.sort === "seen") key = (i) => (unseen[i] ? 1 : 0);
  if (key) {
    const k = new Float64Array(states.length);
    for (const i of rows) k[i] = key(i);
    rows.sort((a, b) => k[a] - k[b] || a - b);
  }
  return Int32Array.from(rows);
}
