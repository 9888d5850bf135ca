// The chain's drawing as the app uses it: an SVG scene (or, for big chains, a canvas) in a box
// that clips it, zoom/pan, a toolbar (fit, focus view, matrix view) and the transition matrix
// beside it. Indices in and out of this class are those of the FULL chain; a focus view's
// sub-chain is mapped back and forth by DrawnMap. Rendering itself: graphRender.ts.
import type { Chain } from "../model/chain";
import type { Marks } from "./canvasView";
import { neighbourhood } from "./focus/neighbourhood";
import { withCanvasImage } from "./graphDom";
import { GraphRender } from "./graphRender";
import { MappedMarks } from "./fullToDrawnMarks";
import { MatrixView } from "./matrix/matrixView";
import { LargeView } from "../ui/largeView";
import { argmaxOf, BigChainHint } from "./bigHint";
import type { Cell } from "./matrix/matrixGeometry";
import { DrawingToolbar } from "./toolbar";
import { EdgeDecorLayer } from "./edgeOverlays";
import type { EdgeDecor } from "./edgeOverlays";

export { edgeOpacity, edgeWidth } from "./graphStyle";
export { CANVAS_EDGES, CANVAS_STATES, DENSE_STATES } from "./renderMode";
export { ASYNC_FORCE_STATES } from "./forceRunner";
export { LAYOUT_MS } from "./graphRender";
export { MIN_SCREEN_FONT } from "./svgScene";
export type { NodeDatum } from "./svgScene";
export type { EdgeDecor } from "./edgeOverlays";

export interface GraphHooks {
  hoverNode(index: number | null, ev: MouseEvent): void;
  hoverEdge(index: number | null, ev: MouseEvent): void;
  clickNode?(index: number, ev: MouseEvent): void;
}

type Hit = { kind: "node" | "edge"; index: number };

/** Steps a focus view shows unless the learner picks: 2 for two tokens (up to 17 states), 1 for
 *  more (2 steps of ACGT are ~40 states and ~110 edges: a hairball again). */
export const defaultFocusK = (tokens: number): number => (tokens <= 2 ? 2 : 1);

export class GraphView extends GraphRender {
  /** The drawing's box: toolbar, the clipped drawing (canvas under SVG), the matrix. */
  readonly el: HTMLDivElement;
  readonly svg: SVGSVGElement;
  readonly canvas: HTMLCanvasElement;
  readonly toolbar: DrawingToolbar;
  readonly matrix: MatrixView;
  readonly marks: MappedMarks;
  /** The large view over the drawing's box (the matrix, the inside view, the seed table). */
  readonly large: LargeView;
  private readonly hint: BigChainHint;
  private readonly resize: ResizeObserver | null = null;
  private picking = false;
  private focusK = 2;
  /** The learner picked the focus's steps (else they follow the alphabet: defaultFocusK). */
  private kChosen = false;
  // Full-chain data, mapped onto what is drawn.
  private probs: ArrayLike<number> | null = null;
  private hideZero = false;
  private naughty: boolean[] = [];
  private unseen: boolean[] = [];
  private shares: ArrayLike<number> | null = null;
  private walk = { node: -1, edge: -1 };
  private found = -1;
  private hovered = -1;
  private hoveredToken = -1;
  private linkedEdge = -1;
  private decor: EdgeDecorLayer | null = null;

