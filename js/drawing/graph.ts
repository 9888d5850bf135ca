// The chain as an SVG graph. Structure changes go through keyed d3 data joins; probability
// updates only touch label text, stroke width and opacity of the existing elements.
import { drag } from "d3-drag";
import { select } from "d3-selection";
import type { Selection } from "d3-selection";
import "d3-transition";
import { zoom, zoomIdentity } from "d3-zoom";
import type { ZoomBehavior, ZoomTransform } from "d3-zoom";
import { focusZoom, scaleForRadius, screenScale, toDrawing, zoomExtent } from "./canvasGeometry";
import type { ScreenBox, ZoomState } from "./canvasGeometry";
import { CanvasLayer, readColors } from "./canvasLayer";
import type { Ctx2D, PaintStats } from "./canvasLayer";
import type { Chain, ChainEdge } from "../model/chain";
import { edgeLabel } from "../util/format";
import { BEND_PAIR, BEND_SINGLE, curveShape, loopShape, outwardFrom } from "./geometry";
import { placeLabels } from "./labels";
import type { EdgeShape, Point } from "./geometry";
import { edgeOpacity, edgeWidth, labelOpacity } from "./graphStyle";
import { ForceLayout, frameFor, ringLayout } from "./layout";
import type { Frame } from "./layout";
import { NodeMarks } from "./nodeMarks";
import { PALETTE_SIZE, tokenClass, tokenSlot } from "./palette";
import type { LayoutKind } from "../model/types";

export { edgeOpacity, edgeWidth } from "./graphStyle";

const SVG = "http://www.w3.org/2000/svg";
export const LAYOUT_MS = 400;
/** Above this many states edge labels are hidden (and not updated): unreadable anyway. */
export const DENSE_STATES = 64;
/** Above this many states the chain is drawn on a canvas (SVG cannot keep up: at 512 states a
 *  frame with an update takes ~40 ms of style and paint, on the canvas ~17 ms); hover, search
 *  and walk marks stay SVG. Up to here every node and edge is an SVG element with its hooks. */
export const CANVAS_STATES = 256;
/** Above this many states the force layout settles over several frames, drawn as it goes. */
export const ASYNC_FORCE_STATES = 64;
/** Time per frame the force layout may take while settling (ms). */
const FORCE_BUDGET_MS = 12;
/** Zoom to a searched state until it is about this big (radius, CSS pixels). */
const FOCUS_PX = 22;
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

let instances = 0;


function nextFrame(cb: () => void): unknown {
  const g = globalThis as { requestAnimationFrame?: (cb: () => void) => number };
  return g.requestAnimationFrame ? g.requestAnimationFrame(cb) : setTimeout(cb, 16);
}
function cancelFrame(h: unknown): void {
  const g = globalThis as { cancelAnimationFrame?: (h: number) => void };
  if (g.cancelAnimationFrame && typeof h === "number") g.cancelAnimationFrame(h);
  else clearTimeout(h as ReturnType<typeof setTimeout>);
}

export class GraphView {
  /** The graph's box: the canvas (big chains) under the SVG. */
  readonly el: HTMLDivElement;
  readonly svg: SVGSVGElement;
  readonly canvas: HTMLCanvasElement;
  private readonly viewport: SVGGElement;
  private readonly lineLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly labelLayer: SVGGElement;
  private readonly overlay: SVGGElement;
  private readonly markerId: string;
  private readonly zoomBehavior: ZoomBehavior<SVGSVGElement, unknown>;

  private chain: Chain = { states: [], tokens: [], edges: [], contextLength: 0 };
  private frame: Frame = frameFor(0);
  private layout: LayoutKind = "circular";
  private positions: Point[] = [];
  private shapes: EdgeShape[] = [];
  private force: ForceLayout | null = null;
  private dense = false;
  /** Big chain: drawn on the canvas, no SVG element per node or edge. */
  private canvasMode = false;
  private readonly layer = new CanvasLayer();
  private ctx: Ctx2D | null = null;
  private box: { width: number; height: number } | null = null;
  private zoomState: ZoomState = { k: 1, x: 0, y: 0 };
  private paintDirty = false;
  private paintHandle: unknown = null;
  private settleHandle: unknown = null;
  private colorsAt = -Infinity;
  /** What the last canvas paint drew (tests and benchmarks read it). */
  lastPaint: PaintStats | null = null;
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
  private found = -1;
  private focusNode = -1;
  /** Canvas mode: what the pointer is over. */
  private pointer: { kind: "node" | "edge"; index: number } | null = null;

