// Step / loss readouts of the chain being shown (live or a history snapshot). The "history"
// badge only turns visible when a snapshot is shown: it never adds or removes a row.
import { formatLoss, formatStep } from "../util/format";

export class Readout {
  readonly el: HTMLDivElement;
  private readonly step: HTMLSpanElement;
  private readonly loss: HTMLSpanElement;
  private readonly mode: HTMLSpanElement;

  constructor() {
    this.el = document.createElement("div");
    this.el.className = "bg-readout";
    this.step = this.value("step");
    this.loss = this.value("loss");
    this.mode = document.createElement("span");
    this.mode.className = "bg-mode";
    this.el.append(this.mode);
  }

  update(step: number, loss: number, live: boolean): void {
    const s = formatStep(step);
    const l = formatLoss(loss);
    if (this.step.textContent !== s) this.step.textContent = s;
    if (this.loss.textContent !== l) this.loss.textContent = l;
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
