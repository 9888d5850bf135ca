// The chain as SVG elements (up to CANVAS_STATES states / CANVAS_EDGES edges). Structure
// changes go through keyed d3 data joins; probability updates only touch label text, stroke
// width and opacity of the existing elements (and re-place labels, likeliest first).
import { select } from "d3-selection";
import type { Selection } from "d3-selection";
import type { Chain, ChainEdge } from "../model/chain";
import { edgeLabel } from "../util/format";
import type { EdgeShape, Point } from "./edgeShapes";
import { edgeOpacity, edgeWidth, labelOpacity } from "./graphStyle";
import { CHAR_EM, placeChainLabels } from "./labels";
import { inkEm, radialLabels } from "./radial";
import { edgeFloorPx, LABEL_FONT, minPx, PRESENT_FONT } from "./sceneSizes";
import type { ChainLabels } from "./labels";
import type { Frame } from "./nodePositions";
import { NodeMarks } from "./nodeMarks";
import { tokenClass, tokenSlot } from "./palette";

export interface NodeDatum {
  state: string;
  index: number;
}

export interface SceneHooks {
  hoverNode(index: number | null, ev: MouseEvent): void;
  hoverEdge(index: number | null, ev: MouseEvent): void;
  clickNode(index: number, ev: MouseEvent): void;
}

export { edgeFloorPx, halfWithLabels, LABEL_FONT, MAX_ASPECT, MIN_PRESENT_FONT, MIN_SCREEN_FONT, PRESENT_FONT } from "./sceneSizes";
/** Above this many states only edges likelier than chance (1/V) get a label, at most two per
 *  state, each where no other edge runs through it; the rest show on hover. */
const ALL_LABELS_STATES = 16;
const MIN_LABEL_P = 0.1;

const r1 = (v: number): number => Math.round(v * 10) / 10;
/** Font sizes round up: a size at its on-screen floor must not drop under it. */
const up1 = (v: number): number => Math.ceil(v * 10 - 1e-9) / 10;
const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());
export { RADIAL_CHARS, RADIAL_STATES, radialLabels } from "./radial";
/** Least time between two label placements driven by probability updates (ms). */
const PLACE_MS = 150;

export class SvgScene {
  readonly marks = new NodeMarks();
  chain: Chain = { states: [], tokens: [], edges: [], contextLength: 0 };
  nodeEls: SVGGElement[] = [];
  pathEls: SVGPathElement[] = [];
  labelGroupEls: SVGGElement[] = [];
  private lineEls: SVGGElement[] = [];
  private hitEls: SVGPathElement[] = [];
  private labelEls: SVGTextElement[] = [];
  private labelBgEls: SVGRectElement[] = [];
  private nodeLabelEls: SVGTextElement[] = [];
  private lastLabel: string[] = [];
  private lastWidth: number[] = [];
  private lastOpacity: number[] = [];
  private lastHidden: boolean[] = [];
  private probs: ArrayLike<number> | null = null;
  private frame: Frame = { radius: 1, nodeRadius: 1, half: 1 };
  private positions: Point[] = [];
  private shapes: EdgeShape[] = [];
  private placed: ChainLabels | null = null;
  private prefer: number[] = [];
  private edgeFont = LABEL_FONT;
  private placedAt = -Infinity;
  private placeTimer: ReturnType<typeof setTimeout> | null = null;
  /** CSS pixels per drawing unit (viewBox scale × zoom). */
  private scale = 1;
  dense = false;
  present = false;
  /** Width / height of the ring (GraphView stretches a circle into an oval in a wide box). */
  aspect = 1;
  /** Nodes on a ring (circular layout): a crowded one gets radial state labels. */
  ring = false;
  widthScale = 1;

  constructor(
    private readonly nodeLayer: SVGGElement,
    private readonly lineLayer: SVGGElement,
    private readonly labelLayer: SVGGElement,
    private readonly markerId: string,
    private readonly hooks: SceneHooks,
  ) {}

