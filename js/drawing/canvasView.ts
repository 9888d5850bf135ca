// Big chains on the canvas (CanvasLayer paints), with hit-testing instead of per-element
// listeners and the few SVG marks on top: hovered node and its edges, hovered or linked
// edge, walk, search.
import type { Chain } from "../model/chain";
import { screenScale, toDrawing } from "./canvasGeometry";
import type { ScreenBox, ZoomState } from "./canvasGeometry";
import { CanvasLayer, readColors } from "./canvasLayer";
import type { Ctx2D, PaintStats } from "./canvasLayer";
import type { EdgeShape, Point } from "./edgeShapes";
import type { Frame } from "./nodePositions";
import { tokenClass } from "./palette";

const SVG = "http://www.w3.org/2000/svg";
const r1 = (v: number): number => Math.round(v * 10) / 10;
const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

export function nextFrame(cb: () => void): unknown {
  const g = globalThis as { requestAnimationFrame?: (cb: () => void) => number };
  return g.requestAnimationFrame ? g.requestAnimationFrame(cb) : setTimeout(cb, 16);
}
export function cancelFrame(h: unknown): void {
  const g = globalThis as { cancelAnimationFrame?: (h: number) => void };
  if (g.cancelAnimationFrame && typeof h === "number") g.cancelAnimationFrame(h);
  else clearTimeout(h as ReturnType<typeof setTimeout>);
}

export type Hit = { kind: "node" | "edge"; index: number };

export interface Marks {
  focusNode: number;
  /** With focusNode: only its edge taking this token (-1: all its edges). */
  focusToken: number;
  walkNode: number;
  walkEdge: number;
  found: number;
  linkedEdge: number;
}

export class CanvasView {
  readonly layer = new CanvasLayer();
  lastPaint: PaintStats | null = null;
  on = false;
  pointer: Hit | null = null;
  private ctx: Ctx2D | null = null;
  private paintDirty = false;
  private paintHandle: unknown = null;
  private colorsAt = -Infinity;
  private chain: Chain = { states: [], tokens: [], edges: [], contextLength: 0 };
  private frame: Frame = { radius: 1, nodeRadius: 1, half: 1 };
  private positions: Point[] = [];
  private shapes: EdgeShape[] = [];

  constructor(
    private readonly el: HTMLElement,
    private readonly svg: SVGSVGElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly overlay: SVGGElement,
    private readonly box: () => { width: number; height: number } | null,
    private readonly zoom: () => ZoomState,
  ) {}

  setChain(chain: Chain, frame: Frame, on: boolean, arrow: number): void {
    this.on = on;
    this.chain = chain;
    this.frame = frame;
    this.pointer = null;
    this.canvas.hidden = !on;
    this.overlay.replaceChildren();
    if (!on) return;
    this.layer.setChain(chain, frame.nodeRadius, arrow);
    this.colorsAt = -Infinity;
  }

  setGeometry(pos: Point[], shapes: EdgeShape[], marks: Marks): void {
    this.positions = pos;
    this.shapes = shapes;
    if (!this.on) return;
    this.layer.setGeometry(pos, shapes);
    this.drawOverlay(marks);
    this.request();
  }

  screenBox(): ScreenBox | null {
    const b = this.box();
    return b ? { ...b, half: this.frame.half } : null;
  }

  request(): void {
    if (!this.on) return;
    this.paintDirty = true;
    if (this.paintHandle === null) {
      this.paintHandle = nextFrame(() => {
        this.paintHandle = null;
        if (this.paintDirty) this.paint();
      });
    }
  }

  flush(): void {
    if (this.paintHandle !== null) {
      cancelFrame(this.paintHandle);
      this.paintHandle = null;
    }
    if (this.paintDirty) this.paint();
  }

  private paint(): void {
    this.paintDirty = false;
    if (!this.on) return;
    const box = this.box();
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
    const t0 = now();
    this.lastPaint = this.layer.paint(this.ctx, { ...box, half: this.frame.half }, this.zoom(), dpr);
    this.el.dataset.canvasEdges = String(this.lastPaint.edges);
    this.el.dataset.paintMs = (now() - t0).toFixed(2); // benchmarks read it
  }

  /** What is under the mouse: a node first, else the nearest edge. */
  hitTest(ev: MouseEvent): Hit | null {
    const sb = this.screenBox();
    if (!sb) return null;
    const r = this.svg.getBoundingClientRect();
    const z = this.zoom();
    const p = toDrawing(ev.clientX - r.left, ev.clientY - r.top, sb, z);
    const scale = screenScale(sb, z);
    const node = this.layer.nodeAt(p, scale);
    if (node >= 0) return { kind: "node", index: node };
    const edge = this.layer.edgeAt(p, scale);
    return edge >= 0 ? { kind: "edge", index: edge } : null;
  }

  /** The SVG marks on top of the canvas. */
  drawOverlay(m: Marks): void {
    if (!this.on) return;
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
    if (m.focusNode >= 0) {
      this.chain.edges.forEach((e, i) => {
        if (e.fromIndex === m.focusNode && (m.focusToken < 0 || e.tokenIndex === m.focusToken) && !this.layer.edgeHidden(i)) path(i, `bg-active ${tokenClass(e.tokenIndex)}`);
      });
      ring(m.focusNode, "bg-hover-ring");
    }
    if (this.pointer?.kind === "edge") path(this.pointer.index, "bg-active bg-hover-edge");
    if (m.linkedEdge >= 0) path(m.linkedEdge, "bg-active bg-hover-edge bg-linked");
    if (m.walkEdge >= 0) path(m.walkEdge, "bg-walk");
    if (m.walkNode >= 0) ring(m.walkNode, "bg-walk-ring");
    if (m.found >= 0) {
      ring(m.found, "bg-found-ring");
      const p = this.positions[m.found];
      const t = document.createElementNS(SVG, "text");
      t.setAttribute("class", "bg-found-label");
      t.setAttribute("x", String(r1(p.x)));
      t.setAttribute("y", String(r1(p.y)));
      t.textContent = this.chain.states[m.found];
      parts.push(t);
    }
    this.overlay.replaceChildren(...parts);
    this.sizeOverlay(m.found);
  }

  /** Overlay rings and labels keep their size on screen whatever the zoom. */
  sizeOverlay(found: number): void {
    if (!this.overlay.firstChild) return;
    const sb = this.screenBox();
    const S = sb ? screenScale(sb, this.zoom()) : this.zoom().k;
    if (!(S > 0)) return;
    const r = this.frame.nodeRadius;
    for (const c of this.overlay.querySelectorAll<SVGCircleElement>("circle[data-ring]")) {
      const extra = c.classList.contains("bg-found-ring") ? 9 : 4;
      c.setAttribute("r", String(Math.max(r + 2 / S, (r * S + extra) / S)));
    }
    const label = this.overlay.querySelector<SVGTextElement>("text.bg-found-label");
    if (label && found >= 0) {
      const p = this.positions[found];
      const ringPx = r * S + 9;
      label.setAttribute("font-size", String(14 / S));
      label.setAttribute("y", String(p.y - (ringPx + 10) / S));
    }
  }

  destroy(): void {
    if (this.paintHandle !== null) cancelFrame(this.paintHandle);
    this.paintHandle = null;
  }
}
