// What sits inside each node besides its label: a shade for the long-run share of time
// (stationary distribution) and two thin stacked bars, model above data, coloured by token.
import { tokenClass } from "./palette";

const SVG = "http://www.w3.org/2000/svg";
/** Nodes smaller than this (drawing units) get no bars: they would be unreadable. */
export const BARS_MIN_RADIUS = 18;
/** Strongest shade (fill opacity) of the node with the largest long-run share. */
export const MAX_SHADE = 0.55;

const r2 = (v: number): number => Math.round(v * 100) / 100;

interface NodeBars {
  model: SVGRectElement[];
  data: SVGRectElement[];
  shade: SVGCircleElement;
  lastModel: string;
  lastData: string;
  lastShade: string;
}

export class NodeMarks {
  private nodes: NodeBars[] = [];
  private width = 0;
  private x0 = 0;
  private V = 0;
  enabled = false;

  /** (Re)build the marks inside each node group; `r` is the node radius, V the vocabulary. */
  attach(nodeEls: SVGGElement[], r: number, V: number): void {
    this.V = V;
    this.enabled = r >= BARS_MIN_RADIUS && V > 0;
    this.width = r * 1.3;
    this.x0 = -this.width / 2;
    const h = r * 0.2;
    this.nodes = nodeEls.map((g) => {
      g.querySelector(":scope > .bg-node-shade")?.remove();
      g.querySelector(":scope > .bg-bars")?.remove();
      const shade = document.createElementNS(SVG, "circle");
      shade.setAttribute("class", "bg-node-shade");
      shade.setAttribute("r", String(r2(Math.max(0, r - 1.5))));
      shade.setAttribute("fill-opacity", "0");
      g.insertBefore(shade, g.firstElementChild?.nextSibling ?? null); // just above the disc
      const label = g.querySelector(".bg-node-label");
      label?.setAttribute("y", this.enabled ? String(r2(-r * 0.2)) : "0");
      // Nodes too small for bars get none (hundreds of hidden rects would only cost time).
      if (!this.enabled) return { model: [], data: [], shade, lastModel: "", lastData: "", lastShade: "" };
      const bars = document.createElementNS(SVG, "g");
      bars.setAttribute("class", "bg-bars");
      const row = (cls: string, y: number): SVGRectElement[] => {
        const track = bars.appendChild(document.createElementNS(SVG, "rect"));
        track.setAttribute("class", `bg-bar-track ${cls}`);
        for (const [k, v] of [["x", this.x0], ["y", y], ["width", this.width], ["height", h]] as const) track.setAttribute(k, String(r2(v)));
        return Array.from({ length: V }, (_, t) => {
          const seg = bars.appendChild(document.createElementNS(SVG, "rect"));
          seg.setAttribute("class", `bg-bar-seg ${cls} ${tokenClass(t)}`);
          seg.setAttribute("y", String(r2(y)));
          seg.setAttribute("height", String(r2(h)));
          seg.setAttribute("width", "0");
          return seg;
        });
      };
      const model = row("bg-bar-model", r * 0.15);
      const data = row("bg-bar-data", r * 0.15 + h * 1.35);
      g.appendChild(bars);
      return { model, data, shade, lastModel: "", lastData: "", lastShade: "" };
    });
  }

  /** Node fill shade from the long-run shares (relative to the largest). */
  setShares(shares: ArrayLike<number> | null): void {
    let max = 0;
    if (shares) for (let i = 0; i < Math.min(shares.length, this.nodes.length); i++) max = Math.max(max, shares[i] || 0);
    this.nodes.forEach((n, i) => {
      const v = shares && max > 0 && i < shares.length && shares[i] > 0 ? (MAX_SHADE * shares[i]) / max : 0;
      const o = String(Math.round(v * 100) / 100);
      if (o !== n.lastShade) {
        n.shade.setAttribute("fill-opacity", o);
        n.lastShade = o;
      }
    });
  }

  /** Model bars from the shown rows (states × V). */
  setModel(probs: ArrayLike<number> | null): void {
    if (!this.enabled) return;
    this.nodes.forEach((n, i) => (n.lastModel = this.fill(n.model, probs, i, n.lastModel)));
  }

  /** Data bars from counts (states × V); an all-zero row leaves the bar empty. */
  setData(counts: ArrayLike<number> | null): void {
    if (!this.enabled) return;
    this.nodes.forEach((n, i) => (n.lastData = this.fill(n.data, counts, i, n.lastData)));
  }

  private fill(segs: SVGRectElement[], rows: ArrayLike<number> | null, i: number, last: string): string {
    const V = this.V;
    let total = 0;
    const ok = rows !== null && rows.length >= (i + 1) * V;
    if (ok) for (let t = 0; t < V; t++) total += rows[i * V + t] > 0 ? rows[i * V + t] : 0;
    const widths = segs.map((_, t) => (ok && total > 0 && rows[i * V + t] > 0 ? r2((this.width * rows[i * V + t]) / total) : 0));
    const key = widths.join(",");
    if (key === last) return last;
    let x = this.x0;
    segs.forEach((seg, t) => {
      seg.setAttribute("x", String(r2(x)));
      seg.setAttribute("width", String(widths[t]));
      x += widths[t];
    });
    return key;
  }
}
