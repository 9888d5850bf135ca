// What the canvas layer draws at a zoom level, checked against a recording 2D context.
import { describe, expect, it } from "vitest";
import { baseScale, scaleForRadius, toScreen } from "./canvasGeometry";
import type { ScreenBox } from "./canvasGeometry";
import { CanvasLayer, DEFAULT_COLORS, labelOffset, WIDE_EDGES } from "./canvasLayer";
import { buildChain } from "../model/chain";
import { BEND_PAIR, BEND_SINGLE, curveShape, loopShape, outwardFrom } from "./edgeShapes";
import { frameFor, ringLayout } from "./nodePositions";
import { mockContext } from "../testing/mockCanvas";

function allStates(C: number): string[] {
  return Array.from({ length: 2 ** C }, (_, i) => i.toString(2).padStart(C, "0"));
}

/** A layer holding the C-context binary chain on its ring, with probabilities p(1|s) = f(s). */
function layerFor(C: number, p1: (i: number) => number = () => 0.7) {
  const chain = buildChain(allStates(C), "01", C);
  const frame = frameFor(chain.states.length);
  const arrow = (9 * frame.nodeRadius) / 26;
  const pos = ringLayout(chain, frame.radius);
  const style = { r: frame.nodeRadius, arrow };
  const shapes = chain.edges.map((e) =>
    e.kind === "loop"
      ? loopShape(pos[e.fromIndex], outwardFrom({ x: 0, y: 0 }, pos[e.fromIndex]), style)
      : curveShape(pos[e.fromIndex], pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, style),
  );
  const layer = new CanvasLayer();
  layer.setChain(chain, frame.nodeRadius, arrow);
  layer.setGeometry(pos, shapes);
  const probs = new Float32Array(chain.states.length * 2);
  chain.states.forEach((_, i) => {
    probs[2 * i + 1] = p1(i);
    probs[2 * i] = 1 - p1(i);
  });
  layer.setProbs(probs, false);
  const box: ScreenBox = { width: 1000, height: 620, half: frame.half };
  return { chain, frame, pos, layer, probs, box };
}