  /** Rebuild the elements for `chain` (empty when the canvas draws it). */
  setChain(chain: Chain, frame: Frame, dense: boolean, enabled: boolean): void {
    this.chain = enabled ? chain : { ...chain, states: [], edges: [] };
    this.frame = frame;
    this.dense = dense;
    this.placed = null;
    this.prefer = [];
    this.joinNodes();
    this.joinEdges();
    const m = this.chain.edges.length;
    this.lastLabel = new Array<string>(m).fill("");
    this.lastWidth = new Array<number>(m).fill(-1);
    this.lastOpacity = new Array<number>(m).fill(-1);
    this.lastHidden = new Array<boolean>(m).fill(false);
    this.marks.attach(this.nodeEls, frame.nodeRadius, chain.tokens.length);
  }

  /** Node and edge geometry (layout changes, drags); then the labels. */
  setGeometry(pos: Point[], shapes: EdgeShape[]): void {
    this.positions = pos;
    this.shapes = shapes;
    this.nodeEls.forEach((g, i) => g.setAttribute("transform", `translate(${r1(pos[i].x)},${r1(pos[i].y)})`));
    this.pathEls.forEach((p, i) => {
      p.setAttribute("d", shapes[i].d);
      this.hitEls[i].setAttribute("d", shapes[i].d);
    });
    this.placeLabels();
  }

  /** Screen scale changed (resize, zoom, presentation): fonts and labels follow. */
  setScale(scale: number): void {
    if (!(scale > 0)) return;
    const before = this.scale;
    this.scale = scale;
    // a smaller scale re-places at once: fonts at their on-screen floor must grow with it
    if (scale < before || Math.abs(Math.log(before / scale)) > 0.02) {
      this.applyWidths();
      this.placeLabels();
    }
  }

  /** Stroke width (drawing units) of an edge of probability p: thicker = likelier, and never
   *  thinner on screen than edgeFloorPx. */
  private widthOf(p: number): number {
    return Math.round(Math.max(edgeWidth(p) * this.widthScale, edgeFloorPx(p) / this.scale) * 10) / 10;
  }

  private applyWidths(): void {
    const { edges, tokens } = this.chain;
    const V = tokens.length;
    edges.forEach((e, i) => {
      const w = this.widthOf(this.probs ? this.probs[e.fromIndex * V + e.tokenIndex] : NaN);
      if (w === this.lastWidth[i]) return;
      this.pathEls[i].setAttribute("stroke-width", String(w));
      this.lastWidth[i] = w;
    });
  }

