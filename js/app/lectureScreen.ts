// Puts the views on the lecture screen (see shellFit.ts for the sizes): the bar (buttons, Play
// speed, progress / Undo, readout, kernel badge, presentation / full screen / help), the
// drawing's box with its key strip, the timeline under it (its row of title, counter, live and
// log switch; the loss chart; the slider under the chart's step axis), and the side panel's
// collapsible sections.
import { el } from "../util/dom";
import { icon } from "../ui/icons";
import { Section } from "../ui/sections";
import { toggleFullscreen } from "./shellFit";

export interface ScreenViews {
  root: HTMLElement;
  /** Buttons row, its errors, and the groups placed next to its buttons. */
  bar: HTMLElement;
  barErrors: HTMLElement;
  pauseBtn: HTMLElement;
  resetBtn: HTMLElement;
  speed: HTMLElement;
  runSlot: HTMLElement;
  readout: HTMLElement;
  badge: HTMLElement;
  presentation: HTMLElement;
  help: HTMLElement;
  /** The drawing (js/drawing) and its key. */
  graph: HTMLElement;
  legend: HTMLElement;
  lossTitle: HTMLElement;
  lossChart: Element;
  /** The slider's counter / live / log row, and the range input's row. */
  slider: HTMLElement;
  sliderTrack: HTMLElement;
  view: HTMLElement[];
  sample: HTMLElement[];
  analysis: HTMLElement[];
  settings: HTMLElement[];
  run: HTMLElement[];
}

export type SectionName = "view" | "sample" | "analysis" | "settings" | "run";

const TITLES: Record<SectionName, string> = {
  view: "View",
  sample: "Sample a walk",
  analysis: "Analysis",
  settings: "Model settings",
  run: "Run string",
};

export interface Screen {
  frame: HTMLElement;
  header: HTMLElement;
  graphBox: HTMLElement;
  timeline: HTMLElement;
  side: HTMLElement;
  sections: Record<SectionName, Section>;
  fullscreen: HTMLButtonElement;
}

function div(cls: string, ...children: Element[]): HTMLDivElement {
  const d = el("div", cls);
  d.append(...children);
  return d;
}

export function assembleScreen(v: ScreenViews, memory: Map<string, boolean>, signal: AbortSignal): Screen {
  const fullscreen = el("button", "bg-btn bg-btn-icon bg-btn-fullscreen");
  fullscreen.type = "button";
  fullscreen.dataset.action = "fullscreen";
  fullscreen.title = "full screen (Esc leaves)";
  fullscreen.setAttribute("aria-label", "full screen");
  fullscreen.append(icon("fullscreen"));
  fullscreen.addEventListener("click", () => toggleFullscreen(v.root), { signal });
  fullscreen.hidden = typeof document.documentElement.requestFullscreen !== "function";

  v.pauseBtn.after(v.speed);
  v.resetBtn.after(v.runSlot);
  const tools = div("bg-tools", v.presentation, fullscreen, v.help);
  // No kernel: the training buttons (useless then) give their place to the kernel badge, which
  // says why and what to do. It covers nothing, and the bar keeps its height.
  const header = div("bg-header", v.bar, v.badge, v.readout, tools, v.barErrors);
  const graphBox = div("bg-graph-box", v.graph, v.legend);
  const timeline = div("bg-history", div("bg-timeline-head", v.lossTitle, v.slider), v.lossChart, v.sliderTrack);
  const sections = {} as Record<SectionName, Section>;
  for (const name of Object.keys(TITLES) as SectionName[]) {
    sections[name] = new Section(name, TITLES[name], memory, signal);
    sections[name].body.append(...v[name]);
  }
  const side = div("bg-side", div("bg-side-scroll", ...Object.values(sections).map((x) => x.el)));
  const frame = div("bg-frame", header, graphBox, timeline, side);
  return { frame, header, graphBox, timeline, side, sections, fullscreen };
}

/** A state to show in the search box's placeholder: the training sequence's first window when it
 *  is a state (e.g. `ACG`), else one from the middle of the chain (e.g. `101`). */
export function exampleState(states: string[], sequence: string, C: number): string {
  const first = Array.from(sequence).slice(0, C).join("");
  if (states.includes(first) && first !== "") return first;
  return states[Math.min(states.length - 1, Math.floor(states.length * 0.625))] ?? "";
}
