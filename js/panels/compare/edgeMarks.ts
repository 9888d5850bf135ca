// What runs compared draw on the chain's edges: a seed ensemble's min–max spread as a band
// round each edge (width grows with the spread), or the difference to another run as a
// diverging colour (purple: the other run likelier, green: this run likelier) — not blue or
// orange, which the drawing's legend already gives to the tokens.
import { scaleDiverging } from "d3-scale";
import { interpolateRgb, piecewise } from "d3-interpolate";
import type { Chain } from "../../model/chain";
import type { EdgeDecor } from "../../drawing/graph";
import type { Difference, Ensemble } from "./compareData";

/** Drawing units of band width per unit of probability spread (a 5-point spread: +3 wide). */
export const BAND_PER_SPREAD = 60;
export const DIVERGING = ["#8e44ad", "#9aa3ad", "#27ae60"];

/** Full-length states only: the ensemble has no rows for shorter contexts. */
export function ensembleDecor(chain: Chain, e: Ensemble): EdgeDecor[] {
  const out: EdgeDecor[] = [];
  chain.edges.forEach((edge, i) => {
    if (edge.fromIndex >= e.nStates || Array.from(edge.from).length !== chain.contextLength) return;
    const j = edge.fromIndex * e.V + edge.tokenIndex;
    const spread = e.max[j] - e.min[j];
    out.push({
      edge: i,
      cls: `bg-spread-band bg-band-tok-${edge.tokenIndex % 8}`,
      width: 2 + BAND_PER_SPREAD * spread,
      stroke: "",
      data: { from: edge.from, token: edge.token, median: e.median[j].toFixed(4), min: e.min[j].toFixed(4), max: e.max[j].toFixed(4) },
    });
  });
  return out;
}

/** Colour of a difference (this − other) on a symmetric scale of ±`extent`. */
export function diffColour(d: number, extent: number): string {
  const m = Math.max(0.05, extent);
  return scaleDiverging<string>(piecewise(interpolateRgb, DIVERGING)).domain([-m, 0, m]).clamp(true)(d);
}

export function differenceDecor(chain: Chain, diff: Difference, nStates: number, V: number): EdgeDecor[] {
  const out: EdgeDecor[] = [];
  chain.edges.forEach((edge, i) => {
    if (edge.fromIndex >= nStates || Array.from(edge.from).length !== chain.contextLength) return;
    const d = diff.diff[edge.fromIndex * V + edge.tokenIndex];
    out.push({
      edge: i,
      cls: "bg-diff-edge",
      width: 2.5 + 10 * Math.abs(d),
      stroke: diffColour(d, diff.maxAbs),
      data: { from: edge.from, token: edge.token, diff: d.toFixed(4) },
    });
  });
  return out;
}

/** The drawn rows with the ensemble's median in place of the run's (full states; T = 1). */
export function medianRows(base: Float32Array, e: Ensemble, nDrawn: number, V: number): Float32Array {
  const out = new Float32Array(nDrawn * V);
  out.set(base.subarray(0, nDrawn * V));
  for (let i = 0; i < Math.min(e.nStates * V, nDrawn * V); i++) out[i] = e.median[i];
  return out;
}
