// The render path's chain half: when the big traits change, decode them into the AppState and
// hand the drawing and the readouts what they show — the chain's structure, the data counts,
// the history, the shown step, and the lecture analysis of the shown chain (on big chains in
// slices after the frame: analysisJob.ts).
import { buildChain, unseenStates } from "../model/chain";
import { toFloat32, toInt32 } from "../model/binary";
import { derive, deriveSteps, temperShown, topShares } from "../model/lectureAnalysis";
import type { DeriveInput, Derived } from "../model/lectureAnalysis";
import { decodeHistory, nearestIndex, resolveShown } from "../model/history";
import { buildSpace, defaultStart, joinRows } from "../model/space";
import type { Config } from "../model/types";
import type { TraitGetter, ViewState } from "../state/viewState";
import { SlicedJob } from "./analysisJob";
import type { AppState } from "./appState";
import type { Commands } from "./commands";
import type { Interactions } from "./interactions";
import { exampleState } from "./lectureScreen";
import type { Views } from "./views";

/** Above this many states (full + shorter) the analysis runs after the frame, in short slices,
 *  at most a few times per second: it never holds up drawing or interaction. */
const HEAVY_STATES = 256;
/** Least time between two analyses of a big chain (ms). */
export const ANALYSIS_INTERVAL_MS = 250;
/** Longest slice of analysis work before the page gets a turn (ms). */
const ANALYSIS_SLICE_MS = 8;

/** The alphabet from config, or (if config lags behind) the characters used by the states. */
function alphabetOf(config: Partial<Config> | null, states: string[]): string {
  if (config?.alphabet) return config.alphabet;
  return Array.from(new Set(states.flatMap((s) => Array.from(s)))).sort().join("");
}

type AnalysisRun = { input: DeriveInput; base: { ok: boolean; tempered: Float32Array }; warm: Float64Array | null };

export interface ChainUpdates {
  structure(s: ViewState): void;
  counts(): void;
  history(): void;
  live(s: ViewState): void;
  /** A frozen view keeps its step when Python thins the history. */
  followPin(s: ViewState): void;
  shown(s: ViewState): void;
  derived(s: ViewState): void;
  cancel(): void;
}

