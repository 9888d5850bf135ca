// Runs compared, wired: the "Compare runs" section (seed ensemble, another run), the hitting
// plot for the Analysis section, the banners over the drawing, the marks on the edges, and the
// extra lines of the hover boxes. The app hands it the chain as shown on every relevant redraw.
import type { Chain } from "../../model/chain";
import type { EdgeDecor } from "../../drawing/graph";
import type { Command } from "../../model/types";
import { button, el, setText } from "../../util/dom";
import { difference, hittingKey, parseComparison, parseEnsemble, parseHitting, parseOther, seedValues } from "./compareData";
import type { Comparison, Difference, Ensemble, Hitting } from "./compareData";
import { differenceDecor, ensembleDecor, medianRows } from "./edgeMarks";
import { EnsembleView } from "./ensembleView";
import { HittingPlot } from "./hittingPlot";
import { OtherRunView } from "./otherRunView";

/** Wait this long after the shown step (or marked states, k, start) last changed before asking
 *  the kernel for a new hitting curve: scrubbing the slider asks once it rests. */
export const HITTING_DEBOUNCE_MS = 150;

export interface CompareContext {
  chain: Chain;
  /** Full-length states (the traits' order) and tokens. */
  states: string[];
  tokens: string[];
  /** The shown chain's full-state rows, untempered (S × V). */
  shownProbs: Float32Array;
  shownStep: number;
  liveStep: number;
  temperature: number;
  naughty: string[];
  reachK: number;
  start: string;
  kernelLive: boolean;
  training: boolean;
  progress: { done?: number; total?: number } | null | undefined;
  errors: Record<string, string>;
  ensemble: unknown;
  comparison: unknown;
  hitting: unknown;
}

export interface CompareHooks {
  send(c: Command): void;
  setEdgeDecor(items: EdgeDecor[] | null, mode: string): boolean;
  /** What the chain shows changed (the ensemble's median labels on or off): redraw it. */
  modeChanged(): void;
}

const pct = (p: number): string => (Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : "–");

export class ComparePanel {
  readonly ensembleView: EnsembleView;
  readonly otherView: OtherRunView;
  readonly plot: HittingPlot;
  readonly ensembleBanner: HTMLDivElement;
  readonly kernelOnly: HTMLElement[];
  private readonly labelsBtn: HTMLButtonElement;
  private ctx: CompareContext | null = null;
  private ensemble: Ensemble | null = null;
  private ensembleRaw: unknown = null;
  private comparison: Comparison | null = null;
  private comparisonRaw: unknown = null;
  private diff: Difference | null = null;
  private showEnsemble = true;
  /** Edge labels show the seeds' median (the learner chose it); else the run's own. */
  private medianLabels = false;
  private showComparison = true;
  private pendingSeeds = 0;
  /** The asked-for seeds began training (`training` went true): its end clears pendingSeeds. A
   *  cell's own train() keeps `training` false, so updates before the start must not clear it. */
  private seedsStarted = false;
  private errorAtClick: string | undefined = undefined;
  private otherError = "";
  private hittingSent = "";
  private hittingTimer: ReturnType<typeof setTimeout> | null = null;
  private decorKey = "";
  private decorChain: Chain | null = null;
  private lastMode = "";

