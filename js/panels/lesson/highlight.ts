// The element a lesson page talks about, and the dimming of the rest: the target keeps full
// strength with a ring, everything else fades (opacity only: nothing is drawn over anything).
import type { Highlight, LessonControl } from "../../model/lesson";

const CONTROL: Record<LessonControl, string> = {
  step: 'button[data-action="step"]',
  train: 'button[data-action="train"]',
  play: 'button[data-action="play"]',
  reset: 'button[data-action="reset"]',
  slider: 'input[data-role="history-slider"]',
  temperature: ".bg-temperature",
  layout: 'select[data-field="layout"]',
  sample: 'button[data-action="sample"]',
  prefixes: ".bg-prefixes",
};

const attr = (s: string): string => s.replace(/["\\]/g, "\\$&");

/** The CSS selector of a highlight's target inside the widget's root. */
export function targetSelector(h: Highlight): string {
  if ("node" in h) return `svg.bg-graph g.bg-node[data-state="${attr(h.node)}"]`;
  if ("edge" in h) {
    const [from, token] = h.edge.split(">");
    return `svg.bg-graph :is(g.bg-edge-line, g.bg-edge)[data-from="${attr(from)}"][data-token="${attr(token ?? "")}"]`;
  }
  if ("control" in h) return CONTROL[h.control];
  return `section[data-section="${attr(h.panel)}"]`;
}

export type TargetKind = "chain" | "ui";

export interface Lit {
  target: Element | null;
  kind: TargetKind;
}

/** Light the target (null highlight: clear). Returns what was lit (null when it is not drawn:
 *  a canvas chain, a hidden control). Ancestors of a UI target keep full strength. */
export function applyHighlight(root: HTMLElement, h: Highlight | undefined): Lit {
  for (const e of root.querySelectorAll(".bg-lesson-lit, .bg-lesson-holds")) e.classList.remove("bg-lesson-lit", "bg-lesson-holds");
  root.classList.remove("bg-lesson-dim-chain", "bg-lesson-dim-ui");
  if (!h) return { target: null, kind: "ui" };
  const kind: TargetKind = "node" in h || "edge" in h ? "chain" : "ui";
  // an edge is drawn twice (its path, and its label in the labels layer): light both
  const all = [...root.querySelectorAll(targetSelector(h))];
  const target = all[0] ?? null;
  if (!target) return { target: null, kind };
  for (const t of all) {
    t.classList.add("bg-lesson-lit");
    for (let p = t.parentElement; p && p !== root; p = p.parentElement) p.classList.add("bg-lesson-holds");
  }
  root.classList.add(kind === "chain" ? "bg-lesson-dim-chain" : "bg-lesson-dim-ui");
  return { target, kind };
}
