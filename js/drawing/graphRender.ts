// Drawing the chain as shown (the whole chain or a focus view) into its box: the frame and
// viewBox for the box's size (an oval ring in a wide box, room for labels), node positions,
// edge shapes, the SVG scene or the canvas, and zoom/pan. GraphView (graph.ts) adds the data,
// the interaction and the public API on top.
import { select } from "d3-selection";
import "d3-transition";
import { focusZoom, scaleForRadius, screenScale, zoomExtent } from "./canvasGeometry";
import type { ScreenBox, ZoomState } from "./canvasGeometry";
import { CanvasView } from "./canvasView";
import type { Marks } from "./canvasView";
import type { PaintStats } from "./canvasLayer";
import { DrawnMap } from "./fullToDrawn";
import { meetScale, padded, refit, unionRect, viewBoxText } from "./viewBoxFit";
import type { ViewRect } from "./viewBoxFit";
import { focusBox, focusLayout, loopDirection } from "./focus/focusPositions";
import { ForceRunner } from "./forceRunner";
import { BEND_PAIR, BEND_SINGLE, curveShape, loopShape, outwardFrom } from "./edgeShapes";
import type { EdgeShape, Point } from "./edgeShapes";
import { ARROW, buildGraphDom } from "./graphDom";
import type { GraphDom } from "./graphDom";
import { frameFor, ovalLayout, ringLayout } from "./nodePositions";
import type { Frame } from "./nodePositions";
import { renderMode } from "./renderMode";
import type { RenderMode } from "./renderMode";
import { halfWithLabels, MAX_ASPECT, MIN_PRESENT_FONT, MIN_SCREEN_FONT, radialLabels, SvgScene } from "./svgScene";
import { CHAR_EM, LINE_EM } from "./labels";
import type { SceneHooks } from "./svgScene";
import { Viewport } from "./viewport";
import { LabelDrag } from "./labelDrag";
import type { LayoutKind } from "../model/types";

export const LAYOUT_MS = 400;
/** Zoom to a searched state until it is about this big (radius, CSS pixels). */
const FOCUS_PX = 22;
/** Node radius of a focus view, and the font its outside state labels are laid out for
 *  (drawing units). */
const FOCUS_R = 26;
const FOCUS_LABEL_FONT = 18;

/**
 * Size (drawing units) of a focus view's state labels beside their nodes (w 0: they fit inside).
 * The text is ≥ MIN_SCREEN_FONT px on screen, so its size in drawing units depends on how far the
 * layout spreads, which depends on the labels: a few rounds of that estimate (ring d of the
 * layout at d × ring, focusPositions.ts), capped, for the box the drawing has.
 */
export function focusLabelSize(chars: number, k: number, box: { width: number; height: number } | null, present: boolean): { w: number; h: number } {
  const least = present ? 19 : 15;
  if (least <= (FOCUS_R * 2.9) / Math.max(1, chars)) return { w: 0, h: 0 };
  const size = (f: number): { w: number; h: number } => ({ w: chars * CHAR_EM * f + 2, h: LINE_EM * f });
  let f = Math.max(least, FOCUS_LABEL_FONT);
  const side = box ? Math.min(box.width, box.height) : 0;
  if (side > 0)
    for (let round = 0; round < 8; round++) {
      const { w, h } = size(f);
      const b = focusBox({ r: FOCUS_R, labelW: w, labelH: h });
      const ring = Math.max(5 * FOCUS_R, 2 * b.hh + 2 * FOCUS_R, b.hw + 2 * FOCUS_R);
      const half = k * ring + FOCUS_R * 3.6 + w / 2;
      f = Math.min(4 * least, Math.max(least, ((present ? MIN_PRESENT_FONT : MIN_SCREEN_FONT) * 2 * half) / side));
    }
  return size(f);
}

let instances = 0;

