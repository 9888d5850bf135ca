// Step / loss readouts of the chain being shown (live or a history snapshot). The "history"
// badge only turns visible when a snapshot is shown: it never adds or removes a row. The loss
// is the loss of the weights AFTER the shown step ("loss now" while live); train() returns, as
// the seed prints, each step's loss before its update — one step behind — which the tooltip says.
import { formatLoss, formatStep } from "../../util/format";

/** The loss readout's tooltip for a step. */
export function lossTitle(step: number): string {
  const s = formatStep(step);
  return `cross-entropy on the training windows of the weights after step ${s}; train() returns (and the seed prints) each step's loss before its update, so its last number is the loss at step ${formatStep(Math.max(0, step - 1))}`;
}

export class Readout {
  readonly el: HTMLDivElement;
  private readonly step: HTMLSpanElement;
  private readonly loss: HTMLSpanElement;
  private readonly mode: HTMLSpanElement;
  private readonly lossLabel: HTMLSpanElement;

  constructor() {
    this.el = document.createElement("div");
    this.el.className = "bg-readout";
    this.step = this.value("step");
    this.loss = this.value("loss");
    this.lossLabel = this.loss.previousElementSibling as HTMLSpanElement;
    this.mode = document.createElement("span");
    this.mode.className = "bg-mode";
    this.el.append(this.mode);
  }

  update(step: number, loss: number, live: boolean): void {
    const s = formatStep(step);
    const l = formatLoss(loss);
    if (this.step.textContent !== s) this.step.textContent = s;
    if (this.loss.textContent !== l) this.loss.textContent = l;
    const label = live ? "loss now" : "loss";
    if (this.lossLabel.textContent !== label) this.lossLabel.textContent = label;
    const title = Number.isFinite(step) ? lossTitle(step) : "";
    if (this.loss.parentElement!.title !== title) this.loss.parentElement!.title = title;
    // The badge keeps its space when live (visibility, not display): nothing moves on a scrub.
    if (this.mode.textContent !== "history") this.mode.textContent = "history";
    this.mode.classList.toggle("bg-invisible", live);
    this.mode.setAttribute("aria-hidden", String(live));
  }

  private value(role: string): HTMLSpanElement {
    const wrap = document.createElement("span");
    wrap.className = `bg-readout-${role}`;
    const label = document.createElement("span");
    label.className = "bg-field-label";
    label.textContent = role;
    const v = document.createElement("span");
    v.className = "bg-value";
    v.dataset.role = role;
    wrap.append(label, v);
    this.el.append(wrap);
    return v;
  }
}
