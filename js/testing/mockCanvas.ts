// A recording stand-in for CanvasRenderingContext2D (jsdom has no canvas): tests check which
// strokes, fills and texts a paint issued, with the style each was drawn in.
import type { Ctx2D } from "../drawing/canvasLayer";

export interface DrawCall {
  op: "stroke" | "fill" | "fillText" | "strokeText" | "fillRect";
  /** Path pieces since beginPath (curves and arcs), for stroke/fill. */
  pieces: number;
  text?: string;
  x?: number;
  y?: number;
  lineWidth: number;
  globalAlpha: number;
  strokeStyle: unknown;
  fillStyle: unknown;
  font: string;
  lineDash: number[];
}

export interface MockCtx extends Ctx2D {
  calls: DrawCall[];
  /** The dash pattern set last (setLineDash). */
  lineDash: number[];
  transforms: number[][];
  reset(): void;
}

export function mockContext(): MockCtx {
  let pieces = 0;
  const calls: DrawCall[] = [];
  const transforms: number[][] = [];
  const ctx = {
    calls,
    transforms,
    strokeStyle: "#000" as unknown,
    fillStyle: "#000" as unknown,
    globalAlpha: 1,
    lineWidth: 1,
    lineDash: [] as number[],
    lineJoin: "miter" as CanvasLineJoin,
    font: "10px sans-serif",
    textAlign: "start" as CanvasTextAlign,
    textBaseline: "alphabetic" as CanvasTextBaseline,
    reset() {
      calls.length = 0;
      transforms.length = 0;
    },
    record(op: DrawCall["op"], extra: Partial<DrawCall> = {}) {
      calls.push({
        op,
        pieces,
        lineWidth: ctx.lineWidth,
        globalAlpha: ctx.globalAlpha,
        strokeStyle: ctx.strokeStyle,
        fillStyle: ctx.fillStyle,
        font: ctx.font,
        lineDash: ctx.lineDash,
        ...extra,
      });
    },
    setTransform(...m: number[]) {
      transforms.push(m);
    },
    clearRect() {},
    beginPath() {
      pieces = 0;
    },
    moveTo() {},
    lineTo() {},
    closePath() {},
    quadraticCurveTo() {
      pieces++;
    },
    bezierCurveTo() {
      pieces++;
    },
    arc() {
      pieces++;
    },
    stroke() {
      ctx.record("stroke");
    },
    fill() {
      ctx.record("fill");
    },
    fillRect() {
      ctx.record("fillRect");
    },
    fillText(text: string, x: number, y: number) {
      ctx.record("fillText", { text, x, y });
    },
    strokeText(text: string, x: number, y: number) {
      ctx.record("strokeText", { text, x, y });
    },
    setLineDash(d: number[]) {
      ctx.lineDash = [...d];
    },
    measureText: (t: string) => ({ width: t.length * 7 }) as TextMetrics,
  };
  return ctx as unknown as MockCtx;
}
