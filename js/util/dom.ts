// Small DOM helpers shared by the views.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The inline error of a field: `[data-error-for="<field>"]`, empty when there is none. */
export function errorSlot(field: string): HTMLElement {
  const e = el("div", "bg-error");
  e.dataset.errorFor = field;
  e.setAttribute("aria-live", "polite");
  return e;
}

export function button(action: string, label: string, title: string, cls = ""): HTMLButtonElement {
  const b = el("button", `bg-btn bg-btn-${action}${cls ? ` ${cls}` : ""}`, label);
  b.type = "button";
  b.dataset.action = action;
  b.title = title;
  return b;
}

/** A text input for a number or short string: `input[data-field="<field>"]`. */
export function fieldInput(field: string, ariaLabel: string, inputMode?: "numeric" | "decimal"): HTMLInputElement {
  const input = el("input");
  input.type = "text";
  input.dataset.field = field;
  input.spellcheck = false;
  input.autocomplete = "off";
  if (inputMode) input.inputMode = inputMode;
  input.setAttribute("aria-label", ariaLabel);
  return input;
}

/** Label + control + error slot, as one inline group. */
export function labelled(cls: string, label: string, ...controls: HTMLElement[]): HTMLLabelElement {
  const wrap = el("label", `bg-inline ${cls}`);
  wrap.append(el("span", "bg-field-label", label), ...controls);
  return wrap;
}

/** Set text only when it differs (no needless layout work). */
export function setText(e: Element, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

/** Whole number within [lo, hi] from user text, else null. */
export function parseInteger(text: string, lo: number, hi: number): number | null {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return null;
  const v = Number(t);
  return Number.isSafeInteger(v) && v >= lo && v <= hi ? v : null;
}

/** Show `msg` in a slot and flag the input as invalid (or clear both). */
export function showError(slot: HTMLElement, input: HTMLElement | null, msg: string): void {
  setText(slot, msg);
  input?.toggleAttribute("aria-invalid", msg !== "");
}

/** Keep a field's text in step with a trait unless the user is typing in it. */
export function reflect(input: HTMLInputElement, value: string): void {
  if (document.activeElement !== input && input.value !== value) input.value = value;
}
