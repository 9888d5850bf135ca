// The chain's drawing: an SVG scene (or, for big chains, a canvas) in a box that clips it,
// with zoom/pan (viewport.ts), a toolbar (fit, focus view, matrix view) and the matrix beside
// it. Indices in and out of this class are those of the FULL chain; in the focus view the
// drawn sub-chain is mapped back and forth here.
import { select } from "d3-selection";
import "d3-transition";
import { focusZoom, scaleForRadius, screenScale, zoomExtent } from "./canvasGeometry";
import type { ScreenBox, ZoomState } from "./canvasGeometry";
import { CanvasView } from "./canvasView";
import type { PaintStats } from "./canvasLayer";
import type { Chain } from "../model/chain";
import { focusLayout, neighbourhood } from "./focus/neighbourhood";
import type { Neighbourhood } from "./focus/neighbourhood";
import { ForceRunner } from "./forceRunner";
import { BEND_PAIR, BEND_SINGLE, curveShape, loopShape, outwardFrom } from "./geometry";
import type { EdgeShape, Point } from "./geometry";
import { frameFor, ringLayout } from "./layout";
import type { Frame } from "./layout";
import { MatrixView } from "./matrix/matrixView";
import { PALETTE_SIZE, tokenClass } from "./palette";
import { renderMode } from "./renderMode";
import type { RenderMode } from "./renderMode";
import { MIN_SCREEN_FONT, SvgScene, halfWithLabels } from "./svgScene";
import { DrawingToolbar } from "./toolbar";
import { Viewport } from "./viewport";
import type { LayoutKind } from "../model/types";
import { MappedMarks, gather } from "./mappedMarks";

export { edgeOpacity, edgeWidth } from "./graphStyle";
export { CANVAS_EDGES, CANVAS_STATES, DENSE_STATES } from "./renderMode";
export { ASYNC_FORCE_STATES } from "./forceRunner";
export { MIN_SCREEN_FONT } from "./svgScene";
export type { NodeDatum } from "./svgScene";

const SVG = "http://www.w3.org/2000/svg";
export const LAYOUT_MS = 400;
/** Zoom to a searched state until it is about this big (radius, CSS pixels). */
const FOCUS_PX = 22;
const ARROW = 9;
/** The widest oval a ring is stretched to in a wide box. */
const MAX_ASPECT = 1.8;
let instances = 0;

export interface GraphHooks {
  hoverNode(index: number | null, ev: MouseEvent): void;
  hoverEdge(index: number | null, ev: MouseEvent): void;
  clickNode?(index: number, ev: MouseEvent): void;
}

export class GraphView {
  /** The drawing's box: toolbar, the clipped drawing (canvas under SVG), the matrix. */
  readonly el: HTMLDivElement;
  readonly svg: SVGSVGElement;
  readonly canvas: HTMLCanvasElement;
  readonly toolbar: DrawingToolbar;
  readonly matrix: MatrixView;
  readonly marks: MappedMarks;
  private readonly pane: HTMLDivElement;
  private readonly viewport: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly scene: SvgScene;
  private readonly cv: CanvasView;
  private readonly view: Viewport;
  private readonly runner: ForceRunner;
  private readonly resize: ResizeObserver | null = null;
  private full: Chain = { states: [], tokens: [], edges: [], contextLength: 0 };
  private drawn: Chain = this.full;
  private nb: Neighbourhood | null = null;
  private picking = false;
  private focusK = 2;
  private mode: RenderMode = "svg";
  private frame: Frame = frameFor(0);
  /** The frame's own half side, before room for outside labels is added. */
  private baseHalf = frameFor(0).half;
  private shownHalf = -1;
  /** Width / height of the ring: a wide box gets an oval (more room along the top and bottom). */
  private aspect = 1;
  private layout: LayoutKind = "circular";
  private positions: Point[] = [];
  private shapes: EdgeShape[] = [];
  private box: { width: number; height: number } | null = null;
  private pixelScale = 1;
  // Full-chain data, mapped onto what is drawn.
  private probs: ArrayLike<number> | null = null;
  private hideZero = false;
  private naughty: boolean[] = [];
  private unseen: boolean[] = [];
  private shares: ArrayLike<number> | null = null;
  private walk = { node: -1, edge: -1 };
  private found = -1;
  private hovered = -1;
  private linkedEdge = -1;
  /** Drawn index of each full-chain state / edge (-1: not drawn). */
  private subNode = new Int32Array(0);
  private subEdge = new Int32Array(0);