describe("canvas layer", () => {
  it("dashes tokens 3..8 as the SVG drawing does (not colour alone); tokens 1 and 2 solid", () => {
    const states = Array.from({ length: 256 }, (_, i) => i.toString(4).padStart(4, "0"));
    const chain = buildChain(states, "0123", 4);
    const frame = frameFor(chain.states.length);
    const arrow = (9 * frame.nodeRadius) / 26;
    const pos = ringLayout(chain, frame.radius);
    const shapes = chain.edges.map((e) => curveShape(pos[e.fromIndex], pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, { r: frame.nodeRadius, arrow }));
    const layer = new CanvasLayer();
    layer.setChain(chain, frame.nodeRadius, arrow);
    layer.setGeometry(pos, shapes);
    layer.setProbs(new Float32Array(256 * 4).fill(0.25), false);
    const ctx = mockContext();
    layer.paint(ctx, { width: 1000, height: 620, half: frame.half }, { k: 1, x: 0, y: 0 }, 1);
    const dashOf = (colour: string) => ctx.calls.find((c) => c.op === "stroke" && c.pieces > 0 && c.strokeStyle === colour)?.lineDash;
    expect(dashOf(DEFAULT_COLORS.tokens[0])).toEqual([]);
    expect(dashOf(DEFAULT_COLORS.tokens[1])).toEqual([]);
    const d2 = dashOf(DEFAULT_COLORS.tokens[2])!;
    const d3 = dashOf(DEFAULT_COLORS.tokens[3])!;
    expect(d2.length).toBeGreaterThan(0);
    expect(d3.length).toBeGreaterThan(0);
    expect(d2).not.toEqual(d3);
    // nodes are drawn solid again
    expect(ctx.lineDash).toEqual([]);
  });

  it("draws a 4,096-state overview as hairlines: one stroke call per colour and bucket", () => {
    const { layer, box } = layerFor(12);
    const ctx = mockContext();
    const stats = layer.paint(ctx, box, { k: 1, x: 0, y: 0 }, 2);
    expect(stats.edges).toBe(8192);
    expect(stats.hairlines).toBe(true);
    const strokes = ctx.calls.filter((c) => c.op === "stroke" && c.pieces > 0 && c.strokeStyle !== DEFAULT_COLORS.accent);
    expect(strokes).toHaveLength(2); // tokens 0 and 1, all at p = 0.3 / 0.7 -> one bucket each
    expect(strokes.reduce((n, c) => n + c.pieces, 0)).toBe(8192);
    const S = baseScale(box);
    for (const c of strokes) expect(c.lineWidth * S * 2).toBeCloseTo(1, 6); // one device pixel
    expect(new Set(strokes.map((c) => c.strokeStyle))).toEqual(new Set(DEFAULT_COLORS.tokens.slice(0, 2)));
    // likelier edges are more opaque
    const alpha = (colour: string) => strokes.find((c) => c.strokeStyle === colour)!.globalAlpha;
    expect(alpha(DEFAULT_COLORS.tokens[1])).toBeGreaterThan(alpha(DEFAULT_COLORS.tokens[0]));
    expect(stats.nodeLabels + stats.edgeLabels).toBe(0); // nothing readable at this size
    expect(stats.detail.outlines).toBe(false);
  });

  it("zoomed in on a node: culls to what is in view, draws widths, arrowheads and labels", () => {
    const { layer, box, pos, frame, chain } = layerFor(10);
    const target = chain.states.indexOf("0110101101");
    const k = scaleForRadius(box, frame.nodeRadius, 22);
    const t = { k, x: -k * pos[target].x, y: -k * pos[target].y };
    const ctx = mockContext();
    const stats = layer.paint(ctx, box, t, 1);
    expect(stats.edges).toBeLessThan(WIDE_EDGES);
    expect(stats.edges).toBeGreaterThan(10);
    expect(stats.hairlines).toBe(false);
    expect(stats.detail.arrows).toBe(true);
    const strokes = ctx.calls.filter((c) => c.op === "stroke" && c.pieces === 1 && DEFAULT_COLORS.tokens.includes(c.strokeStyle as string));
    expect(strokes).toHaveLength(stats.edges); // one stroke per edge: wide strokes are cheaper alone
    const widths = new Set(strokes.map((c) => c.lineWidth.toFixed(4)));
    expect(widths.size).toBe(2); // 30% and 70% edges differ in width
    const texts = ctx.calls.filter((c) => c.op === "fillText").map((c) => c.text);
    expect(texts).toContain("0110101101"); // state labels beside the nodes
    expect(texts.some((s) => s === "1(70%)")).toBe(true); // edge labels
    const me = ctx.calls.find((c) => c.op === "fillText" && c.text === "0110101101")!;
    const at = toScreen(pos[target], box, t);
    expect(Math.hypot(me.x! - at.x, me.y! - at.y)).toBeGreaterThan(22); // outside the node
  });

  it("leaves out edges of probability 0 in greedy mode, and the searched node's label", () => {
    const { layer, box, probs, chain } = layerFor(10, (i) => (i % 2 ? 1 : 0));
    layer.setProbs(probs, true);
    expect(layer.paint(mockContext(), box, { k: 1, x: 0, y: 0 }, 1).edges).toBe(1024);
    expect(layer.edgeHidden(1)).toBe(true); // state 0…0, token 1: p = 0
    expect(layer.edgeHidden(0)).toBe(false);
    layer.setProbs(probs, false);
    expect(layer.paint(mockContext(), box, { k: 1, x: 0, y: 0 }, 1).edges).toBe(2048);
    layer.skipLabel = chain.states.indexOf("0000000000");
    const ctx = mockContext();
    layer.paint(ctx, box, { k: 400, x: 0, y: 400 * 3400 }, 1); // far in, near the top node
    expect(ctx.calls.filter((c) => c.op === "fillText").map((c) => c.text)).not.toContain("0000000000");
  });

  it("marks naughty and unseen states, shades by long-run share, reports changes", () => {
    const { layer, box } = layerFor(10);
    const n = 1024;
    expect(layer.setNaughty(Array.from({ length: n }, (_, i) => i === 3))).toBe(true);
    expect(layer.setNaughty(Array.from({ length: n }, (_, i) => i === 3))).toBe(false); // no repaint needed
    expect(layer.setUnseen(Array.from({ length: n }, (_, i) => i < 10))).toBe(true);
    const shares = new Float64Array(n).fill(1 / n);
    shares[5] = 0.2;
    expect(layer.setShares(shares)).toBe(true);
    const ctx = mockContext();
    layer.paint(ctx, box, { k: 40, x: 0, y: 0 }, 1); // outlines on
    const fills = ctx.calls.filter((c) => c.op === "fill");
    expect(fills.some((c) => c.fillStyle === DEFAULT_COLORS.naughtySoft)).toBe(true);
    expect(fills.some((c) => c.fillStyle === DEFAULT_COLORS.shade && c.globalAlpha > 0.5)).toBe(true);
  });

  it("hit-tests nodes and edges in drawing units, with a minimum grab size on screen", () => {
    const { layer, pos } = layerFor(10);
    expect(layer.nodeAt(pos[7], 1)).toBe(7);
    const f = 1 + 20 / Math.hypot(pos[7].x, pos[7].y); // 20 units outward: no other node there
    const out = { x: pos[7].x * f, y: pos[7].y * f };
    expect(layer.nodeAt(out, 0.1)).toBe(7); // 6 px at 0.1 px/unit = 60 units of grab radius
    expect(layer.nodeAt(out, 5)).toBe(-1);
    const e = 11;
    const [x, y] = [layer.edges.label[2 * e], layer.edges.label[2 * e + 1]];
    expect(layer.edgeAt({ x, y }, 2)).toBe(e);
  });

  it("puts a side label outward from the drawing's centre", () => {
    const right = labelOffset({ x: 100, y: 0 }, { x: 0, y: 0 }, 10, 60, 12);
    expect(right.x).toBeCloseTo(40, 9);
    expect(right.y).toBeCloseTo(0, 9);
    const top = labelOffset({ x: 0, y: -100 }, { x: 0, y: 0 }, 10, 60, 12);
    expect(top.y).toBeCloseTo(-16, 9);
  });
});
