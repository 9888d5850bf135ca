// Long runs under control: Train ×N progress (k / N), Play's speed, and "Undo reset".
// Progress and Undo share one slot of fixed width (a reset ends any run), so nothing jumps.
import { button, el, setText } from "../../util/dom";
import { setIconLabel } from "../../ui/icons";

/** Play speeds offered (steps per second); 0 = as fast as the kernel trains. */
export const PLAY_SPEEDS = [2, 5, 10, 30, 100, 0] as const;

export function speedLabel(v: number): string {
  return v === 0 ? "max" : `${v}/s`;
}

/** The offered speed nearest `v` (0 = max stays max; unknown values snap in log space). */
export function nearestSpeed(v: number): number {
  if (!(v > 0)) return 0;
  let best: number = PLAY_SPEEDS[0];
  for (const s of PLAY_SPEEDS) if (s > 0 && Math.abs(Math.log(s / v)) < Math.abs(Math.log(best / v))) best = s;
  return best;
}

/** `1,234 / 20,000` while a Train ×N runs; "" when idle or unknown. */
export function progressText(p: unknown): string {
  if (typeof p !== "object" || p === null) return "";
  const { done, total } = p as { done?: unknown; total?: unknown };
  if (typeof done !== "number" || typeof total !== "number" || !(total > 0)) return "";
  const fmt = (n: number): string => Math.max(0, Math.round(n)).toLocaleString("en-US");
  return `${fmt(Math.min(done, total))} / ${fmt(total)}`;
}

export interface LongRunHandlers {
  setSpeed(stepsPerSecond: number): void;
  undoReset(): void;
}

export class LongRunView {
  /** The progress / undo slot (sits after the buttons). */
  readonly slot: HTMLSpanElement;
  /** Play's speed select (sits next to Play). */
  readonly speedEl: HTMLLabelElement;
  readonly undoBtn: HTMLButtonElement;
  private readonly progress: HTMLSpanElement;
  private readonly bar: HTMLSpanElement;
  private readonly text: HTMLSpanElement;
  private readonly speed: HTMLSelectElement;

  constructor(handlers: LongRunHandlers, signal: AbortSignal) {
    this.slot = el("span", "bg-run-slot");
    this.progress = el("span", "bg-progress");
    this.progress.dataset.role = "progress";
    this.progress.setAttribute("role", "status");
    this.bar = el("span", "bg-progress-bar");
    const track = el("span", "bg-progress-track");
    track.append(this.bar);
    this.text = el("span", "bg-progress-text");
    this.progress.append(track, this.text);
    this.undoBtn = button("undo-reset", "Undo reset", "bring back the run from before the reset (until the next training step)");
    setIconLabel(this.undoBtn, "undo", "Undo reset");
    this.slot.append(this.progress, this.undoBtn);

    this.speed = el("select");
    this.speed.dataset.field = "play_speed";
    this.speed.setAttribute("aria-label", "Play speed, steps per second");
    for (const v of PLAY_SPEEDS) {
      const o = el("option", undefined, speedLabel(v));
      o.value = String(v);
      this.speed.append(o);
    }
    this.speedEl = el("label", "bg-speed");
    this.speedEl.title = "Play speed: steps per second (slow motion for the first steps; max = as fast as the kernel trains)";
    this.speedEl.append(this.speed);
    this.speed.addEventListener("change", () => handlers.setSpeed(Number(this.speed.value)), { signal });
    this.undoBtn.addEventListener("click", () => handlers.undoReset(), { signal });
    this.setProgress(null);
    this.setUndo(false);
    this.setSpeed(undefined);
  }

  setProgress(p: unknown): void {
    const t = progressText(p);
    setText(this.text, t);
    const { done, total } = (p ?? {}) as { done?: number; total?: number };
    this.bar.style.width = t ? `${Math.min(100, (100 * (done ?? 0)) / (total || 1)).toFixed(1)}%` : "0%";
    this.progress.classList.toggle("bg-idle", t === "");
    this.progress.title = t ? `Train: ${t} steps` : "";
  }

  /** Undo affordance while the kernel keeps the run from before a reset. */
  setUndo(can: boolean): void {
    this.undoBtn.hidden = !can;
  }

  /** Play's speed; undefined = an older kernel without the trait: no control. */
  setSpeed(v: number | undefined): void {
    this.speedEl.classList.toggle("bg-unsupported", v === undefined);
    if (v === undefined) return;
    const s = String(nearestSpeed(v));
    if (this.speed.value !== s && document.activeElement !== this.speed) this.speed.value = s;
  }

  /** Elements that need a kernel. */
  get kernelOnly(): HTMLElement[] {
    return [this.speed, this.undoBtn];
  }
}
