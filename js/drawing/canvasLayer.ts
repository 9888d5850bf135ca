// Big chains on a <canvas>: thousands of SVG elements cost tens of milliseconds per update
// (style, layout, paint), while a canvas redraws them in a few stroke calls — one per token
// colour and probability bucket. Details come with the zoom: outlines, arrowheads, state
// labels, then edge labels. Hover, search and walk marks stay in the SVG on top (GraphView).
import type { Chain } from "../model/chain";
import {
  baseScale,
  bucketProbability,
  densityAlpha,
  detailFor,
  edgeArrays,
  edgeInRect,
  groupEdges,
  hitEdge,
  hitNode,
  screenScale,
  labelOffset,
  toScreen,
  visibleRect,
} from "./canvasGeometry";
import type { Detail, EdgeArrays, ScreenBox, ZoomState } from "./canvasGeometry";
import { edgeLabel } from "../util/format";
import type { EdgeShape, Point } from "./edgeShapes";
import { edgeOpacity, edgeWidth } from "./graphStyle";
import { PALETTE_SIZE, TOKEN_DASHES, tokenSlot } from "./palette";
import { DEFAULT_COLORS } from "./canvasColors";
import type { CanvasColors } from "./canvasColors";

export { DEFAULT_COLORS, readColors } from "./canvasColors";
export { labelOffset } from "./canvasGeometry";
export type { CanvasColors } from "./canvasColors";

/** The 2D context calls the layer makes (a real context, or a recording mock in tests). */
export type Ctx2D = Pick<
  CanvasRenderingContext2D,
  | "setTransform"
  | "clearRect"
  | "beginPath"
  | "moveTo"
  | "lineTo"
  | "quadraticCurveTo"
  | "bezierCurveTo"
  | "arc"
  | "closePath"
  | "stroke"
  | "fill"
  | "fillRect"
  | "fillText"
  | "strokeText"
  | "setLineDash"
  | "measureText"
> & {
  strokeStyle: unknown;
  fillStyle: unknown;
  globalAlpha: number;
  lineWidth: number;
  lineJoin: CanvasLineJoin;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
};

export interface PaintStats {
  edges: number;
  /** Edges drawn as 1-device-pixel hairlines (many in view), else with their widths. */
  hairlines: boolean;
  strokes: number;
  nodes: number;
  nodeLabels: number;
  edgeLabels: number;
  detail: Detail;
}

/** Shade levels for the long-run share (fill opacity 0 … MAX_SHADE in this many steps). */
const SHADE_LEVELS = 8;
const MAX_SHADE = 0.55;
/** At most this many state labels per paint (more would not be readable anyway). */
const MAX_NODE_LABELS = 1500;
/** Node radius of a small chain's drawing: edge widths and arrows are scaled to the nodes. */
const BASE_RADIUS = 26;
/** Up to this many edges in view they are drawn with their widths; more: as hairlines. */
export const WIDE_EDGES = 600;

export class CanvasLayer {
  private n = 0;
  private V = 0;
  private tokens: string[] = [];
  private from = new Int32Array(0);
  private tokenOf = new Int32Array(0);
  private slot = new Int32Array(0);
  private states: string[] = [];
  private labelChars = 1;
  private nodeRadius = 5;
  private arrow = 9;
  xy = new Float64Array(0);
  private centre: Point = { x: 0, y: 0 };
  edges: EdgeArrays = edgeArrays([], 9);
  private probs: ArrayLike<number> | null = null;
  private hideZero = false;
  private unseen = new Uint8Array(0);
  private naughty = new Uint8Array(0);
  private shade = new Uint8Array(0);
  widthScale = 1;
  /** A node whose label the SVG overlay draws (the searched state): not drawn here. */
  skipLabel = -1;
  colors: CanvasColors = DEFAULT_COLORS;

