// The run as one shareable line: shown with a Copy button; paste one to load that run.
import { button, el, errorSlot, setText, showError } from "../util/dom";

export class RunStringView {
  readonly el: HTMLDivElement;
  /** Elements that need a kernel (disabled on a saved page). */
  readonly kernelOnly: HTMLElement[];
  private readonly text: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly error: HTMLElement;
  private readonly copyBtn: HTMLButtonElement;
  private localError = "";
  private remoteError = "";

  constructor(load: (value: string) => void, signal: AbortSignal) {
    this.el = el("div", "bg-runstring");
    this.text = el("code", "bg-run-text");
    this.text.dataset.role = "run-string";
    this.copyBtn = button("copy-run", "Copy", "copy the run string to the clipboard");
    const show = el("div", "bg-run-show");
    show.append(el("span", "bg-field-label", "run"), this.text, this.copyBtn);
    this.input = el("input");
    this.input.type = "text";
    this.input.dataset.field = "run_string";
    this.input.placeholder = "paste a run string (babygpt1:…) to load that run";
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
    this.copyBtn.addEventListener("click", () => void this.copy(), { signal });
  }

  setRunString(s: string): void {
    setText(this.text, s || "–");
    this.text.title = s; // the line may end in an ellipsis: the whole run on hover, and Copy
  }

  setError(msg: string | undefined): void {
    this.remoteError = msg ?? "";
    this.showError();
  }

  private showError(): void {
    showError(this.error, this.input, this.localError || this.remoteError);
  }

  /** Clipboard API where allowed; else select the text so Ctrl+C works. */
  private async copy(): Promise<void> {
    const s = this.text.textContent ?? "";
    try {
      await navigator.clipboard.writeText(s);
      this.flash("Copied ✓");
    } catch {
      const range = document.createRange();
      range.selectNodeContents(this.text);
      const sel = getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      this.flash("Selected: Ctrl+C");
    }
  }

  private flash(label: string): void {
    this.copyBtn.textContent = label;
    setTimeout(() => (this.copyBtn.textContent = "Copy"), 1500);
  }
}
