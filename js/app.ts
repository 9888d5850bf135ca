// Wires the model's traits to the views: one render path, one redraw per animation frame.
import { buildChain, unseenStates, windowsOf } from "./chain";
import type { Chain } from "./chain";
import { ControlsView } from "./controls";
import { toFloat32, toInt32 } from "./decode";
import { formatStep } from "./format";
import { frameScheduler } from "./frame";
import type { FrameScheduler } from "./frame";
import { GraphView } from "./graph";
import { decodeHistory, nearestIndex, resolveShown } from "./history";
import type { History, Shown } from "./history";
import { Legend } from "./legend";
import { LossChart } from "./lossChart";
import { Readout } from "./readout";
import { HistorySlider } from "./slider";
import { edgeTooltip, nodeTooltip, Tooltip } from "./tooltip";
import type { Config, LayoutKind, Traits, WidgetModel } from "./types";

type Dirty = "structure" | "counts" | "history" | "probs" | "shown" | "layout" | "controls";

const TRAIT_EFFECTS: Record<keyof Traits, Dirty[]> = {
  config: ["structure", "controls"],
  states: ["structure"],
  probs: ["probs"],
  data_counts: ["counts"],
  global_step: ["probs"],
  loss: ["probs"],
  history_steps: ["history"],
  history_losses: ["history"],
  history_probs: ["history"],
  shown_index: ["shown"],
  graph_layout: ["layout"],
  playing: ["controls"],
  train_n: ["controls"],
  errors: ["controls"],
};

export interface Mounted {
  root: HTMLElement;
  graph: GraphView;
  /** Run a pending redraw now. */
  flush(): void;
  destroy(): void;
}

export interface MountOptions {
  scheduler?: (run: () => void) => FrameScheduler;
}

