// Makes every view of one widget and puts them on the lecture screen (lectureScreen.ts places them,
// shellFit.ts sizes them). The views get callbacks only: what they ask of the model goes through
// the hooks (and from there through commands.ts); nothing here reads the traits.
import { AnalysisView } from "../panels/analysis/analysisView";
import { ComparePanel } from "../panels/compare/comparePanel";
import { ControlsView, setKernelOnly } from "../panels/bar/controls";
import { HelpPopover } from "../panels/bar/help";
import { InsidePanel } from "../panels/inside/insidePanel";
import { mountInsideSection } from "../panels/inside/insideSection";
import type { InsideTraits } from "../panels/inside/insideSection";
import { Legend } from "../panels/view/legend";
import { LongRunView } from "../panels/bar/longRun";
import { LossChart } from "../panels/history/lossChart";
import { Readout } from "../panels/bar/readout";
import { RunStringView } from "../panels/settings/runStringView";
import { SampleView } from "../panels/sampling/sampleView";
import type { SampleRequest } from "../panels/sampling/sampleView";
import { SearchBox } from "../panels/view/search";
import { mountStepSection } from "../panels/step/stepSection";
import type { StepTraits } from "../panels/step/stepSection";
import { StepView } from "../panels/step/stepView";
import { mountPushSection } from "../panels/push/pushSection";
import type { PushTraits } from "../panels/push/pushSection";
import { PushView } from "../panels/push/pushView";
import { Section } from "../ui/sections";
import { HistorySlider } from "../panels/history/historySlider";
import { Tooltip } from "../panels/hover/tooltip";
import { ViewBar } from "../panels/view/viewBar";
import type { Timer } from "../panels/sampling/walkPlayer";
import { WalkView } from "../panels/sampling/walkView";
import { GraphView } from "../drawing/graph";
import { el } from "../util/dom";
import type { Traits } from "../model/types";
import type { Commands } from "./commands";
import { assembleScreen } from "./lectureScreen";
import { labelNudge } from "./labelNudge";
import type { Screen } from "./lectureScreen";

export interface ViewHooks {
  commands: Commands;
  hover(kind: "node" | "edge", index: number | null, ev: MouseEvent): void;
  clickNode(index: number): void;
  exportAs(format: "svg" | "png"): void;
  search(text: string): void;
  sample(req: SampleRequest): void;
  /** A sample setting typed in (start, n, seed): saved when it differs from the trait. */
  setSampleSetting(field: "sample_n" | "sample_start" | "sample_seed", value: unknown): void;
  isState(s: string): boolean;
  /** The state the inside panel offers first (searched, else the walk's). */
  suggested(): string | null;
  /** Why kernel-only controls are off now. */
  staticReason(): string;
  /** Compared runs switched what the drawing shows (medians, other run). */
  compareModeChanged(): void;
  /** Emphasise a state on the chain (a panel row is hovered), or with a token only the edge it
   *  takes (a training example); null ends it. */
  highlightState(state: string | null, token?: string | null): void;
  /** The view link of what is on screen (Copy link). */
  link(): string;
}

export interface Views extends Screen {
  root: HTMLElement;
  controls: ControlsView;
  readout: Readout;
  graph: GraphView;
  legend: Legend;
  chart: LossChart;
  slider: HistorySlider;
  help: HelpPopover;
  viewBar: ViewBar;
  analysis: AnalysisView;
  search: SearchBox;
  sampler: SampleView;
  walks: WalkView;
  runView: RunStringView;
  longRun: LongRunView;
  badge: HTMLElement;
  inside: InsidePanel;
  insideSection: Section;
  step: StepView;
  stepSection: Section;
  push: PushView;
  pushSection: Section;
  compare: ComparePanel;
  compareSection: Section;
  tooltip: Tooltip;
}

