// View options: temperature, the actual state space (shorter contexts), presentation mode,
// export (SVG / PNG) and the "?" help button.
import { button, el, errorSlot, labelled, setText, showError } from "../../util/dom";
import { setIconLabel } from "../../ui/icons";

export const T_MAX = 2;

export interface ViewHandlers {
  setTemperature(t: number): void;
  setShowPrefixes(on: boolean): void;
  setPresentation(on: boolean): void;
  exportSvg(): void;
  exportPng(): void;
  toggleHelp(): void;
}

/** Temperature from user text: a number in [0, T_MAX], else an error message. */
export function parseTemperature(text: string): number | string {
  const t = text.trim();
  const v = t === "" ? NaN : Number(t);
  if (!Number.isFinite(v)) return "temperature must be a number from 0 to 2";
  if (v < 0) return "temperature cannot be negative (0 = greedy)";
  if (v > T_MAX) return "temperature goes up to 2";
  return v;
}

export class ViewBar {
  readonly el: HTMLDivElement;
  readonly parts: {
    temperature: HTMLElement;
    prefixes: HTMLElement;
    presentation: HTMLElement;
    export: HTMLElement;
    help: HTMLElement;
  };
  private readonly tInput: HTMLInputElement;
  private readonly tSlider: HTMLInputElement;
  private readonly tNote: HTMLSpanElement;
  private readonly tError: HTMLElement;
  private readonly prefixes: HTMLInputElement;
  private readonly present: HTMLButtonElement;

  constructor(handlers: ViewHandlers, signal: AbortSignal) {
    this.el = el("div", "bg-viewbar");
    this.tSlider = el("input");
    this.tSlider.type = "range";
    this.tSlider.min = "0";
    this.tSlider.max = String(T_MAX);
    this.tSlider.step = "0.05";
    this.tSlider.dataset.role = "temperature-slider";
    this.tSlider.setAttribute("aria-label", "temperature slider");
    this.tInput = el("input");
    this.tInput.type = "text";
    this.tInput.inputMode = "decimal";
    this.tInput.dataset.field = "temperature";
    this.tInput.setAttribute("aria-label", "temperature, 0 to 2 (0 = greedy)");
    this.tInput.className = "bg-t-input";
    this.tNote = el("span", "bg-t-note");
    this.tError = errorSlot("temperature");
    const temp = labelled("bg-temperature", "temperature", this.tSlider, this.tInput, this.tNote);
    temp.title = "shown chain = p^(1/T), renormalised; T = 0 is greedy: only the likeliest edge per state";
    const tWrap = el("span", "bg-group");
    tWrap.append(temp, this.tError);

    this.prefixes = el("input");
    this.prefixes.type = "checkbox";
    this.prefixes.dataset.field = "show_prefixes";
    const pre = el("label", "bg-inline bg-prefixes");
    pre.title = "a GPT also predicts from fewer than C tokens: draw those shorter contexts too";
    pre.append(this.prefixes, el("span", undefined, "shorter contexts"));

    this.present = button("presentation", "Presentation", "large fonts and thick edges for a projector");
    setIconLabel(this.present, "present", "Presentation");
    this.present.setAttribute("aria-label", "Presentation");
    const exp = el("span", "bg-group bg-export");
    exp.append(
      button("export-svg", "SVG ⤓", "download the chain as shown, as an SVG file"),
      button("export-png", "PNG ⤓", "download the chain as shown, as a PNG image"),
    );
    const help = button("help", "?", "keyboard shortcuts (?)", "bg-btn-round");
    help.setAttribute("aria-haspopup", "dialog");
    this.el.append(tWrap, pre, this.present, exp, help);
    this.parts = { temperature: tWrap, prefixes: pre, presentation: this.present, export: exp, help };

    const on = (t: EventTarget, type: string, fn: (ev: Event) => void): void => t.addEventListener(type, fn, { signal });
    const commit = (text: string, input: HTMLInputElement): void => {
      const v = parseTemperature(text);
      if (typeof v === "string") {
        showError(this.tError, input, v);
        return;
      }
      showError(this.tError, this.tInput, "");
      handlers.setTemperature(v);
    };
    on(this.tSlider, "input", () => commit(this.tSlider.value, this.tSlider));
    on(this.tInput, "change", () => commit(this.tInput.value, this.tInput));
    on(this.tInput, "input", () => {
      if (this.tInput.value.trim() !== "") commit(this.tInput.value, this.tInput); // live while typing
    });
    on(this.tInput, "keydown", (ev) => {
      if ((ev as KeyboardEvent).key === "Enter") commit(this.tInput.value, this.tInput);
    });
    on(this.prefixes, "change", () => handlers.setShowPrefixes(this.prefixes.checked));
    on(this.present, "click", () => handlers.setPresentation(this.present.getAttribute("aria-pressed") !== "true"));
    on(exp.children[0], "click", () => handlers.exportSvg());
    on(exp.children[1], "click", () => handlers.exportPng());
    on(help, "click", () => handlers.toggleHelp());
  }

  setTemperature(t: number): void {
    const v = Number.isFinite(t) ? t : 1;
    if (document.activeElement !== this.tInput) this.tInput.value = String(v);
    this.tSlider.value = String(v);
    setText(this.tNote, v === 0 ? "greedy" : "");
  }

  setShowPrefixes(on: boolean): void {
    this.prefixes.checked = on;
  }

  setPrefixesAvailable(available: boolean): void {
    this.prefixes.disabled = !available;
  }

  setPresentation(on: boolean): void {
    this.present.setAttribute("aria-pressed", String(on));
  }
}
