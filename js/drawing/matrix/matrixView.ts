// The transition matrix as a heatmap on a canvas: one row per state, one column per next
// token, colour = probability (a labelled key above it), values in the cells when they fit and
// for the cell under the pointer. Rows can be filtered and sorted (matrixOrder.ts); only the
// rows in view are painted, so 4,096 rows scroll as smoothly as 8. Linked to the drawing:
// hovering a cell reports its edge, and the drawing's hovered edge or node is outlined here.
// "Enlarge" shows it in the large view (over the drawing, bigger text); Close puts it back.
import { interpolateRgb } from "d3-interpolate";
import { readColors } from "../canvasLayer";
import type { CanvasColors } from "../canvasLayer";
import type { LargeView } from "../../ui/largeView";
import { MatrixControls } from "./matrixControls";
import { cellAt, cellRect, contentHeight, matrixGeometry, rowAt, scrollToRow, valuesFit, visibleRows } from "./matrixGeometry";
import type { Cell, MatrixGeometry } from "./matrixGeometry";
import { DEFAULT_QUERY, matrixOrder, sortUsesProbs } from "./matrixOrder";
import type { MatrixQuery } from "./matrixOrder";

export interface MatrixHooks {
  /** The pointer is over cell (row = state, col = token), or over nothing (null). */
  hoverCell(cell: Cell | null, ev: MouseEvent): void;
  /** The matrix moved into the large view or back (the drawing's box changed). */
  relocated?(): void;
}

const RAMP = 64;
/** Least time between two re-sorts driven by new probabilities (Play): rows stay readable. */
const RESORT_MS = 400;
const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;
const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

export class MatrixView {
  readonly el: HTMLDivElement;
  readonly controls: MatrixControls;
  private readonly area: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private states: string[] = [];
  private tokens: string[] = [];
  private probs: ArrayLike<number> | null = null;
  private unseen: boolean[] = [];
  private naughty: boolean[] = [];
  private query: MatrixQuery = DEFAULT_QUERY;
  /** Shown rows: state index of each, and each state's position (-1: filtered out). */
  private order: Int32Array = new Int32Array(0);
  private posOf: Int32Array = new Int32Array(0);
  private sortedAt = -Infinity;
  private geom: MatrixGeometry = matrixGeometry(0, 0, 1, 300);
  private hover: Cell | null = null;
  /** Row/cell outlined because the drawing's pointer is on it (col -1: the whole row). */
  private linked: Cell | null = null;
  private colors: CanvasColors | null = null;
  private ramp: string[] = [];
  private pending = false;
  private large: LargeView | null = null;
  private home: { parent: Node; next: Node | null } | null = null;

