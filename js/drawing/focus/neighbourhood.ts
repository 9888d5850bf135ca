// The focus view of a big chain: one state and everything within k steps of it, forwards
// (where it can go) and backwards (where it can come from), as a small chain of its own.
import type { Chain, ChainEdge } from "../../model/chain";
import type { Point } from "../geometry";

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

/**
 * Rings around the centre, one per distance, each wide enough for its nodes (`slot` drawing
 * units per node); a node sits near the mean angle of the nodes it links to on the ring inside.
 * Returns positions (sub-chain order) and the outer radius.
 */
export function focusLayout(nb: Neighbourhood, slot: number, base: number): { positions: Point[]; radius: number } {
  const n = nb.nodes.length;
  const pos: Point[] = new Array<Point>(n).fill({ x: 0, y: 0 });
  const angle = new Float64Array(n);
  const links: number[][] = Array.from({ length: n }, () => []);
  for (const e of nb.chain.edges) {
    links[e.fromIndex].push(e.toIndex);
    links[e.toIndex].push(e.fromIndex);
  }
  let radius = 0;
  for (let d = 1; d <= nb.k; d++) {
    const ring = nb.dist.flatMap((x, i) => (x === d ? [i] : []));
    if (!ring.length) break;
    radius = Math.max(radius + base, (ring.length * slot) / (2 * Math.PI), d * base);
    const want = ring.map((i) => {
      let x = 0;
      let y = 0;
      for (const j of links[i]) if (nb.dist[j] === d - 1 && d > 1) {
        x += Math.cos(angle[j]);
        y += Math.sin(angle[j]);
      }
      return Math.hypot(x, y) > 1e-9 ? Math.atan2(y, x) : -Math.PI / 2 + (2 * Math.PI * ring.indexOf(i)) / ring.length;
    });
    const sorted = ring.map((i, k) => ({ i, a: want[k] })).sort((p, q) => p.a - q.a || p.i - q.i);
    const offset = sorted.length ? sorted[0].a : 0;
    sorted.forEach((m, s) => {
      const a = offset + (2 * Math.PI * s) / sorted.length;
      angle[m.i] = a;
      pos[m.i] = { x: radius * Math.cos(a), y: radius * Math.sin(a) };
    });
  }
  return { positions: pos, radius: Math.max(radius, base) };
}
