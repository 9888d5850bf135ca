// The transition matrix as a heatmap on a canvas: one row per state, one column per next
// token, colour = probability. Rows never seen in the data are marked. Only the rows in view
// are painted, so 4,096 rows scroll as smoothly as 8. Linked to the drawing: hovering a cell
// reports its edge, and the drawing's hovered edge or node is outlined here.
import { interpolateRgb } from "d3-interpolate";
import { readColors } from "../canvasLayer";
import type { CanvasColors } from "../canvasLayer";
import { cellAt, cellRect, contentHeight, matrixGeometry, rowAt, scrollToRow, visibleRows } from "./matrixGeometry";
import type { Cell, MatrixGeometry } from "./matrixGeometry";

export interface MatrixHooks {
  /** The pointer is over cell (row = state, col = token), or over nothing (null). */
  hoverCell(cell: Cell | null, ev: MouseEvent): void;
}

const RAMP = 64;

export class MatrixView {
  readonly el: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private states: string[] = [];
  private tokens: string[] = [];
  private probs: ArrayLike<number> | null = null;
  private unseen: boolean[] = [];
  private naughty: boolean[] = [];
  private geom: MatrixGeometry = matrixGeometry(0, 0, 1, 300);
  private hover: Cell | null = null;
  /** Row/cell outlined because the drawing's pointer is on it (col -1: the whole row). */
  private linked: Cell | null = null;
  private colors: CanvasColors | null = null;
  private ramp: string[] = [];
  private pending = false;

  constructor(private readonly hooks: MatrixHooks) {
    this.el = document.createElement("div");
    this.el.className = "bg-matrix";
    this.el.dataset.role = "matrix";
    this.scroller = document.createElement("div");
    this.scroller.className = "bg-matrix-scroll";
    this.spacer = document.createElement("div");
    this.spacer.className = "bg-matrix-spacer";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "bg-matrix-canvas";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "Transition matrix: states (rows) × next token (columns), colour = probability");
    // The canvas lies over the scroller (which only holds a spacer as tall as all rows) and
    // paints the rows scrolled into view.
    this.scroller.append(this.spacer);
    this.el.append(this.scroller, this.canvas);
    this.scroller.addEventListener("scroll", () => this.request(), { passive: true });
    this.scroller.addEventListener("mousemove", (ev) => this.onMove(ev));
    this.scroller.addEventListener("mouseleave", (ev) => this.setHover(null, ev));
  }

  get visible(): boolean {
    return !this.el.hidden;
  }

  setChain(states: string[], tokens: string[]): void {
    this.states = states;
    this.tokens = tokens;
    this.hover = null;
    this.linked = null;
    this.relayout();
  }

  setProbs(probs: ArrayLike<number> | null): void {
    this.probs = probs;
    this.request();
  }

  setUnseen(flags: boolean[]): void {
    this.unseen = flags;
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
    if (cell && this.visible) {
      const h = this.scroller.clientHeight;
      const top = scrollToRow(this.geom, cell.row, this.scroller.scrollTop, h);
      if (top !== this.scroller.scrollTop) this.scroller.scrollTop = top;
    }
    this.request();
  }

  /** Where cell (row, col) is on screen (client pixels): tests and the drawing's link use it. */
  cellClientRect(cell: Cell): DOMRect {
    const r = this.scroller.getBoundingClientRect();
    const c = cellRect(this.geom, cell, this.scroller.scrollTop);
    return new DOMRect(r.left + c.x, r.top + c.y, c.w, c.h);
  }

  scrollToRow(row: number): void {
    this.scroller.scrollTop = scrollToRow(this.geom, row, this.scroller.scrollTop, this.scroller.clientHeight);
    this.request();
  }

  relayout(): void {
    const width = this.scroller.clientWidth || 300;
    const chars = Math.max(1, ...this.states.slice(0, 64).map((s) => Array.from(s).length));
    this.geom = matrixGeometry(this.states.length, this.tokens.length, chars, width);
    this.spacer.style.height = `${contentHeight(this.geom)}px`;
    const { labelW, headerH, cellW, rowH } = this.geom;
    this.el.dataset.geometry = JSON.stringify({ labelW, headerH, cellW, rowH }); // for hit-tests in browser tests
    this.colors = null;
    this.request();
  }

  private request(): void {
    if (this.pending || !this.visible) return;
    this.pending = true;
    const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
    (raf ?? ((cb: () => void) => setTimeout(cb, 16)))(() => this.paint());
  }

  private onMove(ev: MouseEvent): void {
    const r = this.scroller.getBoundingClientRect();
    this.setHover(cellAt(this.geom, ev.clientX - r.left, ev.clientY - r.top, this.scroller.scrollTop), ev);
    const row = rowAt(this.geom, ev.clientY - r.top, this.scroller.scrollTop);
    this.el.title = row >= 0 && ev.clientX - r.left < this.geom.labelW ? `state ${this.states[row]}` : "";
  }

  private setHover(cell: Cell | null, ev: MouseEvent): void {
    const same = cell === this.hover || (cell && this.hover && cell.row === this.hover.row && cell.col === this.hover.col);
    if (same) return;
    this.hover = cell;
    this.el.dataset.hoverRow = cell ? String(cell.row) : "";
    this.el.dataset.hoverCol = cell ? String(cell.col) : "";
    this.hooks.hoverCell(cell, ev);
    this.request();
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
    if (!this.colors) {
      this.colors = readColors(this.el);
      const lerp = interpolateRgb(this.colors.bg, this.colors.accent);
      this.ramp = Array.from({ length: RAMP + 1 }, (_, k) => lerp(Math.pow(k / RAMP, 0.8)));
    }
    const c = this.colors;
    const top = this.scroller.scrollTop;
    const V = this.tokens.length;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, w, h);
    const [a, b] = visibleRows(g, top, h);
    ctx.textBaseline = "middle";
    ctx.font = `12px ${c.mono}`;
    for (let row = a; row < b; row++) {
      const y = g.headerH + row * g.rowH - top;
      for (let col = 0; col < V; col++) {
        const p = this.probs ? this.probs[row * V + col] : NaN;
        ctx.fillStyle = Number.isFinite(p) ? this.ramp[Math.max(0, Math.min(RAMP, Math.round(p * RAMP)))] : c.bg;
        ctx.fillRect(g.labelW + col * g.cellW + 1, y + 1, g.cellW - 2, g.rowH - 2);
        if (g.cellW >= 44 && Number.isFinite(p)) {
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
    const outline = (cell: Cell, colour: string): void => {
      const r = cellRect(g, cell.col < 0 ? { row: cell.row, col: 0 } : cell, top);
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
    ctx.font = `600 13px ${c.mono}`;
    this.tokens.forEach((t, col) => {
      ctx.fillStyle = c.tokens[col % c.tokens.length] ?? c.fg;
      ctx.fillText(t, g.labelW + (col + 0.5) * g.cellW, g.headerH / 2);
    });
    ctx.fillStyle = c.fg2;
    ctx.font = `12px ${c.mono}`;
    ctx.fillText("state", g.labelW / 2, g.headerH / 2);
  }
}
