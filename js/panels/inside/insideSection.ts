// Puts the inside panel into the side panel as a collapsible section after View (data-section="inside")
// and wires it to the model's traits and replies. The app calls this once and keeps the panel.
import { Section } from "../sections";
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
  const onTrait = (): void => panel.setTrait(model.get("inside"));
  const onReplay = (): void => panel.setReplay(model.get("inside_replay"));
  const onMsg = (content: unknown): void => panel.onReply(content);
  model.on("change:inside", onTrait);
  model.on("change:inside_replay", onReplay);
  model.on("msg:custom", onMsg);
  onReplay();
  onTrait();
  signal.addEventListener("abort", () => {
    model.off("change:inside", onTrait);
    model.off("change:inside_replay", onReplay);
    model.off("msg:custom", onMsg);
  });
  return section;
}
