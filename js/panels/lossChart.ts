// Loss over training (d3-shape line), with a marker at the step being shown.
import { axisBottom, axisLeft } from "d3-axis";
import { scaleLinear } from "d3-scale";
import type { ScaleLinear } from "d3-scale";
import { select } from "d3-selection";
import { line } from "d3-shape";
import type { History } from "../model/history";
import { nearestIndex } from "../model/history";

const SVG = "http://www.w3.org/2000/svg";
const HEIGHT = 140;
const M = { top: 10, right: 18, bottom: 30, left: 58 };

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
  private history: History | null = null;
  private x: ScaleLinear<number, number> = scaleLinear();
  private y: ScaleLinear<number, number> = scaleLinear();
  private mark: { step: number; loss: number } | null = null;

  /** `pick(k)` is called when the user clicks/drags on the chart to choose snapshot k. */
  constructor(private readonly pick: (index: number) => void, signal: AbortSignal) {
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "bg-loss");
    this.svg.setAttribute("height", String(HEIGHT));
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
    const title = this.svg.appendChild(document.createElementNS(SVG, "text"));
    title.setAttribute("class", "bg-loss-title");
    title.setAttribute("x", String(M.left + 8));
    title.setAttribute("y", String(M.top + 12));
    title.textContent = "loss";
    this.svg.addEventListener("pointerdown", (ev) => this.onPointer(ev), { signal });
    this.svg.addEventListener("pointermove", (ev) => ev.buttons & 1 && this.onPointer(ev), { signal });
    this.layoutBox();
  }

  resize(width: number): void {
    const w = Math.max(200, Math.round(width));
    if (w === this.width) return;
    this.width = w;
    this.layoutBox();
    if (this.history) this.setHistory(this.history);
  }

  /** New history: rescale and redraw the line (not the marker's data). */
  setHistory(h: History): void {
    this.history = h;
    const n = h.length;
    const first = n > 0 ? h.steps[0] : 0;
    const last = n > 0 ? h.steps[n - 1] : 1;
    this.x = scaleLinear().domain([first, last > first ? last : first + 1]).range([0, this.innerW()]).clamp(true);
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
    xs.call(axisBottom(this.x).ticks(Math.max(2, Math.floor(this.innerW() / 90)), "d").tickSizeOuter(0));
    select(this.yAxis).call(axisLeft(this.y).ticks(4, ".2f").tickSizeOuter(0));
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
    const step = this.x.invert(ev.clientX - box.left - M.left);
    this.pick(nearestIndex(h.steps, step, h.length));
  }

  private layoutBox(): void {
    this.svg.setAttribute("width", String(this.width));
    this.svg.setAttribute("viewBox", `0 0 ${this.width} ${HEIGHT}`);
    this.plot.setAttribute("transform", `translate(${M.left},${M.top})`);
    this.xAxis.setAttribute("transform", `translate(0,${this.innerH()})`);
  }

  private innerW(): number {
    return this.width - M.left - M.right;
  }

  private innerH(): number {
    return HEIGHT - M.top - M.bottom;
  }

  private g(parent: Element, cls: string): SVGGElement {
    const g = parent.appendChild(document.createElementNS(SVG, "g"));
    g.setAttribute("class", cls);
    return g;
  }
}
