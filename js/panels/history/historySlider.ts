// History slider + "live" toggle + log-step switch. Dragging picks a snapshot; the right end
// means live. The slider is the loss chart's step axis (sliderStops.ts): `track` sits under the
// chart's x axis, the counter, live button and log switch (`el`) in the row above the chart.
// Where positions are not snapshots (log axis, uneven snapshots) the arrow keys step by snapshot.
import { counterText, indexAt, positionOf, sliderAxis, stepIndex } from "./sliderStops";
import type { SliderAxis } from "./sliderStops";

export interface SliderHistory {
  steps: ArrayLike<number>;
  length: number;
}

export class HistorySlider {
  /** Counter, live button and log switch. */
  readonly el: HTMLDivElement;
  /** The range input's row: as wide as the loss chart's x axis plus one thumb. */
  readonly track: HTMLDivElement;
  readonly input: HTMLInputElement;
  private readonly live: HTMLButtonElement;
  private readonly position: HTMLSpanElement;
  private readonly logBox: HTMLInputElement;
  private history: SliderHistory = { steps: [], length: 0 };
  private axis: SliderAxis = sliderAxis([], 0, false);
  private log = false;
  private shown = -1;
  private lastStep = NaN;
  private shownStep = NaN;

  /** `pick(shownIndex)`: -1 for live, else a history index. `setLog`: the log switch changed. */
  constructor(pick: (shownIndex: number) => void, signal: AbortSignal, private readonly setLogPref: (on: boolean) => void = () => {}) {
    this.el = document.createElement("div");
    this.el.className = "bg-timeline";
    this.track = document.createElement("div");
    this.track.className = "bg-timeline-track";
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
    this.position.dataset.role = "slider-pos";
    this.logBox = document.createElement("input");
    this.logBox.type = "checkbox";
    this.logBox.dataset.field = "history_log";
    const logLabel = document.createElement("label");
    logLabel.className = "bg-inline bg-history-log";
    logLabel.title = "log-scaled step axis: the first steps, where the chain changes most, get room on the slider and the loss chart";
    const logText = document.createElement("span");
    logText.textContent = "log steps";
    logLabel.append(this.logBox, logText);
    this.track.append(this.input);
    this.el.append(this.position, this.live, logLabel);
    this.input.addEventListener("input", () => pick(indexAt(this.axis.stops, Number(this.input.value))), { signal });
    this.input.addEventListener(
      "keydown",
      (ev) => {
        // Positions that are not snapshots: one key press = one snapshot.
        if (this.axis.perSnapshot || (ev.key !== "ArrowLeft" && ev.key !== "ArrowRight" && ev.key !== "ArrowDown" && ev.key !== "ArrowUp")) return;
        ev.preventDefault();
        const dir = ev.key === "ArrowLeft" || ev.key === "ArrowDown" ? -1 : 1;
        // at once, not at the next redraw: presses faster than frames each move one snapshot
        this.shown = stepIndex(this.shown, this.history.length, dir);
        pick(this.shown);
      },
      { signal },
    );
    this.live.addEventListener(
      "click",
      // Live -> freeze on the newest snapshot; frozen -> follow training again.
      () => pick(this.shown < 0 && this.history.length > 0 ? this.history.length - 1 : -1),
      { signal },
    );
    this.logBox.addEventListener("change", () => {
      this.setLog(this.logBox.checked);
      this.setLogPref(this.log);
    }, { signal });
    this.render();
  }

  get isLog(): boolean {
    return this.log;
  }

  setLog(on: boolean): void {
    if (on === this.log) return;
    this.log = on;
    this.logBox.checked = on;
    this.axis = sliderAxis(this.history.steps, this.history.length, on);
    this.render();
  }

  /** New history (rebuilds the positions). */
  setHistory(h: SliderHistory): void {
    this.history = h;
    this.axis = sliderAxis(h.steps, h.length, this.log);
  }

  /** The snapshot shown (-1 = live), its step, and the newest step. */
  update(shownIndex: number, shownStep: number, lastStep: number): void {
    const n = this.history.length;
    this.shown = shownIndex >= 0 && shownIndex < n ? shownIndex : -1;
    this.shownStep = shownStep;
    this.lastStep = lastStep;
    this.render();
  }

  private render(): void {
    const n = this.axis.stops.length;
    this.input.max = String(Math.max(0, n - 1));
    this.input.disabled = this.history.length <= 1;
    const v = String(positionOf(this.axis, this.shown));
    if (this.input.value !== v) this.input.value = v;
    const isLive = this.shown < 0;
    const label = isLive ? "● live" : "go live";
    if (this.live.textContent !== label) this.live.textContent = label;
    this.live.setAttribute("aria-pressed", String(isLive));
    this.live.title = isLive ? "following training; click to freeze this snapshot" : "follow training again";
    this.el.classList.toggle("bg-is-live", isLive);
    const text = this.history.length > 0 ? counterText(this.shownStep, Math.max(this.lastStep, this.shownStep)) : "";
    if (this.position.textContent !== text) this.position.textContent = text;
    this.input.setAttribute("aria-valuetext", text || "no history yet");
  }
}
