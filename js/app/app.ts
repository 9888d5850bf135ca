// Mounts one widget: wires the model's traits to the views. Writes go through commands.ts,
// trait changes mark what they dirty (state/traitEffects.ts), and one redraw per animation
// frame (render.ts) decodes the traits (state/viewState.ts) and updates the views. The lecture
// features (temperature, walks, long-run shares, reach, data vs model) are computed here in the
// page from the chain being shown, so a saved page without a kernel has them too.
import type { GraphView } from "../drawing/graph";
import type { InsideTraits } from "../panels/inside/insideSection";
import { sectionMemory } from "../ui/sections";
import type { Timer } from "../panels/sampling/walkPlayer";
import type { ControlName, Traits, WidgetModel } from "../model/types";
import { TRAIT_EFFECTS } from "../state/traitEffects";
import { decodeView } from "../state/viewState";
import type { TraitGetter } from "../state/viewState";
import { initialState } from "./appState";
import { currentLink } from "./viewLinkState";
import { panelSync, WatchedMemory } from "./panelSync";
import { bindPageUrl } from "./urlView";
import type { PageUrl } from "./urlView";
import { errorSlot, setText } from "../util/dom";
import { chainUpdates } from "./chainUpdates";
import { createCommands } from "./commands";
import { frameScheduler } from "./frameScheduler";
import type { FrameScheduler } from "./frameScheduler";
import { createInteractions } from "./interactions";
import type { Interactions } from "./interactions";
import { KernelProbe } from "./kernelProbe";
import { createLesson } from "./lesson";
import type { LessonRunner } from "./lesson";
import { showKernelState, STATIC_BADGE, STATIC_REASON } from "./kernelStatus";
import { bindShortcuts } from "./keyboard";
import { createRedraw } from "./render";
import { ShellFit } from "./shellFit";
import { buildViews } from "./views";

export { LOST_BADGE, RESTARTED_BADGE, STATIC_BADGE, STATIC_REASON } from "./kernelStatus";
export { ANALYSIS_INTERVAL_MS } from "./chainUpdates";

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

