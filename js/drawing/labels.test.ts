// Label placement on the fixed geometries of the circular layout: 8, 9, 14 (shorter contexts
// shown), 27 and 64 states, in a 1280×720-ish drawing box. No two shown labels overlap, none
// covers a node, text never drops below MIN_SCREEN_FONT on screen. Overlaps are checked with the
// test's own geometry (../testing/shapes: corners and separating axes), not the product's.
import { describe, expect, it } from "vitest";
import { buildChain } from "../model/chain";
import { BEND_PAIR, BEND_SINGLE, curveShape, loopShape, outwardFrom } from "./edgeShapes";
import type { Point } from "./edgeShapes";
import { distanceToQuad, edgeLabelProblems, shownLabels, strayNodeLabels, tooClose } from "../testing/labelGeometry";
import { CHAR_EM, LABEL_GAP_EM, LINE_EM, overlaps, placeChainLabels, placeGreedy, radialNodeLabels, rectAt } from "./labels";
import { boxCorners, convexOverlap, distanceToPolygon, textCorners } from "../testing/shapes";
import type { Pt } from "../testing/shapes";
import { frameFor, ovalLayout, ringLayout } from "./nodePositions";
import { inkEm, radialLabels } from "./radial";
import { halfWithLabels, LABEL_FONT, MAX_ASPECT, MIN_PRESENT_FONT, MIN_SCREEN_FONT, PRESENT_FONT } from "./svgScene";

const all = (alphabet: string, C: number): string[] => {
  let out = [""];
  for (let k = 0; k < C; k++) out = out.flatMap((s) => Array.from(alphabet, (t) => s + t));
  return out;
};

function scene(states: string[], alphabet: string, C: number, boxW: number, boxH: number, present = false, radialOn?: boolean) {
  const chain = buildChain(states, alphabet, C);
  const frame = frameFor(states.length);
  const a = Math.min(MAX_ASPECT, Math.max(1, boxW / boxH)); // a wide box: an oval ring (graph.ts)
  const pos = ovalLayout(ringLayout(chain, frame.radius), a);
  const style = { r: frame.nodeRadius, arrow: 9 };
  const centre = { x: 0, y: 0 };
  const shapes = chain.edges.map((e) =>
    e.kind === "loop"
      ? loopShape(pos[e.fromIndex], outwardFrom(centre, pos[e.fromIndex]), style)
      : curveShape(pos[e.fromIndex], pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, style),
  );
  const chars = Math.max(...states.map((s) => s.length));
  const radial = radialOn ?? radialLabels(true, states.length, chars);
  const half = halfWithLabels(frame.half, frame.radius, frame.nodeRadius, chars, Math.min(boxW / a, boxH), present, radial);
  const S = Math.min(boxW / a, boxH) / (2 * half); // CSS px per drawing unit
  const min = present ? MIN_PRESENT_FONT : MIN_SCREEN_FONT;
  const nodeFont = Math.max(present ? 19 : 15, min / S);
  const inside = nodeFont <= (frame.nodeRadius * 2.9) / chars;
  const edgeFont = Math.max(present ? PRESENT_FONT : LABEL_FONT, min / S);
  const V = alphabet.length;
  // A trained-looking distribution: one token likelier in every state.
  const priority = chain.edges.map((e) => (e.tokenIndex === (e.fromIndex % V) ? 0.7 : 0.3 / (V - 1)));
  const n = states.length;
  const placed = placeChainLabels({
    nodes: pos, r: frame.nodeRadius, arrow: 9, stateChars: chars, outsideFont: inside ? null : nodeFont,
    shapes, loops: chain.edges.map((e) => e.kind === "loop"), edgeFont, edgeChars: 7, priority,
    minPriority: n <= 16 ? 0 : Math.max(0.1, 1 / V + 0.01), maxEdgeLabels: n <= 16 ? Infinity : 2 * n, aspect: a, radial,
    alone: n > 16, stateInk: inkEm(alphabet),
  });
  return { chain, frame, pos, shapes, placed, half, a, S, nodeFont, edgeFont, inside, min, inkAcross: inkEm(alphabet) };
}

