// A labelled colour key: a gradient bar with values under it (e.g. 0% … 100%, −0.53 … +0.53).
// The bar is a CSS gradient sampled from the colour function; the ticks are text, so a reader
// (and a test) can see what a colour means.
import { el } from "./dom";

export interface ScaleSpec {
  /** Colour of a value. */
  color: (v: number) => string;
  lo: number;
  hi: number;
  /** Values to label (within lo…hi) and how to print them. */
  ticks: number[];
  format: (v: number) => string;
  /** What the colours mean ("P(next token)", "attention weight"). */
  title: string;
}

export class ColorScale {
  readonly el: HTMLDivElement;
  private readonly bar: HTMLDivElement;
  private readonly ticks: HTMLDivElement;
  private readonly title: HTMLSpanElement;

  constructor(role: string) {
    this.el = el("div", "bg-scale");
    this.el.dataset.role = role;
    this.title = el("span", "bg-scale-title");
    this.bar = el("div", "bg-scale-bar");
    this.bar.setAttribute("aria-hidden", "true");
    this.ticks = el("div", "bg-scale-ticks");
    const body = el("div", "bg-scale-body");
    body.append(this.bar, this.ticks);
    this.el.append(this.title, body);
  }

  set(s: ScaleSpec): void {
    const span = s.hi - s.lo || 1;
    const stops = Array.from({ length: 11 }, (_, k) => `${s.color(s.lo + (span * k) / 10)} ${k * 10}%`);
    this.bar.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
    this.title.textContent = s.title;
    this.ticks.replaceChildren(
      ...s.ticks.map((v) => {
        const t = el("span", "bg-scale-tick", s.format(v));
        const f = (v - s.lo) / span;
        t.style.left = `${(f * 100).toFixed(2)}%`;
        t.dataset.value = String(v);
        // the end ticks align to the bar's ends, the others centre on their value
        t.style.transform = f <= 0.001 ? "none" : f >= 0.999 ? "translateX(-100%)" : "translateX(-50%)";
        return t;
      }),
    );
    this.el.setAttribute("aria-label", `${s.title}: colours from ${s.format(s.lo)} to ${s.format(s.hi)}`);
  }
}