  constructor(private readonly hooks: GraphHooks) {
    this.markerId = `bg-arrow-${++instances}`;
    this.el = document.createElement("div");
    this.el.className = "bg-graph-stack";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "bg-graph-canvas";
    this.canvas.hidden = true;
    this.canvas.setAttribute("aria-hidden", "true");
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "bg-graph");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "Markov chain of the model's next-token probabilities");
    this.svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.el.append(this.canvas, this.svg);
    const defs = this.svgChild("defs", this.svg);
    const marker = this.svgChild("marker", defs);
    marker.setAttribute("id", this.markerId);
    marker.setAttribute("viewBox", `0 -5 ${ARROW} 10`);
    marker.setAttribute("refX", "0"); // the path stops at the arrow's base; the tip touches the node
    marker.setAttribute("refY", "0");
    marker.setAttribute("markerUnits", "userSpaceOnUse");
    marker.setAttribute("markerWidth", String(ARROW));
    marker.setAttribute("markerHeight", "10");
    marker.setAttribute("orient", "auto");
    this.svgChild("path", marker).setAttribute("d", `M0,-4.5L${ARROW},0L0,4.5Z`);
    marker.firstElementChild?.setAttribute("class", "bg-arrow");
    // One arrowhead per token colour (SVG 1.1 markers do not take the path's stroke).
    for (let k = 0; k < PALETTE_SIZE; k++) {
      const m = marker.cloneNode(true) as SVGMarkerElement;
      m.setAttribute("id", `${this.markerId}-${k}`);
      m.firstElementChild?.setAttribute("class", `bg-arrow ${tokenClass(k)}`);
      defs.appendChild(m);
    }
    this.viewport = this.svgChild("g", this.svg);
    this.viewport.setAttribute("class", "bg-viewport");
    this.lineLayer = this.addLayer("bg-edge-lines");
    this.nodeLayer = this.addLayer("bg-nodes");
    this.labelLayer = this.addLayer("bg-edges"); // labels on top: no stroke or node hides them
    this.overlay = this.addLayer("bg-overlay"); // canvas mode: hover, walk and search marks
    this.zoomBehavior = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.25, 8])
      .on("zoom", (ev: { transform: ZoomTransform }) => {
        this.viewport.setAttribute("transform", ev.transform.toString());
        this.zoomState = { k: ev.transform.k, x: ev.transform.x, y: ev.transform.y };
        if (this.canvasMode) {
          this.sizeOverlay();
          this.requestPaint();
        }
      });
    this.setViewBox();
    if (typeof ResizeObserver !== "undefined") {
      this.resize = new ResizeObserver((entries) => {
        const box = entries[0]?.contentRect;
        if (box && box.width > 0 && box.height > 0) {
          this.box = { width: box.width, height: box.height };
          this.setPixelScale(Math.min(box.width, box.height) / (2 * this.frame.half));
          if (this.canvasMode) {
            this.sizeOverlay();
            this.requestPaint();
          }
        }
      });
      this.resize.observe(this.svg);
    }
    // Canvas mode: hit-testing instead of per-element listeners.
    this.svg.addEventListener("mousemove", (ev) => this.onPointer(ev));
    this.svg.addEventListener("mouseleave", (ev) => this.setPointer(null, ev));
    this.svg.addEventListener("click", (ev) => {
      if (!this.canvasMode) return;
      const hit = this.hitTest(ev);
      if (hit?.kind === "node") this.hooks.clickNode?.(hit.index, ev);
    });
  }

  /** Drawn on the canvas (a big chain)? */
  get isCanvas(): boolean {
    return this.canvasMode;
  }

  /** The current zoom (k = 1, x = y = 0: the whole drawing). */
  get zoom(): ZoomState {
    return { ...this.zoomState };
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
    if (this.positions.length && !this.dense) this.applyPositions(this.positions);
  }

  /** Replace the chain's structure. Elements of states/edges that survive are kept. */
  setChain(chain: Chain): void {
    this.chain = chain;
    this.frame = frameFor(chain.states.length);
    this.dense = chain.states.length > DENSE_STATES;
    this.canvasMode = chain.states.length > CANVAS_STATES;
    this.svg.classList.toggle("bg-dense", this.dense);
    this.el.classList.toggle("bg-canvas-mode", this.canvasMode);
    this.canvas.hidden = !this.canvasMode;
    this.labelFont = this.baseFont;
    this.svg.style.setProperty("--bg-label-font", `${r1(this.baseFont)}px`);
    this.stopSettling();
    this.force?.stop();
    this.force = null;
    this.pointer = null;
    this.joinNodes();
    this.joinEdges();
    const m = this.canvasMode ? 0 : chain.edges.length;
    this.lastLabel = new Array<string>(m).fill("");
    this.lastWidth = new Array<number>(m).fill(-1);
    this.lastOpacity = new Array<number>(m).fill(-1);
    this.lastHidden = new Array<boolean>(m).fill(false);
    this.lastProbs = null;
    this.walkNode = -1;
    this.walkEdge = -1;
    this.found = -1;
    this.focusNode = -1;
    this.overlay.replaceChildren();
    this.el.classList.remove("bg-focus", "bg-edge-focus");
    this.svg.classList.remove("bg-focus", "bg-over-node");
    this.marks.attach(this.nodeEls, this.frame.nodeRadius, chain.tokens.length);
    if (this.canvasMode) {
      this.layer.setChain(chain, this.frame.nodeRadius, this.arrowLength());
      this.colorsAt = -Infinity;
      this.layer.widthScale = this.widthScale;
    }
    this.setViewBox();
    select(this.svg).interrupt("layout").interrupt("focus");
    this.setPixelScale(this.pixelScale); // the new frame may be drawn at another scale
    this.applyPositions(this.targetPositions(this.layout));
    this.enableInteraction();
    this.requestPaint();
  }

  /** Switch layouts, animating node positions unless `animate` is false. */
  setLayout(kind: LayoutKind, animate = true): void {
    if (kind === this.layout) return;
    this.layout = kind;
    this.stopSettling();
    if (kind === "circular") this.force?.stop();
    const from = this.positions.map((p) => ({ ...p }));
    const to = this.targetPositions(kind);
    this.enableInteraction();
    const svg = select(this.svg);
    svg.interrupt("layout");
    if (!animate || from.length !== to.length || this.settleHandle !== null) {
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
    if (this.canvasMode) {
      this.layer.setProbs(ok ? probs : null, hideZero);
      this.requestPaint();
      return;
    }
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
    this.layer.widthScale = scale;
    this.baseFont = on ? PRESENT_FONT : LABEL_FONT;
    this.labelFont = -1; // force a font update
    this.setPixelScale(this.pixelScale);
    this.lastWidth.fill(-1);
    this.setProbs(this.lastProbs, this.hideZero);
  }

  /** States marked "naughty" (forbidden), drawn red. */
  setNaughty(marked: boolean[]): void {
    if (this.canvasMode) {
      if (this.layer.setNaughty(marked)) this.requestPaint();
      return;
    }
    this.nodeEls.forEach((g, i) => g.classList.toggle("bg-naughty", marked[i] === true));
  }

  /** Long-run shares of the drawn states: the node shade. */
  setShares(shares: ArrayLike<number> | null): void {
    if (this.canvasMode) {
      if (this.layer.setShares(shares)) this.requestPaint();
      return;
    }
    this.marks.setShares(shares);
  }

  /** Where an animated walk is: its current node and the edge it just took (-1: none). */
  setWalk(node: number, edge: number): void {
    if (this.canvasMode) {
      if (node === this.walkNode && edge === this.walkEdge) return;
      this.walkNode = node;
      this.walkEdge = edge;
      this.drawOverlay();
      return;
    }
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
    if (this.canvasMode) {
      if (this.layer.setUnseen(unseen)) this.requestPaint();
      return;
    }
    this.nodeEls.forEach((g, i) => g.classList.toggle("bg-unseen", unseen[i] === true));
  }

  /** Emphasise a node's outgoing edges while it is hovered. */
  highlight(nodeIndex: number | null): void {
    if (this.canvasMode) {
      const i = nodeIndex ?? -1;
      if (i === this.focusNode) return;
      this.focusNode = i;
      this.el.classList.toggle("bg-focus", i >= 0);
      this.drawOverlay();
      return;
    }
    this.svg.classList.toggle("bg-focus", nodeIndex !== null);
    this.chain.edges.forEach((e, i) => {
      const on = nodeIndex !== null && e.fromIndex === nodeIndex;
      this.pathEls[i].classList.toggle("bg-active", on);
      this.labelEls[i].parentElement?.classList.toggle("bg-active", on);
    });
    this.nodeEls.forEach((g, i) => g.classList.toggle("bg-active", i === nodeIndex));
  }

  /** The searched state (-1: none): class `bg-found` on its node, or a marker on the canvas. */
  setFound(index: number): void {
    const i = index >= 0 && index < this.chain.states.length ? index : -1;
    if (!this.canvasMode) {
      this.nodeEls[this.found]?.classList.remove("bg-found");
      this.nodeEls[i]?.classList.add("bg-found");
    }
    this.found = i;
    if (this.canvasMode) {
      this.layer.skipLabel = i;
      this.drawOverlay();
      this.requestPaint();
    }
  }

  /**
   * Pan (and zoom in, if needed) so node i is in the middle and big enough to read. Only where
   * the drawing zooms at all (big chains, the force layout); a small circle is all in view.
   */
  focusOn(index: number, animate = true): void {
    const p = this.positions[index];
    if (!p || !this.zoomable()) return;
    const box = this.measure() ?? { width: 600, height: 600 };
    const sb: ScreenBox = { ...box, half: this.frame.half };
    const [lo, hi] = this.zoomExtentNow();
    const want = scaleForRadius(sb, this.frame.nodeRadius, FOCUS_PX);
    const k = Math.min(hi, Math.max(lo, this.zoomState.k, want));
    const z = focusZoom(p, k);
    const target = zoomIdentity.translate(z.x, z.y).scale(z.k);
    const svg = select(this.svg);
    svg.interrupt("focus");
    if (animate) svg.transition("focus").duration(650).call(this.zoomBehavior.transform, target);
    else svg.call(this.zoomBehavior.transform, target);
  }

  /** Run a pending canvas paint now (the app calls this at the end of its redraw). */
  flush(): void {
    if (this.paintHandle !== null) {
      cancelFrame(this.paintHandle);
      this.paintHandle = null;
    }
    if (this.paintDirty) this.paint();
  }

  /**
   * Run `fn` (an export) with the canvas drawing copied into the SVG as an image, so the
   * exported picture of a big chain shows its edges and nodes too.
   */
  withSnapshot<T>(fn: () => T): T {
    if (!this.canvasMode) return fn();
    this.flush();
    const box = this.box;
    let image: SVGImageElement | null = null;
    try {
      const url = box ? this.canvas.toDataURL("image/png") : "";
      if (box && url.startsWith("data:image/png")) {
        const s0 = Math.min(box.width, box.height) / (2 * this.frame.half);
        image = document.createElementNS(SVG, "image");
        image.setAttribute("href", url);
        image.setAttribute("x", String(-box.width / (2 * s0)));
        image.setAttribute("y", String(-box.height / (2 * s0)));
        image.setAttribute("width", String(box.width / s0));
        image.setAttribute("height", String(box.height / s0));
        this.svg.insertBefore(image, this.viewport);
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

  destroy(): void {
    this.resize?.disconnect();
    this.stopSettling();
    if (this.paintHandle !== null) cancelFrame(this.paintHandle);
    this.paintHandle = null;
    select(this.svg).interrupt("layout").interrupt("focus").on(".zoom", null);
    this.force?.stop();
    this.force = null;
    this.el.remove();
  }

  // ---- canvas ------------------------------------------------------------------------

  private requestPaint(): void {
    if (!this.canvasMode) return;
    this.paintDirty = true;
    if (this.paintHandle === null) {
      this.paintHandle = nextFrame(() => {
        this.paintHandle = null;
        if (this.paintDirty) this.paint();
      });
    }
  }

  private paint(): void {
    this.paintDirty = false;
    if (!this.canvasMode) return;
    const box = this.measure();
    if (!box) return;
    const dpr = Math.min(3, (globalThis as { devicePixelRatio?: number }).devicePixelRatio || 1);
    const w = Math.max(1, Math.round(box.width * dpr));
    const h = Math.max(1, Math.round(box.height * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    if (!this.ctx) this.ctx = (this.canvas.getContext("2d") as Ctx2D | null) ?? null;
    if (!this.ctx) return;
    // The theme's colours (a JupyterLab theme switch changes them), re-read now and then.
    if (now() - this.colorsAt > 2000) {
      this.layer.colors = readColors(this.svg);
      this.colorsAt = now();
    }
    this.lastPaint = this.layer.paint(this.ctx, { ...box, half: this.frame.half }, this.zoomState, dpr);
    this.el.dataset.canvasEdges = String(this.lastPaint.edges);
  }

  /** The graph's size on screen (null while it has none, e.g. not in the page yet). */
  private measure(): { width: number; height: number } | null {
    if (!this.box) {
      const r = this.svg.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) this.box = { width: r.width, height: r.height };
    }
    return this.box;
  }

  private screenBox(): ScreenBox | null {
    const box = this.measure();
    return box ? { ...box, half: this.frame.half } : null;
  }

  /** What is under the mouse (canvas mode): a node first, else the nearest edge. */
  private hitTest(ev: MouseEvent): { kind: "node" | "edge"; index: number } | null {
    const sb = this.screenBox();
    if (!sb) return null;
    const r = this.svg.getBoundingClientRect();
    const p = toDrawing(ev.clientX - r.left, ev.clientY - r.top, sb, this.zoomState);
    const scale = screenScale(sb, this.zoomState);
    const node = this.layer.nodeAt(p, scale);
    if (node >= 0) return { kind: "node", index: node };
    const edge = this.layer.edgeAt(p, scale);
    return edge >= 0 ? { kind: "edge", index: edge } : null;
  }

  private onPointer(ev: MouseEvent): void {
    if (!this.canvasMode) return;
    if (ev.buttons !== 0) return this.setPointer(null, ev); // panning
    this.setPointer(this.hitTest(ev), ev);
  }

  private setPointer(hit: { kind: "node" | "edge"; index: number } | null, ev: MouseEvent): void {
    if (!this.canvasMode) return;
    const was = this.pointer;
    const same = was !== null && hit !== null && was.kind === hit.kind && was.index === hit.index;
    if (was && !same) (was.kind === "node" ? this.hooks.hoverNode : this.hooks.hoverEdge).call(this.hooks, null, ev);
    this.pointer = hit;
    this.svg.classList.toggle("bg-over-node", hit?.kind === "node");
    this.el.classList.toggle("bg-edge-focus", hit?.kind === "edge");
    if (hit) (hit.kind === "node" ? this.hooks.hoverNode : this.hooks.hoverEdge).call(this.hooks, hit.index, ev);
    if (!same) this.drawOverlay();
  }

  /** Canvas mode: the SVG marks on top — hovered node and its edges, hovered edge, walk, search. */
  private drawOverlay(): void {
    if (!this.canvasMode) return;
    const parts: SVGElement[] = [];
    const r = this.frame.nodeRadius;
    const path = (i: number, cls: string): void => {
      const d = this.shapes[i]?.d;
      if (!d) return;
      const e = document.createElementNS(SVG, "path");
      e.setAttribute("class", `bg-edge-path ${cls}`);
      e.setAttribute("d", d);
      e.setAttribute("vector-effect", "non-scaling-stroke");
      parts.push(e);
    };
    const ring = (i: number, cls: string): void => {
      const p = this.positions[i];
      if (!p) return;
      const c = document.createElementNS(SVG, "circle");
      c.setAttribute("class", cls);
      c.setAttribute("cx", String(r1(p.x)));
      c.setAttribute("cy", String(r1(p.y)));
      c.setAttribute("r", String(r));
      c.setAttribute("vector-effect", "non-scaling-stroke");
      c.dataset.ring = "1";
      parts.push(c);
    };
    if (this.focusNode >= 0) {
      this.chain.edges.forEach((e, i) => {
        if (e.fromIndex === this.focusNode && !this.layer.edgeHidden(i)) path(i, `bg-active ${tokenClass(e.tokenIndex)}`);
      });
      ring(this.focusNode, "bg-hover-ring");
    }
    if (this.pointer?.kind === "edge") path(this.pointer.index, "bg-active bg-hover-edge");
    if (this.walkEdge >= 0) path(this.walkEdge, "bg-walk");
    if (this.walkNode >= 0) ring(this.walkNode, "bg-walk-ring");
    if (this.found >= 0) {
      ring(this.found, "bg-found-ring");
      const p = this.positions[this.found];
      const t = document.createElementNS(SVG, "text");
      t.setAttribute("class", "bg-found-label");
      t.setAttribute("x", String(r1(p.x)));
      t.setAttribute("y", String(r1(p.y)));
      t.textContent = this.chain.states[this.found];
      parts.push(t);
    }
    this.overlay.replaceChildren(...parts);
    this.sizeOverlay();
  }

  /** Overlay rings and labels keep their size on screen whatever the zoom. */
  private sizeOverlay(): void {
    if (!this.overlay.firstChild) return;
    const sb = this.screenBox();
    const S = sb ? screenScale(sb, this.zoomState) : this.pixelScale * this.zoomState.k;
    if (!(S > 0)) return;
    const r = this.frame.nodeRadius;
    for (const c of this.overlay.querySelectorAll<SVGCircleElement>("circle[data-ring]")) {
      const extra = c.classList.contains("bg-found-ring") ? 9 : 4;
      c.setAttribute("r", String(Math.max(r + 2 / S, (r * S + extra) / S)));
    }
    const label = this.overlay.querySelector<SVGTextElement>("text.bg-found-label");
    if (label && this.found >= 0) {
      const p = this.positions[this.found];
      const ringPx = Math.max(r * S + 9, r * S + 2);
      label.setAttribute("font-size", String(14 / S));
      label.setAttribute("y", String(p.y - (ringPx + 10) / S));
    }
  }

  /** Arrowhead length: the SVG's marker size; on the canvas in proportion to the nodes. */
  private arrowLength(): number {
    return this.canvasMode ? (ARROW * this.frame.nodeRadius) / 26 : ARROW;
  }

  private zoomable(): boolean {
    return this.canvasMode || this.dense || (this.layout === "force" && this.force !== null);
  }

  private zoomExtentNow(): [number, number] {
    return this.dense ? zoomExtent(this.frame.half, this.frame.nodeRadius) : [0.25, 8];
  }

  // ---- structure ---------------------------------------------------------------------

  private joinNodes(): void {
    const r = this.frame.nodeRadius;
    const data: NodeDatum[] = this.canvasMode ? [] : this.chain.states.map((state, index) => ({ state, index }));
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
    for (const g of this.nodeEls) g.classList.remove("bg-found");
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
    const edges = this.canvasMode ? [] : this.chain.edges;
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
    const indexOf = new Map(edges.map((e, i) => [e, i] as const));
    for (const s of [lines, labels]) {
      s.classed("bg-loop", (d) => d.kind === "loop")
        .on("mouseenter", (ev: MouseEvent, d) => this.hooks.hoverEdge(indexOf.get(d) ?? -1, ev))
        .on("mousemove", (ev: MouseEvent, d) => this.hooks.hoverEdge(indexOf.get(d) ?? -1, ev))
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
      if (n <= ASYNC_FORCE_STATES) return this.force.settle(this.frame);
      this.settleAsync(this.force);
      return this.force.positions(); // the ring it starts from; it moves as it settles
    }
    return this.force.positions(); // keep where the user dragged things
  }

  /** Settle a big force layout a few ticks per frame, drawing as it goes. */
  private settleAsync(force: ForceLayout): void {
    this.stopSettling();
    force.fit(this.frame.radius);
    const steps = force.settleSteps(this.frame);
    const run = (): void => {
      this.settleHandle = null;
      if (this.force !== force || this.layout !== "force") return;
      const t0 = now();
      let done = false;
      while (!done && now() - t0 < FORCE_BUDGET_MS) done = steps.next().done === true;
      if (!done) force.fit(this.frame.radius);
      select(this.svg).interrupt("layout");
      this.applyPositions(force.positions());
      if (!done) this.settleHandle = nextFrame(run);
    };
    this.settleHandle = nextFrame(run);
  }

  private stopSettling(): void {
    if (this.settleHandle !== null) cancelFrame(this.settleHandle);
    this.settleHandle = null;
  }

  /** Geometry for all nodes and edges: layout changes and drags only. */
  private applyPositions(pos: Point[]): void {
    this.positions = pos;
    const style = { r: this.frame.nodeRadius, arrow: this.arrowLength() };
    const n = pos.length || 1;
    const centre = { x: pos.reduce((s, p) => s + p.x, 0) / n, y: pos.reduce((s, p) => s + p.y, 0) / n };
    this.nodeEls.forEach((g, i) => g.setAttribute("transform", `translate(${r1(pos[i].x)},${r1(pos[i].y)})`));
    const svgEdges = !this.canvasMode;
    this.shapes = this.chain.edges.map((e, i) => {
      const a = pos[e.fromIndex];
      const shape =
        e.kind === "loop"
          ? loopShape(a, outwardFrom(centre, a), style)
          : curveShape(a, pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, style);
      if (svgEdges) {
        this.pathEls[i].setAttribute("d", shape.d);
        this.hitEls[i].setAttribute("d", shape.d);
      }
      return shape;
    });
    if (this.canvasMode) {
      this.layer.setGeometry(pos, this.shapes);
      this.drawOverlay();
      this.requestPaint();
      return;
    }
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

  /**
   * Pan/zoom: big chains (any layout) and the force layout; dragging nodes: the force layout
   * drawn in SVG. A small circle is a fixed picture: the page scrolls over it untouched.
   */
  private enableInteraction(): void {
    const svg = select(this.svg);
    const nodes = select(this.nodeLayer).selectAll<SVGGElement, NodeDatum>("g.bg-node");
    svg.interrupt("focus");
    this.zoomBehavior.scaleExtent(this.zoomExtentNow());
    svg.call(this.zoomBehavior.transform, zoomIdentity);
    if (!this.zoomable()) {
      svg.on(".zoom", null);
      nodes.on(".drag", null);
      this.svg.classList.remove("bg-interactive");
      return;
    }
    this.svg.classList.add("bg-interactive");
    svg.call(this.zoomBehavior).on("dblclick.zoom", null);
    if (this.layout !== "force" || !this.force || this.canvasMode) {
      nodes.on(".drag", null);
      return;
    }
    const force = this.force;
    nodes.call(
      drag<SVGGElement, NodeDatum, Point>()
        .subject((_ev, d) => ({ ...this.positions[d.index] }))
        .on("start", (ev: { active: number; x: number; y: number }, d) => {
          select(this.svg).interrupt("layout");
          this.stopSettling();
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

  private svgChild<K extends keyof SVGElementTagNameMap>(tag: K, parent: Element): SVGElementTagNameMap[K] {
    return parent.appendChild(document.createElementNS(SVG, tag));
  }

  private addLayer(cls: string): SVGGElement {
    const g = this.svgChild("g", this.viewport);
    g.setAttribute("class", cls);
    return g;
  }
}

const r1 = (v: number): number => Math.round(v * 10) / 10;
const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());