  constructor(private readonly hooks: GraphHooks) {
    const markerId = `bg-arrow-${++instances}`;
    this.el = document.createElement("div");
    this.el.className = "bg-graph-stack";
    this.el.tabIndex = -1; // clicks into the drawing focus it: Esc leaves the focus view
    this.pane = document.createElement("div");
    this.pane.className = "bg-graph-pane";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "bg-graph-canvas";
    this.canvas.hidden = true;
    this.canvas.setAttribute("aria-hidden", "true");
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "bg-graph");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "Markov chain of the model's next-token probabilities");
    this.svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.svg.setAttribute("overflow", "hidden");
    const defs = this.child("defs", this.svg);
    for (let k = 0; k < PALETTE_SIZE; k++) {
      // One arrowhead per token colour (SVG 1.1 markers do not take the path's stroke).
      const m = this.child("marker", defs);
      for (const [a, v] of Object.entries({ id: `${markerId}-${k}`, viewBox: `0 -5 ${ARROW} 10`, refX: "0", refY: "0", markerUnits: "userSpaceOnUse", markerWidth: String(ARROW), markerHeight: "10", orient: "auto" }))
        m.setAttribute(a, v);
      const p = this.child("path", m);
      p.setAttribute("d", `M0,-4.5L${ARROW},0L0,4.5Z`); // the path stops at the arrow's base
      p.setAttribute("class", `bg-arrow ${tokenClass(k)}`);
    }
    this.viewport = this.child("g", this.svg);
    this.viewport.setAttribute("class", "bg-viewport");
    const layer = (cls: string): SVGGElement => {
      const g = this.child("g", this.viewport);
      g.setAttribute("class", cls);
      return g;
    };
    const lines = layer("bg-edge-lines");
    this.nodeLayer = layer("bg-nodes");
    const labels = layer("bg-edges"); // labels on top: no stroke or node hides them
    const overlay = layer("bg-overlay"); // canvas mode: hover, walk and search marks
    this.scene = new SvgScene(this.nodeLayer, lines, labels, markerId, {
      hoverNode: (i, ev) => this.onHoverNode(i, ev),
      hoverEdge: (i, ev) => this.onHoverEdge(i, ev),
      clickNode: (i, ev) => this.onClickNode(i, ev),
    });
    this.marks = new MappedMarks(this.scene.marks);
    this.cv = new CanvasView(this.el, this.svg, this.canvas, overlay, () => this.measure(), () => this.view.state);
    this.view = new Viewport(this.svg, this.viewport, () => this.onZoom(), () => this.scene.setScale(this.screenScale()));
    this.runner = new ForceRunner((pos) => this.applyPositions(pos));
    this.toolbar = new DrawingToolbar({
      fit: () => this.fit(),
      focus: () => this.startFocus(),
      back: () => this.endFocus(),
      setK: (k) => {
        this.focusK = k;
        if (this.nb) this.showFocus(this.nb.nodes[0]);
      },
      toggleMatrix: () => this.showMatrix(!this.matrix.visible),
    });
    this.focusK = Number(this.toolbar.k.value);
    this.matrix = new MatrixView({ hoverCell: (c, ev) => this.onHoverCell(c, ev) });
    this.matrix.el.hidden = true;
    this.pane.append(this.canvas, this.svg, this.view.hint);
    this.el.append(this.toolbar.el, this.pane, this.matrix.el);
    if (typeof ResizeObserver !== "undefined") {
      this.resize = new ResizeObserver(() => this.onResize());
      this.resize.observe(this.svg);
    }
    this.svg.addEventListener("mousemove", (ev) => this.onPointer(ev));
    this.svg.addEventListener("mouseleave", (ev) => this.setPointer(null, ev));
    this.svg.addEventListener("mousedown", () => this.el.focus({ preventScroll: true }));
    this.svg.addEventListener("click", (ev) => {
      if (!this.cv.on) return;
      const hit = this.cv.hitTest(ev);
      if (hit?.kind === "node") this.onClickNode(hit.index, ev);
    });
    this.el.addEventListener("keydown", (ev) => {
      if (ev.key !== "Escape" || (!this.nb && !this.picking)) return;
      ev.stopPropagation();
      ev.preventDefault();
      this.endFocus();
    });
  }

  get isCanvas(): boolean {
    return this.cv.on;
  }

  get zoom(): ZoomState {
    return { ...this.view.state };
  }

  get lastPaint(): PaintStats | null {
    return this.cv.lastPaint;
  }

  /** The focus view's state (null: the whole chain is drawn). */
  get focusState(): string | null {
    return this.nb ? this.full.states[this.nb.centre] : null;
  }

  /** Colours the exports use: the page's, or a light theme. */
  get exportTheme(): "page" | "light" {
    return this.toolbar.exportTheme.value === "light" ? "light" : "page";
  }

  /** CSS pixels per drawing unit of the unzoomed drawing (tests set it for a narrow cell). */
  setPixelScale(scale: number): void {
    if (!(scale > 0)) return;
    this.pixelScale = scale;
    this.scene.setScale(this.screenScale());
  }

  /** Replace the chain's structure. A focus view stays on its state if it still exists. */
  setChain(chain: Chain): void {
    const keep = this.nb ? chain.states.indexOf(this.full.states[this.nb.centre]) : -1;
    this.full = chain;
    const n = chain.states.length;
    this.naughty = new Array<boolean>(n).fill(false);
    this.unseen = new Array<boolean>(n).fill(false);
    this.shares = null;
    this.probs = null;
    this.walk = { node: -1, edge: -1 };
    this.found = -1;
    this.hovered = -1;
    this.linkedEdge = -1;
    this.runner.reset();
    this.matrix.setChain(chain.states, chain.tokens);
    this.nb = keep >= 0 ? neighbourhood(chain, keep, this.focusK) : null;
    this.picking = false;
    this.draw();
  }

  setLayout(kind: LayoutKind, animate = true): void {
    if (kind === this.layout) return;
    this.layout = kind;
    this.runner.stopSettling();
    if (kind === "circular") this.runner.reset();
    if (this.nb) return; // the focus view keeps its rings
    this.updateFrame();
    const from = this.positions.map((p) => ({ ...p }));
    const to = this.targetPositions();
    this.enableInteraction();
    const svg = select(this.svg);
    svg.interrupt("layout");
    if (!animate || from.length !== to.length || this.runner.settling) return this.applyPositions(to);
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

  /** Hot path: a new distribution (full chain, states × V). `hideZero`: greedy (T = 0). */
  setProbs(probs: ArrayLike<number> | null, hideZero = false): void {
    this.probs = probs;
    this.hideZero = hideZero;
    this.matrix.setProbs(probs);
    const mapped = this.nb && probs ? gather(probs, this.nb.nodes, this.full.tokens.length) : probs;
    if (this.cv.on) {
      this.cv.layer.setProbs(mapped, hideZero);
      this.cv.request();
    } else this.scene.setProbs(mapped, hideZero);
  }

  setPresentation(on: boolean): void {
    this.scene.setPresentation(on);
    this.cv.layer.widthScale = on ? 1.7 : 1;
    this.setProbs(this.probs, this.hideZero);
  }

  setNaughty(marked: boolean[]): void {
    this.naughty = marked;
    this.matrix.setNaughty(marked);
    const m = this.mapFlags(marked);
    if (this.cv.on) {
      if (this.cv.layer.setNaughty(m)) this.cv.request();
    } else this.scene.toggleNodes("bg-naughty", (i) => m[i]);
  }

  setUnseen(unseen: boolean[]): void {
    this.unseen = unseen;
    this.matrix.setUnseen(unseen);
    const m = this.mapFlags(unseen);
    if (this.cv.on) {
      if (this.cv.layer.setUnseen(m)) this.cv.request();
    } else this.scene.toggleNodes("bg-unseen", (i) => m[i]);
  }

  setShares(shares: ArrayLike<number> | null): void {
    this.shares = shares;
    const m = this.nb && shares ? gather(shares, this.nb.nodes, 1) : shares;
    if (this.cv.on) {
      if (this.cv.layer.setShares(m)) this.cv.request();
    } else this.scene.marks.setShares(m);
  }

  /** Where an animated walk is: its current node and the edge it just took (-1: none). */
  setWalk(node: number, edge: number): void {
    const was = this.walk;
    this.walk = { node, edge };
    if (this.cv.on) return this.overlay();
    const [a, b] = [this.subNode[was.node] ?? -1, this.subNode[node] ?? -1];
    if (a !== b) {
      this.scene.nodeEls[a]?.classList.remove("bg-walk");
      this.scene.nodeEls[b]?.classList.add("bg-walk");
    }
    if (was.edge !== edge) {
      this.scene.markEdge(this.subEdge[was.edge] ?? -1, "bg-walk", false);
      this.scene.markEdge(this.subEdge[edge] ?? -1, "bg-walk", true);
    }
  }

  /** Emphasise a node's outgoing edges while it is hovered (and its row in the matrix). */
  highlight(nodeIndex: number | null): void {
    const i = nodeIndex ?? -1;
    this.hovered = i;
    if (this.linkedEdge < 0) this.matrix.setLinked(i >= 0 ? { row: i, col: -1 } : null);
    const d = this.subNode[i] ?? -1;
    if (this.cv.on) {
      this.el.classList.toggle("bg-focus", d >= 0);
      return this.overlay();
    }
    this.scene.highlight(d >= 0 ? d : null, this.svg);
  }

  /** The searched state (-1: none). */
  setFound(index: number): void {
    const i = index >= 0 && index < this.full.states.length ? index : -1;
    this.scene.nodeEls[this.subNode[this.found] ?? -1]?.classList.remove("bg-found");
    this.found = i;
    const d = this.subNode[i] ?? -1;
    if (this.cv.on) {
      this.cv.layer.skipLabel = d;
      this.overlay();
      this.cv.request();
    } else this.scene.nodeEls[d]?.classList.add("bg-found");
  }

  /** Pan (and zoom in if needed) so node i is in the middle and big enough to read. */
  focusOn(index: number, animate = true): void {
    const p = this.positions[this.subNode[index] ?? -1];
    if (!p) return;
    const sb = this.screenBox() ?? { width: 600, height: 600, half: this.frame.half };
    const [lo, hi] = this.zoomExtentNow();
    const want = this.cv.on || this.mode === "svg-dense" ? scaleForRadius(sb, this.frame.nodeRadius, FOCUS_PX) : 1;
    const k = Math.min(hi, Math.max(lo, this.view.state.k, want));
    this.view.set(focusZoom(p, k), animate);
  }

  fit(animate = true): void {
    this.view.fit(animate);
  }

  /** Focus view on a state (full index) and its k-step neighbourhood. */
  showFocus(index: number, k = this.focusK): void {
    if (index < 0 || index >= this.full.states.length) return;
    this.focusK = k;
    this.toolbar.k.value = String(k);
    this.picking = false;
    this.nb = neighbourhood(this.full, index, k);
    this.draw();
  }

  endFocus(): void {
    const was = this.nb !== null;
    this.nb = null;
    this.picking = false;
    this.svg.classList.remove("bg-picking");
    if (was) this.draw();
    else this.toolbar.setFocus(null, false);
  }

  showMatrix(on: boolean): void {
    this.matrix.el.hidden = !on;
    this.el.classList.toggle("bg-with-matrix", on);
    this.toolbar.setMatrix(on);
    if (on) this.matrix.relayout();
    this.onResize();
  }

  /** Run a pending canvas paint now (the app calls this at the end of its redraw). */
  flush(): void {
    this.cv.flush();
  }

  /**
   * Run `fn` (an export) with the drawing as a picture: no walk, hover or search marks, and a
   * big chain's canvas copied into the SVG as an image.
   */
  withSnapshot<T>(fn: () => T): T {
    const walk = this.walk;
    const hovered = this.hovered;
    const found = this.found;
    this.setWalk(-1, -1);
    this.highlight(null);
    this.setFound(-1);
    this.cv.flush();
    let image: SVGImageElement | null = null;
    const box = this.box;
    try {
      const url = this.cv.on && box ? this.canvas.toDataURL("image/png") : "";
      if (box && url.startsWith("data:image/png")) {
        const s0 = Math.min(box.width, box.height) / (2 * this.frame.half);
        image = document.createElementNS(SVG, "image");
        for (const [a, v] of Object.entries({ href: url, x: -box.width / (2 * s0), y: -box.height / (2 * s0), width: box.width / s0, height: box.height / s0 }))
          image.setAttribute(a, String(v));
        this.svg.insertBefore(image, this.viewport);
      }
    } catch {
      image = null; // a canvas that cannot be read: export the SVG part only
    }
    try {
      return fn();
    } finally {
      image?.remove();
      this.setFound(found);
      this.setWalk(walk.node, walk.edge);
      if (hovered >= 0) this.highlight(hovered);
    }
  }

  destroy(): void {
    this.resize?.disconnect();
    this.runner.reset();
    this.cv.destroy();
    this.view.destroy();
    select(this.svg).interrupt("layout");
    this.el.remove();
  }

  // ---- drawing what is shown: the whole chain or a focus view -----------------------------

  private draw(): void {
    const nb = this.nb;
    this.drawn = nb ? nb.chain : this.full;
    const chain = this.drawn;
    this.subNode = new Int32Array(this.full.states.length).fill(-1);
    this.subEdge = new Int32Array(this.full.edges.length).fill(-1);
    if (nb) {
      nb.nodes.forEach((s, i) => (this.subNode[s] = i));
      nb.edges.forEach((e, i) => (this.subEdge[e] = i));
    } else {
      this.subNode = this.subNode.map((_, i) => i);
      this.subEdge = this.subEdge.map((_, i) => i);
    }
    this.mode = renderMode(chain.states.length, chain.edges.length);
    const canvas = this.mode === "canvas";
    let focusPos: Point[] | null = null;
    if (nb) {
      const r = 26;
      const rings = focusLayout(nb, 2 * r + 48, 170);
      focusPos = rings.positions;
      this.frame = { radius: rings.radius, nodeRadius: r, half: rings.radius + r * 3.6 };
    } else this.frame = frameFor(chain.states.length);
    this.baseHalf = this.frame.half;
    this.shownHalf = -1;
    this.svg.classList.toggle("bg-dense", this.mode === "svg-dense");
    this.el.classList.toggle("bg-canvas-mode", canvas);
    this.el.classList.toggle("bg-focus-view", nb !== null);
    this.el.classList.remove("bg-focus", "bg-edge-focus");
    this.svg.classList.remove("bg-focus", "bg-over-node", "bg-picking");
    this.el.dataset.renderMode = this.mode;
    this.scene.setChain(chain, this.frame, this.mode === "svg-dense", !canvas);
    this.cv.setChain(chain, this.frame, canvas, canvas ? (ARROW * this.frame.nodeRadius) / 26 : ARROW);
    this.marks.setMap(nb ? nb.nodes : null, chain.tokens.length);
    select(this.svg).interrupt("layout").interrupt("focus");
    this.onResize();
    this.applyPositions(focusPos ?? this.targetPositions());
    this.enableInteraction();
    // Re-apply the full chain's data to what is now drawn.
    this.setProbs(this.probs, this.hideZero);
    this.setNaughty(this.naughty);
    this.setUnseen(this.unseen);
    this.setShares(this.shares);
    this.marks.reapply();
    this.setWalk(this.walk.node, this.walk.edge);
    this.setFound(this.found);
    this.toolbar.setFocus(nb ? this.full.states[nb.centre] : null, false);
    this.cv.request();
  }

  private targetPositions(): Point[] {
    const n = this.drawn.states.length;
    if (this.layout === "circular" || n === 0) return ringLayout(this.drawn, this.frame.radius).map((p) => ({ x: p.x * this.aspect, y: p.y }));
    return this.runner.positions(this.drawn, this.frame);
  }

  /** Geometry for all nodes and edges: layout changes and drags only. */
  private applyPositions(pos: Point[]): void {
    this.positions = pos;
    const style = { r: this.frame.nodeRadius, arrow: this.cv.on ? (ARROW * this.frame.nodeRadius) / 26 : ARROW };
    const n = pos.length || 1;
    const centre = { x: pos.reduce((s, p) => s + p.x, 0) / n, y: pos.reduce((s, p) => s + p.y, 0) / n };
    this.shapes = this.drawn.edges.map((e) => {
      const a = pos[e.fromIndex];
      return e.kind === "loop"
        ? loopShape(a, outwardFrom(centre, a), style)
        : curveShape(a, pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, style);
    });
    if (this.cv.on) this.cv.setGeometry(pos, this.shapes, this.marksNow());
    else this.scene.setGeometry(pos, this.shapes);
  }

  /** Zoom and pan at every size; dragging nodes: the force layout drawn in SVG. */
  private enableInteraction(): void {
    this.view.setExtent(this.zoomExtentNow(), this.frame.half);
    this.view.fit(false);
    this.svg.classList.add("bg-interactive");
    const drag = this.layout === "force" && !this.cv.on && !this.nb && this.runner.force !== null;
    this.runner.bindDrag(this.nodeLayer, drag, () => this.positions, this.svg);
  }

  private zoomExtentNow(): [number, number] {
    return this.mode === "svg" ? [0.5, 8] : zoomExtent(this.frame.half, this.frame.nodeRadius);
  }

  // ---- events -----------------------------------------------------------------------------

  private startFocus(): void {
    const pick = this.found >= 0 ? this.found : this.walk.node;
    if (pick >= 0) return this.showFocus(pick);
    this.picking = !this.picking;
    this.svg.classList.toggle("bg-picking", this.picking);
    this.toolbar.setFocus(this.focusState, this.picking);
    if (this.picking) this.el.focus({ preventScroll: true });
  }

  private onClickNode(sub: number, ev: MouseEvent): void {
    const full = this.nb ? (this.nb.nodes[sub] ?? -1) : sub;
    if (full < 0) return;
    if (this.picking) return this.showFocus(full);
    this.hooks.clickNode?.(full, ev);
  }

  private onHoverNode(sub: number | null, ev: MouseEvent): void {
    this.hooks.hoverNode(sub === null ? null : this.nb ? this.nb.nodes[sub] : sub, ev);
  }

  private onHoverEdge(sub: number | null, ev: MouseEvent): void {
    const full = sub === null ? null : this.nb ? this.nb.edges[sub] : sub;
    const e = full === null ? undefined : this.full.edges[full];
    this.matrix.setLinked(e ? { row: e.fromIndex, col: e.tokenIndex } : null);
    this.hooks.hoverEdge(full, ev);
  }

  /** A matrix cell hovered: its edge lights up in the drawing (and the tooltip shows it). */
  private onHoverCell(cell: { row: number; col: number } | null, ev: MouseEvent): void {
    const V = this.full.tokens.length;
    const full = cell ? this.full.edges.findIndex((e) => e.fromIndex === cell.row && e.tokenIndex === cell.col) : -1;
    void V;
    if (this.linkedEdge >= 0) this.scene.markEdge(this.subEdge[this.linkedEdge] ?? -1, "bg-linked", false);
    this.linkedEdge = full;
    this.el.dataset.linkedEdge = full >= 0 ? this.full.edges[full].id : "";
    if (full >= 0) this.scene.markEdge(this.subEdge[full] ?? -1, "bg-linked", true);
    this.svg.classList.toggle("bg-linking", full >= 0 && !this.cv.on);
    if (this.cv.on) this.overlay();
    this.hooks.hoverEdge(full >= 0 ? full : null, ev);
  }

  private onPointer(ev: MouseEvent): void {
    if (!this.cv.on) return;
    if (ev.buttons !== 0) return this.setPointer(null, ev); // panning
    this.setPointer(this.cv.hitTest(ev), ev);
  }

  private setPointer(hit: { kind: "node" | "edge"; index: number } | null, ev: MouseEvent): void {
    if (!this.cv.on) return;
    const was = this.cv.pointer;
    const same = was !== null && hit !== null && was.kind === hit.kind && was.index === hit.index;
    if (was && !same) (was.kind === "node" ? this.onHoverNode(null, ev) : this.onHoverEdge(null, ev));
    this.cv.pointer = hit;
    this.svg.classList.toggle("bg-over-node", hit?.kind === "node");
    this.el.classList.toggle("bg-edge-focus", hit?.kind === "edge");
    if (hit) (hit.kind === "node" ? this.onHoverNode(hit.index, ev) : this.onHoverEdge(hit.index, ev));
    if (!same) this.overlay();
  }

  private onZoom(): void {
    if (this.cv.on) {
      this.cv.sizeOverlay(this.subNode[this.found] ?? -1);
      this.cv.request();
    }
  }

  private onResize(): void {
    const r = this.svg.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) this.box = { width: r.width, height: r.height };
    if (this.updateFrame() && this.positions.length && !this.runner.settling) this.applyPositions(this.targetPositions());
    this.scene.setScale(this.screenScale());
    if (!this.matrix.el.hidden) this.matrix.relayout();
    if (this.cv.on) {
      this.cv.sizeOverlay(this.subNode[this.found] ?? -1);
      this.cv.request();
    }
  }

  /**
   * The viewBox for the box: an oval ring in a wide box (circular layout drawn as SVG), and
   * room round the ring for state labels that must sit outside their nodes. True when the
   * ring's shape changed (positions must follow).
   */
  private updateFrame(): boolean {
    const box = this.box;
    const oval = box && !this.cv.on && !this.nb && this.layout === "circular";
    const aspect = oval ? Math.min(MAX_ASPECT, Math.max(1, box.width / box.height)) : 1;
    const changed = Math.abs(aspect - this.aspect) > 0.02;
    if (changed) this.aspect = aspect;
    const a = this.aspect;
    const chars = Array.from(this.drawn.states[0] ?? "").length;
    const half = this.cv.on || !box ? this.baseHalf : halfWithLabels(this.baseHalf, this.frame.radius, this.frame.nodeRadius, chars, Math.min(box.width / a, box.height), this.scene.present);
    if (changed || half !== this.shownHalf) {
      this.shownHalf = half;
      this.frame = { ...this.frame, half };
      const h = Math.round(half * 10) / 10;
      const w = Math.round(half * a * 10) / 10;
      this.svg.setAttribute("viewBox", `${-w} ${-h} ${2 * w} ${2 * h}`);
      this.view.setExtent(this.zoomExtentNow(), half * a);
    }
    return changed;
  }

  private overlay(): void {
    this.cv.drawOverlay(this.marksNow());
  }

  private marksNow() {
    const s = (i: number): number => this.subNode[i] ?? -1;
    return { focusNode: s(this.hovered), walkNode: s(this.walk.node), walkEdge: this.subEdge[this.walk.edge] ?? -1, found: s(this.found), linkedEdge: this.subEdge[this.linkedEdge] ?? -1 };
  }

  private mapFlags(flags: boolean[]): boolean[] {
    return this.nb ? this.nb.nodes.map((s) => flags[s] === true) : flags;
  }

  private measure(): { width: number; height: number } | null {
    if (!this.box) {
      const r = this.svg.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) this.box = { width: r.width, height: r.height };
    }
    return this.box;
  }

  /** The box as the scale maths see it: an oval's viewBox is `aspect` times wider. */
  private screenBox(): ScreenBox | null {
    const b = this.measure();
    return b ? { width: b.width / this.aspect, height: b.height, half: this.frame.half } : null;
  }

  /** CSS pixels per drawing unit, zoom included. */
  private screenScale(): number {
    const sb = this.screenBox();
    return sb ? screenScale(sb, this.view.state) : this.pixelScale * this.view.state.k;
  }

  private child<K extends keyof SVGElementTagNameMap>(tag: K, parent: Element): SVGElementTagNameMap[K] {
    return parent.appendChild(document.createElementNS(SVG, tag));
  }
}
void MIN_SCREEN_FONT;
