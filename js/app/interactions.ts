// What the pointer and the keys do between trait changes: search a state, hover a node or an
// edge (the tooltip), mark a state naughty, sample a walk, export the drawing. Reads the
// AppState and the decoded traits; writes to the model only through commands.ts.
import { exportChain } from "../drawing/exporter";
import type { ExportInfo } from "../drawing/exporter";
import { sampleWalk } from "../model/markov";
import { mulberry32 } from "../model/rng";
import { defaultStart } from "../model/space";
import type { WalkTrait } from "../model/types";
import { edgeContent, nodeContent } from "../panels/hover/hoverContent";
import type { HoverContext } from "../panels/hover/hoverContent";
import type { SampleRequest } from "../panels/sampling/sampleView";
import { resolveSearch } from "../panels/view/search";
import { parseWalk } from "../panels/sampling/walkView";
import type { TraitGetter, ViewState } from "../state/viewState";
import type { AppState } from "./appState";
import type { Commands } from "./commands";
import type { Views } from "./views";
import { nudgeHint } from "./labelNudge";

export interface Interactions {
  search(text: string): void;
  /** The readout of the found state, from the chain as shown. */
  showFound(): void;
  hover(kind: "node" | "edge", index: number | null, ev: MouseEvent): void;
  showTooltip(): void;
  clickNode(index: number): void;
  sample(req: SampleRequest): void;
  setSampleSetting(field: "sample_n" | "sample_start" | "sample_seed", value: unknown): void;
  exportAs(format: "svg" | "png"): void;
}

export function createInteractions(
  st: AppState,
  v: Views,
  commands: Commands,
  view: () => ViewState,
  /** The raw traits (sample settings compare with what is stored, set or not). */
  get: TraitGetter,
  /** Run a pending redraw now (sampling reads the chain as shown). */
  flush: () => void,
  /** The found (selected) state changed. */
  foundChanged: () => void = () => undefined,
): Interactions {
  const { graph, search, tooltip, root } = v;

  function showFound(): void {
    const i = st.found === null ? undefined : st.drawnIndex.get(st.found);
    if (i === undefined) return search.setFound(null);
    const { space, derived } = st;
    const V = space.tokens.length;
    const row = (a: ArrayLike<number>): number[] | null => (a.length >= (i + 1) * V ? Array.from({ length: V }, (_, t) => a[i * V + t]) : null);
    search.setFound({
      state: st.chain.states[i],
      tokens: space.tokens,
      probs: row(derived.tempered) ?? new Array<number>(V).fill(NaN),
      counts: row(st.counts),
      share: i < space.nFull && i < derived.shares.length ? derived.shares[i] : undefined,
    });
  }

  function showTooltip(): void {
    const hover = st.hover;
    if (!hover) return;
    const ctx: HoverContext = {
      space: st.space,
      chain: st.chain,
      derived: st.derived,
      counts: st.counts,
      history: st.history,
      prefixHistory: st.prefixHistory,
      shown: st.shown,
      temperature: st.temperature,
      sequence: view().sequence,
    };
    const content = hover.kind === "node" ? nodeContent(ctx, hover.index) : edgeContent(ctx, hover.index);
    if (!content) return;
    const extra = hover.kind === "node" ? v.compare.hoverNode(hover.index) : v.compare.hoverEdge(hover.index);
    if (extra) content.append(extra);
    const hint = hover.kind === "edge" ? nudgeHint(v.push, st.chain.edges[hover.index], graph.isCanvas) : null;
    if (hint) content.append(hint);
    if (hover.kind === "node") graph.highlight(hover.index);
    root.classList.toggle("bg-edge-hover", hover.kind === "edge"); // the loss chart's marker lights up too
    tooltip.show(content, hover.x, hover.y);
  }

  function toggleNaughty(index: number): void {
    const state = st.chain.states[index];
    if (state === undefined || !st.visible.has("naughty")) return;
    const now = view().naughty;
    commands.save({ naughty: now.includes(state) ? now.filter((s) => s !== state) : [...now, state] });
  }

  function exportInfo(): ExportInfo {
    const c = view().config;
    const settings = c
      ? `alphabet ${c.alphabet} · context ${c.context_length} · ${c.n_layer} layer(s), ${c.n_head} head(s), n_embd ${c.n_embd} · lr ${c.lr} · seed ${c.seed}`
      : "";
    return { loss: st.shown.loss, settings, theme: graph.exportTheme };
  }

  return {
    showFound,
    showTooltip,
    search(text) {
      const { space } = st;
      const r = resolveSearch(text, { drawn: st.drawnIndex, all: space.index, tokens: space.tokens, contextLength: space.contextLength });
      search.setError(r.kind === "error" ? r.message : "");
      if (r.kind === "found") {
        st.found = r.state;
        v.inside.found(r.state);
        graph.setFound(r.index);
        graph.focusOn(r.index, st.painted);
      } else {
        st.found = null;
        graph.setFound(-1);
      }
      showFound();
      foundChanged();
    },
    hover(kind, index, ev) {
      if (index === null) {
        st.hover = null;
        tooltip.hide();
        graph.highlight(null);
        root.classList.remove("bg-edge-hover");
        return;
      }
      const same = st.hover !== null && st.hover.kind === kind && st.hover.index === index;
      st.hover = { kind, index, x: ev.clientX, y: ev.clientY };
      if (same) tooltip.move(ev.clientX, ev.clientY);
      else showTooltip();
    },
    clickNode(index) {
      if (v.inside.isPicking) v.inside.pick(st.chain.states[index]);
      else toggleNaughty(index);
    },
    /** Walk the chain as shown (history step, temperature), seeded: same seed, same walk. The
     *  seed then moves on, so pressing Sample again shows a new walk; the walk keeps its seed. */
    sample(req) {
      flush();
      const { space, derived } = st;
      const start = space.index.get(req.start);
      if (start === undefined || !derived.ok) return;
      const w = sampleWalk(derived.tempered, space.next, space.tokens.length, start, req.n, mulberry32(req.seed));
      const value: WalkTrait = { start: req.start, tokens: w.tokens.map((t) => space.tokens[t]).join(""), temperature: st.temperature, seed: req.seed };
      v.walks.show(parseWalk(value)!, true); // before the trait: an identical walk fires no change
      commands.save({
        ...(get("sample_n") !== req.n ? { sample_n: req.n } : {}),
        ...((get("sample_start") || defaultStart(space)) !== req.start ? { sample_start: req.start } : {}),
        sample_seed: (req.seed + 1) % 2 ** 32,
        walk: value,
      });
      flush(); // the seed field shows the next seed before another press can read it
    },
    setSampleSetting(field, value) {
      const current = field === "sample_start" ? get(field) || defaultStart(st.space) : get(field);
      if (current !== value) commands.save({ [field]: value });
    },
    exportAs(format) {
      graph.withSnapshot(() => exportChain(graph.svg, root, st.shown.step, st.temperature, format, exportInfo()));
    },
  };
}
