// Sample control: N, start state, seed, Sample / Skip, animation speed; and the ticker of the
// sampled sequence under the training sequence (monospace, aligned) for comparison.
import { button, el, errorSlot, fieldInput, labelled, parseInteger, reflect, setText, showError } from "../../util/dom";
import { SPEED_DEFAULT, SPEED_MAX, SPEED_MIN } from "./walkPlayer";

export const MAX_SAMPLE = 10_000;

export interface SampleRequest {
  n: number;
  start: string;
  seed: number;
}

export interface SampleHandlers {
  /** A valid request: sample and animate. */
  sample(req: SampleRequest): void;
  finishWalk(): void;
  setSetting(field: "sample_n" | "sample_start" | "sample_seed", value: number | string): void;
  setSpeed(stepsPerSecond: number): void;
  /** Is `s` a state of the chain (full or shorter context)? */
  isState(s: string): boolean;
}

type Field = "sample_n" | "sample_start" | "sample_seed";

export class SampleView {
  readonly bar: HTMLDivElement;
  /** Training sequence and sampled sequence, one above the other. */
  readonly sequences: HTMLDivElement;
  readonly ticker: HTMLSpanElement;
  private readonly inputs: Record<Field, HTMLInputElement>;
  private readonly errors: Record<Field, HTMLElement>;
  private readonly dataSeq: HTMLSpanElement;
  private readonly tickStart: HTMLSpanElement;
  private readonly tickBody: HTMLSpanElement;
  private readonly tickNow: HTMLSpanElement;
  private readonly speed: HTMLInputElement;
  private defaultStart = "";

  constructor(private readonly handlers: SampleHandlers, signal: AbortSignal) {
    this.bar = el("div", "bg-sample");
    const sampleBtn = button("sample", "Sample", "walk the shown chain: draw N tokens from the start state (S)");
    const skipBtn = button("skip", "Skip", "show the whole walk now");
    this.inputs = {
      sample_n: fieldInput("sample_n", "number of tokens to sample", "numeric"),
      sample_start: fieldInput("sample_start", "start state of the walk"),
      sample_seed: fieldInput("sample_seed", "random seed of the walk", "numeric"),
    };
    this.errors = { sample_n: errorSlot("sample_n"), sample_start: errorSlot("sample_start"), sample_seed: errorSlot("sample_seed") };
    this.speed = el("input");
    this.speed.type = "range";
    this.speed.min = String(SPEED_MIN);
    this.speed.max = String(SPEED_MAX);
    this.speed.step = "1";
    this.speed.value = String(SPEED_DEFAULT);
    this.speed.dataset.field = "walk_speed";
    this.speed.setAttribute("aria-label", "walk animation speed, tokens per second");
    this.speed.title = "animation speed (tokens per second)";
    const errs = el("div", "bg-bar-errors");
    errs.append(this.errors.sample_n, this.errors.sample_start, this.errors.sample_seed);
    this.bar.append(
      sampleBtn,
      skipBtn,
      labelled("bg-sample-n", "N", this.inputs.sample_n),
      labelled("bg-sample-start", "from", this.inputs.sample_start),
      labelled("bg-sample-seed", "seed", this.inputs.sample_seed),
      labelled("bg-sample-speed", "speed", this.speed),
      errs,
    );

    this.sequences = el("div", "bg-sequences");
    this.dataSeq = el("span", "bg-seq-text");
    this.dataSeq.dataset.role = "training-sequence";
    this.ticker = el("span", "bg-seq-text bg-ticker");
    this.ticker.dataset.role = "ticker";
    this.ticker.setAttribute("aria-live", "off");
    this.tickStart = el("span", "bg-tick-start");
    this.tickBody = el("span", "bg-tick-body");
    this.tickNow = el("span", "bg-tick-now");
    this.ticker.append(this.tickStart, this.tickBody, this.tickNow);
    this.sequences.append(el("span", "bg-seq-label", "data"), this.dataSeq, el("span", "bg-seq-label", "sample"), this.ticker);

    const on = (t: EventTarget, type: string, fn: (ev: Event) => void): void => t.addEventListener(type, fn, { signal });
    on(sampleBtn, "click", () => this.requestSample());
    on(skipBtn, "click", () => handlers.finishWalk());
    on(this.speed, "input", () => handlers.setSpeed(Number(this.speed.value)));
    for (const f of Object.keys(this.inputs) as Field[]) {
      on(this.inputs[f], "change", () => this.commit(f));
      on(this.inputs[f], "keydown", (ev) => {
        if ((ev as KeyboardEvent).key === "Enter") this.commit(f);
      });
    }
  }

  /** Reflect the traits (leaving a field alone while the user types in it). */
  setSettings(n: number, start: string, seed: number, defaultStart: string): void {
    this.defaultStart = defaultStart;
    reflect(this.inputs.sample_n, String(n));
    reflect(this.inputs.sample_start, start || defaultStart);
    reflect(this.inputs.sample_seed, String(seed));
  }

  setTrainingSequence(seq: string): void {
    setText(this.dataSeq, seq);
  }

  /** The ticker: start, then the first `shown` sampled tokens (the newest one emphasised). */
  setTicker(start: string, tokens: string[], shown: number): void {
    const k = Math.max(0, Math.min(shown, tokens.length));
    const body = tokens.slice(0, Math.max(0, k - 1)).join("");
    const now = k > 0 ? tokens[k - 1] : "";
    if (this.tickStart.textContent === start && this.tickBody.textContent === body && this.tickNow.textContent === now) return;
    setText(this.tickStart, start);
    setText(this.tickBody, body);
    setText(this.tickNow, now);
    // Reading scrollWidth forces a layout: only when there is text to scroll to.
    if (body || now) this.ticker.scrollLeft = this.ticker.scrollWidth;
    else this.ticker.scrollLeft = 0;
  }

  /** Validate the inputs; on success ask for a sample (S key and the Sample button). */
  requestSample(): void {
    const n = this.read("sample_n");
    const start = this.read("sample_start");
    const seed = this.read("sample_seed");
    if (n === null || start === null || seed === null) return;
    this.handlers.sample({ n: n as number, start: start as string, seed: seed as number });
  }

  private commit(f: Field): void {
    const v = this.read(f);
    if (v !== null) this.handlers.setSetting(f, v);
  }

  /** Parsed value of a field, or null with its inline error shown. */
  private read(f: Field): number | string | null {
    const text = this.inputs[f].value;
    let v: number | string | null;
    let msg = "";
    if (f === "sample_n") {
      v = parseInteger(text, 1, MAX_SAMPLE);
      if (v === null) msg = `N must be a whole number from 1 to ${MAX_SAMPLE.toLocaleString("en")}`;
    } else if (f === "sample_seed") {
      v = parseInteger(text, 0, Number.MAX_SAFE_INTEGER);
      if (v === null) msg = "seed must be a whole number ≥ 0";
    } else {
      v = text.trim() || this.defaultStart;
      if (!this.handlers.isState(v)) {
        msg = `"${v}" is not a state of this chain`;
        v = null;
      }
    }
    showError(this.errors[f], this.inputs[f], msg);
    return v;
  }
}
