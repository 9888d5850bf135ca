import { describe, expect, it } from "vitest";
import { buildChain } from "./chain";
import { circularPositions, ForceLayout, frameFor } from "./layout";
import { STATES3 } from "./testing/fakeModel";

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
