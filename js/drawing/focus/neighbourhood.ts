// The focus view of a big chain: one state and everything within k steps of it, forwards
// (where it can go) and backwards (where it can come from), as a small chain of its own.
import type { Chain, ChainEdge } from "../../model/chain";

export interface Neighbourhood {
  /** The focused state (index in the full chain). */
  centre: number;
  k: number;
  /** Full-chain indices of the states shown, centre first, then by distance. */
  nodes: number[];
  /** Steps from the centre (either direction) of each shown state. */
  dist: number[];
  /** Full-chain indices of the edges between shown states. */
  edges: number[];
  /** The sub-chain to draw: states and edges renumbered. */
  chain: Chain;
}

/** Breadth-first over out- and in-edges up to k steps; edges kept when both ends are shown. */
export function neighbourhood(chain: Chain, centre: number, k: number): Neighbourhood {
  const n = chain.states.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const inc: number[][] = Array.from({ length: n }, () => []);
  for (const e of chain.edges) {
    out[e.fromIndex].push(e.toIndex);
    inc[e.toIndex].push(e.fromIndex);
  }
  const dist = new Map<number, number>([[centre, 0]]);
  let frontier = [centre];
  for (let d = 1; d <= k && frontier.length; d++) {
    const next: number[] = [];
    for (const s of frontier)
      for (const t of [...out[s], ...inc[s]])
        if (!dist.has(t)) {
          dist.set(t, d);
          next.push(t);
        }
    frontier = next;
  }
  const nodes = [...dist.keys()].sort((a, b) => dist.get(a)! - dist.get(b)! || a - b);
  const sub = new Map(nodes.map((s, i) => [s, i] as const));
  const edges: number[] = [];
  const subEdges: ChainEdge[] = [];
  chain.edges.forEach((e, i) => {
    const a = sub.get(e.fromIndex);
    const b = sub.get(e.toIndex);
    if (a === undefined || b === undefined) return;
    edges.push(i);
    subEdges.push({ ...e, fromIndex: a, toIndex: b });
  });
  return {
    centre,
    k,
    nodes,
    dist: nodes.map((s) => dist.get(s)!),
    edges,
    chain: { states: nodes.map((s) => chain.states[s]), tokens: chain.tokens, edges: subEdges, contextLength: chain.contextLength },
  };
}

