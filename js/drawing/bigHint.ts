// One line over a chain too big to name (the canvas drawing: > 256 states): what to do — search
// a state and Focus, or open the Matrix to sort and filter — and a button that focuses on the
// likeliest state (the largest long-run share) at once.
import { el } from "../util/dom";

export interface BigHintActions {
  focusOn(state: number): void;
  matrix(): void;
}

export class BigChainHint {
  readonly el: HTMLDivElement;
  private readonly text: HTMLSpanElement;
  private readonly focusBtn: HTMLButtonElement;
  private readonly matrixBtn: HTMLButtonElement;
  private target = -1;

  constructor(private readonly act: BigHintActions) {
    this.el = el("div", "bg-big-hint");
    this.el.dataset.role = "big-hint";
    this.el.hidden = true;
    this.text = el("span", "bg-big-hint-text");
    this.focusBtn = el("button", "bg-btn bg-tool");
    this.focusBtn.type = "button";
    this.focusBtn.dataset.action = "focus-likeliest";
    this.matrixBtn = el("button", "bg-btn bg-tool", "Matrix");
    this.matrixBtn.type = "button";
    this.matrixBtn.dataset.action = "hint-matrix";
    this.matrixBtn.title = "The transition matrix: every state's probabilities, sortable and filterable";
    this.el.append(this.text, this.focusBtn, this.matrixBtn);
    this.focusBtn.addEventListener("click", () => this.target >= 0 && this.act.focusOn(this.target));
    this.matrixBtn.addEventListener("click", () => this.act.matrix());
    for (const t of ["mousedown", "dblclick", "wheel", "pointerdown"]) this.el.addEventListener(t, (ev) => ev.stopPropagation());
  }

  /** Shown for a big chain drawn whole; `likeliest` (state index and name) once known. */
  update(show: boolean, states: number, likeliest: { index: number; state: string } | null): void {
    this.el.hidden = !show;
    if (!show) return;
    this.text.textContent = `${states.toLocaleString("en-US")} states, too many to name: find one (View) and Focus on it, or sort them in the Matrix.`;
    this.target = likeliest?.index ?? -1;
    this.focusBtn.hidden = likeliest === null;
    if (likeliest) {
      this.focusBtn.textContent = `Focus on ${likeliest.state}`;
      this.focusBtn.title = `Show ${likeliest.state} (the state the chain visits most in the long run) and its neighbours`;
    }
  }
}

/** Index of the largest value (-1: none or not finite). */
export function argmaxOf(values: ArrayLike<number> | null): number {
  let best = -1;
  if (!values) return best;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && (best < 0 || values[i] > values[best])) best = i;
  return best;
}
