// Buttons, Train ×N, layout switch and the config form with inline errors.
// Every action is a command (docs/state-contract.md); Python validates and answers via traits.
import { CONFIG_FIELDS } from "../../model/types";
import { setIconLabel } from "../../ui/icons";
import type { Command, Config, ConfigField, LayoutKind } from "../../model/types";

export interface ControlHandlers {
  command(c: Command): void;
  setTrainN(n: number): void;
  setLayout(kind: LayoutKind): void;
  configure(values: Partial<Config>): void;
}

type FieldKind = "text" | "int" | "float";
const FIELD_SPECS: Record<ConfigField, { label: string; kind: FieldKind; title: string }> = {
  sequence: { label: "training sequence", kind: "text", title: "the text the model learns; windows of C tokens predict the next" },
  alphabet: { label: "alphabet", kind: "text", title: "the tokens, one character each (V = its length)" },
  context_length: { label: "context C", kind: "int", title: "tokens the model sees; the chain has V^C states" },
  n_layer: { label: "layers", kind: "int", title: "transformer blocks" },
  n_head: { label: "heads", kind: "int", title: "attention heads (must divide the embedding size)" },
  n_embd: { label: "embedding", kind: "int", title: "embedding size d" },
  seed: { label: "seed", kind: "int", title: "random seed of the initial weights" },
  lr: { label: "learning rate", kind: "float", title: "AdamW learning rate" },
  weight_decay: { label: "weight decay", kind: "float", title: "AdamW weight decay" },
};

/** Text -> number for config fields; null when it is not a number at all (Python checks ranges). */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Train ×N count: a whole number ≥ 1, else null. */
export function parseTrainN(text: string): number | null {
  const v = parseNumber(text);
  return v !== null && Number.isInteger(v) && v >= 1 ? v : null;
}

