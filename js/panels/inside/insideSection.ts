// Puts the inside panel into the side panel as a collapsible section after View (data-section="inside")
// and wires it to the model's traits and replies. The app calls this once and keeps the panel.
import { Section } from "../../ui/sections";
import type { InsidePanel } from "./insidePanel";

export interface InsideTraits {
  get(key: "inside" | "inside_replay"): unknown;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off(event?: string | null, fn?: ((...args: unknown[]) => void) | null): void;
}

export function mountInsideSection(panel: InsidePanel, side: HTMLElement, model: InsideTraits, memory: Map<string, boolean>, signal: AbortSignal): Section {
  const section = new Section("inside", "Inside the model", memory, signal);
  section.body.append(panel.el);
  const view = side.querySelector('[data-section="view"]');
  if (view) view.after(section.el);
  else (side.firstElementChild ?? side).prepend(section.el);
  // Opening on a state brings the section to the top of the side panel (which scrolls on its own).
  panel.onOpen = () => {
    section.setOpen(true);
    const scroller = section.el.closest<HTMLElement>(".bg-side-scroll");
    if (scroller) scroller.scrollTop += section.el.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  };
  // JupyterLab switches themes by attributes on <body>: the weight colours follow.
  const themes = typeof MutationObserver !== "undefined" ? new MutationObserver(() => requestAnimationFrame(() => panel.themeChanged())) : null;
  themes?.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"] });
  const onTrait = (): void => panel.setTrait(model.get("inside"));
  const onReplay = (): void => panel.setReplay(model.get("inside_replay"));
  const onMsg = (content: unknown): void => panel.onReply(content);
  model.on("change:inside", onTrait);
  model.on("change:inside_replay", onReplay);
  model.on("msg:custom", onMsg);
  onReplay();
  onTrait();
  signal.addEventListener("abort", () => {
    themes?.disconnect();
    model.off("change:inside", onTrait);
    model.off("change:inside_replay", onReplay);
    model.off("msg:custom", onMsg);
  });
  return section;
}