  setChain(chain: Chain, nodeRadius: number, arrow: number): void {
    this.n = chain.states.length;
    this.V = chain.tokens.length;
    this.tokens = chain.tokens;
    this.states = chain.states;
    this.labelChars = Math.max(1, ...chain.states.slice(0, 64).map((s) => Array.from(s).length));
    this.nodeRadius = nodeRadius;
    this.arrow = arrow;
    const m = chain.edges.length;
    this.from = new Int32Array(m);
    this.tokenOf = new Int32Array(m);
    this.slot = new Int32Array(m);
    chain.edges.forEach((e, i) => {
      this.from[i] = e.fromIndex;
      this.tokenOf[i] = e.tokenIndex;
      this.slot[i] = tokenSlot(e.tokenIndex);
    });
    this.xy = new Float64Array(2 * this.n);
    this.edges = edgeArrays([], arrow);
    this.probs = null;
    this.unseen = new Uint8Array(this.n);
    this.naughty = new Uint8Array(this.n);
    this.shade = new Uint8Array(this.n);
  }

  setGeometry(pos: Point[], shapes: EdgeShape[]): void {
    const xy = new Float64Array(2 * this.n);
    for (let i = 0; i < this.n && i < pos.length; i++) {
      xy[2 * i] = pos[i].x;
      xy[2 * i + 1] = pos[i].y;
    }
    this.xy = xy;
    this.edges = edgeArrays(shapes, this.arrow);
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < this.n; i++) {
      cx += xy[2 * i] / this.n;
      cy += xy[2 * i + 1] / this.n;
    }
    this.centre = { x: cx, y: cy };
  }

  setProbs(probs: ArrayLike<number> | null, hideZero: boolean): void {
    this.probs = probs !== null && probs.length >= this.n * this.V ? probs : null;
    this.hideZero = hideZero;
  }

  /** Returns whether anything changed (so the caller repaints only then). */
  setUnseen(flags: boolean[]): boolean {
    return copyFlags(this.unseen, flags);
  }

  setNaughty(flags: boolean[]): boolean {
    return copyFlags(this.naughty, flags);
  }

  /** Long-run shares -> shade level per node, relative to the largest (like NodeMarks). */
  setShares(shares: ArrayLike<number> | null): boolean {
    let max = 0;
    if (shares) for (let i = 0; i < Math.min(shares.length, this.n); i++) max = Math.max(max, shares[i] || 0);
    let changed = false;
    for (let i = 0; i < this.n; i++) {
      const v = shares && max > 0 && i < shares.length && shares[i] > 0 ? shares[i] / max : 0;
      const level = Math.round(v * SHADE_LEVELS);
      if (level !== this.shade[i]) {
        this.shade[i] = level;
        changed = true;
      }
    }
    return changed;
  }

  /** Probability of edge i as drawn (NaN when unknown). */
  edgeProb(i: number): number {
    const p = this.probs;
    return p ? p[this.from[i] * this.V + this.tokenOf[i]] : NaN;
  }

  edgeHidden(i: number): boolean {
    return this.hideZero && this.edgeProb(i) === 0;
  }

  /** The node under drawing point p (at least `minPx` CSS pixels of grab radius), or -1. */
  nodeAt(p: Point, scale: number, minPx = 6): number {
    return hitNode(this.xy, p, Math.max(this.nodeRadius, minPx / scale));
  }

  /** The edge within `tolPx` CSS pixels of drawing point p, or -1. */
  edgeAt(p: Point, scale: number, tolPx = 4): number {
    return hitEdge(this.edges, p, tolPx / scale, (i) => this.edgeHidden(i));
  }

  paint(ctx: Ctx2D, box: ScreenBox, t: ZoomState, dpr: number): PaintStats {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, Math.ceil(box.width * dpr), Math.ceil(box.height * dpr));
    const s0 = baseScale(box);
    const S = screenScale(box, t);
    const stats: PaintStats = { edges: 0, hairlines: false, strokes: 0, nodes: 0, nodeLabels: 0, edgeLabels: 0, detail: detailFor(S, this.nodeRadius, this.arrow, this.labelChars, 0) };
    if (!(S > 0) || this.n === 0) return stats;
    const ox = box.width / 2 + s0 * t.x;
    const oy = box.height / 2 + s0 * t.y;
    ctx.setTransform(dpr * S, 0, 0, dpr * S, dpr * ox, dpr * oy);
    const px = 1 / S; // one CSS pixel in drawing units
    const view = visibleRect(box, t, 20);
    const E = this.edges;
    const inView = (i: number): boolean => edgeInRect(E, i, view);

    // ---- edges, grouped by (colour, probability bucket) ----
    // Many edges: 1-device-pixel hairlines, one stroke call per group (the rasteriser's fast
    // path: ~20 ms for 8,192 long curves in software, where 1.5 px strokes take ~0.5 s);
    // the probability shows as opacity. Few edges (zoomed in): widths as in the SVG drawing.
    const groups = groupEdges(E.count, (i) => this.slot[i], PALETTE_SIZE, (i) => this.edgeProb(i), (i) => inView(i) && !this.edgeHidden(i));
    const drawn = groups.order.length;
    stats.edges = drawn;
    const detail = detailFor(S, this.nodeRadius, this.arrow, this.labelChars, drawn);
    stats.detail = detail;
    const fade = densityAlpha(drawn, box.width * box.height);
    const c = E.curve;
    // Widths and arrowheads in proportion to the nodes (a big chain's nodes are small).
    const unit = this.nodeRadius / BASE_RADIUS;
    const hair = drawn > WIDE_EDGES;
    stats.hairlines = hair;
    const devicePx = px / dpr;
    for (let g = 0; g + 1 < groups.start.length; g++) {
      const a = groups.start[g];
      const b = groups.start[g + 1];
      if (a === b) continue;
      const slot = Math.floor(g / groups.perSlot);
      const p = bucketProbability(g % groups.perSlot);
      const colour = this.colors.tokens[slot] ?? this.colors.fg;
      ctx.globalAlpha = Math.min(1, edgeOpacity(p) * fade);
      ctx.strokeStyle = colour;
      ctx.lineWidth = hair ? devicePx : Math.max(edgeWidth(p) * this.widthScale * unit, devicePx);
      // not colour alone: tokens 3..8 dashed as on the SVG drawing (hairlines in device pixels)
      const dash = TOKEN_DASHES[slot % PALETTE_SIZE];
      ctx.setLineDash(dash ? dash.map((v) => v * (hair ? devicePx : unit)) : []);
      if (hair) ctx.beginPath();
      for (let k = a; k < b; k++) {
        const i = groups.order[k];
        const o = 8 * i;
        if (!hair) ctx.beginPath();
        ctx.moveTo(c[o], c[o + 1]);
        if (E.cubic[i]) ctx.bezierCurveTo(c[o + 2], c[o + 3], c[o + 4], c[o + 5], c[o + 6], c[o + 7]);
        else ctx.quadraticCurveTo(c[o + 2], c[o + 3], c[o + 6], c[o + 7]);
        if (!hair) {
          ctx.stroke();
          stats.strokes++;
        }
      }
      if (hair) {
        ctx.stroke();
        stats.strokes++;
      }
      if (detail.arrows) {
        ctx.fillStyle = colour;
        ctx.beginPath();
        const half = 0.5 * this.arrow;
        for (let k = a; k < b; k++) {
          const i = groups.order[k];
          const o = 8 * i;
          const q = 4 * i;
          const ux = E.tip[q + 2];
          const uy = E.tip[q + 3];
          ctx.moveTo(E.tip[q], E.tip[q + 1]);
          ctx.lineTo(c[o + 6] - uy * half, c[o + 7] + ux * half);
          ctx.lineTo(c[o + 6] + uy * half, c[o + 7] - ux * half);
          ctx.closePath();
        }
        ctx.fill();
      }
    }

    ctx.setLineDash([]);

    // ---- nodes: fill, long-run shade, outline (plain dots when tiny) ----
    const r = Math.max(this.nodeRadius, 1.4 * px);
    const xy = this.xy;
    const visible: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const x = xy[2 * i];
      const y = xy[2 * i + 1];
      if (x + r >= view.x0 && x - r <= view.x1 && y + r >= view.y0 && y - r <= view.y1) visible.push(i);
    }
    stats.nodes = visible.length;
    // 0 plain, 1 unseen (dashed), 2 naughty (red), 3 naughty and unseen (red, dashed)
    const kindOf = (i: number): number => (this.naughty[i] ? (this.unseen[i] ? 3 : 2) : this.unseen[i] ? 1 : 0);
    const circles = (pick: (i: number) => boolean, radius: number): void => {
      ctx.beginPath();
      for (const i of visible) {
        if (!pick(i)) continue;
        ctx.moveTo(xy[2 * i] + radius, xy[2 * i + 1]);
        ctx.arc(xy[2 * i], xy[2 * i + 1], radius, 0, 2 * Math.PI);
      }
    };
    ctx.globalAlpha = 1;
    if (!detail.outlines) {
      const dot = [this.colors.accent, this.colors.fg2, this.colors.naughty, this.colors.naughty];
      for (let kind = 0; kind < 4; kind++) {
        ctx.fillStyle = dot[kind];
        circles((i) => kindOf(i) === kind, r);
        ctx.fill();
      }
    } else {
      const fills = [this.colors.node, this.colors.bg, this.colors.naughtySoft, this.colors.naughtySoft];
      for (let kind = 0; kind < 4; kind++) {
        ctx.fillStyle = fills[kind];
        circles((i) => kindOf(i) === kind, r);
        ctx.fill();
      }
      ctx.fillStyle = this.colors.shade;
      for (let level = 1; level <= SHADE_LEVELS; level++) {
        ctx.globalAlpha = (MAX_SHADE * level) / SHADE_LEVELS;
        circles((i) => this.shade[i] === level, Math.max(0, r - 1.5 * px));
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      const strokes = [this.colors.accent, this.colors.fg2, this.colors.naughty, this.colors.naughty];
      const widths = [1, 1, 2, 2];
      const lw = Math.min(Math.max(0.12 * detail.nodePx, 1), 3) * px;
      for (let kind = 0; kind < 4; kind++) {
        ctx.strokeStyle = strokes[kind];
        ctx.lineWidth = lw * widths[kind];
        ctx.setLineDash(kind === 1 || kind === 3 ? [3 * lw, 2 * lw] : []);
        circles((i) => kindOf(i) === kind, r);
        ctx.stroke();
      }
      ctx.setLineDash([]);
    }

    // ---- text, in screen pixels ----
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    if (detail.edgeLabels) {
      ctx.font = `12px ${this.colors.mono}`;
      for (let k = 0; k < drawn; k++) {
        const i = groups.order[k];
        const at = toScreen({ x: E.label[2 * i], y: E.label[2 * i + 1] }, box, t);
        if (at.x < 0 || at.y < 0 || at.x > box.width || at.y > box.height) continue;
        const text = edgeLabel(this.tokens[this.tokenOf[i]] ?? "?", this.edgeProb(i));
        const w = text.length * 7.3 + 4;
        ctx.globalAlpha = 0.88;
        ctx.fillStyle = this.colors.bg;
        ctx.fillRect(at.x - w / 2, at.y - 8, w, 16);
        ctx.globalAlpha = 1;
        ctx.fillStyle = this.colors.fg;
        ctx.fillText(text, at.x, at.y);
        stats.edgeLabels++;
      }
    }
    const inside = detail.nodeLabelPx > 0;
    if ((inside || detail.sideLabelPx > 0) && visible.length <= MAX_NODE_LABELS) {
      // Inside the node when the label fits, else just under it on a halo of background.
      ctx.globalAlpha = 1;
      const font = inside ? detail.nodeLabelPx : detail.sideLabelPx;
      ctx.font = `600 ${Math.round(font * 10) / 10}px ${this.colors.mono}`;
      ctx.lineJoin = "round";
      ctx.lineWidth = 3;
      ctx.strokeStyle = this.colors.bg;
      const textW = 0.6 * font * this.labelChars;
      for (const i of visible) {
        if (i === this.skipLabel) continue;
        const at = toScreen({ x: xy[2 * i], y: xy[2 * i + 1] }, box, t);
        if (!inside) {
          // Outward from the drawing's centre: on the circle that is where no edges run.
          const off = labelOffset({ x: xy[2 * i], y: xy[2 * i + 1] }, this.centre, detail.nodePx + 3, textW, font);
          at.x += off.x;
          at.y += off.y;
          ctx.strokeText(this.states[i], at.x, at.y);
        }
        ctx.fillStyle = this.naughty[i] ? this.colors.naughty : this.colors.fg;
        ctx.fillText(this.states[i], at.x, at.y);
        stats.nodeLabels++;
      }
    }
    ctx.globalAlpha = 1;
    return stats;
  }
}

function copyFlags(into: Uint8Array, flags: boolean[]): boolean {
  let changed = false;
  for (let i = 0; i < into.length; i++) {
    const v = flags[i] === true ? 1 : 0;
    if (v !== into[i]) {
      into[i] = v;
      changed = true;
    }
  }
  return changed;
}
