// A small line of one edge's probability over the training history (d3-shape), the shown
// step marked, and the data's frequency as a dashed reference line.
import { scaleLinear } from "d3-scale";
import { line } from "d3-shape";

const SVG = "http://www.w3.org/2000/svg";
export const SPARK_W = 200;
export const SPARK_H = 48;
const PAD = 4;

export interface SparkData {
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Step being shown (marked with a dot and a rule). */
  markStep: number;
  /** The data's frequency for this transition (NaN: none). */
  reference: number;
}

function node<K extends keyof SVGElementTagNameMap>(parent: Element, tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = parent.appendChild(document.createElementNS(SVG, tag));
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function sparkline(d: SparkData): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "bg-sparkline");
  svg.setAttribute("width", String(SPARK_W));
  svg.setAttribute("height", String(SPARK_H));
  svg.setAttribute("viewBox", `0 0 ${SPARK_W} ${SPARK_H}`);
  svg.setAttribute("role", "img");
  const n = Math.min(d.steps.length, d.values.length);
  svg.setAttribute("aria-label", `probability over ${n} recorded steps`);
  const first = n > 0 ? d.steps[0] : 0;
  const last = n > 0 ? d.steps[n - 1] : 1;
  const x = scaleLinear().domain([first, last > first ? last : first + 1]).range([PAD, SPARK_W - PAD]).clamp(true);
  const y = scaleLinear().domain([0, 1]).range([SPARK_H - PAD, PAD]);
  node(svg, "line", { class: "bg-spark-grid", x1: PAD, x2: SPARK_W - PAD, y1: y(0.5), y2: y(0.5) });
  if (Number.isFinite(d.reference)) {
    node(svg, "line", { class: "bg-spark-ref", x1: PAD, x2: SPARK_W - PAD, y1: y(d.reference), y2: y(d.reference) });
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  const path = line<number>()
    .defined((i) => Number.isFinite(d.values[i]))
    .x((i) => x(d.steps[i]))
    .y((i) => y(d.values[i]))(idx);
  node(svg, "path", { class: "bg-spark-line", d: path ?? "" });
  if (n > 0 && Number.isFinite(d.markStep)) {
    let k = 0;
    while (k + 1 < n && d.steps[k + 1] <= d.markStep) k++;
    const mx = x(d.markStep);
    node(svg, "line", { class: "bg-spark-mark", x1: mx, x2: mx, y1: PAD, y2: SPARK_H - PAD });
    if (Number.isFinite(d.values[k])) node(svg, "circle", { class: "bg-spark-dot", cx: mx, cy: y(d.values[k]), r: 3.5 });
    svg.dataset.step = String(d.markStep);
  }
  return svg;
}
