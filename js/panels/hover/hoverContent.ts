// Tooltip contents for the node or edge under the pointer, from the shown (tempered) chain.
import type { Chain } from "../../model/chain";
import { windowsOf } from "../../model/chain";
import type { Derived } from "../../model/lectureAnalysis";
import { formatStep } from "../../util/format";
import type { History, Shown } from "../../model/history";
import type { Space } from "../../model/space";
import { edgeHistory } from "../../model/space";
import { sparkline } from "./sparkline";
import { edgeTooltip, nodeTooltip } from "./tooltip";

export interface HoverContext {
  space: Space;
  chain: Chain;
  derived: Derived;
  counts: Int32Array;
  history: History;
  prefixHistory: History | null;
  shown: Shown;
  temperature: number;
  sequence: string;
}

function row(a: ArrayLike<number>, s: number, V: number): number[] | null {
  return a.length >= (s + 1) * V ? Array.from({ length: V }, (_, t) => a[s * V + t]) : null;
}

export function nodeContent(c: HoverContext, s: number): HTMLElement | null {
  const state = c.chain.states[s];
  if (state === undefined) return null;
  const V = c.space.tokens.length;
  return nodeTooltip({
    state,
    tokens: c.space.tokens,
    probs: row(c.derived.tempered, s, V) ?? new Array<number>(V).fill(NaN),
    counts: row(c.counts, s, V),
    windows: windowsOf(c.sequence, state, c.space.contextLength),
    step: formatStep(c.shown.step),
    share: s < c.space.nFull ? c.derived.shares[s] : 0,
    tv: c.derived.distance.perState[s],
    temperature: c.temperature,
  });
}

export function edgeContent(c: HoverContext, index: number): HTMLElement | null {
  const e = c.chain.edges[index];
  if (!e) return null;
  const V = c.space.tokens.length;
  const counts = row(c.counts, e.fromIndex, V);
  const total = counts ? counts.reduce((a, b) => a + b, 0) : null;
  const h = c.history;
  const spark =
    h.length > 1
      ? sparkline({
          steps: h.steps.subarray(0, h.length),
          values: edgeHistory(h, c.prefixHistory, c.space, e.fromIndex, e.tokenIndex, c.temperature),
          markStep: c.shown.step,
          reference: counts && total ? counts[e.tokenIndex] / total : NaN,
        })
      : null;
  return edgeTooltip({
    from: e.from,
    to: e.to,
    token: e.token,
    p: row(c.derived.tempered, e.fromIndex, V)?.[e.tokenIndex] ?? NaN,
    count: counts ? counts[e.tokenIndex] : null,
    total,
    spark,
  });
}
