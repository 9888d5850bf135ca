// A small SVG heatmap (rows × columns of cells), coloured by a d3 scale. Cells carry their row,
// column and value as data attributes; hovering one reports it. Masked cells (the causal
// attention's future positions) are drawn empty.
import { color, hsl } from "d3-color";
import { scaleSequential } from "d3-scale";
import { interpolateBlues, interpolateInferno, interpolateRdBu } from "d3-scale-chromatic";

const SVG = "http://www.w3.org/2000/svg";

export interface HeatmapOptions {
  /** Colour of a value. */
  color: (v: number) => string;
  /** Cell [i][j] is masked (no value). */
  masked?: (i: number, j: number) => boolean;
  /** Size of one cell in the viewBox (the SVG stretches to its CSS box). */
  cell?: number;
  /** CSS height; default: square cells (aspect-ratio cols / rows). */
  height?: string;
  className?: string;
  label: string;
}

export interface HeatCell {
  row: number;
  col: number;
  value: number;
}

/** Probabilities / attention weights, 0 … 1: on a light page 0 is near white and 1 dark blue
 *  (d3 Blues); on a dark page 0 is near black and 1 bright (d3 Inferno), so weight = contrast. */
const blues = scaleSequential(interpolateBlues).domain([0, 1]);
const inferno = scaleSequential(interpolateInferno).domain([0, 1]);
export function weightColorFor(dark: boolean): (v: number) => string {
  return dark ? (v) => inferno(0.08 + 0.9 * clamp01(v)) : (v) => blues(0.04 + 0.96 * clamp01(v));
}
export const weightColor = weightColorFor(false);
const clamp01 = (v: number): number => Math.max(0, Math.min(1, v));

/** Is this element's page dark? (its --bg-bg, i.e. the theme's background, has low lightness) */
export function isDark(e: Element): boolean {
  if (typeof getComputedStyle === "undefined") return false;
  const c = color(getComputedStyle(e).getPropertyValue("--bg-bg").trim() || "#fff");
  return c !== null && hsl(c).l < 0.45;
}

/** Embedding values: red below 0, blue above, white at 0, ±`half` the ends. */
export function divergingColor(half: number): (v: number) => string {
  const s = scaleSequential(interpolateRdBu).domain([-half, half]);
  return (v) => s(Math.max(-half, Math.min(half, v)));
}

export class Heatmap {
  readonly svg: SVGSVGElement;
  private readonly cells: SVGRectElement[][] = [];

  constructor(
    rows: number,
    cols: number,
    private options: HeatmapOptions,
    hover?: (cell: HeatCell | null, ev: MouseEvent) => void,
  ) {
    const c = options.cell ?? 10;
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", `bg-heatmap${options.className ? ` ${options.className}` : ""}`);
    this.svg.setAttribute("viewBox", `0 0 ${cols * c} ${rows * c}`);
    this.svg.setAttribute("preserveAspectRatio", "none");
    if (options.height) this.svg.style.height = options.height;
    else this.svg.style.aspectRatio = `${cols} / ${rows}`;
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", options.label);
    this.svg.dataset.rows = String(rows);
    this.svg.dataset.cols = String(cols);
    for (let i = 0; i < rows; i++) {
      const row: SVGRectElement[] = [];
      for (let j = 0; j < cols; j++) {
        const r = document.createElementNS(SVG, "rect");
        r.setAttribute("x", String(j * c));
        r.setAttribute("y", String(i * c));
        r.setAttribute("width", String(c));
        r.setAttribute("height", String(c));
        r.dataset.row = String(i);
        r.dataset.col = String(j);
        row.push(r);
        this.svg.append(r);
      }
      this.cells.push(row);
    }
    if (hover) {
      this.svg.addEventListener("mousemove", (ev) => {
        const t = ev.target as Element;
        const v = t.tagName.toLowerCase() === "rect" ? t.getAttribute("data-value") : null;
        if (v === null) return hover(null, ev);
        hover({ row: Number(t.getAttribute("data-row")), col: Number(t.getAttribute("data-col")), value: Number(v) }, ev);
      });
      this.svg.addEventListener("mouseleave", (ev) => hover(null, ev));
    }
  }

  setColor(color: (v: number) => string): void {
    this.options = { ...this.options, color };
  }

  /** New values (same shape): recolour in place. */
  update(values: readonly (readonly number[])[]): void {
    const { color, masked } = this.options;
    this.cells.forEach((row, i) =>
      row.forEach((r, j) => {
        const off = masked?.(i, j) === true;
        const v = values[i]?.[j];
        r.classList.toggle("bg-masked", off);
        if (off || v === undefined || !Number.isFinite(v)) {
          r.removeAttribute("fill");
          delete r.dataset.value;
        } else {
          r.setAttribute("fill", color(v));
          r.dataset.value = String(v);
        }
      }),
    );
  }
}
