// Puts Push the chain into the side panel as a collapsible section after This step
// (data-section="push"), closed by default, and wires it to the `taught` trait and replies.
import { Section } from "../../ui/sections";
import type { PushView } from "./pushView";

export interface PushTraits {
  get(key: "taught"): unknown;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off(event?: string | null, fn?: ((...args: unknown[]) => void) | null): void;
}

export function mountPushSection(view: PushView, after: HTMLElement, model: PushTraits, memory: Map<string, boolean>, signal: AbortSignal): Section {
  const section = new Section("push", "Push the chain", memory, signal, false);
  section.body.append(view.el);
  after.after(section.el);
  const onTrait = (): void => view.setTrait(model.get("taught"));
  const onMsg = (content: unknown): void => view.onReply(content);
  model.on("change:taught", onTrait);
  model.on("msg:custom", onMsg);
  onTrait();
  signal.addEventListener("abort", () => {
    model.off("change:taught", onTrait);
    model.off("msg:custom", onMsg);
  });
  return section;
}