  constructor(private readonly hooks: MatrixHooks) {
    this.el = document.createElement("div");
    this.el.className = "bg-matrix";
    this.el.dataset.role = "matrix";
    this.controls = new MatrixControls((q) => this.setQuery(q), () => this.toggleLarge());
    this.area = document.createElement("div");
    this.area.className = "bg-matrix-area";
    this.scroller = document.createElement("div");
    this.scroller.className = "bg-matrix-scroll";
    this.scroller.tabIndex = 0; // arrow keys / page keys scroll it
    this.scroller.setAttribute("aria-label", "transition matrix rows (scroll)");
    this.spacer = document.createElement("div");
    this.spacer.className = "bg-matrix-spacer";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "bg-matrix-canvas";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "Transition matrix: states (rows) × next token (columns), colour = probability");
    // The canvas lies over the scroller (which only holds a spacer as tall as all rows) and
    // paints the rows scrolled into view.
    this.scroller.append(this.spacer);
    this.area.append(this.scroller, this.canvas);
    this.el.append(this.controls.el, this.area);
    this.scroller.addEventListener("scroll", () => this.request(), { passive: true });
    this.scroller.addEventListener("mousemove", (ev) => this.onMove(ev));
    this.scroller.addEventListener("mouseleave", (ev) => this.setHover(null, ev));
  }

  get visible(): boolean {
    return !this.el.hidden;
  }

  /** In the large view now? */
  get isLarge(): boolean {
    return this.home !== null;
  }

  /** Where "Enlarge" shows the matrix. */
  setLarge(large: LargeView): void {
    this.large = large;
  }

  setChain(states: string[], tokens: string[]): void {
    this.states = states;
    this.tokens = tokens;
    this.hover = null;
    this.linked = null;
    this.controls.setTokens(tokens);
    this.query = this.controls.query();
    this.reorder();
    this.relayout();
  }

  setProbs(probs: ArrayLike<number> | null): void {
    this.probs = probs;
    if (sortUsesProbs(this.query.sort) && now() - this.sortedAt > RESORT_MS) this.reorder();
    this.request();
  }

  setUnseen(flags: boolean[]): void {
    this.unseen = flags;
    if (this.query.seen !== "all" || this.query.sort === "seen" || this.query.sort === "unseen") this.reorder();
    this.request();
  }

  setNaughty(flags: boolean[]): void {
    this.naughty = flags;
    this.request();
  }

  /** Outline the drawing's hovered edge (row, col) or node (row, col = -1); null: none. */
  setLinked(cell: Cell | null): void {
    const same = cell === this.linked || (cell && this.linked && cell.row === this.linked.row && cell.col === this.linked.col);
    if (same) return;
    this.linked = cell;
    this.el.dataset.linkedRow = cell ? String(cell.row) : "";
    this.el.dataset.linkedCol = cell ? String(cell.col) : "";
    const pos = cell ? (this.posOf[cell.row] ?? -1) : -1;
    if (pos >= 0 && this.visible) {
      const top = scrollToRow(this.geom, pos, this.scroller.scrollTop, this.scroller.clientHeight);
      if (top !== this.scroller.scrollTop) this.scroller.scrollTop = top;
    }
    this.request();
  }

  /** Where cell (row = state, col) is on screen (client pixels); an empty rect when filtered out. */
  cellClientRect(cell: Cell): DOMRect {
    const r = this.scroller.getBoundingClientRect();
    const pos = this.posOf[cell.row] ?? -1;
    if (pos < 0) return new DOMRect(r.left, r.top, 0, 0);
    const c = cellRect(this.geom, { row: pos, col: cell.col }, this.scroller.scrollTop);
    return new DOMRect(r.left + c.x, r.top + c.y, c.w, c.h);
  }

  scrollToRow(row: number): void {
    const pos = this.posOf[row] ?? -1;
    if (pos >= 0) this.scroller.scrollTop = scrollToRow(this.geom, pos, this.scroller.scrollTop, this.scroller.clientHeight);
    this.request();
  }

  relayout(): void {
    const width = this.scroller.clientWidth || 300;
    const chars = Math.max(1, ...this.states.slice(0, 64).map((s) => Array.from(s).length));
    const present = this.el.closest(".bg-presentation") !== null;
    const font = this.isLarge ? (present ? 19 : 15) : present ? 16 : 13;
    this.geom = matrixGeometry(this.order.length, this.tokens.length, chars, width, font, this.isLarge ? 14 : 7.5);
    this.spacer.style.height = `${contentHeight(this.geom)}px`;
    const { labelW, headerH, cellW, rowH } = this.geom;
    this.el.dataset.geometry = JSON.stringify({ labelW, headerH, cellW, rowH, font }); // for hit-tests in browser tests
    if (this.visible) this.readColors(); // the theme may have changed
    this.request();
  }

  private setQuery(q: MatrixQuery): void {
    this.query = q;
    this.reorder();
    this.scroller.scrollTop = 0;
    this.relayout();
  }

  /** Which rows, in which order (filter and sort), and each state's position. */
  private reorder(): void {
    this.order = matrixOrder(this.states, this.probs, this.tokens.length, this.unseen, this.query);
    this.posOf = new Int32Array(this.states.length).fill(-1);
    this.order.forEach((s, k) => (this.posOf[s] = k));
    this.sortedAt = now();
    this.controls.setCount(this.order.length, this.states.length);
    this.el.dataset.rows = String(this.order.length);
    if (this.geom.rows !== this.order.length) {
      this.geom = { ...this.geom, rows: this.order.length };
      this.spacer.style.height = `${contentHeight(this.geom)}px`;
    }
    this.request();
  }

  /** Into the large view (over the drawing, bigger text) or back beside the drawing. */
  toggleLarge(): void {
    if (this.isLarge) return this.large?.close();
    if (!this.large) return;
    this.home = { parent: this.el.parentNode!, next: this.el.nextSibling };
    const wasHidden = this.el.hidden;
    this.el.hidden = false;
    this.large.open({
      id: "matrix",
      title: "Transition matrix: P(next token | state)",
      body: this.el,
      opener: this.controls.enlarge,
      onClose: () => {
        const home = this.home;
        this.home = null;
        if (home) home.parent.insertBefore(this.el, home.next?.parentNode === home.parent ? home.next : null);
        this.el.hidden = wasHidden;
        this.el.classList.remove("bg-matrix-large");
        this.controls.enlarge.textContent = "Enlarge";
        this.relayout();
        this.hooks.relocated?.();
      },
    });
    this.el.classList.add("bg-matrix-large");
    this.controls.enlarge.textContent = "Back";
    this.relayout();
    this.hooks.relocated?.();
  }

  /** The theme's colours, the ramp of cell colours and the key that labels it. */
  private readColors(): CanvasColors {
    const c = (this.colors = readColors(this.el));
    const lerp = interpolateRgb(c.bg, c.accent);
    this.ramp = Array.from({ length: RAMP + 1 }, (_, k) => lerp(Math.pow(k / RAMP, 0.8)));
    this.controls.scale.set({
      color: (v) => this.ramp[Math.max(0, Math.min(RAMP, Math.round(v * RAMP)))],
      lo: 0,
      hi: 1,
      ticks: [0, 0.25, 0.5, 0.75, 1],
      format: (v) => `${Math.round(v * 100)}%`,
      title: "P(next)",
    });
    return c;
  }

  private request(): void {
    if (this.pending || !this.visible) return;
    this.pending = true;
    const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
    (raf ?? ((cb: () => void) => setTimeout(cb, 16)))(() => this.paint());
  }

  private onMove(ev: MouseEvent): void {
    const r = this.scroller.getBoundingClientRect();
    const at = cellAt(this.geom, ev.clientX - r.left, ev.clientY - r.top, this.scroller.scrollTop);
    this.setHover(at ? { row: this.order[at.row], col: at.col } : null, ev);
    const pos = rowAt(this.geom, ev.clientY - r.top, this.scroller.scrollTop);
    this.el.title = pos >= 0 && ev.clientX - r.left < this.geom.labelW ? `state ${this.states[this.order[pos]]}` : "";
  }

  private setHover(cell: Cell | null, ev: MouseEvent): void {
    const same = cell === this.hover || (cell && this.hover && cell.row === this.hover.row && cell.col === this.hover.col);
    if (same) return;
    this.hover = cell;
    this.el.dataset.hoverRow = cell ? String(cell.row) : "";
    this.el.dataset.hoverCol = cell ? String(cell.col) : "";
    this.controls.setHover(cell ? this.describe(cell) : null);
    this.hooks.hoverCell(cell, ev);
    this.request();
  }

  /** "0110 → 1: 73.2% (unseen)": the value under the pointer, in words. */
  private describe(c: Cell): string {
    const V = this.tokens.length;
    const p = this.probs ? this.probs[c.row * V + c.col] : NaN;
    const note = this.unseen[c.row] ? " · not in the data" : "";
    return `${this.states[c.row]} → ${this.tokens[c.col]}: ${Number.isFinite(p) ? pct(p) : "–"}${note}`;
  }

  paint(): void {
    this.pending = false;
    if (!this.visible) return;
    const g = this.geom;
    const w = this.scroller.clientWidth;
    const h = this.scroller.clientHeight;
    if (!(w > 0 && h > 0)) return;
    const dpr = Math.min(3, (globalThis as { devicePixelRatio?: number }).devicePixelRatio || 1);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const c = this.colors ?? this.readColors();
    const top = this.scroller.scrollTop;
    const V = this.tokens.length;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, w, h);
    const [a, b] = visibleRows(g, top, h);
    const values = valuesFit(g);
    ctx.textBaseline = "middle";
    ctx.font = `${g.font}px ${c.mono}`;
    const inView: string[] = [];
    for (let pos = a; pos < b; pos++) {
      const row = this.order[pos];
      const y = g.headerH + pos * g.rowH - top;
      if (inView.length < 3 && y >= g.headerH - 1) inView.push(this.states[row]);
      for (let col = 0; col < V; col++) {
        const p = this.probs ? this.probs[row * V + col] : NaN;
        ctx.fillStyle = Number.isFinite(p) ? this.ramp[Math.max(0, Math.min(RAMP, Math.round(p * RAMP)))] : c.bg;
        ctx.fillRect(g.labelW + col * g.cellW + 1, y + 1, g.cellW - 2, g.rowH - 2);
        if (values && Number.isFinite(p)) {
          ctx.fillStyle = p > 0.55 ? c.bg : c.fg;
          ctx.textAlign = "center";
          ctx.fillText(`${Math.round(p * 100)}%`, g.labelW + (col + 0.5) * g.cellW, y + g.rowH / 2);
        }
      }
      // State label; unseen states (no data) dashed and grey, marked states red.
      ctx.textAlign = "right";
      ctx.fillStyle = this.naughty[row] ? c.naughty : this.unseen[row] ? c.fg2 : c.fg;
      ctx.fillText(this.states[row] ?? "", g.labelW - 8, y + g.rowH / 2);
      if (this.unseen[row]) {
        ctx.strokeStyle = c.fg2;
        ctx.lineWidth = 1;
        ctx.setLineDash([3, 2]);
        ctx.strokeRect(2.5, y + 1.5, g.labelW - 5, g.rowH - 3);
        ctx.setLineDash([]);
      }
    }
    this.el.dataset.top = inView.join(",");
    const outline = (cell: Cell, colour: string): void => {
      const pos = this.posOf[cell.row] ?? -1;
      if (pos < 0) return;
      const r = cellRect(g, { row: pos, col: Math.max(0, cell.col) }, top);
      const width = cell.col < 0 ? g.labelW + V * g.cellW : r.w;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2.5;
      ctx.strokeRect(cell.col < 0 ? 1 : r.x, r.y, cell.col < 0 ? width - 2 : width, r.h);
    };
    if (this.linked) outline(this.linked, c.accent);
    if (this.hover) outline(this.hover, c.fg);
    // Header on top of the scrolled rows.
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, w, g.headerH);
    ctx.textAlign = "center";
    ctx.font = `600 ${g.font + 1}px ${c.mono}`;
    this.tokens.forEach((t, col) => {
      ctx.fillStyle = c.tokens[col % c.tokens.length] ?? c.fg;
      ctx.fillText(t, g.labelW + (col + 0.5) * g.cellW, g.headerH / 2);
    });
    ctx.fillStyle = c.fg2;
    ctx.font = `${g.font}px ${c.mono}`;
    ctx.fillText("state", g.labelW / 2, g.headerH / 2);
    if (this.order.length === 0) {
      ctx.textAlign = "left";
      ctx.fillText("no state matches the filter", 8, g.headerH + g.rowH);
    }
  }
}