  constructor(private readonly hooks: CompareHooks, signal: AbortSignal) {
    this.ensembleView = new EnsembleView(
      {
        train: (k) => {
          [this.pendingSeeds, this.seedsStarted, this.errorAtClick] = [k, false, this.ctx?.errors.k];
          this.hooks.send({ cmd: "compare_seeds", k });
        },
        setShown: (on) => {
          this.showEnsemble = on;
          this.refresh();
        },
        setMedianLabels: (on) => this.setMedianLabels(on),
      },
      signal,
    );
    this.otherView = new OtherRunView({ compare: (text) => this.compareWith(text), leave: () => this.leave() }, signal);
    this.plot = new HittingPlot(() => this.requestHitting(true), signal);
    this.ensembleBanner = el("div", "bg-compare-banner bg-ensemble-banner");
    this.ensembleBanner.dataset.role = "ensemble-banner";
    this.ensembleBanner.hidden = true;
    const labels = button("ensemble-labels", "median labels", "edge labels: show the seeds' median instead of this run's own (and back)");
    labels.addEventListener("click", () => this.setMedianLabels(!this.medianLabels), { signal });
    const hide = button("hide-ensemble", "Hide", "back to this run's chain (the table stays)");
    hide.addEventListener("click", () => {
      this.showEnsemble = false;
      this.ensembleView.setShown(false);
      this.refresh();
    }, { signal });
    this.ensembleBanner.append(el("span", "bg-compare-banner-text"), labels, hide);
    this.labelsBtn = labels;
    signal.addEventListener("abort", () => this.hittingTimer !== null && clearTimeout(this.hittingTimer));
    this.kernelOnly = [this.ensembleView.trainBtn, this.ensembleView.kInput, this.otherView.compareBtn, this.otherView.input, this.plot.plotBtn];
  }

  /** The comparison or ensemble currently drawn on the chain. An ensemble describes one step
   *  count: drawn only while the chain shows that step (its median labels never stand for
   *  another step's chain); elsewhere its banner says where to see it. */
  get mode(): "comparison" | "ensemble" | "" {
    if (this.comparison && this.diff && this.showComparison) return "comparison";
    if (this.ensemble && this.showEnsemble && this.ensembleAtShownStep()) return "ensemble";
    return "";
  }

  private ensembleAtShownStep(): boolean {
    return this.ensemble !== null && this.ctx !== null && this.ctx.shownStep === this.ensemble.steps;
  }

  update(ctx: CompareContext): void {
    this.ctx = ctx;
    const S = ctx.states.length;
    const V = ctx.tokens.length;
    if (ctx.ensemble !== this.ensembleRaw) {
      this.ensembleRaw = ctx.ensemble;
      this.ensemble = parseEnsemble(ctx.ensemble, S, V);
      this.showEnsemble = this.ensemble !== null;
      this.ensembleView.setShown(this.showEnsemble);
      this.ensembleView.setEnsemble(this.ensemble, ctx.states, ctx.tokens);
    }
    if (ctx.comparison !== this.comparisonRaw) {
      this.comparisonRaw = ctx.comparison;
      this.comparison = parseComparison(ctx.comparison, S, V);
      this.showComparison = this.comparison !== null;
    }
    this.diff = this.comparison ? difference(ctx.shownProbs, this.comparison.other, S, V) : null;
    if (this.pendingSeeds && ctx.training) this.seedsStarted = true;
    else if (this.seedsStarted && !ctx.training) [this.pendingSeeds, this.seedsStarted] = [0, false];
    if (this.pendingSeeds && ctx.errors.k && ctx.errors.k !== this.errorAtClick) [this.pendingSeeds, this.seedsStarted] = [0, false]; // refused
    const p = ctx.progress;
    this.ensembleView.setProgress(
      this.pendingSeeds && ctx.training && p && typeof p.done === "number" && typeof p.total === "number"
        ? { done: p.done, total: p.total, k: this.pendingSeeds }
        : null,
    );
    this.ensembleView.setError(ctx.errors.k);
    this.otherView.setError(this.otherError || ctx.errors.other);
    this.plot.setError(ctx.errors.hitting);
    this.refresh();
    this.updateHitting(ctx);
  }

  /** Rows to draw: the ensemble's median while it is shown and the learner chose its labels
   *  (T = 1), else `base` as it is (the run's own numbers: 73% stays 73%). */
  drawn(base: Float32Array | null, nDrawn: number, V: number): Float32Array | null {
    if (this.mode !== "ensemble" || !this.medianLabels || !this.ensemble || !base) return base;
    return medianRows(base, this.ensemble, nDrawn, V);
  }

