// Puts This step into the side panel as a collapsible section after Inside the model
// (data-section="step"), closed by default, and wires it to the `one_step` trait and replies.
import { Section } from "../../ui/sections";
import type { StepView } from "./stepView";

export interface StepTraits {
  get(key: "one_step"): unknown;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off(event?: string | null, fn?: ((...args: unknown[]) => void) | null): void;
}

export function mountStepSection(view: StepView, after: HTMLElement, model: StepTraits, memory: Map<string, boolean>, signal: AbortSignal): Section {
  const section = new Section("step", "This step", memory, signal, false);
  section.body.append(view.el);
  after.after(section.el);
  const onTrait = (): void => view.setTrait(model.get("one_step"));
  const onMsg = (content: unknown): void => view.onReply(content);
  model.on("change:one_step", onTrait);
  model.on("msg:custom", onMsg);
  onTrait();
  signal.addEventListener("abort", () => {
    model.off("change:one_step", onTrait);
    model.off("msg:custom", onMsg);
  });
  return section;
}