/** Every shown label's box as corners (the text's own extent, no padding). */
function shownRects(s: ReturnType<typeof scene>): { rects: Pt[][]; nodeLabels: number; edgeLabels: number } {
  const rects: Pt[][] = [];
  let nodeLabels = 0;
  let edgeLabels = 0;
  s.placed.nodes.forEach((p) => {
    if (!p.shown) return;
    nodeLabels++;
    // a turned (radial) label as SVG draws it: rotated about its anchor, its ink across
    rects.push(p.angle === undefined ? boxCorners(p.at, s.placed.nodeBox.w, s.placed.nodeBox.h)
      : textCorners(p.at, p.angle, p.anchor!, s.placed.nodeBox.w, s.inkAcross * s.nodeFont));
  });
  if (s.inside) nodeLabels = s.pos.length;
  s.placed.edges.forEach((p) => {
    if (!p.shown) return;
    edgeLabels++;
    rects.push(boxCorners(p.at, s.placed.edgeBox.w, s.placed.edgeBox.h));
  });
  return { rects, nodeLabels, edgeLabels };
}

/** The label boxes are at least as big as their text: monospace advance × characters, a line high. */
function expectBoxesHoldTheText(s: ReturnType<typeof scene>, stateChars: number): void {
  expect(s.placed.edgeBox.w).toBeGreaterThanOrEqual(7 * 0.6 * s.edgeFont - 1e-9);
  expect(s.placed.edgeBox.h).toBeGreaterThanOrEqual(s.edgeFont);
  if (!s.inside) {
    expect(s.placed.nodeBox.w).toBeGreaterThanOrEqual(stateChars * 0.6 * s.nodeFont - 1e-9);
    expect(s.placed.nodeBox.h).toBeGreaterThanOrEqual(s.nodeFont);
  }
}

const CASES: [string, string[], string, number][] = [
  ["8 states (V=2 C=3)", all("01", 3), "01", 3],
  ["9 states (V=3 C=2)", all("abc", 2), "abc", 2],
  ["14 states (shorter contexts)", [...all("01", 3), ...all("01", 2), ...all("01", 1)], "01", 3],
  ["27 states (V=3 C=3)", all("abc", 3), "abc", 3],
  ["64 states (ACGT, C=3)", all("ACGT", 3), "ACGT", 3],
  ["64 states (V=2 C=6)", all("01", 6), "01", 6],
];

describe("label placement in the circular layout", () => {
  for (const [w, h, present] of [[1180, 600, 0], [1150, 540, 0], [1280, 720, 0], [1000, 560, 0], [720, 720, 0], [500, 373, 0], [1280, 720, 1], [1150, 540, 1]]) {
    for (const [name, states, alphabet, C] of CASES) {
      it(`${name} in a ${w}×${h} box${present ? ", presentation" : ""}: labels ¼ em apart, each by its own node or on its own edge, text ≥ ${present ? 17 : 13}px`, () => {
        const s = scene(states, alphabet, C, w, h, present === 1);
        const { rects } = shownRects(s);
        expectBoxesHoldTheText(s, Math.max(...states.map((x) => x.length)));
        // the test's own geometry (corners + separating axes): no two labels overlap, none over a node
        for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(convexOverlap(rects[i], rects[j]), `labels ${i} and ${j}`).toBe(false);
        for (const r of rects) for (const p of s.pos) expect(distanceToPolygon(p, r)).toBeGreaterThanOrEqual(s.frame.nodeRadius - 1e-9);
        const shown = shownLabels(s.placed, s.nodeFont, s.edgeFont, inkEm(alphabet));
        const nodeLabels = s.inside ? states.length : shown.filter((l) => l.kind === "node").length;
        const edgeLabels = shown.filter((l) => l.kind === "edge").length;
        // a quarter em between any two labels (`301` beside `011` reads `301011`)
        expect(tooClose(shown, LABEL_GAP_EM)).toEqual([]);
        // each state label nearer its own node than any other node
        expect(strayNodeLabels(shown, s.pos)).toEqual([]);
        // each edge label on or right beside its own edge; on a crowded chain no other edge through it
        const { off, crossed } = edgeLabelProblems(shown, s.shapes);
        expect(off).toEqual([]);
        if (states.length > 16) expect(crossed).toEqual([]);
        // no label over a node (the node's centre is where the pointer finds it)
        for (const l of shown) for (const p of s.pos) expect(distanceToQuad(p, l.quad)).toBeGreaterThan(s.frame.nodeRadius);
        // Presentation text (≥ 17 px) for 64 states in a 540 px tall box does not all fit: the
        // ones without room show on hover (never drawn over or against another label).
        if (present && states.length === 64 && h < 600) expect(nodeLabels).toBeGreaterThanOrEqual(0.5 * states.length);
        else expect(nodeLabels).toBe(states.length);
        // Above 16 states a label shows only where no other edge crosses it: in a small box
        // (27 states of 3 tokens at 500×373, 64 of 4) that can be nowhere; all on hover.
        if (states.length <= 16) expect(edgeLabels).toBeGreaterThan(0);
        expect(s.nodeFont * s.S).toBeGreaterThanOrEqual(s.min - 1e-9);
        expect(s.edgeFont * s.S).toBeGreaterThanOrEqual(s.min - 1e-9);
        // outside labels stay inside the viewBox (nothing cut off at the box's edge)
        for (const r of rects)
          for (const c of r) {
            expect(Math.abs(c.x)).toBeLessThanOrEqual(s.half * s.a + 1e-9);
            expect(Math.abs(c.y)).toBeLessThanOrEqual(s.half + 1e-9);
          }
        if (states.length === 8) expect(edgeLabels).toBe(16);
      });
    }
  }
});