export function mount(host: HTMLElement, model: WidgetModel, options: MountOptions = {}): Mounted {
  const abort = new AbortController();
  const signal = abort.signal;
  const root = document.createElement("div");
  root.className = "babygpt-widget";

  const commands = createCommands(model);
  const get: TraitGetter = (key) => model.get(key);
  /** Errors the saved state carried when this view opened are stale (an earlier session). */
  const staleErrors = model.get("errors");
  const view = () => decodeView(get, staleErrors);
  const st = initialState(STATIC_REASON);
  const shows = (c: ControlName): boolean => st.visible.has(c);
  const kernelOk = (cmd?: string): boolean => st.kernel !== "static" || (cmd !== undefined && st.local.has(cmd));
  const busy = (): boolean => model.get("playing") === true || model.get("training") === true;

  // The views call back through `ix` (made once the views exist) and `scheduler` (once the
  // render path exists): both are assigned below, before any event can arrive.
  let ix!: Interactions;
  let lesson!: LessonRunner;
  let scheduler: FrameScheduler | undefined;
  // open sections and the selected state <-> their traits (panelSync.ts); `v` exists before any event
  const sync = panelSync(st, () => v, commands, get as <K extends keyof Traits>(k: K) => Traits[K], () => ix);
  const v = buildViews(
    root,
    {
      commands,
      hover: (kind, index, ev) => ix.hover(kind, index, ev),
      clickNode: (index) => lesson.clickNode(st.chain.states[index] ?? "") || ix.clickNode(index),
      exportAs: (format) => ix.exportAs(format),
      search: (text) => ix.search(text),
      sample: (req) => ix.sample(req),
      setSampleSetting: (field, value) => ix.setSampleSetting(field, value),
      isState: (s) => st.space.index.has(s),
      suggested: () => st.found ?? v.walks.current,
      staticReason: () => st.staticReason,
      highlightState: (s, token) =>
        v.graph.highlight(s === null ? null : (st.space.index.get(s) ?? null), token ? st.space.tokens.indexOf(token) : -1),
      link: () => currentLink(st, view(), get("lesson_page")),
      compareModeChanged: () => {
        st.dirty.add("derived");
        scheduler?.request();
      },
    },
    model as unknown as InsideTraits,
    new WatchedMemory(sectionMemory(model), (name, open) => sync.sectionToggled(name, open)),
    STATIC_BADGE,
    signal,
    options.walkTimer,
  );
  host.appendChild(root);
  ix = createInteractions(st, v, commands, view, get, () => scheduler?.flush(), () => sync.foundChanged());
  const chain = chainUpdates(st, v, get, commands, ix);

  bindShortcuts(
    root,
    {
      playPause: () => kernelOk(busy() ? "pause" : "play") && shows("play") && commands.act({ cmd: busy() ? "pause" : "play" }),
      step: () => kernelOk("step") && shows("step") && commands.act({ cmd: "step" }),
      sample: () => shows("sample") && v.sampler.requestSample(),
      reset: () => kernelOk("reset") && shows("reset") && commands.act({ cmd: "reset" }),
      toggleHelp: () => shows("help") && v.help.toggle(),
      closeHelp: () => {
        const was = v.help.open;
        v.help.toggle(false);
        // focus back on the widget (not the "?" button): Space is Play/Pause again
        if (was) root.focus({ preventScroll: true });
        return was || v.legend.close(); // then the open key, one Esc at a time
      },
    },
    signal,
  );

  // The probe listens on the model; its `hello` goes out through commands like every command.
  const probe = new KernelProbe(
    { send: (c) => commands.send(c), on: (e, fn) => model.on(e, fn), off: (e, fn) => model.off(e, fn) },
    (state, cause, hostName, wasLive) => {
      showKernelState(st, v, state, cause, hostName, wasLive, probe.local);
      scheduler?.request();
    },
    options.helloTimeoutMs,
    {
      intervalMs: options.probeIntervalMs,
      visible: () => root.isConnected && (typeof document === "undefined" || document.visibilityState !== "hidden"),
    },
  );
  // Flow control: Python hears which step the page has drawn (after the frame that drew it, not
  // on arrival: a busy browser then holds Play back instead of queueing steps it has not shown),
  // so Play never runs more than a slice ahead of what the page shows and the readout stops
  // where Stop was pressed.
  let arrived = false; // a step arrived while training that no frame has drawn yet
  const onStepArrived = (): void => {
    if (!busy() || st.kernel === "static") return;
    arrived = true;
    scheduler?.request();
  };
  const ackDrawn = (): void => {
    if (arrived) commands.seen(model.get("global_step") ?? 0);
    arrived = false;
  };
  model.on("change:global_step", onStepArrived);
  // The comm closed / the model was destroyed (kernel gone): controls off, drawing stays.
  const onGone = (): void => probe.gone();
  model.on("comm:close", onGone);
  model.on("destroy", onGone);

  const fit = new ShellFit(
    {
      root,
      frame: v.frame,
      header: v.header,
      stage: v.graphBox,
      timeline: v.timeline,
      side: v.side,
      toolbar: v.graph.toolbar.el,
      legend: v.legend.el,
      onTimeline: (w) => {
        if (w <= 0) return;
        const font = parseFloat(getComputedStyle(v.chart.svg).fontSize) || 13;
        v.chart.resize(w, Math.round(font * 5.6), font);
        // the slider's track runs exactly under the chart's step axis (sliderStops.ts)
        const { left, width } = v.chart.axis;
        v.timeline.style.setProperty("--bg-axis-left", `${left}px`);
        v.timeline.style.setProperty("--bg-axis-width", `${width}px`);
      },
    },
    signal,
  );
  lesson = createLesson(st, v, commands, get, kernelOk, () => fit.request(), () => {
    st.dirty.add("controls");
    scheduler?.request();
  }, signal);
  const redraw = createRedraw({ st, v, chain, ix, view, get, refit: () => fit.request(), lesson });
  scheduler = (options.scheduler ?? frameScheduler)(() => {
    redraw();
    ackDrawn();
  });
  const sched = scheduler;
  const handlers: [string, () => void][] = [];
  for (const [trait, effects] of Object.entries(TRAIT_EFFECTS) as [keyof Traits, (typeof TRAIT_EFFECTS)[keyof Traits]][]) {
    const fn = (): void => {
      for (const d of effects) st.dirty.add(d);
      sched.request();
    };
    model.on(`change:${trait}`, fn);
    handlers.push([`change:${trait}`, fn]);
  }

  redraw(); // first paint synchronously: no empty frame
  fit.fit();
  sync.applySections();
  sync.applySelected();
  for (const [event, fn] of [["change:open_sections", () => sync.applySections()], ["change:selected_state", () => sync.applySelected()]] as const) {
    model.on(event, fn);
    handlers.push([event, fn]);
  }

  // a single-widget saved page hands over its address: its # part is the view link (urlView.ts)
  const pageUrl = (model as { pageUrl?: PageUrl }).pageUrl;
  if (pageUrl) {
    const note = errorSlot("link");
    v.controls.barErrors.append(note);
    const on = (event: string, fn: () => void): void => {
      model.on(event, fn);
      handlers.push([event, fn]);
    };
    const link = (): string => {
      sched.flush();
      return currentLink(st, view(), get("lesson_page"));
    };
    bindPageUrl(pageUrl, st, commands, (k) => model.get(k), link, (t) => setText(note, t), on, signal, (k) => lesson.restore(k));
  }

  return {
    root,
    graph: v.graph,
    flush: () => sched.flush(),
    destroy() {
      sched.cancel();
      v.walks.stop();
      probe.destroy();
      chain.cancel();
      for (const [event, fn] of handlers) model.off(event, fn);
      model.off("comm:close", onGone);
      model.off("change:global_step", onStepArrived);
      model.off("destroy", onGone);
      abort.abort();
      v.graph.destroy();
      root.remove();
    },
  };
}