  /** Does the chain show the seeds' median (not the run's own numbers)? */
  get showsMedians(): boolean {
    return this.mode === "ensemble" && this.medianLabels && this.ensemble !== null;
  }

  private setMedianLabels(on: boolean): void {
    if (on === this.medianLabels) return;
    this.medianLabels = on;
    this.ensembleView.setMedianLabels(on);
    this.lastMode = ""; // the drawn numbers change: redraw (modeChanged)
    this.refresh();
  }

  setKernel(live: boolean, set: (e: HTMLElement, live: boolean) => void): void {
    for (const e of this.kernelOnly) set(e, live);
  }

  /** Extra lines for a node's hover box (drawn-chain index). */
  hoverNode(i: number): HTMLElement | null {
    const ctx = this.ctx;
    if (!ctx || i >= ctx.states.length) return null;
    const V = ctx.tokens.length;
    if (this.mode === "comparison" && this.diff && this.comparison) {
      const rows = ctx.tokens.map((t, j) => `${t}: ${pct(ctx.shownProbs[i * V + j])} vs ${pct(this.comparison!.other[i * V + j])}`);
      return box(`vs ${this.comparison.label.slice(0, 40)}: TV ${this.diff.tv[i].toFixed(3)}`, rows.join(" · "));
    }
    if (this.mode === "ensemble" && this.ensemble) {
      const e = this.ensemble;
      const rows = ctx.tokens.map((t, j) => `${t}: ${pct(e.median[i * V + j])} (${pct(e.min[i * V + j])}–${pct(e.max[i * V + j])})`);
      return box(`${e.seeds.length} seeds, ${e.seen[i] ? "seen" : "unseen"} state: median (min–max)`, rows.join(" · "));
    }
    return null;
  }

  /** Extra lines for an edge's hover box (drawn-chain edge index). */
  hoverEdge(index: number): HTMLElement | null {
    const ctx = this.ctx;
    const edge = ctx?.chain.edges[index];
    if (!ctx || !edge || edge.fromIndex >= ctx.states.length) return null;
    const V = ctx.tokens.length;
    const j = edge.fromIndex * V + edge.tokenIndex;
    if (this.mode === "comparison" && this.diff && this.comparison) {
      const d = this.diff.diff[j];
      return box(`vs ${this.comparison.label.slice(0, 40)}`, `here ${pct(ctx.shownProbs[j])} · there ${pct(this.comparison.other[j])} · Δ ${d >= 0 ? "+" : "−"}${pct(Math.abs(d))}`);
    }
    if (this.mode === "ensemble" && this.ensemble) {
      const e = this.ensemble;
      const values = seedValues(e, edge.fromIndex, edge.tokenIndex);
      const list = values.map((v, s) => `${e.seeds[s]}: ${pct(v)}`).join(", ");
      const b = box(`${e.seeds.length} seeds: median ${pct(e.median[j])}, ${pct(e.min[j])}–${pct(e.max[j])}`, list);
      b.dataset.role = "seed-values";
      return b;
    }
    return null;
  }

  // ---- actions ----
  private compareWith(text: string): void {
    const choice = parseOther(text, this.ctx?.liveStep ?? 0);
    this.otherError = choice.kind === "error" ? choice.message : "";
    this.otherView.setError(this.otherError || undefined);
    if (choice.kind === "step") this.hooks.send({ cmd: "compare", other: choice.step });
    else if (choice.kind === "run") this.hooks.send({ cmd: "compare", other: choice.run });
  }

  private leave(): void {
    this.showComparison = false;
    if (this.ctx?.kernelLive) this.hooks.send({ cmd: "clear_compare" });
    this.refresh();
  }

