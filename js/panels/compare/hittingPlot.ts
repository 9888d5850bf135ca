// P(reach a marked state within k steps) against temperature 0…2 (the `hitting` trait), with
// the current temperature marked: temperature trades diversity against risk.
import { axisBottom, axisLeft } from "d3-axis";
import { scaleLinear } from "d3-scale";
import { select } from "d3-selection";
import { line } from "d3-shape";
import { button, el, errorSlot, setText, showError } from "../../util/dom";
import type { Hitting } from "./compareData";

const SVG = "http://www.w3.org/2000/svg";
export const PLOT_W = 300;
export const PLOT_H = 150;
const M = { top: 10, right: 12, bottom: 30, left: 40 };

export class HittingPlot {
  readonly el: HTMLDivElement;
  readonly svg: SVGSVGElement;
  readonly plotBtn: HTMLButtonElement;
  private readonly note: HTMLElement;
  private readonly error: HTMLElement;
  private readonly xAxis: SVGGElement;
  private readonly yAxis: SVGGElement;
  private readonly curve: SVGPathElement;
  private readonly points: SVGGElement;
  private readonly tempLine: SVGLineElement;
  /** What to do, inside the empty plot (mark states, then Plot): not bare axes. */
  private readonly emptyText: SVGTextElement;
  private readonly x = scaleLinear().domain([0, 2]).range([M.left, PLOT_W - M.right]);
  private readonly y = scaleLinear().domain([0, 1]).range([PLOT_H - M.bottom, M.top]);

  constructor(request: () => void, signal: AbortSignal) {
    this.el = el("div", "bg-hitting");
    this.el.dataset.role = "hitting";
    const head = el("div", "bg-row bg-hitting-head");
    this.plotBtn = button("hitting", "Plot vs temperature", "plot P(reach a marked state within k steps) against temperature 0…2 at the shown step (needs the kernel)");
    head.append(el("span", "bg-field-label", "hitting probability"), this.plotBtn);
    this.note = el("div", "bg-hitting-note");
    this.note.dataset.role = "hitting-note";
    this.error = errorSlot("hitting");
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "bg-hitting-plot");
    this.svg.setAttribute("viewBox", `0 0 ${PLOT_W} ${PLOT_H}`);
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "hitting probability against temperature");
    const g = (cls: string): SVGGElement => {
      const e = this.svg.appendChild(document.createElementNS(SVG, "g"));
      e.setAttribute("class", cls);
      return e;
    };
    this.xAxis = g("bg-axis bg-axis-x");
    this.yAxis = g("bg-axis bg-axis-y");
    this.xAxis.setAttribute("transform", `translate(0,${PLOT_H - M.bottom})`);
    this.yAxis.setAttribute("transform", `translate(${M.left},0)`);
    select(this.xAxis).call(axisBottom(this.x).ticks(4));
    this.drawYAxis();
    const xl = this.svg.appendChild(document.createElementNS(SVG, "text"));
    xl.setAttribute("class", "bg-axis-title");
    xl.setAttribute("x", String(PLOT_W - M.right));
    xl.setAttribute("y", String(PLOT_H - 2));
    xl.setAttribute("text-anchor", "end");
    xl.textContent = "temperature";
    this.tempLine = this.svg.appendChild(document.createElementNS(SVG, "line"));
    this.tempLine.setAttribute("class", "bg-hitting-temp");
    this.tempLine.setAttribute("y1", String(M.top));
    this.tempLine.setAttribute("y2", String(PLOT_H - M.bottom));
    this.curve = this.svg.appendChild(document.createElementNS(SVG, "path"));
    this.curve.setAttribute("class", "bg-hitting-line");
    this.points = g("bg-hitting-points");
    this.emptyText = this.svg.appendChild(document.createElementNS(SVG, "text"));
    this.emptyText.setAttribute("class", "bg-hitting-empty");
    this.emptyText.setAttribute("text-anchor", "middle");
    this.emptyText.dataset.role = "hitting-empty";
    this.el.append(head, this.note, this.error, this.svg);
    this.plotBtn.addEventListener("click", request, { signal });
    this.set(null, 1, "");
  }

  /** The note in the middle of the empty plot, a few words a line. */
  private showEmpty(text: string): void {
    if (this.emptyText.dataset.text === text) return;
    this.emptyText.dataset.text = text;
    const lines: string[] = [];
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const last = lines.length - 1;
      if (last >= 0 && lines[last].length + word.length < 30) lines[last] += ` ${word}`;
      else lines.push(word);
    }
    const x = (M.left + PLOT_W - M.right) / 2;
    const y0 = (M.top + PLOT_H - M.bottom) / 2 - ((lines.length - 1) * 15) / 2;
    this.emptyText.replaceChildren(
      ...lines.map((line, i) => {
        const t = document.createElementNS(SVG, "tspan");
        t.setAttribute("x", String(x));
        t.setAttribute("y", String(y0 + i * 15));
        t.setAttribute("dy", "0.35em");
        t.textContent = line;
        return t;
      }),
    );
  }

  /** Small probabilities would hug the floor of a 0–100% axis: the axis fits the curve. */
  private drawYAxis(top = 1): void {
    this.y.domain([0, Math.min(1, Math.max(0.01, top * 1.1))]).nice(4);
    const digits = this.y.domain()[1] < 0.05 ? 1 : 0;
    select(this.yAxis).call(axisLeft(this.y).ticks(4).tickFormat((v) => `${(Number(v) * 100).toFixed(digits)}%`));
  }

  setError(message: string | undefined): void {
    showError(this.error, null, message ?? "");
  }

  /** The curve (null: none yet), the current temperature, and a note (stale step, how to start). */
  set(h: Hitting | null, temperature: number, note: string): void {
    setText(this.note, note);
    this.svg.classList.toggle("bg-empty", h === null);
    const t = Math.max(0, Math.min(2, temperature));
    this.tempLine.setAttribute("x1", String(this.x(t)));
    this.tempLine.setAttribute("x2", String(this.x(t)));
    this.tempLine.dataset.temperature = String(t);
    this.showEmpty(h ? "" : note);
    this.note.hidden = !h; // no curve: the note is said inside the plot instead
    if (!h) {
      this.drawYAxis();
      this.curve.setAttribute("d", "");
      this.points.replaceChildren();
      return;
    }
    const pts = h.temperatures.map((x, i) => [x, h.probabilities[i]] as [number, number]).filter(([x, p]) => x <= 2 && Number.isFinite(p));
    this.drawYAxis(Math.max(0, ...pts.map((d) => d[1])));
    this.curve.setAttribute("d", line<[number, number]>().x((d) => this.x(d[0])).y((d) => this.y(d[1]))(pts) ?? "");
    this.points.replaceChildren(
      ...pts.map(([x, p]) => {
        const c = document.createElementNS(SVG, "circle");
        c.setAttribute("class", "bg-hitting-point");
        c.setAttribute("cx", String(this.x(x)));
        c.setAttribute("cy", String(this.y(p)));
        c.setAttribute("r", "2.6");
        c.dataset.t = String(x);
        c.dataset.p = p.toFixed(6);
        const title = document.createElementNS(SVG, "title");
        title.textContent = `T=${x.toFixed(1)}: P=${(p * 100).toFixed(1)}%`;
        c.append(title);
        return c;
      }),
    );
  }
}
