// The chain as an SVG graph. Structure changes go through keyed d3 data joins; probability
// updates only touch label text, stroke width and opacity of the existing elements.
import { drag } from "d3-drag";
import { select } from "d3-selection";
import type { Selection } from "d3-selection";
import "d3-transition";
import { zoom, zoomIdentity } from "d3-zoom";
import type { ZoomBehavior } from "d3-zoom";
import type { Chain, ChainEdge } from "./chain";
import { edgeLabel } from "./format";
import { BEND_PAIR, BEND_SINGLE, curveShape, loopShape, outwardFrom } from "./geometry";
import { placeLabels } from "./labels";
import type { EdgeShape, Point } from "./geometry";
import { ForceLayout, frameFor, ringLayout } from "./layout";
import type { Frame } from "./layout";
import { NodeMarks } from "./nodeMarks";
import { PALETTE_SIZE, tokenClass, tokenSlot } from "./palette";
import type { LayoutKind } from "./types";

const SVG = "http://www.w3.org/2000/svg";
export const LAYOUT_MS = 400;
/** Above this many states edge labels are hidden (and not updated): unreadable anyway. */
export const DENSE_STATES = 64;
const ARROW = 9;
/** Edge label font size in drawing units, unless the drawing is shrunk (see fitFonts). */
const LABEL_FONT = 14;
/** Smallest on-screen text, in CSS pixels: readable on a projector. */
export const MIN_SCREEN_FONT = 13;

export interface NodeDatum {
  state: string;
  index: number;
}

export interface GraphHooks {
  hoverNode(index: number | null, ev: MouseEvent): void;
  hoverEdge(index: number | null, ev: MouseEvent): void;
  clickNode?(index: number, ev: MouseEvent): void;
}

/** Presentation mode: edges this much thicker, labels at least this big (drawing units). */
const PRESENT_WIDTH = 1.7;
const PRESENT_FONT = 19;

/** Probability -> stroke width and opacity: the likely transitions stand out. */
export function edgeWidth(p: number): number {
  return Number.isFinite(p) ? Math.round((1 + 5 * p) * 10) / 10 : 1;
}
export function edgeOpacity(p: number): number {
  return Number.isFinite(p) ? Math.round((0.18 + 0.82 * p) * 100) / 100 : 0.3;
}
function labelOpacity(p: number): number {
  return Number.isFinite(p) ? Math.round((0.6 + 0.4 * p) * 100) / 100 : 0.6;
}

let instances = 0;