  constructor(private readonly hooks: GraphHooks) {
    super({
      hoverNode: (i, ev) => this.hooks.hoverNode(i === null ? null : this.map.fullNode(i), ev),
      hoverEdge: (i, ev) => this.onHoverEdge(i === null ? null : this.map.fullEdge(i), ev),
      clickNode: (i, ev) => this.onClickNode(this.map.fullNode(i), ev),
    });
    const { el, svg, canvas } = this.dom;
    [this.el, this.svg, this.canvas] = [el, svg, canvas];
    this.marks = new MappedMarks(this.scene.marks);
    this.toolbar = new DrawingToolbar({
      fit: () => this.fit(),
      focus: () => this.startFocus(),
      back: () => this.endFocus(),
      setK: (k) => {
        this.focusK = k;
        this.kChosen = true;
        if (this.map.nb) this.showFocus(this.map.nb.centre, k);
      },
      toggleMatrix: () => this.showMatrix(!this.matrix.visible),
    });
    this.focusK = Number(this.toolbar.k.value);
    this.matrix = new MatrixView({ hoverCell: (c, ev) => this.onHoverCell(c, ev), relocated: () => this.onResize() });
    this.matrix.el.hidden = true;
    el.prepend(this.toolbar.el);
    el.append(this.matrix.el);
    this.large = new LargeView(el);
    this.matrix.setLarge(this.large);
    this.hint = new BigChainHint({ focusOn: (i) => this.showFocus(i), matrix: () => this.showMatrix(!this.matrix.visible) });
    this.dom.pane.append(this.hint.el);
    if (typeof ResizeObserver !== "undefined") {
      this.resize = new ResizeObserver(() => this.onResize());
      this.resize.observe(svg);
    }
    // Canvas mode: hit-testing instead of per-element listeners.
    svg.addEventListener("mousemove", (ev) => this.cv.on && this.setPointer(ev.buttons !== 0 ? null : this.cv.hitTest(ev), ev));
    svg.addEventListener("mouseleave", (ev) => this.cv.on && this.setPointer(null, ev));
    svg.addEventListener("mousedown", () => el.focus({ preventScroll: true }));
    svg.addEventListener("click", (ev) => {
      const hit = this.cv.on ? this.cv.hitTest(ev) : null;
      if (hit?.kind === "node") this.onClickNode(this.map.fullNode(hit.index), ev);
    });
    el.addEventListener("keydown", (ev) => {
      if (ev.key !== "Escape" || (!this.map.nb && !this.picking)) return;
      ev.stopPropagation(); // Jupyter's command mode must not see it
      ev.preventDefault();
      this.endFocus();
    });
  }

  /** The focus view's state (null: the whole chain is drawn). */
  get focusState(): string | null {
    return this.map.nb ? this.map.full.states[this.map.nb.centre] : null;
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
    const nb = this.map.nb;
    const keep = nb ? chain.states.indexOf(this.map.full.states[nb.centre]) : -1;
    const n = chain.states.length;
    this.naughty = new Array<boolean>(n).fill(false);
    this.unseen = new Array<boolean>(n).fill(false);
    this.shares = this.probs = null;
    this.walk = { node: -1, edge: -1 };
    this.found = this.hovered = this.hoveredToken = this.linkedEdge = -1;
    this.picking = false;
    this.runner.reset();
    if (!this.kChosen) {
      this.focusK = defaultFocusK(chain.tokens.length);
      this.toolbar.k.value = String(this.focusK);
    }
    this.matrix.setChain(chain.states, chain.tokens);
    this.draw(chain, keep >= 0 ? keep : -1);
  }

  /** Hot path: a new distribution (full chain, states × V). `hideZero`: greedy (T = 0). */
  setProbs(probs: ArrayLike<number> | null, hideZero = false): void {
    this.probs = probs;
    this.hideZero = hideZero;
    this.matrix.setProbs(probs);
    const mapped = this.map.rows(probs, this.map.full.tokens.length);
    if (!this.cv.on) {
      this.scene.setProbs(mapped, hideZero);
      return this.requestFit(); // labels moved: the viewBox may refit (viewBoxFit.ts)
    }
    this.cv.layer.setProbs(mapped, hideZero);
    this.cv.request();
  }

  /** Presentation mode: thicker edges and bigger labels (the rest is CSS on the root). */
  setPresentation(on: boolean): void {
    this.scene.setPresentation(on);
    this.cv.layer.widthScale = on ? 1.7 : 1;
    this.onResize(); // bigger labels need more room round the ring
    this.setProbs(this.probs, this.hideZero);
  }

  /** States marked "naughty" (forbidden), drawn red. */
  setNaughty(marked: boolean[]): void {
    this.naughty = marked;
    this.matrix.setNaughty(marked);
    const m = this.map.flags(marked);
    if (!this.cv.on) this.scene.toggleNodes("bg-naughty", (i) => m[i]);
    else if (this.cv.layer.setNaughty(m)) this.cv.request();
  }

  /** States never seen in the data (dashed outline). */
  setUnseen(unseen: boolean[]): void {
    this.unseen = unseen;
    this.matrix.setUnseen(unseen);
    const m = this.map.flags(unseen);
    if (!this.cv.on) this.scene.toggleNodes("bg-unseen", (i) => m[i]);
    else if (this.cv.layer.setUnseen(m)) this.cv.request();
  }

  /** Long-run shares of the states: the node shade. */
  setShares(shares: ArrayLike<number> | null): void {
    this.shares = shares;
    this.updateHint();
    const m = this.map.rows(shares, 1);
    if (!this.cv.on) this.scene.marks.setShares(m);
    else if (this.cv.layer.setShares(m)) this.cv.request();
  }