export abstract class GraphRender {
  protected readonly dom: GraphDom;
  protected readonly scene: SvgScene;
  protected readonly cv: CanvasView;
  protected readonly view: Viewport;
  protected readonly runner: ForceRunner;
  protected readonly map = new DrawnMap();
  /** Dragging an edge's label nudges the edge (SVG drawings; the app says what is sent). */
  readonly labelDrag: LabelDrag;
  protected mode: RenderMode = "svg";
  protected frame: Frame = frameFor(0);
  protected layout: LayoutKind = "circular";
  protected positions: Point[] = [];
  protected shapes: EdgeShape[] = [];
  protected box: { width: number; height: number } | null = null;
  /** A focus view's layout (before the box's stretch); null: the whole chain is drawn. */
  private focusBase: Point[] | null = null;
  /** A focus view's neighbours of each node (for its self-loops' direction). */
  private focusNeighbours: number[][] | null = null;
  protected pixelScale = 1;
  /** The frame's own half side, before room for outside labels is added. */
  private baseHalf = frameFor(0).half;
  private shownHalf = -1;
  /** Width / height of the ring: a wide box gets an oval (more room along the top and bottom). */
  private aspect = 1;
  /** The viewBox fitted to what is drawn (viewBoxFit.ts; SVG drawings of the whole chain), else null. */
  private fitted: ViewRect | null = null;
  private fitTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(sceneHooks: SceneHooks) {
    const markerId = `bg-arrow-${++instances}`;
    this.dom = buildGraphDom(markerId);
    const d = this.dom;
    this.scene = new SvgScene(d.nodes, d.lines, d.labels, `${markerId}`, sceneHooks);
    this.cv = new CanvasView(d.el, d.svg, d.canvas, d.overlay, () => this.measure(), () => this.view.state);
    this.view = new Viewport(d.svg, d.viewport, () => this.onZoom(), () => this.scene.setScale(this.screenScale()));
    this.runner = new ForceRunner((pos) => this.applyPositions(pos));
    this.labelDrag = new LabelDrag(d.labels, () => d.el.focus({ preventScroll: true }));
    d.pane.append(this.view.hint);
  }

  /** Marks the canvas overlay shows (drawn indices). */
  protected abstract marksNow(): Marks;

  get isCanvas(): boolean {
    return this.cv.on;
  }

  get zoom(): ZoomState {
    return { ...this.view.state };
  }

  get lastPaint(): PaintStats | null {
    return this.cv.lastPaint;
  }

  getLayout(): LayoutKind {
    return this.layout;
  }

  /** Switch layouts, animating node positions unless `animate` is false. */
  setLayout(kind: LayoutKind, animate = true): void {
    if (kind === this.layout) return;
    this.layout = kind;
    this.runner.stopSettling();
    if (kind === "circular") this.runner.reset();
    if (this.map.nb) return; // the focus view keeps its rings
    this.updateFrame();
    const from = this.positions.map((p) => ({ ...p }));
    const to = this.targetPositions();
    this.enableInteraction();
    const svg = select(this.dom.svg);
    svg.interrupt("layout");
    if (!animate || from.length !== to.length || this.runner.settling) {
      this.applyPositions(to);
      return this.fitContent();
    }
    svg
      .transition("layout")
      .duration(LAYOUT_MS)
      .tween("positions", () => (t: number) => {
        this.applyPositions(from.map((a, i) => ({ x: a.x + (to[i].x - a.x) * t, y: a.y + (to[i].y - a.y) * t })));
      })
      .on("end", () => this.fitContent());
  }

  /** Pan (and zoom in if needed) so node i (full chain) is in the middle and readable. */
  focusOn(index: number, animate = true): void {
    const p = this.positions[this.map.node(index)];
    if (!p || (this.mode === "svg" && this.view.state.k <= 1)) return; // all in view and readable already
    const sb = this.screenBox() ?? { width: 600, height: 600, half: this.frame.half };
    const [lo, hi] = this.zoomExtentNow();
    const want = this.cv.on || this.mode === "svg-dense" ? scaleForRadius(sb, this.frame.nodeRadius, FOCUS_PX) : 1;
    const k = Math.min(hi, Math.max(lo, this.view.state.k, want));
    this.view.set(focusZoom(p, k), animate);
  }

  /** The whole chain in the box. */
  fit(animate = true): void {
    this.view.fit(animate);
    this.requestFit();
  }

  /** Run a pending canvas paint now (the app calls this at the end of its redraw). */
  flush(): void {
    this.cv.flush();
  }

