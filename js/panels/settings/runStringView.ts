// The run as one shareable line: shown with a Copy button; paste one to load that run. Copy link
// copies the view link (the run string plus what is on screen, js/model/viewLink.ts).
import { button, el, errorSlot, setText, showError } from "../../util/dom";

/** Longer run strings (settings changed part-way, long sequences: up to 302,000 characters)
 * show their start and end; Copy, and copying a selection of the line, give all of it. */
export const SHOWN_CHARS = 160;

/** The line shown for a run string: whole when short, else its start … its end (the last steps). */
export function shownRunString(s: string): string {
  return s.length <= SHOWN_CHARS ? s : `${s.slice(0, 100)} … ${s.slice(-(SHOWN_CHARS - 110))}`;
}

export class RunStringView {
  readonly el: HTMLDivElement;
  /** Elements that need a kernel (disabled on a saved page). */
  readonly kernelOnly: HTMLElement[];
  private readonly text: HTMLElement;
  private readonly head: HTMLElement;
  private readonly tail: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly error: HTMLElement;
  private readonly copyBtn: HTMLButtonElement;
  private readonly linkBtn: HTMLButtonElement;
  private localError = "";
  private remoteError = "";
  private value = "";

  /** `link()`: the view link of what is on screen now (built by the app from the traits). */
  constructor(load: (value: string) => void, signal: AbortSignal, link: () => string = () => "") {
    this.el = el("div", "bg-runstring");
    this.text = el("code", "bg-run-text");
    this.text.dataset.role = "run-string";
    // the start shrinks with an ellipsis; the step count at the end stays in view
    this.head = el("span", "bg-run-head");
    this.tail = el("span", "bg-run-tail");
    this.text.append(this.head, this.tail);
    this.copyBtn = button("copy-run", "Copy", "copy the run string to the clipboard");
    this.linkBtn = button(
      "copy-link",
      "Copy link",
      "copy a link to this exact view: the run string plus the shown step, layout, temperature, marked states and hidden controls (BabyGPTWidget.from_link, or a saved page's address + #link)",
    );
    const show = el("div", "bg-run-show");
    show.append(el("span", "bg-field-label", "run"), this.text, this.copyBtn, this.linkBtn);
    this.input = el("input");
    this.input.type = "text";
    this.input.dataset.field = "run_string";
    this.input.placeholder = "paste a run string (babygpt2:…) to load that run";
    this.input.spellcheck = false;
    this.input.autocomplete = "off";
    this.input.setAttribute("aria-label", "run string to load");
    const loadBtn = button("load-run", "Load", "build and train the pasted run");
    this.error = errorSlot("run_string");
    const form = el("div", "bg-run-load");
    form.append(this.input, loadBtn);
    this.el.append(show, form, this.error);
    this.kernelOnly = [this.input, loadBtn];

    const submit = (): void => {
      const v = this.input.value.trim();
      this.localError = v === "" ? "paste a run string first" : "";
      this.showError();
      if (v !== "") load(v);
    };
    loadBtn.addEventListener("click", submit, { signal });
    this.input.addEventListener("keydown", (ev) => ev.key === "Enter" && submit(), { signal });
    this.copyBtn.addEventListener("click", () => void this.copy(this.value, this.copyBtn, "Copy"), { signal });
    this.linkBtn.addEventListener("click", () => void this.copy(link(), this.linkBtn, "Copy link"), { signal });
    // Ctrl+C on the (shortened) line copies the whole run string
    this.text.addEventListener("copy", (ev) => {
      if (!this.value || !ev.clipboardData) return;
      ev.clipboardData.setData("text/plain", this.value);
      ev.preventDefault();
    }, { signal });
  }

  setRunString(s: string): void {
    this.value = s;
    const shown = shownRunString(s) || "–";
    const cut = shown.lastIndexOf(";") + 1; // "steps=N" of the last segment
    setText(this.head, shown.slice(0, cut));
    setText(this.tail, shown.slice(cut));
    // the line may end in an ellipsis: the whole run on hover when it is short, and Copy
    this.text.title = shown === s ? s : `${shown}\n${s.length.toLocaleString("en")} characters: Copy copies all of them`;
  }

  setError(msg: string | undefined): void {
    this.remoteError = msg ?? "";
    this.showError();
  }

  private showError(): void {
    showError(this.error, this.input, this.localError || this.remoteError);
  }

  /** Clipboard API where allowed; else the run string: select the line so Ctrl+C (the copy
   *  listener) works; the link: put it in the load field, selected, for Ctrl+C. */
  private async copy(s: string, btn: HTMLButtonElement, label: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(s);
      this.flash(btn, label, "Copied ✓");
    } catch {
      const sel = getSelection();
      sel?.removeAllRanges();
      if (btn === this.copyBtn) {
        const range = document.createRange();
        range.selectNodeContents(this.text);
        sel?.addRange(range);
      } else {
        this.input.value = s;
        this.input.select();
      }
      this.flash(btn, label, "Selected: Ctrl+C");
    }
  }

  private flash(btn: HTMLButtonElement, label: string, now: string): void {
    btn.textContent = now;
    setTimeout(() => (btn.textContent = label), 1500);
  }
}
