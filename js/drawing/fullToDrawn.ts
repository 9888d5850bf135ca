// What is drawn versus the whole chain. The app speaks full-chain indices; the drawing shows
// either the whole chain or a focus view's sub-chain. This maps indices and per-state data.
import type { Chain } from "../model/chain";
import type { Neighbourhood } from "./focus/neighbourhood";
import { gather } from "./fullToDrawnMarks";

export class DrawnMap {
  full: Chain = { states: [], tokens: [], edges: [], contextLength: 0 };
  nb: Neighbourhood | null = null;
  /** Drawn index of each full-chain state / edge (-1: not drawn). */
  private subNode = new Int32Array(0);
  private subEdge = new Int32Array(0);

  /** The chain being drawn. */
  get chain(): Chain {
    return this.nb ? this.nb.chain : this.full;
  }

  set(full: Chain, nb: Neighbourhood | null): void {
    this.full = full;
    this.nb = nb;
    this.subNode = new Int32Array(full.states.length).fill(-1);
    this.subEdge = new Int32Array(full.edges.length).fill(-1);
    if (nb) {
      nb.nodes.forEach((s, i) => (this.subNode[s] = i));
      nb.edges.forEach((e, i) => (this.subEdge[e] = i));
    } else {
      this.subNode.forEach((_, i) => (this.subNode[i] = i));
      this.subEdge.forEach((_, i) => (this.subEdge[i] = i));
    }
  }

  /** Full-chain state / edge -> drawn index (-1: not drawn). */
  node(i: number): number {
    return this.subNode[i] ?? -1;
  }
  edge(i: number): number {
    return this.subEdge[i] ?? -1;
  }

  /** Drawn state / edge -> full-chain index. */
  fullNode(sub: number): number {
    return this.nb ? (this.nb.nodes[sub] ?? -1) : sub;
  }
  fullEdge(sub: number): number {
    return this.nb ? (this.nb.edges[sub] ?? -1) : sub;
  }

  flags(flags: boolean[]): boolean[] {
    return this.nb ? this.nb.nodes.map((s) => flags[s] === true) : flags;
  }

  rows(rows: ArrayLike<number> | null, width: number): ArrayLike<number> | null {
    return this.nb && rows ? gather(rows, this.nb.nodes, width) : rows;
  }
}