  /** (Re)build the drawing of `map.chain`: mode, frame, elements, positions, zoom. */
  protected render(): void {
    const nb = this.map.nb;
    const chain = this.map.chain;
    this.mode = renderMode(chain.states.length, chain.edges.length);
    const canvas = this.mode === "canvas";
    this.focusBase = this.focusNeighbours = null;
    if (nb) {
      const chars = Array.from(chain.states[0] ?? "").length;
      const label = focusLabelSize(chars, nb.k, this.measure(), this.scene.present);
      const labelW = label.w;
      const laid = focusLayout(nb, { r: FOCUS_R, labelW, labelH: label.h });
      this.focusBase = laid.positions;
      this.focusNeighbours = chain.states.map(() => []);
      for (const e of chain.edges)
        if (e.fromIndex !== e.toIndex) {
          this.focusNeighbours[e.fromIndex].push(e.toIndex);
          this.focusNeighbours[e.toIndex].push(e.fromIndex);
        }
      // room round the nodes: loops and their labels, and each node's own label box
      const room = labelW > 0 ? Math.max(FOCUS_R * 3.6, ...Object.values(focusBox({ r: FOCUS_R, labelW, labelH: label.h }))) : FOCUS_R * 3.6;
      this.frame = { radius: laid.radius, nodeRadius: FOCUS_R, half: laid.radius + room + 4 };
    } else this.frame = frameFor(chain.states.length);
    this.baseHalf = this.frame.half;
    this.shownHalf = -1;
    const { el, svg } = this.dom;
    svg.classList.toggle("bg-dense", this.mode === "svg-dense");
    el.classList.toggle("bg-canvas-mode", canvas);
    el.classList.toggle("bg-focus-view", nb !== null);
    el.classList.remove("bg-focus", "bg-edge-focus");
    svg.classList.remove("bg-focus", "bg-over-node", "bg-picking");
    el.dataset.renderMode = this.mode;
    this.scene.setChain(chain, this.frame, this.mode === "svg-dense", !canvas);
    this.cv.setChain(chain, this.frame, canvas, canvas ? (ARROW * this.frame.nodeRadius) / 26 : ARROW);
    select(svg).interrupt("layout").interrupt("focus");
    this.onResize();
    this.applyPositions(this.targetPositions());
    this.enableInteraction();
    this.fitContent();
  }

  protected targetPositions(): Point[] {
    const chain = this.map.chain;
    if (this.map.nb && this.focusBase) return this.focusBase;
    if (this.layout === "circular" || chain.states.length === 0) return ovalLayout(ringLayout(chain, this.frame.radius), this.aspect);
    return this.runner.positions(chain, this.frame);
  }

  /** Geometry for all nodes and edges: layout changes and drags only. */
  protected applyPositions(pos: Point[]): void {
    this.positions = pos;
    const style = { r: this.frame.nodeRadius, arrow: this.cv.on ? (ARROW * this.frame.nodeRadius) / 26 : ARROW };
    const n = pos.length || 1;
    const centre = { x: pos.reduce((s, p) => s + p.x, 0) / n, y: pos.reduce((s, p) => s + p.y, 0) / n };
    this.shapes = this.map.chain.edges.map((e) => {
      const a = pos[e.fromIndex];
      return e.kind === "loop"
        ? loopShape(a, this.focusNeighbours ? loopDirection(a, this.focusNeighbours[e.fromIndex].map((j) => pos[j])) : outwardFrom(centre, a), style)
        : curveShape(a, pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, style);
    });
    if (this.cv.on) this.cv.setGeometry(pos, this.shapes, this.marksNow());
    else this.scene.setGeometry(pos, this.shapes);
    this.labelDrag.refresh(this.scene.labelGroupEls, false); // a new drawing: which labels drag
    this.afterGeometry();
  }

  /** Edges moved (layout, drag, resize, new chain): extra edge marks follow (graph.ts). */
  protected afterGeometry(): void {}

  /** Zoom and pan at every size; dragging nodes: the force layout drawn in SVG. */
  private enableInteraction(): void {
    this.view.setExtent(this.zoomExtentNow(), this.frame.half * this.aspect);
    this.view.fit(false);
    this.dom.svg.classList.add("bg-interactive");
    const drag = this.layout === "force" && !this.cv.on && !this.map.nb && this.runner.force !== null;
    this.runner.bindDrag(this.dom.nodes, drag, () => this.positions, this.dom.svg);
  }

  private zoomExtentNow(): [number, number] {
    return this.mode === "svg" ? [0.5, 8] : zoomExtent(this.frame.half, this.frame.nodeRadius);
  }

  /**
   * The viewBox for the box: an oval ring in a wide box (circular layout drawn as SVG), and
   * room round the ring for state labels that must sit outside their nodes. True when the
   * ring's shape changed (positions must follow).
   */
  private updateFrame(): boolean {
    const box = this.box;
    const oval = box !== null && !this.cv.on && !this.map.nb && this.layout === "circular";
    const aspect = oval ? Math.min(MAX_ASPECT, Math.max(1, box.width / box.height)) : 1;
    const changed = Math.abs(aspect - this.aspect) > 0.02;
    if (changed) this.aspect = aspect;
    const a = this.aspect;
    this.scene.aspect = a;
    this.scene.ring = this.layout === "circular" && !this.map.nb;
    const chars = Array.from(this.map.chain.states[0] ?? "").length;
    // a focus view's layout keeps its labels' room itself (focusLabelSize): no ring's margin
    const half = this.cv.on || !box || this.map.nb ? this.baseHalf : halfWithLabels(this.baseHalf, this.frame.radius, this.frame.nodeRadius, chars, Math.min(box.width / a, box.height), this.scene.present, radialLabels(this.scene.ring, this.map.chain.states.length, chars));
    if (changed || half !== this.shownHalf) {
      this.shownHalf = half;
      this.frame = { ...this.frame, half };
      const h = Math.round(half * 10) / 10;
      const w = Math.round(half * a * 10) / 10;
      this.dom.svg.setAttribute("viewBox", `${-w} ${-h} ${2 * w} ${2 * h}`);
      this.fitted = null;
      this.view.setExtent(this.zoomExtentNow(), half * a);
    }
    return changed;
  }

