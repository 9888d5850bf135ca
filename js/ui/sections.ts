// Collapsible side-panel sections (View, Sample, Analysis, Settings, Run): a lecturer opens
// only what the lesson needs. Open/closed is remembered per widget model (re-displays keep it).
import { el } from "../util/dom";
import { icon } from "./icons";

const memory = new WeakMap<object, Map<string, boolean>>();

/** The remembered open/closed states of one widget model's sections. */
export function sectionMemory(key: object): Map<string, boolean> {
  let m = memory.get(key);
  if (!m) {
    m = new Map();
    memory.set(key, m);
  }
  return m;
}

let ids = 0;

export class Section {
  readonly el: HTMLElement;
  readonly head: HTMLButtonElement;
  readonly body: HTMLDivElement;

  constructor(
    readonly name: string,
    title: string,
    private readonly remembered: Map<string, boolean>,
    signal: AbortSignal,
    openByDefault = true,
  ) {
    this.el = el("section", `bg-section bg-section-${name}`);
    this.el.dataset.section = name;
    this.head = el("button", "bg-section-head");
    this.head.type = "button";
    this.head.dataset.action = `section-${name}`;
    const text = el("span", "bg-section-title", title);
    this.head.append(icon("chevron"), text);
    this.body = el("div", "bg-section-body");
    this.body.id = `bg-section-${name}-${++ids}`;
    this.head.setAttribute("aria-controls", this.body.id);
    this.el.append(this.head, this.body);
    this.head.addEventListener("click", () => this.setOpen(!this.open), { signal });
    this.apply(remembered.get(name) ?? openByDefault);
  }

  get open(): boolean {
    return this.head.getAttribute("aria-expanded") === "true";
  }

  setOpen(open: boolean): void {
    this.remembered.set(this.name, open);
    this.apply(open);
  }

  /** Hide the whole section when the classroom `controls` list leaves nothing in it. */
  setAvailable(available: boolean): void {
    this.el.classList.toggle("bg-off", !available);
  }

  private apply(open: boolean): void {
    this.head.setAttribute("aria-expanded", String(open));
    this.body.hidden = !open;
    this.el.classList.toggle("bg-open", open);
  }
}
