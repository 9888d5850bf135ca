import { describe, expect, it } from "vitest";
import { buildChain } from "../model/chain";
import { circularPositions, ForceLayout, forceTicks, frameFor, ringLayout } from "./nodePositions";
import { PREFIX_STATES3, STATES3 } from "../testing/fakeModel";

const radiusOf = (p: { x: number; y: number }) => Math.hypot(p.x, p.y);
/** Clockwise angle from the top, in [0, 2π). */
const clock = (p: { x: number; y: number }) => (Math.atan2(p.y, p.x) + Math.PI / 2 + 2 * Math.PI) % (2 * Math.PI);

describe("ring layout (circular, actual state space)", () => {
  it("orders full contexts clockwise along the de Bruijn cycle", () => {
    const chain = buildChain(STATES3, "01", 3);
    const pos = ringLayout(chain, 190);
    const order = STATES3.map((s, i) => ({ s, a: clock(pos[i]) })).sort((a, b) => a.a - b.a).map((x) => x.s);
    expect(order).toEqual(["000", "001", "010", "101", "011", "111", "110", "100"]);
    for (const p of pos) expect(radiusOf(p)).toBeCloseTo(190, 6);
    expect(ringLayout(chain, 190)).toEqual(pos); // stable
  });

  it("puts shorter contexts on inner rings, one ring per length", () => {
    const states = [...STATES3, ...PREFIX_STATES3];
    const chain = buildChain(states, "01", 3);
    expect(chain.states).toHaveLength(14);
    expect(chain.edges).toHaveLength(28);
    const pos = ringLayout(chain, 240);
    const r = (s: string) => radiusOf(pos[states.indexOf(s)]);
    for (const s of STATES3) expect(r(s)).toBeCloseTo(240, 6);
    expect(r("00")).toBeCloseTo(r("11"), 6);
    expect(r("0")).toBeCloseTo(r("1"), 6);
    expect(r("0")).toBeLessThan(r("00"));
    expect(r("00")).toBeLessThan(240);
    // Nodes on a ring do not touch (node radius 26).
    for (let i = 0; i < states.length; i++)
      for (let j = i + 1; j < states.length; j++) expect(Math.hypot(pos[i].x - pos[j].x, pos[i].y - pos[j].y)).toBeGreaterThan(52);
  });

  it("places a shorter context on the side of the contexts it grows into", () => {
    const states = [...STATES3, ...PREFIX_STATES3];
    const pos = ringLayout(buildChain(states, "01", 3), 240);
    const at = (s: string) => pos[states.indexOf(s)];
    const d = (a: string, b: string) => Math.hypot(at(a).x - at(b).x, at(a).y - at(b).y);
    // "00" grows into 000 and 001, which sit next to each other at the top.
    expect(d("00", "000")).toBeLessThan(d("00", "111"));
    expect(d("11", "111")).toBeLessThan(d("11", "000"));
  });
});

describe("circular layout", () => {
  it("puts every node on the circle, lexicographic order clockwise from the top", () => {
    const pos = circularPositions(8, 190);
    for (const p of pos) expect(Math.hypot(p.x, p.y)).toBeCloseTo(190, 6);
    expect(pos[0].x).toBeCloseTo(0);
    expect(pos[0].y).toBeCloseTo(-190); // top (SVG y grows downwards)
    expect(pos[2].x).toBeCloseTo(190); // a quarter turn clockwise: right
    expect(pos[4].y).toBeCloseTo(190); // bottom
    expect(pos[6].x).toBeCloseTo(-190); // left
    // Equal spacing: neighbours all the same distance apart.
    const gaps = pos.map((p, i) => Math.hypot(p.x - pos[(i + 1) % 8].x, p.y - pos[(i + 1) % 8].y));
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0], 6);
  });

  it("is stable: same input, same positions", () => {
    expect(circularPositions(5, 100)).toEqual(circularPositions(5, 100));
  });

  it("leaves room for nodes to not touch, also with many states", () => {
    for (const n of [2, 8, 27, 1024]) {
      const f = frameFor(n);
      const pos = circularPositions(n, f.radius);
      const gap = n > 1 ? Math.hypot(pos[0].x - pos[1].x, pos[0].y - pos[1].y) : Infinity;
      expect(gap).toBeGreaterThan(2 * f.nodeRadius);
      expect(f.half).toBeGreaterThan(f.radius + f.nodeRadius);
    }
  });
});

describe("force layout", () => {
  const chain = buildChain(STATES3, "01", 3);
  const frame = frameFor(8);

  it("is deterministic and fills the frame without overlapping nodes", () => {
    const a = new ForceLayout(chain, frame).settle(frame);
    const b = new ForceLayout(chain, frame).settle(frame);
    expect(a).toEqual(b);
    const maxX = Math.max(...a.map((p) => Math.abs(p.x)));
    const maxY = Math.max(...a.map((p) => Math.abs(p.y)));
    expect(Math.max(maxX, maxY)).toBeCloseTo(frame.radius, 3);
    for (let i = 0; i < a.length; i++)
      for (let j = i + 1; j < a.length; j++)
        expect(Math.hypot(a[i].x - a[j].x, a[i].y - a[j].y)).toBeGreaterThan(2 * frame.nodeRadius);
  });

  it("keeps levels apart with a radial force when shorter contexts are drawn", () => {
    const states = [...STATES3, ...PREFIX_STATES3];
    const c = buildChain(states, "01", 3);
    const f = frameFor(14);
    const pos = new ForceLayout(c, f).settle(f);
    const mean = (len: number) => {
      const rs = states.flatMap((s, i) => (s.length === len ? [radiusOf(pos[i])] : []));
      return rs.reduce((a, b) => a + b, 0) / rs.length;
    };
    expect(mean(1)).toBeLessThan(mean(2));
    expect(mean(2)).toBeLessThan(mean(3));
  });

  it("pins a dragged node where the pointer is (drawing coordinates)", () => {
    const f = new ForceLayout(chain, frame);
    f.settle(frame);
    f.pin(3, { x: 10, y: -20 });
    const d = f.nodes[3];
    expect(f.toDrawing(d.fx!, d.fy!).x).toBeCloseTo(10);
    expect(f.toDrawing(d.fx!, d.fy!).y).toBeCloseTo(-20);
    f.stop();
  });
});

describe("force layout of big chains", () => {
  const big = (C: number) =>
    buildChain(
      Array.from({ length: 2 ** C }, (_, i) => i.toString(2).padStart(C, "0")),
      "01",
      C,
    );

  it("takes fewer ticks as the chain grows (d3's 300 for small ones)", () => {
    expect(forceTicks(8)).toBe(300);
    expect(forceTicks(256)).toBe(300);
    expect(forceTicks(1024)).toBe(80);
    expect(forceTicks(4096)).toBe(80);
    expect(new ForceLayout(big(3), frameFor(8)).simulation.force("collide")).toBeTruthy();
    const c = big(10);
    expect(new ForceLayout(c, frameFor(1024)).simulation.force("collide")).toBeFalsy(); // cheaper ticks
  });

  it("settles the same way in steps (spread over frames) as all at once", () => {
    const c = big(7);
    const f = frameFor(c.states.length);
    const once = new ForceLayout(c, f).settle(f);
    const layout = new ForceLayout(c, f);
    const steps = layout.settleSteps(f);
    let n = 0;
    let r = steps.next();
    while (!r.done) {
      n++;
      r = steps.next();
    }
    expect(n).toBe(layout.ticks - 1);
    expect(r.value).toEqual(once);
  });
});