describe("greedy placement", () => {
  it("takes the first free candidate, hides a label with none, keeps a preferred spot", () => {
    const items = [
      { candidates: [{ x: 0, y: 0 }], w: 10, h: 10 },
      { candidates: [{ x: 2, y: 0 }, { x: 30, y: 0 }], w: 10, h: 10 },
      { candidates: [{ x: 1, y: 1 }], w: 10, h: 10 },
    ];
    const out = placeGreedy(items, [0, 1, 2], [], 0);
    expect(out.map((p) => p.shown)).toEqual([true, true, false]);
    expect(out[1].at).toEqual({ x: 30, y: 0 });
    const again = placeGreedy(items, [1, 0, 2], [], 0, [-1, 1]);
    expect(again[1].at).toEqual({ x: 30, y: 0 }); // stays where it was though the middle is free
  });
  it("respects obstacles (nodes, arrowheads)", () => {
    const out = placeGreedy([{ candidates: [{ x: 0, y: 0 } as Point, { x: 50, y: 0 }], w: 10, h: 10 }], [0], [rectAt({ x: 0, y: 0 }, 20, 20)]);
    expect(out[0].at.x).toBe(50);
    expect(CHAR_EM * LINE_EM).toBeGreaterThan(0);
  });
});

describe("overlaps() (kept for callers) agrees with the separating-axis test", () => {
  it("on random and touching boxes", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 40 - 20;
    let hits = 0;
    for (let k = 0; k < 2000; k++) {
      const [a, b] = [{ x: rnd(), y: rnd() }, { x: rnd(), y: rnd() }];
      const [aw, ah, bw, bh] = [Math.abs(rnd()) + 1, Math.abs(rnd()) + 1, Math.abs(rnd()) + 1, Math.abs(rnd()) + 1];
      const want = convexOverlap(boxCorners(a, aw, ah), boxCorners(b, bw, bh));
      hits += want ? 1 : 0;
      expect(overlaps(rectAt(a, aw, ah), rectAt(b, bw, bh))).toBe(want);
    }
    expect(hits).toBeGreaterThan(200); // both answers exercised
    expect(overlaps(rectAt({ x: 0, y: 0 }, 10, 10), rectAt({ x: 10, y: 0 }, 10, 10))).toBe(false); // touching
  });
});

describe("labels keep off crossings", () => {
  it("an edge's label moves along it, away from where another edge crosses it", () => {
    const style = { r: 26, arrow: 9 };
    const nodes = [{ x: -200, y: 0 }, { x: 200, y: 0 }, { x: 0, y: -200 }, { x: 0, y: 200 }];
    const shapes = [curveShape(nodes[0], nodes[1], 0, style), curveShape(nodes[2], nodes[3], 0, style)];
    const placed = placeChainLabels({
      nodes, r: 26, arrow: 9, stateChars: 1, outsideFont: null, shapes, loops: [false, false],
      edgeFont: 14, edgeChars: 6, priority: [0.9, 0.01], minPriority: 0.5,
    });
    expect(placed.edges[0].shown).toBe(true);
    expect(placed.edges[1].shown).toBe(false); // below the threshold: on hover only
    const at = placed.edges[0].at;
    expect(Math.abs(at.x)).toBeGreaterThan(placed.edgeBox.w / 2); // not on the crossing at (0, 0)
    expect(Math.abs(at.y)).toBeLessThan(placed.edgeBox.h); // still on (or just beside) its edge
  });

});