export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly lineLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly labelLayer: SVGGElement;
  private readonly markerId: string;
  private readonly zoomBehavior: ZoomBehavior<SVGSVGElement, unknown>;

  private chain: Chain = { states: [], tokens: [], edges: [], contextLength: 0 };
  private frame: Frame = frameFor(0);
  private layout: LayoutKind = "circular";
  private positions: Point[] = [];
  private shapes: EdgeShape[] = [];
  private force: ForceLayout | null = null;
  private dense = false;
  /** Current edge label font in drawing units (grows when the SVG is drawn small). */
  private labelFont = LABEL_FONT;
  private baseFont = LABEL_FONT;
  private widthScale = 1;
  readonly marks = new NodeMarks();
  /** CSS pixels per drawing unit, from the last resize. */
  private pixelScale = 1;
  private readonly resize: ResizeObserver | null = null;

  // Element handles in chain order, for the per-update hot path.
  private nodeEls: SVGGElement[] = [];
  private lineEls: SVGGElement[] = [];
  private labelGroupEls: SVGGElement[] = [];
  private pathEls: SVGPathElement[] = [];
  private hitEls: SVGPathElement[] = [];
  private labelEls: SVGTextElement[] = [];
  private labelBgEls: SVGRectElement[] = [];
  private labelSpots: Point[] = [];
  private lastLabel: string[] = [];
  private lastWidth: number[] = [];
  private lastOpacity: number[] = [];
  private lastHidden: boolean[] = [];
  private lastProbs: Float32Array | null = null;
  private hideZero = false;
  private walkNode = -1;
  private walkEdge = -1;

  constructor(private readonly hooks: GraphHooks) {
    this.markerId = `bg-arrow-${++instances}`;
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "bg-graph");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "Markov chain of the model's next-token probabilities");
    this.svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    const defs = this.el("defs", this.svg);
    const marker = this.el("marker", defs);
    marker.setAttribute("id", this.markerId);
    marker.setAttribute("viewBox", `0 -5 ${ARROW} 10`);
    marker.setAttribute("refX", "0"); // the path stops at the arrow's base; the tip touches the node
    marker.setAttribute("refY", "0");
    marker.setAttribute("markerUnits", "userSpaceOnUse");
    marker.setAttribute("markerWidth", String(ARROW));
    marker.setAttribute("markerHeight", "10");
    marker.setAttribute("orient", "auto");
    this.el("path", marker).setAttribute("d", `M0,-4.5L${ARROW},0L0,4.5Z`);
    marker.firstElementChild?.setAttribute("class", "bg-arrow");
    // One arrowhead per token colour (SVG 1.1 markers do not take the path's stroke).
    for (let k = 0; k < PALETTE_SIZE; k++) {
      const m = marker.cloneNode(true) as SVGMarkerElement;
      m.setAttribute("id", `${this.markerId}-${k}`);
      m.firstElementChild?.setAttribute("class", `bg-arrow ${tokenClass(k)}`);
      defs.appendChild(m);
    }
    this.viewport = this.el("g", this.svg);
    this.viewport.setAttribute("class", "bg-viewport");
    this.lineLayer = this.layer("bg-edge-lines");
    this.nodeLayer = this.layer("bg-nodes");
    this.labelLayer = this.layer("bg-edges"); // labels on top: no stroke or node hides them
    this.zoomBehavior = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.25, 8])
      .on("zoom", (ev: { transform: { toString(): string } }) => {
        this.viewport.setAttribute("transform", ev.transform.toString());
      });
    this.setViewBox();
    if (typeof ResizeObserver !== "undefined") {
      this.resize = new ResizeObserver((entries) => {
        const box = entries[0]?.contentRect;
        if (box && box.width > 0 && box.height > 0) this.setPixelScale(Math.min(box.width, box.height) / (2 * this.frame.half));
      });
      this.resize.observe(this.svg);
    }
  }

  /**
   * The viewBox scales the drawing to the cell; in a narrow cell that would shrink text
   * below MIN_SCREEN_FONT. Enlarge the fonts (in drawing units) to compensate and re-place
   * the labels, which now take more room.
   */
  setPixelScale(scale: number): void {
    if (!(scale > 0)) return;
    this.pixelScale = scale;
    const font = Math.max(this.baseFont, MIN_SCREEN_FONT / scale);
    if (Math.abs(font - this.labelFont) < 0.25) return;
    this.labelFont = font;
    this.svg.style.setProperty("--bg-label-font", `${r1(font)}px`);
    this.sizeNodeLabels();
    if (this.positions.length) this.applyPositions(this.positions);
  }

  /** Replace the chain's structure. Elements of states/edges that survive are kept. */
  setChain(chain: Chain): void {
    this.chain = chain;
    this.frame = frameFor(chain.states.length);
    this.dense = chain.states.length > DENSE_STATES;
    this.svg.classList.toggle("bg-dense", this.dense);
    this.labelFont = this.baseFont;
    this.svg.style.setProperty("--bg-label-font", `${r1(this.baseFont)}px`);
    this.force?.stop();
    this.force = null;
    this.joinNodes();
    this.joinEdges();
    const m = chain.edges.length;
    this.lastLabel = new Array<string>(m).fill("");
    this.lastWidth = new Array<number>(m).fill(-1);
    this.lastOpacity = new Array<number>(m).fill(-1);
    this.lastHidden = new Array<boolean>(m).fill(false);
    this.lastProbs = null;
    this.walkNode = -1;
    this.walkEdge = -1;
    this.marks.attach(this.nodeEls, this.frame.nodeRadius, chain.tokens.length);
    this.setViewBox();
    select(this.svg).interrupt("layout");
    this.setPixelScale(this.pixelScale); // the new frame may be drawn at another scale
    this.applyPositions(this.targetPositions(this.layout));
    this.enableInteraction();
  }

  /** Switch layouts, animating node positions unless `animate` is false. */
  setLayout(kind: LayoutKind, animate = true): void {
    if (kind === this.layout) return;
    this.layout = kind;
    if (kind === "circular") this.force?.stop();
    const from = this.positions.map((p) => ({ ...p }));
    const to = this.targetPositions(kind);
    this.enableInteraction();
    const svg = select(this.svg);
    svg.interrupt("layout");
    if (!animate || from.length !== to.length) {
      this.applyPositions(to);
      return;
    }
    svg
      .transition("layout")
      .duration(LAYOUT_MS)
      .tween("positions", () => (t: number) => {
        this.applyPositions(from.map((a, i) => ({ x: a.x + (to[i].x - a.x) * t, y: a.y + (to[i].y - a.y) * t })));
      });
  }

  getLayout(): LayoutKind {
    return this.layout;
  }

  /**
   * Hot path: a new distribution, states × V row-major. Touches only what changed.
   * `hideZero` (greedy, T = 0) takes edges of probability exactly 0 out of the picture.
   */
  setProbs(probs: Float32Array | null, hideZero = false): void {
    const { edges, tokens, states } = this.chain;
    const V = tokens.length;
    const ok = probs !== null && probs.length >= states.length * V;
    this.lastProbs = probs;
    this.hideZero = hideZero;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      const p = ok ? probs[e.fromIndex * V + e.tokenIndex] : NaN;
      const hidden = hideZero && p === 0;
      if (hidden !== this.lastHidden[i]) {
        const display = hidden ? "none" : "";
        this.lineEls[i].style.display = display;
        this.labelGroupEls[i].style.display = display;
        this.lastHidden[i] = hidden;
      }
      const w = Math.round(edgeWidth(p) * this.widthScale * 10) / 10;
      if (w !== this.lastWidth[i]) {
        this.pathEls[i].setAttribute("stroke-width", String(w));
        this.lastWidth[i] = w;
      }
      const o = edgeOpacity(p);
      if (o !== this.lastOpacity[i]) {
        this.pathEls[i].setAttribute("opacity", String(o));
        if (!this.dense) this.labelEls[i].setAttribute("fill-opacity", String(labelOpacity(p)));
        this.lastOpacity[i] = o;
      }
      if (this.dense) continue;
      const label = edgeLabel(e.token, p);
      if (label !== this.lastLabel[i]) {
        this.labelEls[i].textContent = label;
        if (label.length !== this.lastLabel[i].length) this.sizeBackdrop(i, label.length);
        this.lastLabel[i] = label;
      }
    }
  }

  /** Presentation mode: thicker edges and bigger labels (the rest is CSS on the root). */
  setPresentation(on: boolean): void {
    const scale = on ? PRESENT_WIDTH : 1;
    if (scale === this.widthScale) return;
    this.widthScale = scale;
    this.baseFont = on ? PRESENT_FONT : LABEL_FONT;
    this.labelFont = -1; // force a font update
    this.setPixelScale(this.pixelScale);
    this.lastWidth.fill(-1);
    this.setProbs(this.lastProbs, this.hideZero);
  }

  /** States marked "naughty" (forbidden), drawn red. */
  setNaughty(marked: boolean[]): void {
    this.nodeEls.forEach((g, i) => g.classList.toggle("bg-naughty", marked[i] === true));
  }

  /** Where an animated walk is: its current node and the edge it just took (-1: none). */
  setWalk(node: number, edge: number): void {
    if (node !== this.walkNode) {
      this.nodeEls[this.walkNode]?.classList.remove("bg-walk");
      this.nodeEls[node]?.classList.add("bg-walk");
      this.walkNode = node;
    }
    if (edge !== this.walkEdge) {
      for (const els of [this.pathEls, this.labelGroupEls]) {
        els[this.walkEdge]?.classList.remove("bg-walk");
        els[edge]?.classList.add("bg-walk");
      }
      this.walkEdge = edge;
    }
  }

  /** Mark states never seen in the data (dashed outline). */
  setUnseen(unseen: boolean[]): void {
    this.nodeEls.forEach((g, i) => g.classList.toggle("bg-unseen", unseen[i] === true));
  }

  /** Emphasise a node's outgoing edges while it is hovered. */
  highlight(nodeIndex: number | null): void {
    this.svg.classList.toggle("bg-focus", nodeIndex !== null);
    this.chain.edges.forEach((e, i) => {
      const on = nodeIndex !== null && e.fromIndex === nodeIndex;
      this.pathEls[i].classList.toggle("bg-active", on);
      this.labelEls[i].parentElement?.classList.toggle("bg-active", on);
    });
    this.nodeEls.forEach((g, i) => g.classList.toggle("bg-active", i === nodeIndex));
  }

  destroy(): void {
    this.resize?.disconnect();
    select(this.svg).interrupt("layout").on(".zoom", null);
    this.force?.stop();
    this.force = null;
    this.svg.remove();
  }

  // ---- structure ---------------------------------------------------------------------

  private joinNodes(): void {
    const r = this.frame.nodeRadius;
    const data: NodeDatum[] = this.chain.states.map((state, index) => ({ state, index }));
    const nodes = select(this.nodeLayer)
      .selectAll<SVGGElement, NodeDatum>("g.bg-node")
      .data(data, (d) => d.state)
      .join((enter) => {
        const g = enter.append("g").attr("class", "bg-node").attr("data-state", (d) => d.state);
        g.append("circle");
        g.append("text").attr("class", "bg-node-label").attr("dy", "0.35em");
        return g;
      })
      .order();
    nodes.attr("aria-label", (d) => `state ${d.state}`);
    nodes.select("circle").attr("r", r);
    nodes.select("text").text((d) => d.state);
    nodes
      .on("click", (ev: MouseEvent, d) => this.hooks.clickNode?.(d.index, ev))
      .on("mouseenter", (ev: MouseEvent, d) => this.hooks.hoverNode(d.index, ev))
      .on("mousemove", (ev: MouseEvent, d) => this.hooks.hoverNode(d.index, ev))
      .on("mouseleave", (ev: MouseEvent) => this.hooks.hoverNode(null, ev));
    this.nodeEls = nodes.nodes();
    this.sizeNodeLabels();
  }

  /** State labels: fill the circle, but never below MIN_SCREEN_FONT on screen when it fits. */
  private sizeNodeLabels(): void {
    const r = this.frame.nodeRadius;
    const chars = Math.max(1, Array.from(this.chain.states[0] ?? "").length);
    const fits = (r * 2.9) / chars; // widest font whose text stays inside the circle
    const want = this.baseFont > LABEL_FONT ? 19 : 15;
    const size = Math.max(6, Math.min(Math.max(want, MIN_SCREEN_FONT / this.pixelScale), fits));
    for (const g of this.nodeEls) g.querySelector(".bg-node-label")?.setAttribute("font-size", String(r1(size)));
  }

  private joinEdges(): void {
    const edges = this.chain.edges;
    const key = (d: ChainEdge): string => d.id;
    const tag = <T extends Element>(s: Selection<T, ChainEdge, SVGGElement, unknown>) =>
      s.attr("data-from", (d) => d.from).attr("data-to", (d) => d.to).attr("data-token", (d) => d.token);
    const lines = select(this.lineLayer)
      .selectAll<SVGGElement, ChainEdge>("g.bg-edge-line")
      .data(edges, key)
      .join((enter) => {
        const g = tag(enter.append("g").attr("class", "bg-edge-line"));
        g.append("path").attr("class", "bg-edge-path").attr("marker-end", `url(#${this.markerId})`);
        g.append("path").attr("class", "bg-edge-hit"); // wide transparent stroke: easy to hover
        return g;
      })
      .order();
    const labels = select(this.labelLayer)
      .selectAll<SVGGElement, ChainEdge>("g.bg-edge")
      .data(edges, key)
      .join((enter) => {
        const g = tag(enter.append("g").attr("class", "bg-edge"));
        // A backdrop keeps strokes from running through the digits.
        g.append("rect").attr("class", "bg-edge-label-bg").attr("rx", 3);
        g.append("text").attr("class", "bg-edge-label").attr("dy", "0.35em");
        return g;
      })
      .order();
    lines
      .select("path.bg-edge-path")
      .attr("class", (d) => `bg-edge-path ${tokenClass(d.tokenIndex)}`)
      .attr("marker-end", (d) => `url(#${this.markerId}-${tokenSlot(d.tokenIndex)})`);
    for (const s of [lines, labels]) {
      s.classed("bg-loop", (d) => d.kind === "loop")
        .on("mouseenter", (ev: MouseEvent, d) => this.hooks.hoverEdge(edges.indexOf(d), ev))
        .on("mousemove", (ev: MouseEvent, d) => this.hooks.hoverEdge(edges.indexOf(d), ev))
        .on("mouseleave", (ev: MouseEvent) => this.hooks.hoverEdge(null, ev));
    }
    this.lineEls = lines.nodes();
    this.labelGroupEls = labels.nodes();
    this.pathEls = lines.select<SVGPathElement>("path.bg-edge-path").nodes();
    this.hitEls = lines.select<SVGPathElement>("path.bg-edge-hit").nodes();
    this.labelEls = labels.select<SVGTextElement>("text").nodes();
    this.labelBgEls = labels.select<SVGRectElement>("rect").nodes();
  }

  // ---- geometry ----------------------------------------------------------------------

  private targetPositions(kind: LayoutKind): Point[] {
    const n = this.chain.states.length;
    if (kind === "circular" || n === 0) return ringLayout(this.chain, this.frame.radius);
    if (!this.force) {
      this.force = new ForceLayout(this.chain, this.frame);
      return this.force.settle(this.frame);
    }
    return this.force.positions(); // keep where the user dragged things
  }

  /** Geometry for all nodes and edges: layout changes and drags only. */
  private applyPositions(pos: Point[]): void {
    this.positions = pos;
    const style = { r: this.frame.nodeRadius, arrow: ARROW };
    const n = pos.length || 1;
    const centre = { x: pos.reduce((s, p) => s + p.x, 0) / n, y: pos.reduce((s, p) => s + p.y, 0) / n };
    this.nodeEls.forEach((g, i) => g.setAttribute("transform", `translate(${r1(pos[i].x)},${r1(pos[i].y)})`));
    this.shapes = this.chain.edges.map((e, i) => {
      const a = pos[e.fromIndex];
      const shape =
        e.kind === "loop"
          ? loopShape(a, outwardFrom(centre, a), style)
          : curveShape(a, pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, style);
      this.pathEls[i].setAttribute("d", shape.d);
      this.hitEls[i].setAttribute("d", shape.d);
      return shape;
    });
    if (this.dense) return; // labels hidden
    // Widest label: token + "(>99%)".
    const chars = Math.max(0, ...this.chain.tokens.map((t) => t.length)) + 6;
    const spots = placeLabels(
      this.shapes,
      this.chain.edges.map((e) => e.kind === "loop"),
      pos,
      style.r,
      ARROW,
      { w: chars * this.charWidth() + 4, h: this.labelFont + 3 },
    );
    this.labelSpots = spots;
    spots.forEach((p, i) => {
      this.labelEls[i].setAttribute("x", String(r1(p.x)));
      this.labelEls[i].setAttribute("y", String(r1(p.y)));
      this.labelBgEls[i].setAttribute("y", String(r1(p.y - (this.labelFont + 2) / 2)));
      this.labelBgEls[i].setAttribute("height", String(r1(this.labelFont + 2)));
      this.sizeBackdrop(i, this.lastLabel[i].length);
    });
  }

  /** Backdrop of label i for a text of `chars` monospace characters. */
  private sizeBackdrop(i: number, chars: number): void {
    const p = this.labelSpots[i];
    if (!p) return;
    const w = chars * this.charWidth() + 4;
    this.labelBgEls[i].setAttribute("width", String(r1(w)));
    this.labelBgEls[i].setAttribute("x", String(r1(p.x - w / 2)));
  }

  private setViewBox(): void {
    const h = r1(this.frame.half);
    this.svg.setAttribute("viewBox", `${-h} ${-h} ${2 * h} ${2 * h}`);
  }

  /** Force layout: drag nodes, pan/zoom. Circular: fixed picture, page scroll untouched. */
  private enableInteraction(): void {
    const svg = select(this.svg);
    const nodes = select(this.nodeLayer).selectAll<SVGGElement, NodeDatum>("g.bg-node");
    svg.call(this.zoomBehavior.transform, zoomIdentity);
    if (this.layout !== "force" || !this.force) {
      svg.on(".zoom", null);
      nodes.on(".drag", null);
      this.svg.classList.remove("bg-interactive");
      return;
    }
    this.svg.classList.add("bg-interactive");
    svg.call(this.zoomBehavior).on("dblclick.zoom", null);
    const force = this.force;
    nodes.call(
      drag<SVGGElement, NodeDatum, Point>()
        .subject((_ev, d) => ({ ...this.positions[d.index] }))
        .on("start", (ev: { active: number; x: number; y: number }, d) => {
          select(this.svg).interrupt("layout");
          force.simulation.on("tick", () => this.applyPositions(force.positions()));
          if (!ev.active) force.simulation.alphaTarget(0.3).restart();
          force.pin(d.index, ev);
        })
        .on("drag", (ev: { x: number; y: number }, d) => force.pin(d.index, ev))
        .on("end", (ev: { active: number }) => {
          if (!ev.active) force.simulation.alphaTarget(0); // cools down and stops by itself
        }),
    );
  }

  /** Monospace advance of the label font. */
  private charWidth(): number {
    return 0.6 * this.labelFont;
  }

  private el<K extends keyof SVGElementTagNameMap>(tag: K, parent: Element): SVGElementTagNameMap[K] {
    return parent.appendChild(document.createElementNS(SVG, tag));
  }

  private layer(cls: string): SVGGElement {
    const g = this.el("g", this.viewport);
    g.setAttribute("class", cls);
    return g;
  }
}

const r1 = (v: number): number => Math.round(v * 10) / 10;