const layoutOf = (v: unknown): LayoutKind => (v === "force" ? "force" : "circular");

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

  // ---- state derived from traits (decoded once per change) ----
  let chain: Chain = buildChain([], "", 0);
  let chainKey = "";
  let contextLength = 0;
  let counts: Int32Array = new Int32Array(0);
  let history: History = decodeHistory(null, null, null, 0);
  let live: { probs: Float32Array; step: number; loss: number } = { probs: new Float32Array(0), step: 0, loss: NaN };
  let shown: Shown = { index: -1, ...live };
  let pin: { index: number; step: number } | null = null;
  let hover: { kind: "node" | "edge"; index: number; x: number; y: number } | null = null;
  let painted = false;
  const dirty = new Set<Dirty>(["structure", "counts", "history", "probs", "shown", "layout", "controls"]);

  const setShown = (index: number): void => {
    model.set("shown_index", index);
    model.save_changes();
  };

  // ---- views ----
  const controls = new ControlsView(
    {
      command: (c) => model.send(c),
      setTrainN: (n) => {
        model.set("train_n", n);
        model.save_changes();
      },
      setLayout: (kind) => {
        model.set("graph_layout", kind);
        model.save_changes();
      },
      configure: (values) => model.send({ cmd: "configure", values }),
    },
    signal,
  );
  const readout = new Readout();
  const graph = new GraphView({
    hoverNode: (index, ev) => onHover("node", index, ev),
    hoverEdge: (index, ev) => onHover("edge", index, ev),
  });
  const legend = new Legend();
  const chart = new LossChart(setShown, signal);
  const slider = new HistorySlider(setShown, signal);

  const header = div("bg-header", controls.bar, readout.el);
  const graphBox = div("bg-graph-box", graph.svg, legend.el);
  const timeline = div("bg-history", chart.svg, slider.el);
  const config = div("bg-config-box", controls.form);
  root.append(header, graphBox, timeline, config);
  const tooltip = new Tooltip(root);
  host.appendChild(root);

  // ---- hover ----
  function onHover(kind: "node" | "edge", index: number | null, ev: MouseEvent): void {
    if (index === null) {
      hover = null;
      tooltip.hide();
      graph.highlight(null);
      return;
    }
    const same = hover !== null && hover.kind === kind && hover.index === index;
    hover = { kind, index, x: ev.clientX, y: ev.clientY };
    if (same) tooltip.move(ev.clientX, ev.clientY);
    else showTooltip();
  }

  function showTooltip(): void {
    if (!hover) return;
    const V = chain.tokens.length;
    const row = (a: ArrayLike<number>, s: number): number[] | null =>
      a.length >= chain.states.length * V ? Array.from({ length: V }, (_, t) => a[s * V + t]) : null;
    const nan = Array.from({ length: V }, () => NaN);
    if (hover.kind === "node") {
      const s = hover.index;
      const state = chain.states[s];
      if (state === undefined) return;
      const cfg = model.get("config");
      graph.highlight(s);
      tooltip.show(
        nodeTooltip({
          state,
          tokens: chain.tokens,
          probs: row(shown.probs, s) ?? nan,
          counts: row(counts, s),
          windows: windowsOf(cfg?.sequence ?? "", state, contextLength),
          step: formatStep(shown.step),
        }),
        hover.x,
        hover.y,
      );
    } else {
      const e = chain.edges[hover.index];
      if (!e) return;
      const c = row(counts, e.fromIndex);
      tooltip.show(
        edgeTooltip({
          from: e.from,
          to: e.to,
          token: e.token,
          p: row(shown.probs, e.fromIndex)?.[e.tokenIndex] ?? NaN,
          count: c ? c[e.tokenIndex] : null,
          total: c ? c.reduce((a, b) => a + b, 0) : null,
        }),
        hover.x,
        hover.y,
      );
    }
  }

  // ---- the one render path ----
  function redraw(): void {
    const t0 = performance.now();
    if (dirty.has("structure")) {
      const states = model.get("states") ?? [];
      const cfg = model.get("config");
      const alphabet = alphabetOf(cfg, states);
      contextLength = cfg?.context_length ?? Array.from(states[0] ?? "").length;
      const key = `${states.join("\u0001")}|${alphabet}|${contextLength}`;
      if (key !== chainKey) {
        chainKey = key;
        chain = buildChain(states, alphabet, contextLength);
        graph.setChain(chain);
        hover = null;
        tooltip.hide();
        for (const d of ["counts", "history", "probs"] as const) dirty.add(d);
      }
    }
    const V = chain.tokens.length;
    const rowSize = chain.states.length * V;
    if (dirty.has("counts")) {
      counts = toInt32(model.get("data_counts"));
      const unseen = unseenStates(counts, chain.states.length, V);
      graph.setUnseen(unseen);
      legend.setUnseen(unseen.some(Boolean));
    }
    if (dirty.has("history")) {
      history = decodeHistory(model.get("history_steps"), model.get("history_losses"), model.get("history_probs"), rowSize);
      chart.setHistory(history);
    }
    if (dirty.has("probs")) {
      const loss = model.get("loss");
      live = { probs: toFloat32(model.get("probs")), step: model.get("global_step") ?? 0, loss: loss ?? NaN };
    }
    if (dirty.has("history") || dirty.has("shown")) followPin();
    if (dirty.has("probs") || dirty.has("history") || dirty.has("shown")) {
      shown = resolveShown(model.get("shown_index") ?? -1, history, live);
      graph.setProbs(shown.probs.length >= rowSize ? shown.probs : null);
      readout.update(shown.step, shown.loss, shown.index < 0);
      slider.update(history.length, shown.index);
      chart.setMarker(shown.step, shown.loss);
      root.classList.toggle("bg-frozen", shown.index >= 0);
    }
    if (dirty.has("layout")) {
      const kind = layoutOf(model.get("graph_layout"));
      graph.setLayout(kind, painted);
      controls.setLayout(kind);
    }
    if (dirty.has("controls")) {
      controls.setPlaying(model.get("playing") === true);
      controls.setTrainN(model.get("train_n") ?? 50);
      controls.setConfig(model.get("config"));
      controls.setErrors(model.get("errors"));
    }
    if (hover && (dirty.has("probs") || dirty.has("shown") || dirty.has("history") || dirty.has("counts"))) showTooltip();
    dirty.clear();
    painted = true;
    root.dataset.renderMs = (performance.now() - t0).toFixed(2);
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
  const handlers: [string, () => void][] = [];
  for (const [trait, effects] of Object.entries(TRAIT_EFFECTS)) {
    const fn = (): void => {
      for (const d of effects) dirty.add(d);
      scheduler.request();
    };
    model.on(`change:${trait}`, fn);
    handlers.push([`change:${trait}`, fn]);
  }

  let observer: ResizeObserver | null = null;
  if (typeof ResizeObserver !== "undefined") {
    observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) chart.resize(w);
    });
    observer.observe(timeline);
  }

  redraw(); // first paint synchronously: no empty frame

  return {
    root,
    graph,
    flush: () => scheduler.flush(),
    destroy() {
      scheduler.cancel();
      for (const [event, fn] of handlers) model.off(event, fn);
      observer?.disconnect();
      abort.abort();
      graph.destroy();
      root.remove();
    },
  };
}

function div(cls: string, ...children: Element[]): HTMLDivElement {
  const d = document.createElement("div");
  d.className = cls;
  d.append(...children);
  return d;
}