/** Disable a control that needs the kernel and say why in its tooltip (restored when live). */
export function setKernelOnly(e: HTMLElement, live: boolean, reason: string): void {
  const c = e as HTMLButtonElement | HTMLInputElement;
  if (!live) {
    if (e.dataset.kernelTitle === undefined) e.dataset.kernelTitle = e.title;
    c.disabled = true;
    e.title = reason;
  } else if (e.dataset.kernelTitle !== undefined) {
    c.disabled = false;
    e.title = e.dataset.kernelTitle;
    delete e.dataset.kernelTitle;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function errorSlot(field: string): HTMLElement {
  const e = el("div", "bg-error");
  e.dataset.errorFor = field;
  e.setAttribute("aria-live", "polite");
  return e;
}

export class ControlsView {
  /** Buttons row (Step, Train ×N, Play / Pause, Reset) with its inline errors. */
  readonly bar: HTMLDivElement;
  /** The bar's inline errors: an overlay under the bar, so an error never pushes the drawing. */
  readonly barErrors: HTMLDivElement;
  /** Config form. */
  readonly form: HTMLDivElement;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly inputs = new Map<ConfigField, HTMLInputElement>();
  private readonly errorEls = new Map<string, HTMLElement>();
  private readonly committed = new Map<ConfigField, string>();
  private readonly trainN: HTMLInputElement;
  private readonly layoutSelect: HTMLSelectElement;
  private readonly trainGroup: HTMLSpanElement;
  private readonly layoutGroup: HTMLLabelElement;
  private localErrors: Record<string, string> = {};
  private remoteErrors: Record<string, string> = {};

  constructor(private readonly handlers: ControlHandlers, private readonly signal: AbortSignal) {
    this.bar = el("div", "bg-controls");
    this.form = el("div", "bg-config");

    const buttons = el("div", "bg-buttons");
    buttons.append(this.button("step", "Step", "one optimizer step (→); returns to live first"));
    const train = el("span", "bg-train");
    this.trainN = el("input");
    this.trainN.type = "number";
    this.trainN.min = "1";
    this.trainN.step = "1";
    this.trainN.dataset.field = "train_n";
    this.trainN.setAttribute("aria-label", "number of steps for Train");
    train.append(this.button("train", "Train ×", "train N steps in the background; returns to live first"), this.trainN);
    this.trainGroup = train;
    buttons.append(train);
    buttons.append(this.button("play", "Play", "train continuously (Space); returns to live first"));
    buttons.append(this.button("pause", "Pause", "stop training: Play or a running Train ×N (Space)"));
    buttons.append(this.button("reset", "Reset", "re-initialise the weights from the seed (R); can be undone until the next step"));
    setIconLabel(this.buttons.get("step")!, "step", "Step");
    setIconLabel(this.buttons.get("play")!, "play", "Play");
    setIconLabel(this.buttons.get("reset")!, "reset", "Reset");

    const layout = el("label", "bg-layout");
    layout.append(el("span", "bg-field-label", "layout"));
    this.layoutSelect = el("select");
    this.layoutSelect.dataset.field = "layout";
    for (const kind of ["circular", "force"] as const) {
      const o = el("option", undefined, kind);
      o.value = kind;
      this.layoutSelect.append(o);
    }
    layout.append(this.layoutSelect);
    this.layoutGroup = layout;
    this.bar.append(buttons);
    this.errorEls.set("train", errorSlot("train"));
    this.errorEls.set("train_n", errorSlot("train_n"));
    this.barErrors = el("div", "bg-bar-errors");
    this.barErrors.append(this.errorEls.get("train")!, this.errorEls.get("train_n")!);

    for (const field of CONFIG_FIELDS) this.form.append(this.field(field));

    this.on(this.buttons.get("step")!, "click", () => handlers.command({ cmd: "step" }));
    this.on(this.buttons.get("train")!, "click", () => {
      const n = this.readTrainN();
      if (n !== null) handlers.command({ cmd: "train", n });
    });
    this.on(this.buttons.get("play")!, "click", () => handlers.command({ cmd: "play" }));
    this.on(this.buttons.get("pause")!, "click", () => handlers.command({ cmd: "pause" }));
    this.on(this.buttons.get("reset")!, "click", () => handlers.command({ cmd: "reset" }));
    this.on(this.trainN, "change", () => {
      const n = this.readTrainN();
      if (n !== null) handlers.setTrainN(n);
    });
    // Enter commits the count (it does not train: that is the button's job).
    this.on(this.trainN, "keydown", (ev) => {
      if ((ev as KeyboardEvent).key !== "Enter") return;
      const n = this.readTrainN();
      if (n !== null) handlers.setTrainN(n);
    });
    this.on(this.layoutSelect, "change", () => handlers.setLayout(this.layoutSelect.value === "force" ? "force" : "circular"));
    this.setRunning(false);
  }

  /** Elements by `controls` name (classroom mode shows only the listed ones). */
  get parts(): Record<"step" | "train" | "play" | "reset" | "layout", HTMLElement[]> {
    const b = (a: string): HTMLElement => this.buttons.get(a)!;
    return { step: [b("step")], train: [this.trainGroup], play: [b("play"), b("pause")], reset: [b("reset")], layout: [this.layoutGroup] };
  }

  /** Everything here except the layout switch needs Python or a page that answers it itself
   *  (`local`: a saved page's engine): otherwise off, with the reason. */
  setKernel(live: boolean, reason: string, local: ReadonlySet<string> = new Set()): void {
    for (const [name, b] of this.buttons) setKernelOnly(b, live || local.has(name), reason);
    setKernelOnly(this.trainN, live || local.has("train"), reason);
    for (const t of this.inputs.values()) setKernelOnly(t, live || local.has("configure"), reason);
  }

  /** Play, or — while anything trains (Play or Train ×N) — the one Pause/Stop button in its
   *  place. Step/Train stay usable (Python serialises). */
  setRunning(playing: boolean, training = false): void {
    const busy = playing || training;
    this.buttons.get("play")!.hidden = busy;
    const pause = this.buttons.get("pause")!;
    pause.hidden = !busy;
    setIconLabel(pause, playing ? "pause" : "stop", playing ? "Pause" : "Stop");
    this.bar.classList.toggle("bg-playing", busy);
  }

  setPlaying(playing: boolean): void {
    this.setRunning(playing, false);
  }

  setTrainN(n: number): void {
    if (document.activeElement !== this.trainN) this.trainN.value = String(n);
  }

  setLayout(kind: LayoutKind): void {
    this.layoutSelect.value = kind;
  }

  /** Reflect Python's config, leaving a field alone while the user is typing in it. */
  setConfig(config: Partial<Config> | null | undefined): void {
    if (!config) return;
    for (const field of CONFIG_FIELDS) {
      const v = config[field];
      if (v === undefined || v === null) continue;
      const text = String(v);
      this.committed.set(field, text);
      const input = this.inputs.get(field)!;
      if (document.activeElement !== input || input.value === "") input.value = text;
    }
  }

  setErrors(errors: Record<string, string> | null | undefined): void {
    this.remoteErrors = errors ?? {};
    this.showErrors();
  }

  private field(field: ConfigField): HTMLElement {
    const spec = FIELD_SPECS[field];
    const wrap = el("label", `bg-field bg-field-${field}`);
    wrap.title = spec.title;
    const input = el("input");
    input.type = "text";
    input.dataset.field = field;
    input.spellcheck = false;
    input.autocomplete = "off";
    if (spec.kind !== "text") input.inputMode = spec.kind === "int" ? "numeric" : "decimal";
    this.inputs.set(field, input);
    const err = errorSlot(field);
    this.errorEls.set(field, err);
    wrap.append(el("span", "bg-field-label", spec.label), input, err);
    // "change" covers blur and Enter; the keydown catches Enter where change is late.
    this.on(input, "change", () => this.commit(field));
    this.on(input, "keydown", (ev) => {
      if ((ev as KeyboardEvent).key === "Enter") this.commit(field);
    });
    return wrap;
  }

  private commit(field: ConfigField): void {
    const input = this.inputs.get(field)!;
    const text = input.value;
    if (text === this.committed.get(field)) return;
    const kind = FIELD_SPECS[field].kind;
    let value: string | number = text;
    if (kind !== "text") {
      const v = parseNumber(text);
      if (v === null) {
        this.localErrors[field] = "enter a number";
        this.showErrors();
        return;
      }
      value = v;
    }
    delete this.localErrors[field];
    this.committed.set(field, text);
    this.showErrors();
    this.handlers.configure({ [field]: value } as Partial<Config>);
  }

  private readTrainN(): number | null {
    const n = parseTrainN(this.trainN.value);
    if (n === null) this.localErrors.train_n = "Train needs a whole number ≥ 1";
    else delete this.localErrors.train_n;
    this.showErrors();
    return n;
  }

  private showErrors(): void {
    for (const [field, slot] of this.errorEls) {
      const msg = this.localErrors[field] || this.remoteErrors[field] || "";
      if (slot.textContent !== msg) slot.textContent = msg;
      const input = field === "train_n" ? this.trainN : this.inputs.get(field as ConfigField);
      input?.toggleAttribute("aria-invalid", msg !== "");
    }
  }

  private button(action: string, label: string, title: string): HTMLButtonElement {
    const b = el("button", `bg-btn bg-btn-${action}`, label);
    b.type = "button";
    b.dataset.action = action;
    b.title = title;
    this.buttons.set(action, b);
    return b;
  }

  private on(target: HTMLElement, type: string, fn: (ev: Event) => void): void {
    target.addEventListener(type, fn, { signal: this.signal });
  }
}