export function buildViews(
  root: HTMLElement,
  h: ViewHooks,
  insideTraits: InsideTraits,
  memory: Map<string, boolean>,
  badgeText: string,
  signal: AbortSignal,
  walkTimer?: Timer,
): Views {
  const { commands } = h;
  const save = <K extends keyof Traits>(key: K, value: Traits[K]): void => commands.save({ [key]: value } as Partial<Traits>);
  const setShown = (index: number): void => save("shown_index", index);
  const controls = new ControlsView(
    {
      command: (c) => commands.act(c),
      setTrainN: (n) => save("train_n", n),
      setLayout: (kind) => save("graph_layout", kind),
      configure: (values) => commands.send({ cmd: "configure", values }),
    },
    signal,
  );
  const readout = new Readout();
  const graph = new GraphView({
    hoverNode: (index, ev) => h.hover("node", index, ev),
    hoverEdge: (index, ev) => h.hover("edge", index, ev),
    clickNode: (index) => h.clickNode(index),
  });
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
      exportSvg: () => h.exportAs("svg"),
      exportPng: () => h.exportAs("png"),
      toggleHelp: () => help.toggle(),
    },
    signal,
  );
  const analysis = new AnalysisView((k) => save("reach_k", k), signal);
  const search = new SearchBox((text) => h.search(text), signal);
  const sampler = new SampleView(
    {
      sample: (req) => h.sample(req),
      finishWalk: () => walks.player.finish(),
      setSetting: (field, value) => h.setSampleSetting(field, value),
      setSpeed: (v) => (walks.player.speed = v),
      isState: (s) => h.isState(s),
    },
    signal,
  );
  const walks = new WalkView(graph, sampler, root, walkTimer);
  const runView = new RunStringView((value) => commands.send({ cmd: "load_run", value }), signal, () => h.link());
  const longRun = new LongRunView(
    { setSpeed: (v) => save("play_speed", v), undoReset: () => commands.act({ cmd: "undo_reset" }) },
    signal,
  );
  const badge = el("div", "bg-static-badge", badgeText);
  badge.dataset.role = "static-badge";
  badge.setAttribute("role", "status");
  badge.title = badgeText;
  badge.hidden = true;

  const viewRow = el("div", "bg-view-row");
  viewRow.append(controls.parts.layout[0], viewBar.parts.prefixes, viewBar.parts.export);
  viewBar.parts.export.append(graph.toolbar.exportTheme); // exports' theme, by the export buttons
  slider.setLog(memory.get("log-steps") === true);
  chart.setLog(slider.isLog);
  const screen = assembleScreen(
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
      send: (c) => commands.send(c),
      suggested: () => h.suggested(),
      isState: (s) => h.isState(s),
      setKernelOnly: (e, liveKernel) => setKernelOnly(e, liveKernel, h.staticReason()),
    },
    signal,
  );
  const insideSection = mountInsideSection(inside, screen.side, insideTraits, memory, signal);
  inside.setLarge(graph.large); // Enlarge: over the drawing's box
  // what one optimizer step did (js/panels/step): its section after Inside the model
  const step = new StepView(
    {
      ask: (k) => commands.send({ cmd: "step_report", k }),
      setKernelOnly: (e, live) => setKernelOnly(e, live, h.staticReason()),
      highlight: (state, token) => h.highlightState(state, token),
    },
    signal,
  );
  const stepSection = mountStepSection(step, insideSection.el, insideTraits as unknown as StepTraits, memory, signal);
  // push the chain yourself (js/panels/push): nudge, teach, undo, after This step
  const push = new PushView(
    {
      send: (c) => commands.send(c),
      setKernelOnly: (e, live) => setKernelOnly(e, live, h.staticReason()),
      highlight: (state) => h.highlightState(state),
      setEdgeDecor: (items) => graph.setEdgeDecor(items, "", "push"),
      nudgeChanged: () => graph.labelDrag.refresh(),
    },
    signal,
  );
  graph.labelDrag.hooks = labelNudge(push); // drag an edge's label on the chain: a nudge
  const pushSection = mountPushSection(push, stepSection.el, insideTraits as unknown as PushTraits, memory, signal);
  search.setFound(null);
  // runs compared (js/panels/compare): its section after Analysis, the hitting plot in it
  const compare = new ComparePanel(
    {
      send: (c) => commands.send(c),
      setEdgeDecor: (items, mode) => graph.setEdgeDecor(items, mode),
      modeChanged: () => h.compareModeChanged(),
    },
    signal,
  );
  compare.ensembleView.setLarge(graph.large);
  const compareSection = new Section("compare", "Compare runs", memory, signal);
  compareSection.body.append(compare.ensembleView.el, compare.otherView.el);
  screen.sections.analysis.el.after(compareSection.el);
  screen.sections.analysis.body.append(compare.plot.el);
  screen.graphBox.append(compare.otherView.banner, compare.ensembleBanner);
  root.append(screen.frame, help.el);
  const tooltip = new Tooltip(root);
  return {
    ...screen,
    root,
    controls,
    readout,
    graph,
    legend,
    chart,
    slider,
    help,
    viewBar,
    analysis,
    search,
    sampler,
    walks,
    runView,
    longRun,
    badge,
    inside,
    insideSection,
    step,
    stepSection,
    push,
    pushSection,
    compare,
    compareSection,
    tooltip,
  };
}
