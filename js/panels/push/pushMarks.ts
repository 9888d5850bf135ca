// The push drawn on the chain: every edge that moved since the chain before the last nudge /
// teach gets a dashed foreground-colour stroke along it (width by how far it moved; up solid-ish
// dashes, down sparse ones) — neutral and dashed so it is never read as a token colour or the
// compare panel's purple/green differences.
import type { EdgeDecor } from "../../drawing/edgeOverlays";
import type { Chain } from "../../model/chain";

/** Edges that moved less than this (probability) are left plain. */
export const MOVED = 0.005;

export function pushDecor(chain: Chain, nStates: number, before: number[][], now: ArrayLike<number>): EdgeDecor[] {
  const V = chain.tokens.length;
  const out: EdgeDecor[] = [];
  chain.edges.forEach((edge, i) => {
    if (edge.fromIndex >= nStates || Array.from(edge.from).length !== chain.contextLength) return;
    const was = before[edge.fromIndex]?.[edge.tokenIndex];
    const is = now[edge.fromIndex * V + edge.tokenIndex];
    if (was === undefined || !Number.isFinite(was) || !Number.isFinite(is)) return;
    const d = is - was;
    if (Math.abs(d) < MOVED) return;
    out.push({
      edge: i,
      cls: `bg-push-moved ${d > 0 ? "bg-push-up" : "bg-push-down"}`,
      width: 1.5 + 12 * Math.abs(d),
      stroke: "",
      data: { from: edge.from, token: edge.token, change: d.toFixed(4) },
    });
  });
  return out;
}
