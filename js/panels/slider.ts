// History slider + "live" toggle. Dragging picks a snapshot; the right end means live.
import { indexFromSlider, sliderValue } from "../model/history";

export class HistorySlider {
  readonly el: HTMLDivElement;
  private readonly input: HTMLInputElement;
  private readonly live: HTMLButtonElement;
  private readonly position: HTMLSpanElement;
  private length = 0;
  private shown = -1;

  /** `pick(shownIndex)`: -1 for live, else a history index. */
  constructor(pick: (shownIndex: number) => void, signal: AbortSignal) {
    this.el = document.createElement("div");
    this.el.className = "bg-timeline";
    this.input = document.createElement("input");
    this.input.type = "range";
    this.input.min = "0";
    this.input.step = "1";
    this.input.dataset.role = "history-slider";
    this.input.setAttribute("aria-label", "training history: drag to see the chain at an earlier step");
    this.live = document.createElement("button");
    this.live.type = "button";
    this.live.dataset.action = "live";
    this.live.className = "bg-live";
    this.position = document.createElement("span");
    this.position.className = "bg-slider-pos";
    this.el.append(this.input, this.live, this.position);
    this.input.addEventListener("input", () => pick(indexFromSlider(Number(this.input.value), this.length)), { signal });
    this.live.addEventListener(
      "click",
      // Live -> freeze on the newest snapshot; frozen -> follow training again.
      () => pick(this.shown < 0 && this.length > 0 ? this.length - 1 : -1),
      { signal },
    );
    this.update(0, -1);
  }

  update(length: number, shownIndex: number): void {
    this.length = length;
    this.shown = shownIndex >= 0 && shownIndex < length ? shownIndex : -1;
    this.input.max = String(Math.max(0, length - 1));
    this.input.disabled = length <= 1;
    const v = String(sliderValue(this.shown, length));
    if (this.input.value !== v) this.input.value = v;
    const isLive = this.shown < 0;
    this.live.textContent = isLive ? "● live" : "go live";
    this.live.setAttribute("aria-pressed", String(isLive));
    this.live.title = isLive ? "following training; click to freeze this snapshot" : "follow training again";
    this.el.classList.toggle("bg-is-live", isLive);
    this.position.textContent = length > 0 ? `${Number(v) + 1} / ${length}` : "";
  }
}