  /** Hot path: probabilities (states × V), widths, opacities, label texts; labels re-placed. */
  setProbs(probs: ArrayLike<number> | null, hideZero: boolean): void {
    const { edges, tokens, states } = this.chain;
    const V = tokens.length;
    const ok = probs !== null && probs.length >= states.length * V;
    this.probs = ok ? probs : null;
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
      const w = this.widthOf(p);
      if (w !== this.lastWidth[i]) {
        this.pathEls[i].setAttribute("stroke-width", String(w));
        this.lastWidth[i] = w;
      }
      const o = edgeOpacity(p);
      if (o !== this.lastOpacity[i]) {
        this.pathEls[i].setAttribute("opacity", String(o));
        this.labelEls[i].setAttribute("fill-opacity", String(labelOpacity(p)));
        this.lastOpacity[i] = o;
      }
      const label = edgeLabel(e.token, p);
      if (label !== this.lastLabel[i]) {
        this.labelEls[i].textContent = label;
        this.lastLabel[i] = label;
        this.sizeBackdrop(i);
      }
    }
    if (!this.dense && edges.length > 0) this.placeSoon();
  }

  /** Labels follow the probabilities (likeliest first), at most every PLACE_MS: during Play
   *  the text updates every frame, the placement a few times a second. */
  private placeSoon(): void {
    const wait = this.placedAt + PLACE_MS - now();
    if (wait <= 0) return this.placeLabels();
    if (this.placeTimer === null) this.placeTimer = setTimeout(() => {
      this.placeTimer = null;
      this.placeLabels();
    }, wait);
  }

  setPresentation(on: boolean): void {
    this.present = on;
    this.widthScale = on ? 1.7 : 1;
    this.lastWidth.fill(-1);
    this.applyWidths();
    this.placeLabels();
  }

  toggleNodes(cls: string, flags: (i: number) => boolean): void {
    this.nodeEls.forEach((g, i) => g.classList.toggle(cls, flags(i)));
  }

  /** Edge i's path and label get (or lose) a class (walk, matrix link, hover). */
  markEdge(i: number, cls: string, on: boolean): void {
    this.pathEls[i]?.classList.toggle(cls, on);
    this.labelGroupEls[i]?.classList.toggle(cls, on);
  }

  /** A node's outgoing edges stand out (their labels show even where there was no room); with
   *  a token (≥ 0), only the edge it takes (a training example: context → next token). */
  highlight(node: number | null, svg: SVGSVGElement, token = -1): void {
    svg.classList.toggle("bg-focus", node !== null);
    this.chain.edges.forEach((e, i) =>
      this.markEdge(i, "bg-active", node !== null && e.fromIndex === node && (token < 0 || e.tokenIndex === token)));
    this.nodeEls.forEach((g, i) => g.classList.toggle("bg-active", i === node));
  }

  /** Would the state labels fit inside the nodes at `scale` (CSS px per unit)? (viewBoxFit.ts) */
  insideAt(scale: number): boolean {
    const now = this.scale;
    this.scale = scale;
    const { inside } = this.nodeFont();
    this.scale = now;
    return inside;
  }

  /** Font of the state labels and whether they fit inside the nodes at this scale. */
  nodeFont(): { font: number; inside: boolean } {
    const r = this.frame.nodeRadius;
    const chars = Math.max(1, Array.from(this.chain.states[0] ?? "").length);
    const want = Math.max(this.present ? 19 : 15, minPx(this.present) / this.scale);
    const fits = (r * 2.9) / chars; // widest font whose text stays inside the circle
    if (want <= fits) return { font: want, inside: true };
    return { font: want, inside: false };
  }

  /** Node labels (inside the node, else beside it) and edge labels, without overlaps. */
  private placeLabels(): void {
    if (this.placeTimer !== null) clearTimeout(this.placeTimer);
    this.placeTimer = null;
    this.placedAt = now();
    if (!this.positions.length || this.positions.length !== this.nodeEls.length) return;
    const { font, inside } = this.nodeFont();
    this.edgeFont = Math.max(this.present ? PRESENT_FONT : LABEL_FONT, minPx(this.present) / this.scale);
    this.labelLayer.ownerSVGElement?.style.setProperty("--bg-label-font", `${up1(this.edgeFont)}px`);
    const V = this.chain.tokens.length;
    const n = this.chain.states.length;
    const chars = Math.max(0, ...this.chain.tokens.map((t) => Array.from(t).length)) + 6; // "t(>99%)"
    const placed = placeChainLabels({
      nodes: this.positions,
      r: this.frame.nodeRadius,
      arrow: 9,
      stateChars: Math.max(1, Array.from(this.chain.states[0] ?? "").length),
      outsideFont: inside ? null : font,
      shapes: this.shapes,
      loops: this.chain.edges.map((e) => e.kind === "loop"),
      edgeFont: this.dense ? 0 : this.edgeFont,
      edgeChars: chars,
      priority: this.chain.edges.map((e, i) => {
        const p = this.probs ? this.probs[e.fromIndex * V + e.tokenIndex] : NaN;
        return this.lastHidden[i] ? -1 : Number.isFinite(p) ? p : 0;
      }),
      minPriority: n <= ALL_LABELS_STATES ? 0 : Math.max(MIN_LABEL_P, 1 / Math.max(1, V) + 0.01),
      maxEdgeLabels: n <= ALL_LABELS_STATES ? Infinity : 2 * n,
      aspect: this.aspect,
      prefer: this.prefer,
      radial: radialLabels(this.ring, n, Math.max(1, Array.from(this.chain.states[0] ?? "").length)),
      alone: n > ALL_LABELS_STATES,
      stateInk: inkEm(this.chain.tokens.join("")),
      ring: this.ring,
    });
    this.placed = placed;
    this.prefer = [...placed.nodes, ...placed.edges].map((p) => p.pick);
    const withBars = this.marks.enabled;
    this.nodeLabelEls.forEach((t, i) => {
      t.setAttribute("font-size", String(up1(font)));
      t.classList.toggle("bg-outside", !inside);
      if (inside) {
        t.removeAttribute("transform");
        t.style.removeProperty("text-anchor");
        t.setAttribute("x", "0");
        t.setAttribute("y", withBars ? String(r1(-this.frame.nodeRadius * 0.2)) : "0");
        t.classList.remove("bg-label-off");
        return;
      }
      const p = placed.nodes[i];
      const [x, y] = [r1(p.at.x - this.positions[i].x), r1(p.at.y - this.positions[i].y)];
      t.setAttribute("x", String(x));
      t.setAttribute("y", String(y));
      t.classList.toggle("bg-label-off", !p.shown);
      if (p.angle === undefined) {
        t.removeAttribute("transform");
        t.style.removeProperty("text-anchor");
      } else {
        t.setAttribute("transform", `rotate(${p.angle} ${x} ${y})`);
        t.style.setProperty("text-anchor", p.anchor ?? "start");
      }
    });
    placed.edges.forEach((p, i) => {
      this.labelEls[i].setAttribute("x", String(r1(p.at.x)));
      this.labelEls[i].setAttribute("y", String(r1(p.at.y)));
      this.labelGroupEls[i].classList.toggle("bg-label-off", !p.shown);
      this.sizeBackdrop(i);
    });
  }

  /** Backdrop of label i, sized to its text (monospace). */
  private sizeBackdrop(i: number): void {
    const p = this.placed?.edges[i]?.at;
    if (!p) return;
    const w = Array.from(this.lastLabel[i]).length * CHAR_EM * this.edgeFont + 4;
    const h = this.edgeFont + 2;
    const bg = this.labelBgEls[i];
    bg.setAttribute("x", String(r1(p.x - w / 2)));
    bg.setAttribute("y", String(r1(p.y - h / 2)));
    bg.setAttribute("width", String(r1(w)));
    bg.setAttribute("height", String(r1(h)));
  }

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
      .on("click", (ev: MouseEvent, d) => this.hooks.clickNode(d.index, ev))
      .on("mouseenter", (ev: MouseEvent, d) => this.hooks.hoverNode(d.index, ev))
      .on("mousemove", (ev: MouseEvent, d) => this.hooks.hoverNode(d.index, ev))
      .on("mouseleave", (ev: MouseEvent) => this.hooks.hoverNode(null, ev));
    this.nodeEls = nodes.nodes();
    this.nodeLabelEls = nodes.select<SVGTextElement>("text.bg-node-label").nodes();
    for (const g of this.nodeEls) g.classList.remove("bg-found", "bg-walk", "bg-active");
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
        g.append("path").attr("class", "bg-edge-path");
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
    const indexOf = new Map(edges.map((e, i) => [e, i] as const));
    for (const s of [lines, labels]) {
      s.classed("bg-loop", (d) => d.kind === "loop")
        .on("mouseenter", (ev: MouseEvent, d) => this.hoverEdge(indexOf.get(d) ?? -1, ev))
        .on("mousemove", (ev: MouseEvent, d) => this.hooks.hoverEdge(indexOf.get(d) ?? -1, ev))
        .on("mouseleave", (ev: MouseEvent, d) => this.hoverEdge(null, ev, indexOf.get(d)));
    }
    this.lineEls = lines.nodes();
    this.labelGroupEls = labels.nodes();
    this.pathEls = lines.select<SVGPathElement>("path.bg-edge-path").nodes();
    this.hitEls = lines.select<SVGPathElement>("path.bg-edge-hit").nodes();
    this.labelEls = labels.select<SVGTextElement>("text").nodes();
    this.labelBgEls = labels.select<SVGRectElement>("rect").nodes();
    for (const g of [...this.pathEls, ...this.labelGroupEls]) g.classList.remove("bg-walk", "bg-active", "bg-linked", "bg-hover");
  }

  /** Hovering an edge shows its label even where it had no room. */
  private hoverEdge(i: number | null, ev: MouseEvent, left?: number): void {
    if (left !== undefined) this.markEdge(left, "bg-hover", false);
    if (i !== null) this.markEdge(i, "bg-hover", true);
    this.hooks.hoverEdge(i, ev);
  }
}