export function chainUpdates(st: AppState, v: Views, get: TraitGetter, commands: Commands, ix: Interactions): ChainUpdates {
  const { graph } = v;
  const analysisJob = new SlicedJob<AnalysisRun, Derived>(
    (job) => deriveSteps(job.input, job.base, job.warm),
    (result, job) => {
      if (job.input.space !== st.space) return; // the chain changed meanwhile
      st.warmShares = result.shares;
      publishAnalysis(result, job.input.k, job.input.start);
      if (st.hover) ix.showTooltip();
    },
    { sliceMs: ANALYSIS_SLICE_MS, intervalMs: ANALYSIS_INTERVAL_MS },
  );

  /** Show an analysis (long-run shares, distances, reach); the drawn chain stays the newest. */
  function publishAnalysis(result: Derived, k: number, start: string): void {
    const derived = (st.derived = { ...result, ok: st.derived.ok, tempered: st.derived.tempered });
    const { space } = st;
    graph.setShares(derived.shares);
    const w = derived.full.worst;
    v.analysis.setDistance(derived.full.total, w >= 0 ? space.states[w] : null, w >= 0 ? derived.full.perState[w] : NaN);
    v.analysis.setLongRun(topShares(space, derived.shares));
    v.analysis.setReach({ ...derived.reach, k, start });
    if (st.found !== null) ix.showFound();
  }

  return {
    structure(s) {
      const states = get("states") ?? [];
      const alphabet = alphabetOf(s.config, states);
      const C = s.config?.context_length ?? Array.from(states[0] ?? "").length;
      const next = buildSpace(states, get("prefix_states"), alphabet, C);
      const drawn = s.showPrefixes ? next.states : states;
      v.viewBar.setShowPrefixes(s.showPrefixes);
      v.viewBar.setPrefixesAvailable(next.states.length > next.nFull);
      const key = `${next.states.join("\u0001")}|${drawn.length}|${alphabet}|${C}`;
      if (key === st.chainKey) return;
      st.chainKey = key;
      st.space = next;
      const chain = (st.chain = buildChain(drawn, alphabet, C));
      st.drawnIndex = new Map(chain.states.map((x, i) => [x, i] as const));
      st.warmShares = null;
      analysisJob.cancel();
      graph.setChain(chain);
      const f = st.found === null ? undefined : st.drawnIndex.get(st.found);
      if (f === undefined && st.found !== null) {
        st.found = null;
        v.search.setFound(null);
      }
      graph.setFound(f ?? -1);
      v.walks.setChain(chain);
      v.search.setExample(exampleState(chain.states, s.sequence, C));
      v.inside.setAlphabet(alphabet);
      v.inside.checkState();
      v.root.style.setProperty("--bg-context", String(Math.max(1, C)));
      v.legend.setTokens(next.tokens);
      v.legend.setBars(graph.marks.enabled);
      st.hover = null;
      v.tooltip.hide();
      for (const d of ["counts", "history", "probs", "sample", "derived"] as const) st.dirty.add(d);
    },

    counts() {
      const { space } = st;
      const V = space.tokens.length;
      const n = st.chain.states.length;
      const full = toInt32(get("data_counts"));
      const counts = (st.counts = joinRows(full, toInt32(get("prefix_data_counts")), space, (k) => new Int32Array(k), 0));
      const known = full.length >= space.nFull * V;
      const unseen = known ? unseenStates(counts, n, V) : new Array<boolean>(n).fill(false);
      graph.setUnseen(unseen);
      graph.marks.setData(known ? counts.subarray(0, n * V) : null);
      v.legend.setUnseen(unseen.some(Boolean));
      st.dirty.add("derived");
    },

    history() {
      const { space } = st;
      const steps = get("history_steps");
      const losses = get("history_losses");
      const V = space.tokens.length;
      const nPrefix = space.states.length - space.nFull;
      st.history = decodeHistory(steps, losses, get("history_probs"), space.nFull * V);
      st.prefixHistory = nPrefix > 0 ? decodeHistory(steps, losses, get("history_prefix_probs"), nPrefix * V) : null;
      v.chart.setHistory(st.history);
      v.slider.setHistory(st.history);
    },

    live(s) {
      st.live = { probs: toFloat32(get("probs")), prefix: toFloat32(get("prefix_probs")), step: s.globalStep, loss: s.loss };
    },

    followPin(s) {
      const idx = s.shownIndex;
      const { history } = st;
      if (idx < 0) {
        st.pin = null;
      } else if (!st.pin || st.pin.index !== idx) {
        st.pin = idx < history.length ? { index: idx, step: history.steps[idx] } : null;
      } else if (idx >= history.length || history.steps[idx] !== st.pin.step) {
        const k = nearestIndex(history.steps, st.pin.step, history.length);
        if (k >= 0 && k !== idx) {
          st.pin.index = k;
          commands.save({ shown_index: k });
        }
      }
    },

    shown(s) {
      const { space, live } = st;
      const V = space.tokens.length;
      const shown = (st.shown = resolveShown(s.shownIndex, st.history, live));
      const ph = st.prefixHistory;
      const prefixRow =
        shown.index < 0
          ? live.prefix
          : ph && shown.index < ph.length
            ? ph.probs.subarray(shown.index * ph.rowSize, (shown.index + 1) * ph.rowSize)
            : null;
      st.shownAll =
        shown.probs.length >= space.nFull * V ? joinRows(shown.probs, prefixRow, space, (n) => new Float32Array(n), NaN) : new Float32Array(0);
      v.readout.update(shown.step, shown.loss, shown.index < 0);
      v.inside.setShown(shown.step, shown.index < 0);
      v.slider.update(shown.index, shown.step, live.step);
      v.chart.setMarker(shown.step, shown.loss);
      v.root.classList.toggle("bg-frozen", shown.index >= 0);
      st.dirty.add("derived");
    },

    /** The drawn chain updates now; on big chains the analysis follows after the frame, in slices. */
    derived(s) {
      const { space, chain } = st;
      const temperature = (st.temperature = s.drawnTemperature);
      const start = s.sampleStart || defaultStart(space);
      const k = s.analysisK;
      const input = { space, shown: st.shownAll, counts: st.counts, temperature, naughty: s.naughty, start, k };
      const base = temperShown(space, st.shownAll, temperature);
      st.derived = { ...st.derived, ...base };
      const drawnProbs = base.ok ? base.tempered.subarray(0, chain.states.length * space.tokens.length) : null;
      v.viewBar.setTemperature(temperature);
      v.inside.setTemperature(temperature);
      graph.setProbs(v.compare.drawn(drawnProbs, chain.states.length, space.tokens.length), temperature === 0 && !v.compare.showsMedians);
      graph.marks.setModel(drawnProbs);
      const marked = new Set(s.naughty);
      graph.setNaughty(chain.states.map((x) => marked.has(x)));
      if (space.states.length <= HEAVY_STATES) {
        analysisJob.cancel();
        publishAnalysis(derive(input, base), k, start);
      } else {
        analysisJob.request({ input, base, warm: st.warmShares });
        if (st.found !== null) ix.showFound();
      }
    },

    cancel: () => analysisJob.cancel(),
  };
}
