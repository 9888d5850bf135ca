// Wires the model's traits to the views: one render path, one redraw per animation frame.
// The lecture features (temperature, walks, long-run shares, reachability, data vs model) are
// computed here from the chain being shown, so a saved page without a kernel has them too.
import { AnalysisView } from "../panels/analysisView";
import { buildChain, unseenStates } from "../model/chain";
import type { Chain } from "../model/chain";
import { ControlsView, setKernelOnly } from "../panels/controls";
import { toFloat32, toInt32 } from "../model/decode";
import { derive, deriveSteps, temperShown, topShares } from "../model/derive";
import type { DeriveInput, Derived } from "../model/derive";
import { el } from "../util/dom";
import { exportChain } from "../drawing/exporter";
import type { ExportInfo } from "../drawing/exporter";
import { frameScheduler } from "./frame";
import type { FrameScheduler } from "./frame";
import { GraphView } from "../drawing/graph";
import { HelpPopover } from "../panels/help";
import { InsidePanel } from "../panels/inside/insidePanel";
import { mountInsideSection } from "../panels/inside/insideSection";
import { decodeHistory, nearestIndex, resolveShown } from "../model/history";
import type { History, Shown } from "../model/history";
import { edgeContent, nodeContent } from "../panels/hoverContent";
import type { HoverContext } from "../panels/hoverContent";
import { KernelProbe, noKernelTexts } from "./kernelProbe";
import { ShellFit } from "./layout";
import { assembleScreen, exampleState } from "./screen";
import { LongRunView } from "../panels/longRun";
import { sectionMemory } from "../panels/sections";
import type { KernelState } from "./kernelProbe";
import { bindShortcuts } from "./keyboard";
import { Legend } from "../panels/legend";
import { LossChart } from "../panels/lossChart";
import { sampleWalk } from "../model/markov";
import { Readout } from "../panels/readout";
import { mulberry32 } from "../model/rng";
import { RunStringView } from "../panels/runStringView";
import { SampleView } from "../panels/sampleView";
import { resolveSearch, SearchBox } from "../panels/search";
import { SlicedJob } from "./sliced";
import type { SampleRequest } from "../panels/sampleView";
import { HistorySlider } from "../panels/slider";
import { buildSpace, defaultStart, joinRows } from "../model/space";
import type { Space } from "../model/space";
import { Tooltip } from "../panels/tooltip";
import { CONTROL_NAMES } from "../model/types";
import type { Command, Config, ControlName, LayoutKind, Traits, WalkTrait, WidgetModel } from "../model/types";
import { ViewBar } from "../panels/viewBar";
import type { Timer } from "../panels/walkPlayer";
import { parseWalk, WalkView } from "../panels/walkView";
import { ALL_DIRTY, TRAIT_EFFECTS } from "./traitEffects";
import { ComparePanel } from "../panels/compare/comparePanel";
import { Section } from "../panels/sections";
import type { Dirty } from "./traitEffects";


/** Above this many states (full + shorter) the analysis runs after the frame, in short slices,
 *  at most a few times per second: it never holds up drawing or interaction. */
const HEAVY_STATES = 256;
/** Least time between two analyses of a big chain (ms). */
export const ANALYSIS_INTERVAL_MS = 250;
/** Longest slice of analysis work before the page gets a turn (ms). */
const ANALYSIS_SLICE_MS = 8;

// No answer to `hello` means a saved page — or a kernel still busy with other cells (Run All):
// say both, and the controls come back the moment the kernel answers. A kernel that answered
// and then stopped (or closed the widget's comm) restarted or died: say what to do.
export const STATIC_REASON = "needs a running Python kernel — none is answering (a saved page, or the kernel is busy)";
export const STATIC_BADGE = "no Python kernel answering (a saved page, or the kernel is busy): scrub, hover and sample work; training needs the kernel";
export const RESTARTED_BADGE = "kernel restarted — run the cell again to train; scrub, hover and sample still work";
export const LOST_BADGE = "kernel restarted or not answering — run the cell again to train; scrub, hover and sample still work";

export interface Mounted {
  root: HTMLElement;
  graph: GraphView;
  /** Run a pending redraw now. */
  flush(): void;
  destroy(): void;
}