  protected onResize(): void {
    const r = this.dom.svg.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) this.box = { width: r.width, height: r.height };
    if (this.updateFrame() && this.positions.length && !this.runner.settling) this.applyPositions(this.targetPositions());
    if (this.box) this.pixelScale = Math.min(this.box.width / this.aspect, this.box.height) / (2 * this.frame.half);
    this.scene.setScale(this.screenScale());
    if (this.cv.on) {
      this.cv.sizeOverlay(this.marksNow().found);
      this.cv.request();
    }
    this.fitContent();
  }

  /** Soon (at most every 200 ms, after the scene's throttled label placement): refit. */
  protected requestFit(): void {
    if (this.fitTimer !== null) return;
    this.fitTimer = setTimeout(() => {
      this.fitTimer = null;
      this.fitContent();
    }, 200);
  }

  /**
   * Fit the viewBox to what is drawn (viewBoxFit.ts): the whole chain as SVG, unzoomed, not while it
   * moves (a layout animating or settling, a node dragged). Fonts follow the new scale and the
   * labels are re-placed, so it measures again (a few passes at most).
   */
  protected fitContent(): void {
    const { svg, nodes, lines, labels } = this.dom;
    const z = this.view.state;
    const force = this.runner.force;
    if (this.cv.on || this.map.nb || !this.box || typeof nodes.getBBox !== "function") return;
    if (z.k !== 1 || z.x !== 0 || z.y !== 0 || this.runner.settling || (force !== null && force.simulation.alphaTarget() > 0)) return;
    const measure = (withOutsideLabels: boolean): ViewRect | null => {
      svg.classList.toggle("bg-measuring", !withOutsideLabels); // CSS hides outside state labels
      try {
        return unionRect([nodes, lines, labels].map((g) => {
          const b = g.getBBox();
          return { x: b.x, y: b.y, w: b.width, h: b.height };
        }));
      } catch {
        return null; // not rendered (display: none)
      } finally {
        svg.classList.remove("bg-measuring");
      }
    };
    for (let pass = 0; pass < 3; pass++) {
      const all = measure(true);
      if (!all) return;
      // State labels beside their nodes take room, which shrinks the drawing, which keeps them
      // beside: if the drawing fitted without them holds them inside its nodes, fit to that.
      const beside = svg.querySelector(".bg-node-label.bg-outside:not(.bg-label-off)") !== null;
      const bare = beside ? measure(false) : null;
      const vb = svg.viewBox.baseVal;
      const current = this.fitted ?? (vb && vb.width > 0 ? { x: vb.x, y: vb.y, w: vb.width, h: vb.height } : null);
      const next = bare && this.scene.insideAt(meetScale(padded(bare), this.box)) ? padded(bare) : refit(padded(all), current, this.box);
      if (!next) return;
      this.fitted = next;
      svg.setAttribute("viewBox", viewBoxText(next));
      this.scene.setScale(this.screenScale());
    }
  }

  private onZoom(): void {
    if (!this.cv.on) return;
    this.cv.sizeOverlay(this.marksNow().found);
    this.cv.request();
  }

  protected measure(): { width: number; height: number } | null {
    if (!this.box) {
      const r = this.dom.svg.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) this.box = { width: r.width, height: r.height };
    }
    return this.box;
  }

  /** The box as the scale maths see it: an oval's viewBox is `aspect` times wider. */
  private screenBox(): ScreenBox | null {
    const b = this.measure();
    if (!b) return null;
    const width = b.width / this.aspect;
    // a fitted viewBox: the half that gives its scale (canvasGeometry's maths assume a square)
    const half = this.fitted ? Math.min(width, b.height) / (2 * meetScale(this.fitted, b)) : this.frame.half;
    return { width, height: b.height, half };
  }

  /** CSS pixels per drawing unit, zoom included. */
  protected screenScale(): number {
    const sb = this.screenBox();
    return sb ? screenScale(sb, this.view.state) : this.pixelScale * this.view.state.k;
  }

  protected destroyRender(): void {
    this.labelDrag.cancel();
    if (this.fitTimer !== null) clearTimeout(this.fitTimer);
    this.runner.reset();
    this.cv.destroy();
    this.view.destroy();
    select(this.dom.svg).interrupt("layout");
  }
}
