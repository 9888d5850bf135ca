// Loss over training (d3-shape line), with a marker at the step being shown. Its x axis is the
// history slider's track (sliderStops.ts `stepFraction`): the app lines the slider up under it.
import { axisBottom, axisLeft } from "d3-axis";
import { scaleLinear, scaleSymlog } from "d3-scale";
import type { ScaleContinuousNumeric, ScaleLinear } from "d3-scale";
import { select } from "d3-selection";
import { line } from "d3-shape";
import type { History } from "../../model/history";
import { nearestIndex } from "../../model/history";
import { stepDomain } from "./sliderStops";

const SVG = "http://www.w3.org/2000/svg";
const HEIGHT = 140;
/** Tick font (px) when the page gives none (tests); the CSS sets 13 px, 18 px in presentation. */
const FONT = 13;

/** Margins round the plot for tick labels of `font` px ("0.70" on the left, steps below). */
export function chartMargins(font: number): { top: number; right: number; bottom: number; left: number } {
  return { top: Math.round(font * 0.6), right: Math.round(font * 1.4), bottom: Math.round(font * 1.3 + 9), left: Math.round(font * 2.6 + 14) };
}

/** Tick values of a log step axis: 0, 1, 10, 100, … within [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  if (lo <= 0) out.push(0);
  for (let t = 1; t <= hi; t *= 10) if (t >= lo) out.push(t);
  return out;
}

export class LossChart {
  readonly svg: SVGSVGElement;
  private readonly plot: SVGGElement;
  private readonly xAxis: SVGGElement;
  private readonly yAxis: SVGGElement;
  private readonly path: SVGPathElement;
  private readonly marker: SVGGElement;
  private readonly markerLine: SVGLineElement;
  private readonly markerDot: SVGCircleElement;
  private width = 600;
  private height = HEIGHT;
  private log = false;
  private history: History | null = null;
  private x: ScaleContinuousNumeric<number, number> = scaleLinear();
  private y: ScaleLinear<number, number> = scaleLinear();
  private mark: { step: number; loss: number } | null = null;
  private font = FONT;
  private m = chartMargins(FONT);
  /** The chart's title ("loss"): an HTML label the app places in the row above the chart. */
  readonly title: HTMLSpanElement;

  /** `pick(k)` is called when the user clicks/drags on the chart to choose snapshot k. */
  constructor(private readonly pick: (index: number) => void, signal: AbortSignal) {
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "bg-loss");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "training loss by step");
    this.plot = this.g(this.svg, "bg-loss-plot");
    this.xAxis = this.g(this.plot, "bg-axis bg-axis-x");
    this.yAxis = this.g(this.plot, "bg-axis bg-axis-y");
    this.path = this.plot.appendChild(document.createElementNS(SVG, "path"));
    this.path.setAttribute("class", "bg-loss-line");
    this.marker = this.g(this.plot, "bg-loss-marker");
    this.markerLine = this.marker.appendChild(document.createElementNS(SVG, "line"));
    this.markerDot = this.marker.appendChild(document.createElementNS(SVG, "circle"));
    this.markerDot.setAttribute("r", "4.5");
    this.title = document.createElement("span");
    this.title.className = "bg-loss-title";
    this.title.textContent = "loss";
    this.svg.addEventListener("pointerdown", (ev) => this.onPointer(ev), { signal });
    this.svg.addEventListener("pointermove", (ev) => ev.buttons & 1 && this.onPointer(ev), { signal });
    this.layoutBox();
  }

  /** Size (CSS px) and tick font (px): the margins follow the font. */
  resize(width: number, height = this.height, font = this.font): void {
    const w = Math.max(200, Math.round(width));
    const h = Math.max(60, Math.round(height));
    if (w === this.width && h === this.height && font === this.font) return;
    this.width = w;
    this.height = h;
    this.font = font;
    this.m = chartMargins(font);
    this.layoutBox();
    if (this.history) this.setHistory(this.history);
  }

  /** Log-scaled step axis (follows the slider's switch). */
  setLog(on: boolean): void {
    if (on === this.log) return;
    this.log = on;
    if (this.history) this.setHistory(this.history);
  }

  /** New history: rescale and redraw the line (not the marker's data). */
  setHistory(h: History): void {
    this.history = h;
    const n = h.length;
    const first = n > 0 ? h.steps[0] : 0;
    const last = n > 0 ? h.steps[n - 1] : 1;
    const domain = stepDomain(first, last);
    this.x = (this.log ? scaleSymlog() : scaleLinear()).domain(domain).range([0, this.innerW()]).clamp(true);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = h.losses[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(hi >= lo)) [lo, hi] = [0, 1];
    if (hi - lo < 1e-6) [lo, hi] = [lo - 0.05, hi + 0.05];
    this.y = scaleLinear().domain([lo, hi]).nice(4).range([this.innerH(), 0]);
    const idx = Array.from({ length: n }, (_, i) => i);
    const d = line<number>()
      .defined((i) => Number.isFinite(h.losses[i]))
      .x((i) => this.x(h.steps[i]))
      .y((i) => this.y(h.losses[i]))(idx);
    this.path.setAttribute("d", d ?? "");
    const xs = select(this.xAxis);
    const xAxis = axisBottom(this.x).tickSizeOuter(0);
    if (this.log) xAxis.tickValues(logTicks(domain[0], domain[1])).tickFormat((v) => Number(v).toLocaleString("en-US"));
    else {
      // steps are whole numbers: a short history (e.g. steps 0..1) must not print "0 0 0 1 1 1"
      const ticks = this.x.ticks(Math.max(2, Math.floor(this.innerW() / (this.font * 7)))).filter(Number.isInteger);
      xAxis.tickValues(ticks).tickFormat((v) => Number(v).toLocaleString("en-US"));
    }
    xs.call(xAxis);
    const yTicks = Math.max(2, Math.min(4, Math.floor(this.innerH() / (this.font * 1.7))));
    select(this.yAxis).call(axisLeft(this.y).ticks(yTicks, ".2f").tickSizeOuter(0));
    this.placeMarker();
  }

  /** Move the marker to the shown step (cheap: two elements). */
  setMarker(step: number, loss: number): void {
    this.mark = { step, loss };
    this.placeMarker();
  }

  private placeMarker(): void {
    const m = this.mark;
    const visible = m !== null && Number.isFinite(m.step) && (this.history?.length ?? 0) > 0;
    this.marker.style.display = visible ? "" : "none";
    if (!visible || !m) return;
    const x = this.x(m.step);
    this.markerLine.setAttribute("x1", String(x));
    this.markerLine.setAttribute("x2", String(x));
    this.markerLine.setAttribute("y1", "0");
    this.markerLine.setAttribute("y2", String(this.innerH()));
    const dot = Number.isFinite(m.loss);
    this.markerDot.style.display = dot ? "" : "none";
    if (dot) {
      this.markerDot.setAttribute("cx", String(x));
      this.markerDot.setAttribute("cy", String(this.y(m.loss)));
    }
    this.marker.setAttribute("data-step", String(m.step));
  }

  private onPointer(ev: PointerEvent): void {
    const h = this.history;
    if (!h || h.length === 0) return;
    const box = this.svg.getBoundingClientRect();
    const step = this.x.invert(ev.clientX - box.left - this.m.left);
    this.pick(nearestIndex(h.steps, step, h.length));
  }

  private layoutBox(): void {
    this.svg.setAttribute("width", String(this.width));
    this.svg.setAttribute("height", String(this.height));
    this.svg.setAttribute("viewBox", `0 0 ${this.width} ${this.height}`);
    this.plot.setAttribute("transform", `translate(${this.m.left},${this.m.top})`);
    this.xAxis.setAttribute("transform", `translate(0,${this.innerH()})`);
  }

  /** Where the x axis runs, from the chart's left edge (CSS px): the slider's track. */
  get axis(): { left: number; width: number } {
    return { left: this.m.left, width: this.innerW() };
  }

  private innerW(): number {
    return this.width - this.m.left - this.m.right;
  }

  private innerH(): number {
    return this.height - this.m.top - this.m.bottom;
  }

  private g(parent: Element, cls: string): SVGGElement {
    const g = parent.appendChild(document.createElementNS(SVG, "g"));
    g.setAttribute("class", cls);
    return g;
  }
}