export interface MountOptions {
  scheduler?: (run: () => void) => FrameScheduler;
  /** Timer of the walk animation (tests step it by hand). */
  walkTimer?: Timer;
  /** How long to wait for the kernel's hello reply before going static. */
  helloTimeoutMs?: number;
  /** Re-probe period of the kernel while visible (0: never; tests). */
  probeIntervalMs?: number;
}

const layoutOf = (v: unknown): LayoutKind => (v === "force" ? "force" : "circular");
const numberOr = (v: unknown, d: number): number => (typeof v === "number" && Number.isFinite(v) ? v : d);

/** The alphabet from config, or (if config lags behind) the characters used by the states. */
function alphabetOf(config: Partial<Config> | null, states: string[]): string {
  if (config?.alphabet) return config.alphabet;
  return Array.from(new Set(states.flatMap((s) => Array.from(s)))).sort().join("");
}

export function mount(host: HTMLElement, model: WidgetModel, options: MountOptions = {}): Mounted {
  const abort = new AbortController();
  const signal = abort.signal;
  const root = document.createElement("div");
  root.className = "babygpt-widget";

  // ---- state decoded from traits (once per change) ----
  let space: Space = buildSpace([], [], "", 0);
  let chain: Chain = buildChain([], "", 0);
  let chainKey = "";
  let counts: Int32Array = new Int32Array(0);
  let history: History = decodeHistory(null, null, null, 0);
  let prefixHistory: History | null = null;
  let live: { probs: Float32Array; prefix: Float32Array; step: number; loss: number } = {
    probs: new Float32Array(0),
    prefix: new Float32Array(0),
    step: 0,
    loss: NaN,
  };
  let shown: Shown = { index: -1, probs: live.probs, step: 0, loss: NaN };
  let shownAll: Float32Array = new Float32Array(0);
  let temperature = 1;
  let derived: Derived = derive({ space, shown: shownAll, counts, temperature, naughty: [], start: "", k: 0 });
  let visible = new Set<string>(CONTROL_NAMES);
  let kernel: KernelState = "unknown";
  let pin: { index: number; step: number } | null = null;
  let hover: { kind: "node" | "edge"; index: number; x: number; y: number } | null = null;
  let painted = false;
  const dirty = new Set<Dirty>(ALL_DIRTY);
  /** The searched state (its label), kept across updates and structure changes. */
  let found: string | null = null;
  /** Drawn state -> its index in the chain. */
  let drawnIndex = new Map<string, number>();
  /** Last long-run shares of a big chain: the next analysis starts from them. */
  let warmShares: Float64Array | null = null;

  const save = <K extends keyof Traits>(key: K, value: Traits[K]): void => {
    model.set(key, value);
    model.save_changes();
  };
  const setShown = (index: number): void => save("shown_index", index);
  const shows = (c: ControlName): boolean => visible.has(c);
  const kernelOk = (): boolean => kernel !== "static";
  /** Errors the saved state carried when this view opened are stale (an earlier session). */
  const staleErrors = model.get("errors");
  /** A newer kernel (with `training`, `stop`, `undo_reset`)? An older one only knows pause. */
  const newKernel = (): boolean => model.get("training") !== undefined;
  const busy = (): boolean => model.get("playing") === true || model.get("training") === true;

  /** Every command goes through here: Step/Train/Play act on the live model, so a frozen view
   *  returns to live first (Python does it too); Pause is `stop` where the kernel knows it. */
  function act(c: Command): void {
    if ((c.cmd === "step" || c.cmd === "train" || c.cmd === "play") && (model.get("shown_index") ?? -1) >= 0) setShown(-1);
    model.send(c.cmd === "pause" && newKernel() ? { cmd: "stop" } : c);
  }

  // ---- views ----
  const controls = new ControlsView(
    {
      command: (c) => act(c),
      setTrainN: (n) => save("train_n", n),
      setLayout: (kind) => save("graph_layout", kind),
      configure: (values) => model.send({ cmd: "configure", values }),
    },
    signal,
  );
  const readout = new Readout();
  const graph = new GraphView({
    hoverNode: (index, ev) => onHover("node", index, ev),
    hoverEdge: (index, ev) => onHover("edge", index, ev),
    clickNode: (index) => (inside.isPicking ? inside.pick(chain.states[index]) : toggleNaughty(index)),
  });
  const memory = sectionMemory(model);
  const legend = new Legend(memory.get("legend-open") === true, (open) => memory.set("legend-open", open), signal);
  const chart = new LossChart(setShown, signal);
  const slider = new HistorySlider(setShown, signal, (on) => {
    chart.setLog(on); // the loss chart's step axis follows the slider's
    memory.set("log-steps", on);
  });
  const help = new HelpPopover();
  const viewBar = new ViewBar(
    {
      setTemperature: (t) => save("temperature", t),
      setShowPrefixes: (on) => save("show_prefixes", on),
      setPresentation: (on) => save("presentation", on),
      exportSvg: () => graph.withSnapshot(() => exportChain(graph.svg, root, shown.step, temperature, "svg", exportInfo())),
      exportPng: () => graph.withSnapshot(() => exportChain(graph.svg, root, shown.step, temperature, "png", exportInfo())),
      toggleHelp: () => help.toggle(),
    },
    signal,
  );
  const analysis = new AnalysisView((k) => save("reach_k", k), signal);
  const search = new SearchBox((text) => onSearch(text), signal);
  const analysisJob = new SlicedJob<{ input: DeriveInput; base: { ok: boolean; tempered: Float32Array }; warm: Float64Array | null }, Derived>(
    (job) => deriveSteps(job.input, job.base, job.warm),
    (result, job) => {
      if (job.input.space !== space) return; // the chain changed meanwhile
      warmShares = result.shares;
      publishAnalysis(result, job.input.k, job.input.start);
      if (hover) showTooltip();
    },
    { sliceMs: ANALYSIS_SLICE_MS, intervalMs: ANALYSIS_INTERVAL_MS },
  );
  const sampler = new SampleView(
    {
      sample: (req) => sample(req),
      finishWalk: () => walks.player.finish(),
      setSetting: (field, value) => {
        const now = field === "sample_start" ? model.get(field) || defaultStart(space) : model.get(field);
        if (now !== value) save(field, value as never);
      },
      setSpeed: (v) => (walks.player.speed = v),
      isState: (s) => space.index.has(s),
    },
    signal,
  );
  const walks = new WalkView(graph, sampler, root, options.walkTimer);
  const runView = new RunStringView((value) => model.send({ cmd: "load_run", value }), signal);
  const longRun = new LongRunView({ setSpeed: (v) => save("play_speed", v), undoReset: () => act({ cmd: "undo_reset" }) }, signal);
  let staticReason = STATIC_REASON;
  const badge = el("div", "bg-static-badge", STATIC_BADGE);
  badge.dataset.role = "static-badge";
  badge.setAttribute("role", "status");
  badge.title = STATIC_BADGE;
  badge.hidden = true;

  // ---- the lecture screen (screen.ts puts the views in place, layout.ts sizes them) ----
  const viewRow = el("div", "bg-view-row");
  viewRow.append(controls.parts.layout[0], viewBar.parts.prefixes, viewBar.parts.export);
  viewBar.parts.export.append(graph.toolbar.exportTheme); // exports' theme, by the export buttons
  slider.setLog(memory.get("log-steps") === true);
  chart.setLog(slider.isLog);
  const { frame, header, graphBox, timeline, side, sections } = assembleScreen(
    {
      root,
      bar: controls.bar,
      barErrors: controls.barErrors,
      pauseBtn: controls.parts.play[1],
      resetBtn: controls.parts.reset[0],
      speed: longRun.speedEl,
      runSlot: longRun.slot,
      readout: readout.el,
      badge,
      presentation: viewBar.parts.presentation,
      help: viewBar.parts.help,
      graph: graph.el,
      legend: legend.el,
      lossTitle: chart.title,
      lossChart: chart.svg,
      slider: slider.el,
      sliderTrack: slider.track,
      view: [viewRow, search.el, search.readout, viewBar.parts.temperature],
      sample: [sampler.bar, sampler.sequences],
      analysis: [analysis.el],
      settings: [controls.form],
      run: [runView.el],
    },
    memory,
    signal,
  );
  const inside = new InsidePanel(
    {
      send: (c) => model.send(c),
      suggested: () => found ?? walks.current,
      isState: (s) => space.index.has(s),
      setKernelOnly: (e, liveKernel) => setKernelOnly(e, liveKernel, staticReason),
    },
    signal,
  );
  const insideSection = mountInsideSection(inside, side, model as unknown as Parameters<typeof mountInsideSection>[2], memory, signal);
  inside.setLarge(graph.large); // Enlarge: over the drawing's box
  search.setFound(null);
  // ---- runs compared (js/panels/compare): its section after Analysis, the hitting plot in it ----
  const compare = new ComparePanel(
    {
      send: (c) => model.send(c),
      setEdgeDecor: (items, mode) => graph.setEdgeDecor(items, mode),
      modeChanged: () => {
        dirty.add("derived");
        scheduler?.request();
      },
    },
    signal,
  );
  compare.ensembleView.setLarge(graph.large);
  const compareSection = new Section("compare", "Compare runs", memory, signal);
  compareSection.body.append(compare.ensembleView.el, compare.otherView.el);
  sections.analysis.el.after(compareSection.el);
  sections.analysis.body.append(compare.plot.el);
  graphBox.append(compare.otherView.banner, compare.ensembleBanner);
  const updateCompare = (): void =>
    compare.update({
      chain,
      states: space.states.slice(0, space.nFull),
      tokens: space.tokens,
      shownProbs: shown.probs,
      shownStep: shown.step,
      liveStep: live.step,
      temperature: numberOr(model.get("temperature"), 1),
      naughty: model.get("naughty") ?? [],
      reachK: Math.max(0, Math.round(numberOr(model.get("reach_k"), 10))),
      start: model.get("sample_start") || defaultStart(space),
      kernelLive: kernelOk(),
      training: model.get("training") === true,
      progress: model.get("progress"),
      errors: (model.get("errors") === staleErrors ? null : model.get("errors")) ?? {},
      ensemble: model.get("ensemble"),
      comparison: model.get("comparison"),
      hitting: model.get("hitting"),
    });
  // ---- end of runs compared ----
  root.append(frame, help.el);
  const tooltip = new Tooltip(root);
  host.appendChild(root);

  // ---- drawing wiring (js/drawing/: exports' caption and theme; the drawing's toolbar lives in graph.el) ----
  function exportInfo(): ExportInfo {
    const c = model.get("config");
    const settings = c
      ? `alphabet ${c.alphabet} · context ${c.context_length} · ${c.n_layer} layer(s), ${c.n_head} head(s), n_embd ${c.n_embd} · lr ${c.lr} · seed ${c.seed}`
      : "";
    return { loss: shown.loss, settings, theme: graph.exportTheme };
  }
  // ---- end of drawing wiring ----

  // ---- actions ----
  function toggleNaughty(index: number): void {
    const state = chain.states[index];
    if (state === undefined || !shows("naughty")) return;
    const now = model.get("naughty") ?? [];
    save("naughty", now.includes(state) ? now.filter((s) => s !== state) : [...now, state]);
  }

  /** Walk the chain as shown (history step, temperature), seeded: same seed, same walk. The
   *  seed then moves on, so pressing Sample again shows a new walk; the walk keeps its seed. */
  function sample(req: SampleRequest): void {
    scheduler.flush();
    const start = space.index.get(req.start);
    if (start === undefined || !derived.ok) return;
    const w = sampleWalk(derived.tempered, space.next, space.tokens.length, start, req.n, mulberry32(req.seed));
    const value: WalkTrait = { start: req.start, tokens: w.tokens.map((t) => space.tokens[t]).join(""), temperature, seed: req.seed };
    if (model.get("sample_n") !== req.n) model.set("sample_n", req.n);
    if ((model.get("sample_start") || defaultStart(space)) !== req.start) model.set("sample_start", req.start);
    model.set("sample_seed", (req.seed + 1) % 2 ** 32);
    walks.show(parseWalk(value)!, true); // before the trait: an identical walk fires no change
    save("walk", value);
    scheduler.flush(); // the seed field shows the next seed before another press can read it
  }

  bindShortcuts(
    root,
    {
      playPause: () => kernelOk() && shows("play") && act({ cmd: busy() ? "pause" : "play" }),
      step: () => kernelOk() && shows("step") && act({ cmd: "step" }),
      sample: () => shows("sample") && sampler.requestSample(),
      reset: () => kernelOk() && shows("reset") && act({ cmd: "reset" }),
      toggleHelp: () => shows("help") && help.toggle(),
      closeHelp: () => {
        const was = help.open;
        help.toggle(false);
        // focus back on the widget (not the "?" button): Space is Play/Pause again
        if (was) root.focus({ preventScroll: true });
        return was;
      },
    },
    signal,
  );

  const probe = new KernelProbe(
    model,
    (state, cause, hostName, wasLive) => {
      kernel = state;
      const liveKernel = state !== "static";
      // a host that knows there is no kernel (a saved page) says so instead of "saved page or busy
      // kernel"; a kernel that answered before and went quiet (or closed the comm) restarted or
      // died: say what to do
      const texts =
        cause === "no-kernel" && hostName
          ? noKernelTexts(hostName)
          : { reason: STATIC_REASON, badge: cause === "closed" ? RESTARTED_BADGE : wasLive ? LOST_BADGE : STATIC_BADGE };
      staticReason = texts.reason;
      badge.textContent = badge.title = texts.badge;
      controls.setKernel(liveKernel, staticReason);
      for (const e of [...runView.kernelOnly, ...longRun.kernelOnly]) setKernelOnly(e, liveKernel, staticReason);
      compare.setKernel(liveKernel, (e, on) => setKernelOnly(e, on, staticReason));
      dirty.add("compare");
      scheduler?.request();
      badge.hidden = liveKernel;
      inside.setKernel(state);
      root.classList.toggle("bg-static", !liveKernel);
    },
    options.helloTimeoutMs,
    {
      intervalMs: options.probeIntervalMs,
      visible: () => root.isConnected && (typeof document === "undefined" || document.visibilityState !== "hidden"),
    },
  );
  // Flow control (background.py): Python hears which step arrived, so Play never runs more than
  // a slice ahead of what the page shows and the readout stops where Stop was pressed.
  const onStepArrived = (): void => {
    if (!busy() || !kernelOk()) return;
    try {
      model.send({ cmd: "seen", step: model.get("global_step") ?? 0 });
    } catch {
      // no comm (a saved page)
    }
  };
  model.on("change:global_step", onStepArrived);
  // The comm closed / the model was destroyed (kernel gone): controls off, drawing stays.
  const onGone = (): void => probe.gone();
  model.on("comm:close", onGone);
  model.on("destroy", onGone);

  // ---- search ----
  function onSearch(text: string): void {
    const r = resolveSearch(text, { drawn: drawnIndex, all: space.index, tokens: space.tokens, contextLength: space.contextLength });
    search.setError(r.kind === "error" ? r.message : "");
    if (r.kind === "found") {
      found = r.state;
      inside.found(r.state);
      graph.setFound(r.index);
      graph.focusOn(r.index, painted);
    } else {
      found = null;
      graph.setFound(-1);
    }
    showFound();
  }

  /** The readout of the found state, from the chain as shown. */
  function showFound(): void {
    const i = found === null ? undefined : drawnIndex.get(found);
    if (i === undefined) return search.setFound(null);
    const V = space.tokens.length;
    const row = (a: ArrayLike<number>): number[] | null => (a.length >= (i + 1) * V ? Array.from({ length: V }, (_, t) => a[i * V + t]) : null);
    search.setFound({
      state: chain.states[i],
      tokens: space.tokens,
      probs: row(derived.tempered) ?? new Array<number>(V).fill(NaN),
      counts: row(counts),
      share: i < space.nFull && i < derived.shares.length ? derived.shares[i] : undefined,
    });
  }

  // ---- hover ----
  function onHover(kind: "node" | "edge", index: number | null, ev: MouseEvent): void {
    if (index === null) {
      hover = null;
      tooltip.hide();
      graph.highlight(null);
      root.classList.remove("bg-edge-hover");
      return;
    }
    const same = hover !== null && hover.kind === kind && hover.index === index;
    hover = { kind, index, x: ev.clientX, y: ev.clientY };
    if (same) tooltip.move(ev.clientX, ev.clientY);
    else showTooltip();
  }

  function showTooltip(): void {
    if (!hover) return;
    const ctx: HoverContext = {
      space,
      chain,
      derived,
      counts,
      history,
      prefixHistory,
      shown,
      temperature,
      sequence: model.get("config")?.sequence ?? "",
    };
    const content = hover.kind === "node" ? nodeContent(ctx, hover.index) : edgeContent(ctx, hover.index);
    if (!content) return;
    const extra = hover.kind === "node" ? compare.hoverNode(hover.index) : compare.hoverEdge(hover.index);
    if (extra) content.append(extra);
    if (hover.kind === "node") graph.highlight(hover.index);
    root.classList.toggle("bg-edge-hover", hover.kind === "edge"); // the loss chart's marker lights up too
    tooltip.show(content, hover.x, hover.y);
  }

  // ---- the one render path ----
  function redraw(): void {
    const t0 = performance.now();
    if (dirty.has("structure")) updateStructure();
    if (dirty.has("counts")) updateCounts();
    if (dirty.has("history")) {
      const steps = model.get("history_steps");
      const losses = model.get("history_losses");
      const V = space.tokens.length;
      const nPrefix = space.states.length - space.nFull;
      history = decodeHistory(steps, losses, model.get("history_probs"), space.nFull * V);
      prefixHistory = nPrefix > 0 ? decodeHistory(steps, losses, model.get("history_prefix_probs"), nPrefix * V) : null;
      chart.setHistory(history);
      slider.setHistory(history);
    }
    if (dirty.has("probs")) {
      live = {
        probs: toFloat32(model.get("probs")),
        prefix: toFloat32(model.get("prefix_probs")),
        step: model.get("global_step") ?? 0,
        loss: numberOr(model.get("loss"), NaN),
      };
    }
    if (dirty.has("history") || dirty.has("shown")) followPin();
    if (dirty.has("probs") || dirty.has("history") || dirty.has("shown")) updateShown();
    if ((["compare", "shown", "probs", "structure", "derived", "controls", "longrun"] as Dirty[]).some((d) => dirty.has(d))) updateCompare();
    if (dirty.has("derived")) updateDerived();
    if (dirty.has("layout")) {
      const kind = layoutOf(model.get("graph_layout"));
      graph.setLayout(kind, painted);
      controls.setLayout(kind);
    }
    if (dirty.has("controls")) {
      const now = model.get("errors");
      const errors = (now === staleErrors ? null : now) ?? {};
      controls.setRunning(model.get("playing") === true, model.get("training") === true);
      controls.setTrainN(model.get("train_n") ?? 50);
      controls.setConfig(model.get("config"));
      controls.setErrors(errors);
      runView.setError(errors.run_string);
    }
    if (dirty.has("sample")) {
      const n = numberOr(model.get("sample_n"), 20);
      sampler.setSettings(n, model.get("sample_start") ?? "", numberOr(model.get("sample_seed"), 0), defaultStart(space));
      sampler.setTrainingSequence(model.get("config")?.sequence ?? "");
    }
    if (dirty.has("walk")) {
      const w = parseWalk(model.get("walk"));
      if (!w) walks.clear();
      else if (w.key !== walks.key) walks.show(w, painted); // Python's walks animate too
    }
    if (dirty.has("visibility")) applyVisibility();
    if (dirty.has("presentation")) {
      const on = model.get("presentation") === true;
      root.classList.toggle("bg-presentation", on);
      graph.setPresentation(on);
      viewBar.setPresentation(on);
      fit.request();
    }
    if (dirty.has("runstring")) runView.setRunString(model.get("run_string") ?? "");
    if (dirty.has("longrun")) {
      controls.setRunning(model.get("playing") === true, model.get("training") === true);
      longRun.setProgress(model.get("progress"));
      longRun.setUndo(model.get("can_undo_reset") === true);
      const speed = model.get("play_speed");
      longRun.setSpeed(typeof speed === "number" ? speed : undefined);
    }
    if (hover && (dirty.has("derived") || dirty.has("history"))) showTooltip();
    graph.flush(); // a big chain's canvas is painted here, inside the measured redraw
    dirty.clear();
    painted = true;
    root.dataset.renderMs = (performance.now() - t0).toFixed(2);
  }

  function updateStructure(): void {
    const states = model.get("states") ?? [];
    const cfg = model.get("config");
    const alphabet = alphabetOf(cfg, states);
    const C = cfg?.context_length ?? Array.from(states[0] ?? "").length;
    const showPrefixes = model.get("show_prefixes") === true;
    const next = buildSpace(states, model.get("prefix_states"), alphabet, C);
    const drawn = showPrefixes ? next.states : states;
    viewBar.setShowPrefixes(showPrefixes);
    viewBar.setPrefixesAvailable(next.states.length > next.nFull);
    const key = `${next.states.join("\u0001")}|${drawn.length}|${alphabet}|${C}`;
    if (key === chainKey) return;
    chainKey = key;
    space = next;
    chain = buildChain(drawn, alphabet, C);
    drawnIndex = new Map(chain.states.map((s, i) => [s, i] as const));
    warmShares = null;
    analysisJob.cancel();
    graph.setChain(chain);
    const f = found === null ? undefined : drawnIndex.get(found);
    if (f === undefined && found !== null) {
      found = null;
      search.setFound(null);
    }
    graph.setFound(f ?? -1);
    walks.setChain(chain);
    search.setExample(exampleState(chain.states, model.get("config")?.sequence ?? "", C));
    inside.setAlphabet(alphabet);
    inside.checkState();
    root.style.setProperty("--bg-context", String(Math.max(1, C)));
    legend.setTokens(space.tokens);
    legend.setBars(graph.marks.enabled);
    hover = null;
    tooltip.hide();
    for (const d of ["counts", "history", "probs", "sample", "derived"] as const) dirty.add(d);
  }

  function updateCounts(): void {
    const V = space.tokens.length;
    const n = chain.states.length;
    const full = toInt32(model.get("data_counts"));
    counts = joinRows(full, toInt32(model.get("prefix_data_counts")), space, (k) => new Int32Array(k), 0);
    const known = full.length >= space.nFull * V;
    const unseen = known ? unseenStates(counts, n, V) : new Array<boolean>(n).fill(false);
    graph.setUnseen(unseen);
    graph.marks.setData(known ? counts.subarray(0, n * V) : null);
    legend.setUnseen(unseen.some(Boolean));
    dirty.add("derived");
  }

  function updateShown(): void {
    const V = space.tokens.length;
    shown = resolveShown(model.get("shown_index") ?? -1, history, live);
    const ph = prefixHistory;
    const prefixRow =
      shown.index < 0
        ? live.prefix
        : ph && shown.index < ph.length
          ? ph.probs.subarray(shown.index * ph.rowSize, (shown.index + 1) * ph.rowSize)
          : null;
    shownAll =
      shown.probs.length >= space.nFull * V ? joinRows(shown.probs, prefixRow, space, (n) => new Float32Array(n), NaN) : new Float32Array(0);
    readout.update(shown.step, shown.loss, shown.index < 0);
    inside.setShown(shown.step, shown.index < 0);
    slider.update(shown.index, shown.step, live.step);
    chart.setMarker(shown.step, shown.loss);
    root.classList.toggle("bg-frozen", shown.index >= 0);
    dirty.add("derived");
  }

  /** The drawn chain updates now; on big chains the analysis follows after the frame, in slices. */
  function updateDerived(): void {
    const t = numberOr(model.get("temperature"), 1);
    temperature = t >= 0 ? t : 1;
    const naughty = model.get("naughty") ?? [];
    const start = model.get("sample_start") || defaultStart(space);
    const k = Math.max(0, Math.min(1000, Math.round(numberOr(model.get("reach_k"), 10))));
    const input = { space, shown: shownAll, counts, temperature, naughty, start, k };
    const base = temperShown(space, shownAll, temperature);
    derived = { ...derived, ...base };
    const drawnProbs = base.ok ? base.tempered.subarray(0, chain.states.length * space.tokens.length) : null;
    viewBar.setTemperature(temperature);
    inside.setTemperature(temperature);
    graph.setProbs(compare.drawn(drawnProbs, chain.states.length, space.tokens.length), temperature === 0 && !compare.showsMedians);
    graph.marks.setModel(drawnProbs);
    const marked = new Set(naughty);
    graph.setNaughty(chain.states.map((s) => marked.has(s)));
    if (space.states.length <= HEAVY_STATES) {
      analysisJob.cancel();
      publishAnalysis(derive(input, base), k, start);
    } else {
      analysisJob.request({ input, base, warm: warmShares });
      if (found !== null) showFound();
    }
  }

  /** Show an analysis (long-run shares, distances, reach); the drawn chain stays the newest. */
  function publishAnalysis(result: Derived, k: number, start: string): void {
    derived = { ...result, ok: derived.ok, tempered: derived.tempered };
    graph.setShares(derived.shares);
    const w = derived.full.worst;
    analysis.setDistance(derived.full.total, w >= 0 ? space.states[w] : null, w >= 0 ? derived.full.perState[w] : NaN);
    analysis.setLongRun(topShares(space, derived.shares));
    analysis.setReach({ ...derived.reach, k, start });
    if (found !== null) showFound();
  }

  function applyVisibility(): void {
    const list = model.get("controls");
    visible = new Set(Array.isArray(list) ? list : CONTROL_NAMES);
    const parts: [ControlName, Element[]][] = [
      ...(Object.entries(controls.parts) as [ControlName, HTMLElement[]][]),
      ["layout", [search.el]],
      ["slider", [slider.el, slider.track]],
      ["loss", [chart.svg, chart.title]],
      ["config", [controls.form]],
      ["sample", [sampler.bar, sampler.sequences]],
      ["temperature", [viewBar.parts.temperature]],
      ["naughty", [analysis.reachPart, compare.plot.el]],
      ["prefixes", [viewBar.parts.prefixes]],
      ["export", [viewBar.parts.export]],
      ["help", [viewBar.parts.help]],
      ["presentation", [viewBar.parts.presentation]],
      ["runstring", [runView.el]],
    ];
    // A class, not `hidden`: Play/Pause use `hidden` for which of the two applies.
    for (const [name, els] of parts) for (const e of els) e.classList.toggle("bg-off", !visible.has(name));
    timeline.classList.toggle("bg-off", !visible.has("slider") && !visible.has("loss"));
    sections.view.setAvailable(["layout", "temperature", "prefixes", "export"].some((c) => visible.has(c as ControlName)));
    sections.sample.setAvailable(visible.has("sample"));
    sections.settings.setAvailable(visible.has("config"));
    sections.run.setAvailable(visible.has("runstring"));
    insideSection.setAvailable(visible.has("inside"));
    compareSection.setAvailable(visible.has("compare"));
    fit.request();
    if (!visible.has("help")) help.toggle(false);
    root.classList.toggle("bg-no-naughty", !visible.has("naughty"));
    legend.setNaughty(visible.has("naughty"));
  }

  /**
   * A frozen view shows one *step*. When Python thins the history the indices shift, so
   * re-point shown_index at the snapshot nearest the step the user picked.
   */
  function followPin(): void {
    const idx = model.get("shown_index") ?? -1;
    if (idx < 0) {
      pin = null;
    } else if (!pin || pin.index !== idx) {
      pin = idx < history.length ? { index: idx, step: history.steps[idx] } : null;
    } else if (idx >= history.length || history.steps[idx] !== pin.step) {
      const k = nearestIndex(history.steps, pin.step, history.length);
      if (k >= 0 && k !== idx) {
        pin.index = k;
        setShown(k);
      }
    }
  }

  const scheduler = (options.scheduler ?? frameScheduler)(redraw);
  const fit = new ShellFit(
    {
      root,
      frame,
      header,
      stage: graphBox,
      timeline,
      side,
      toolbar: graph.toolbar.el,
      legend: legend.el,
      onTimeline: (w) => {
        if (w <= 0) return;
        const font = parseFloat(getComputedStyle(chart.svg).fontSize) || 13;
        chart.resize(w, Math.round(font * 5.6), font);
        // the slider's track runs exactly under the chart's step axis (sliderStops.ts)
        const { left, width } = chart.axis;
        timeline.style.setProperty("--bg-axis-left", `${left}px`);
        timeline.style.setProperty("--bg-axis-width", `${width}px`);
      },
    },
    signal,
  );
  const handlers: [string, () => void][] = [];
  for (const [trait, effects] of Object.entries(TRAIT_EFFECTS)) {
    const fn = (): void => {
      for (const d of effects) dirty.add(d);
      scheduler.request();
    };
    model.on(`change:${trait}`, fn);
    handlers.push([`change:${trait}`, fn]);
  }

  redraw(); // first paint synchronously: no empty frame
  fit.fit();

  return {
    root,
    graph,
    flush: () => scheduler.flush(),
    destroy() {
      scheduler.cancel();
      walks.stop();
      probe.destroy();
      analysisJob.cancel();
      for (const [event, fn] of handlers) model.off(event, fn);
      model.off("comm:close", onGone);
      model.off("change:global_step", onStepArrived);
      model.off("destroy", onGone);
      abort.abort();
      graph.destroy();
      root.remove();
    },
  };
}