  /** Where an animated walk is: its current node and the edge it just took (-1: none). */
  setWalk(node: number, edge: number): void {
    const was = this.walk;
    this.walk = { node, edge };
    this.el.dataset.hasWalk = node >= 0 ? "1" : ""; // the legend's walk key shows only then
    if (this.cv.on) return this.overlay();
    const [a, b] = [this.map.node(was.node), this.map.node(node)];
    if (a !== b) {
      this.scene.nodeEls[a]?.classList.remove("bg-walk");
      this.scene.nodeEls[b]?.classList.add("bg-walk");
    }
    if (was.edge !== edge) {
      this.scene.markEdge(this.map.edge(was.edge), "bg-walk", false);
      this.scene.markEdge(this.map.edge(edge), "bg-walk", true);
    }
  }

  /** Emphasise a node's outgoing edges while it is hovered (and its row in the matrix); with a
   *  token index, only the edge taking that token (and its cell). */
  highlight(nodeIndex: number | null, tokenIndex = -1): void {
    const i = nodeIndex ?? -1;
    this.hovered = i;
    this.hoveredToken = i >= 0 ? tokenIndex : -1;
    if (this.linkedEdge < 0) this.matrix.setLinked(i >= 0 ? { row: i, col: this.hoveredToken } : null);
    const d = this.map.node(i);
    if (!this.cv.on) return this.scene.highlight(d >= 0 ? d : null, this.svg, this.hoveredToken);
    this.el.classList.toggle("bg-focus", d >= 0);
    this.overlay();
  }

  /** The searched state (-1: none): a blue halo (unlike the naughty and unseen rings). */
  setFound(index: number): void {
    const i = index >= 0 && index < this.map.full.states.length ? index : -1;
    this.scene.nodeEls[this.map.node(this.found)]?.classList.remove("bg-found");
    this.found = i;
    this.el.dataset.hasFound = i >= 0 ? "1" : ""; // the legend's search key shows only then
    const d = this.map.node(i);
    if (!this.cv.on) return void this.scene.nodeEls[d]?.classList.add("bg-found");
    this.cv.layer.skipLabel = d;
    this.overlay();
    this.cv.request();
  }

  /** Focus view on a state (full index) and its k-step neighbourhood, in and out. */
  showFocus(index: number, k = this.focusK): void {
    if (index < 0 || index >= this.map.full.states.length) return;
    this.focusK = k;
    this.toolbar.k.value = String(k);
    this.picking = false;
    this.draw(this.map.full, index);
  }

  /** Back to the whole chain. */
  endFocus(): void {
    const was = this.map.nb !== null;
    this.picking = false;
    this.svg.classList.remove("bg-picking");
    if (was) this.draw(this.map.full, -1);
    else this.toolbar.setFocus(null, false);
  }

  /** The transition matrix beside the drawing (or not). */
  showMatrix(on: boolean): void {
    this.matrix.el.hidden = !on;
    this.el.classList.toggle("bg-with-matrix", on);
    this.toolbar.setMatrix(on);
    if (on) this.matrix.relayout();
    this.updateHint(); // the matrix open: the learner has their way in
    this.onResize();
  }

  /** Run `fn` (an export) on the drawing as a picture: no walk, hover or search marks, and a
   *  big chain's canvas copied into the SVG as an image. */
  withSnapshot<T>(fn: () => T): T {
    const { walk, hovered, hoveredToken, found } = this;
    this.setWalk(-1, -1);
    this.highlight(null);
    this.setFound(-1);
    this.cv.flush();
    try {
      return this.cv.on ? withCanvasImage(this.dom, this.box, this.frame.half, fn) : fn();
    } finally {
      this.setFound(found);
      this.setWalk(walk.node, walk.edge);
      if (hovered >= 0) this.highlight(hovered, hoveredToken);
    }
  }

  /** Extra strokes along edges (full-chain indices) of one `owner` (runs compared, Push the
   *  chain); null removes that owner's. SVG drawings only: false when a canvas draws the chain. */
  setEdgeDecor(items: EdgeDecor[] | null, mode = "", owner = "compare"): boolean {
    this.decor ??= new EdgeDecorLayer(this.dom.lines, this.svg);
    this.decor.set(items, mode, owner);
    this.afterGeometry();
    return !this.cv.on;
  }

  protected afterGeometry(): void {
    this.decor?.draw(this.cv.on ? [] : this.map.chain.edges.map((_, i) => ({ full: this.map.fullEdge(i), d: this.shapes[i]?.d ?? "" })));
  }

