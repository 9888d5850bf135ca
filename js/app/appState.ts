// What one mounted widget holds between redraws: the chain decoded from the big traits, the
// history, the live and the shown step, the lecture analysis of the shown chain, and the
// pointer's state (hover, search, pinned step). Written only by the render path
// (chainUpdates.ts, render.ts) and the interactions (interactions.ts); read by both.
import { buildChain } from "../model/chain";
import type { Chain } from "../model/chain";
import { derive } from "../model/lectureAnalysis";
import type { Derived } from "../model/lectureAnalysis";
import { decodeHistory } from "../model/history";
import type { History, Shown } from "../model/history";
import { buildSpace } from "../model/space";
import type { Space } from "../model/space";
import { CONTROL_NAMES } from "../model/types";
import type { ControlName } from "../model/types";
import type { KernelState } from "./kernelProbe";
import { ALL_DIRTY } from "../state/traitEffects";
import type { Dirty } from "../state/traitEffects";

export interface Live {
  probs: Float32Array;
  prefix: Float32Array;
  step: number;
  loss: number;
}

export interface AppState {
  space: Space;
  chain: Chain;
  /** The drawn chain's identity: a new key rebuilds the drawing. */
  chainKey: string;
  counts: Int32Array;
  history: History;
  prefixHistory: History | null;
  live: Live;
  shown: Shown;
  /** Shown rows of all states (full contexts, then shorter ones). */
  shownAll: Float32Array;
  /** As drawn (a negative trait draws as 1). */
  temperature: number;
  derived: Derived;
  visible: Set<ControlName>;
  kernel: KernelState;
  /** The step a frozen view shows (follows thinning of the history). */
  pin: { index: number; step: number } | null;
  hover: { kind: "node" | "edge"; index: number; x: number; y: number } | null;
  /** The first frame was drawn (later changes animate). */
  painted: boolean;
  dirty: Set<Dirty>;
  /** The searched state (its label), kept across updates and structure changes. */
  found: string | null;
  /** Drawn state -> its index in the chain. */
  drawnIndex: Map<string, number>;
  /** Last long-run shares of a big chain: the next analysis starts from them. */
  warmShares: Float64Array | null;
  /** Why kernel-only controls are off (the disabled controls' title). */
  staticReason: string;
  /** Commands answered with no kernel (a saved page's local engine). */
  local: Set<string>;
}

export function initialState(staticReason: string): AppState {
  const space = buildSpace([], [], "", 0);
  const live = { probs: new Float32Array(0), prefix: new Float32Array(0), step: 0, loss: NaN };
  const counts = new Int32Array(0);
  const shownAll = new Float32Array(0);
  return {
    space,
    chain: buildChain([], "", 0),
    chainKey: "",
    counts,
    history: decodeHistory(null, null, null, 0),
    prefixHistory: null,
    live,
    shown: { index: -1, probs: live.probs, step: 0, loss: NaN },
    shownAll,
    temperature: 1,
    derived: derive({ space, shown: shownAll, counts, temperature: 1, naughty: [], start: "", k: 0 }),
    visible: new Set<ControlName>(CONTROL_NAMES),
    kernel: "unknown",
    pin: null,
    hover: null,
    painted: false,
    dirty: new Set<Dirty>(ALL_DIRTY),
    found: null,
    drawnIndex: new Map(),
    warmShares: null,
    staticReason,
    local: new Set(),
  };
}
