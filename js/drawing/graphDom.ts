// The drawing's elements: the box (stack) with its pane, the canvas under the SVG, the SVG's
// arrowhead markers (one per token colour) and its layers, bottom to top.
import { PALETTE_SIZE, tokenClass } from "./palette";

const SVG = "http://www.w3.org/2000/svg";
export const ARROW = 9;

export interface GraphDom {
  el: HTMLDivElement;
  pane: HTMLDivElement;
  canvas: HTMLCanvasElement;
  svg: SVGSVGElement;
  viewport: SVGGElement;
  lines: SVGGElement;
  nodes: SVGGElement;
  labels: SVGGElement;
  overlay: SVGGElement;
}

export function svgChild<K extends keyof SVGElementTagNameMap>(tag: K, parent: Element): SVGElementTagNameMap[K] {
  return parent.appendChild(document.createElementNS(SVG, tag));
}

export function buildGraphDom(markerId: string): GraphDom {
  const el = document.createElement("div");
  el.className = "bg-graph-stack";
  el.tabIndex = -1; // clicks into the drawing focus it: Esc leaves the focus view
  const pane = document.createElement("div");
  pane.className = "bg-graph-pane";
  const canvas = document.createElement("canvas");
  canvas.className = "bg-graph-canvas";
  canvas.hidden = true;
  canvas.setAttribute("aria-hidden", "true");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "bg-graph");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Markov chain of the model's next-token probabilities");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svg.setAttribute("overflow", "hidden");
  const defs = svgChild("defs", svg);
  for (let k = 0; k < PALETTE_SIZE; k++) {
    // One arrowhead per token colour (SVG 1.1 markers do not take the path's stroke).
    const m = svgChild("marker", defs);
    const attrs = { id: `${markerId}-${k}`, viewBox: `0 -5 ${ARROW} 10`, refX: "0", refY: "0", markerUnits: "userSpaceOnUse", markerWidth: String(ARROW), markerHeight: "10", orient: "auto" };
    for (const [a, v] of Object.entries(attrs)) m.setAttribute(a, v);
    const p = svgChild("path", m);
    p.setAttribute("d", `M0,-4.5L${ARROW},0L0,4.5Z`); // the path stops at the arrow's base
    p.setAttribute("class", `bg-arrow ${tokenClass(k)}`);
  }
  const viewport = svgChild("g", svg);
  viewport.setAttribute("class", "bg-viewport");
  const layer = (cls: string): SVGGElement => {
    const g = svgChild("g", viewport);
    g.setAttribute("class", cls);
    return g;
  };
  const lines = layer("bg-edge-lines");
  const nodes = layer("bg-nodes");
  const labels = layer("bg-edges"); // labels on top: no stroke or node hides them
  const overlay = layer("bg-overlay"); // canvas mode: hover, walk and search marks
  pane.append(canvas, svg);
  el.append(pane);
  return { el, pane, canvas, svg, viewport, lines, nodes, labels, overlay };
}

/**
 * Run `fn` with a big chain's canvas copied into the SVG (under the drawing) as an image, so
 * an export of the SVG shows the edges and nodes the canvas paints.
 */
export function withCanvasImage<T>(dom: GraphDom, box: { width: number; height: number } | null, half: number, fn: () => T): T {
  let image: SVGImageElement | null = null;
  try {
    const url = box ? dom.canvas.toDataURL("image/png") : "";
    if (box && url.startsWith("data:image/png")) {
      const s0 = Math.min(box.width, box.height) / (2 * half);
      image = document.createElementNS(SVG, "image");
      const attrs = { href: url, x: -box.width / (2 * s0), y: -box.height / (2 * s0), width: box.width / s0, height: box.height / s0 };
      for (const [a, v] of Object.entries(attrs)) image.setAttribute(a, String(v));
      dom.svg.insertBefore(image, dom.viewport);
    }
  } catch {
    image = null; // a canvas that cannot be read: export the SVG part only
  }
  try {
    return fn();
  } finally {
    image?.remove();
  }
}