describe("radial state labels on a crowded ring", () => {
  const ring = (n: number, R: number): Point[] =>
    Array.from({ length: n }, (_, i) => ({ x: R * Math.cos((2 * Math.PI * i) / n), y: R * Math.sin((2 * Math.PI * i) / n) }));

  it("point away from the centre, never upside down, all shown when the ring has room", () => {
    const nodes = ring(64, 200); // ~19.6 units between neighbours
    const got = radialNodeLabels(nodes, { x: 0, y: 0 }, 4, 15);
    expect(got.every((l) => l.shown)).toBe(true);
    got.forEach((l, i) => {
      const out = Math.atan2(nodes[i].y, nodes[i].x);
      // the label starts just outside its node, on the line from the centre through the node
      expect(Math.hypot(l.at.x, l.at.y)).toBeCloseTo(200 + 4 + 4, 5);
      expect(Math.abs(Math.atan2(l.at.y, l.at.x) - out) % (2 * Math.PI)).toBeLessThan(1e-6);
      // text reads left to right: turned at most a quarter either way
      expect(Math.abs(l.angle ?? 99)).toBeLessThanOrEqual(90);
      expect(l.anchor).toBe(Math.cos(out) < -1e-9 ? "end" : "start");
    });
  });

  it("shows every other label when neighbours are closer than a glyph", () => {
    const got = radialNodeLabels(ring(64, 120), { x: 0, y: 0 }, 4, 15); // ~11.8 apart < 13.5
    expect(got.filter((l) => l.shown).length).toBe(32);
    got.forEach((l, i) => expect(l.shown).not.toBe(got[(i + 1) % 64].shown)); // alternating
  });

  it("name all 64 states of V=2 C=6 in the lecture layout's box (≥ 13 px), clear of every edge label and node", () => {
    // 1280×720 JupyterLab, legend beside the chain: the drawing gets about 480×360 px
    const s = scene(all("01", 6), "01", 6, 480, 360, false, true);
    expect(s.inside).toBe(false);
    expect(s.placed.nodes.every((l) => l.shown && l.angle !== undefined)).toBe(true);
    // each state label as the turned text line it is drawn as (SVG rotate about its anchor point):
    // its whole line box keeps off edge labels and nodes; neighbours on the ring sit a glyph
    // apart (RADIAL_LINE_EM), so between two state labels the digits' ink (0.75 em) must not meet
    const text = (l: (typeof s.placed.nodes)[number], h: number) => textCorners(l.at, l.angle!, l.anchor!, 6 * 0.6 * s.nodeFont, h * s.nodeFont);
    const lines = s.placed.nodes.map((l) => text(l, LINE_EM));
    const ink = s.placed.nodes.map((l) => text(l, 0.75));
    const edges = s.placed.edges.filter((p) => p.shown).map((e) => boxCorners(e.at, s.placed.edgeBox.w, s.placed.edgeBox.h));
    for (const r of edges) for (const q of lines) expect(convexOverlap(q, r)).toBe(false);
    for (let i = 0; i < ink.length; i++) for (let j = i + 1; j < ink.length; j++) expect(convexOverlap(ink[i], ink[j]), `states ${i}, ${j}`).toBe(false);
    for (const q of [...lines, ...edges]) for (const p of s.pos) expect(distanceToPolygon(p, q)).toBeGreaterThanOrEqual(s.frame.nodeRadius - 1e-9);
    expect(edges.length).toBeGreaterThan(0);
    // edge labels (if any found room) sit on their own edges, no other edge through them
    const shown = shownLabels(s.placed, s.nodeFont, s.edgeFont, inkEm("01"));
    expect(edgeLabelProblems(shown, s.shapes)).toEqual({ off: [], crossed: [] });
    expect(s.nodeFont * s.S).toBeGreaterThanOrEqual(13 - 1e-9);
    // inside the viewBox: nothing cut off at the box's edge
    for (const q of lines)
      for (const c of q) {
        expect(Math.abs(c.x)).toBeLessThanOrEqual(s.half * s.a + 1e-9);
        expect(Math.abs(c.y)).toBeLessThanOrEqual(s.half + 1e-9);
      }
  });
});
