// Extra strokes drawn along edges, under the nodes and labels (runs compared: a seed
// ensemble's spread as a band, another run's difference as a colour). The drawing keeps them on
// their edges through layout changes, drags and focus views; they never take the pointer.
import { svgChild } from "./graphDom";

export interface EdgeDecor {
  /** Full-chain edge index. */
  edge: number;
  cls: string;
  width: number;
  /** A colour, or "" for the class's own (CSS). */
  stroke: string;
  opacity?: number;
  /** data-* attributes (values browser tests and readers can check). */
  data?: Record<string, string>;
}

/** Strokes along edges from several owners (runs compared, Push the chain): each sets its own
 *  items and the layer draws them all, so one owner never erases another's. */
export class EdgeDecorLayer {
  readonly g: SVGGElement;
  private items: EdgeDecor[] = [];
  private readonly owners = new Map<string, { items: EdgeDecor[]; mode: string }>();

  constructor(lines: SVGGElement, private readonly svg: SVGSVGElement) {
    this.g = document.createElementNS("http://www.w3.org/2000/svg", "g");
    this.g.setAttribute("class", "bg-edge-decor");
    this.g.setAttribute("pointer-events", "none");
    lines.after(this.g);
  }

  /** `owner`'s items (null: none); a non-empty `mode` goes on the SVG as `data-decor` (CSS dims
   *  the plain edges under a comparison). */
  set(items: EdgeDecor[] | null, mode: string, owner = "compare"): void {
    if (items?.length) this.owners.set(owner, { items, mode });
    else this.owners.delete(owner);
    const all = [...this.owners.values()];
    this.items = all.flatMap((o) => o.items);
    const shown = all.find((o) => o.mode)?.mode;
    if (shown) this.svg.dataset.decor = shown;
    else delete this.svg.dataset.decor;
  }

  /** Redraw on the drawn edges: `full` index and path of each (empty in canvas mode). */
  draw(drawn: { full: number; d: string }[]): void {
    if (!this.items.length && !this.g.firstChild) return;
    const path = new Map(drawn.map((e) => [e.full, e.d] as const));
    this.g.replaceChildren();
    for (const it of this.items) {
      const d = path.get(it.edge);
      if (!d) continue;
      const p = svgChild("path", this.g);
      p.setAttribute("class", `bg-decor ${it.cls}`);
      p.setAttribute("d", d);
      p.setAttribute("fill", "none");
      p.setAttribute("stroke-width", String(Math.round(it.width * 10) / 10));
      if (it.stroke) p.setAttribute("stroke", it.stroke);
      if (it.opacity !== undefined) p.setAttribute("stroke-opacity", String(it.opacity));
      for (const [k, v] of Object.entries(it.data ?? {})) p.dataset[k] = v;
    }
  }
}