  private requestHitting(force: boolean): void {
    const ctx = this.ctx;
    if (!ctx || !ctx.kernelLive) return;
    const key = hittingKey(ctx.naughty, ctx.reachK, ctx.start, ctx.shownStep);
    if (!force && key === this.hittingSent) return;
    this.hittingSent = key;
    this.hooks.send({ cmd: "hitting", k: ctx.reachK, start: ctx.start });
  }

  private updateHitting(ctx: CompareContext): void {
    const h: Hitting | null = parseHitting(ctx.hitting);
    const want = hittingKey(ctx.naughty, ctx.reachK, ctx.start, ctx.shownStep);
    const have = h ? hittingKey(h.targets, h.k, h.start, h.step) : "";
    let note: string;
    if (!h) note = ctx.naughty.length ? "press Plot: P(reach a marked state) at temperatures 0…2" : "mark states (click nodes), then Plot";
    else {
      note = `P(reach ${h.targets.join(", ")} within ${h.k} steps from ${h.start}) at step ${h.step}`;
      if (have !== want) note += ctx.kernelLive ? " — updating…" : " — saved curve; another step needs the kernel";
    }
    this.plot.set(h, ctx.temperature, note);
    // Once there is a curve, it follows the slider, the marked states, k and start.
    if (h && have !== want && ctx.kernelLive && ctx.naughty.length && want !== this.hittingSent) {
      if (this.hittingTimer !== null) clearTimeout(this.hittingTimer);
      this.hittingTimer = setTimeout(() => {
        this.hittingTimer = null;
        this.requestHitting(false);
      }, HITTING_DEBOUNCE_MS);
    }
  }

  /** Banners, table and the marks on the edges for the current mode. */
  private refresh(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const mode = this.mode;
    if (mode !== this.lastMode) {
      this.lastMode = mode;
      this.hooks.modeChanged();
    }
    this.otherView.show(mode === "comparison" && this.comparison && this.diff ? { label: this.comparison.label, step: ctx.shownStep, d: this.diff } : null, ctx.states);
    const waiting = mode === "" && this.showEnsemble && this.ensemble !== null && !this.ensembleAtShownStep();
    this.ensembleBanner.hidden = mode !== "ensemble" && !waiting;
    this.ensembleBanner.classList.toggle("bg-ensemble-elsewhere", waiting);
    if ((mode === "ensemble" || waiting) && this.ensemble) {
      const e = this.ensemble;
      setText(
        this.ensembleBanner.firstElementChild!,
        mode === "ensemble"
          ? `${e.seeds.length} seeds at step ${e.steps} · bands: min–max · labels: ${this.medianLabels ? "the seeds' median (T = 1)" : "this run's"}`
          : `${e.seeds.length} seeds trained to step ${e.steps}: drawn when the chain shows step ${e.steps} (table: Compare runs)`,
      );
      this.labelsBtn.hidden = mode !== "ensemble";
      setText(this.labelsBtn, this.medianLabels ? "this run's labels" : "median labels");
      this.labelsBtn.setAttribute("aria-pressed", String(this.medianLabels));
    }
    this.ensembleBanner.dataset.labels = this.medianLabels ? "median" : "run";
    let items: EdgeDecor[] | null = null;
    if (mode === "comparison" && this.diff) items = differenceDecor(ctx.chain, this.diff, ctx.states.length, ctx.tokens.length);
    else if (mode === "ensemble" && this.ensemble) items = ensembleDecor(ctx.chain, this.ensemble);
    const key = `${mode}|${items?.map((d) => `${d.edge}:${d.width.toFixed(1)}:${d.stroke}`).join(";") ?? ""}`;
    if (key === this.decorKey && ctx.chain === this.decorChain) return;
    this.decorKey = key;
    this.decorChain = ctx.chain;
    this.hooks.setEdgeDecor(items, mode);
  }
}

function box(title: string, text: string): HTMLElement {
  const b = el("div", "bg-tooltip-compare");
  b.append(el("div", "bg-tooltip-compare-title", title), el("div", "bg-tooltip-compare-text", text));
  return b;
}