  destroy(): void {
    this.large.close(false);
    this.resize?.disconnect();
    this.destroyRender();
    this.el.remove();
  }

  // ---- what is drawn ------------------------------------------------------------------------

  /** Draw `chain` whole (centre -1) or a focus view round `centre`, then re-apply its data. */
  private draw(chain: Chain, centre: number): void {
    this.map.set(chain, centre >= 0 ? neighbourhood(chain, centre, this.focusK) : null);
    this.marks.setMap(this.map.nb ? this.map.nb.nodes : null, chain.tokens.length);
    this.render();
    this.setProbs(this.probs, this.hideZero);
    this.setNaughty(this.naughty);
    this.setUnseen(this.unseen);
    this.setShares(this.shares);
    this.marks.reapply();
    const walk = this.walk;
    this.walk = { node: -1, edge: -1 };
    this.setWalk(walk.node, walk.edge);
    this.setFound(this.found);
    this.toolbar.setFocus(this.focusState, false);
    this.updateHint();
    this.cv.request();
  }

  /** A big chain drawn whole: one line on what to do, and Focus on its likeliest state. */
  private updateHint(): void {
    const full = this.map.full;
    const i = argmaxOf(this.shares);
    const state = i >= 0 && i < full.states.length ? full.states[i] : undefined;
    this.hint.update(this.cv.on && !this.map.nb && !this.matrix.visible, full.states.length, state === undefined ? null : { index: i, state });
  }

  protected marksNow(): Marks {
    const m = this.map;
    return { focusNode: m.node(this.hovered), focusToken: this.hoveredToken, walkNode: m.node(this.walk.node), walkEdge: m.edge(this.walk.edge), found: m.node(this.found), linkedEdge: m.edge(this.linkedEdge) };
  }

  private overlay(): void {
    this.cv.drawOverlay(this.marksNow());
  }

  // ---- interaction --------------------------------------------------------------------------

  /** Focus: on the searched state, else the walk's, else the next state clicked. */
  private startFocus(): void {
    const pick = this.found >= 0 ? this.found : this.walk.node;
    if (pick >= 0) return this.showFocus(pick);
    this.picking = !this.picking;
    this.svg.classList.toggle("bg-picking", this.picking);
    this.toolbar.setFocus(this.focusState, this.picking);
    if (this.picking) this.el.focus({ preventScroll: true });
  }

  private onClickNode(full: number, ev: MouseEvent): void {
    if (full < 0) return;
    if (this.picking) return this.showFocus(full);
    this.hooks.clickNode?.(full, ev);
  }

  private onHoverEdge(full: number | null, ev: MouseEvent): void {
    const e = full === null ? undefined : this.map.full.edges[full];
    this.matrix.setLinked(e ? { row: e.fromIndex, col: e.tokenIndex } : null);
    this.hooks.hoverEdge(full, ev);
  }

  /** A matrix cell hovered: its edge lights up in the drawing (and the tooltip shows it). */
  private onHoverCell(cell: Cell | null, ev: MouseEvent): void {
    const full = cell ? this.map.full.edges.findIndex((e) => e.fromIndex === cell.row && e.tokenIndex === cell.col) : -1;
    if (this.linkedEdge >= 0) this.scene.markEdge(this.map.edge(this.linkedEdge), "bg-linked", false);
    this.linkedEdge = full;
    this.el.dataset.linkedEdge = full >= 0 ? this.map.full.edges[full].id : "";
    if (full >= 0) this.scene.markEdge(this.map.edge(full), "bg-linked", true);
    this.svg.classList.toggle("bg-linking", full >= 0 && !this.cv.on);
    if (this.cv.on) this.overlay();
    this.hooks.hoverEdge(full >= 0 ? full : null, ev);
  }

  /** Canvas mode: what the pointer is over (node or edge, drawn indices). */
  private setPointer(hit: Hit | null, ev: MouseEvent): void {
    const was = this.cv.pointer;
    const same = was !== null && hit !== null && was.kind === hit.kind && was.index === hit.index;
    const report = (h: Hit, on: boolean): void =>
      h.kind === "node" ? this.hooks.hoverNode(on ? this.map.fullNode(h.index) : null, ev) : this.onHoverEdge(on ? this.map.fullEdge(h.index) : null, ev);
    if (was && !same) report(was, false);
    this.cv.pointer = hit;
    this.svg.classList.toggle("bg-over-node", hit?.kind === "node");
    this.el.classList.toggle("bg-edge-focus", hit?.kind === "edge");
    if (hit) report(hit, true);
    if (!same) this.overlay();
  }
}
