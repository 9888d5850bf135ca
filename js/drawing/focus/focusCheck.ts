// What a focus view must not show: overlapping nodes, an edge over a node it does not touch, two
// edges running along each other — measured on the shapes the drawing draws (edgeShapes.ts). The
// layout uses it to pick its best start; the tests use it to check the result.
import type { Chain } from "../../model/chain";
import { BEND_PAIR, BEND_SINGLE, curveShape, loopShape, pointAt } from "../edgeShapes";
import type { EdgeShape, Point } from "../edgeShapes";
import { nearestOn } from "./focusForces";

export function drawnShapes(chain: Chain, pos: Point[], loops: Point[], r: number, arrow = 9): EdgeShape[] {
  return chain.edges.map((e) =>
    e.kind === "loop"
      ? loopShape(pos[e.fromIndex], loops[e.fromIndex], { r, arrow })
      : curveShape(pos[e.fromIndex], pos[e.toIndex], e.kind === "pair" ? BEND_PAIR : BEND_SINGLE, { r, arrow }),
  );
}

function sample(s: EdgeShape, step = 3): Point[] {
  const len = Math.hypot(s.end.x - s.start.x, s.end.y - s.start.y) + (s.controls.length > 1 ? 120 : 10);
  const k = Math.max(8, Math.ceil(len / step));
  return Array.from({ length: k + 1 }, (_, j) => pointAt(s, j / k));
}

/** Problems, in words (empty: none). An edge "runs along" another when a stretch of it longer
 *  than a node radius lies within 4 units of the other, away from the nodes both touch. The
 *  layout asks with a `margin` (> 1: stricter), so what it settles on passes with room to spare. */
export function focusProblems(chain: Chain, pos: Point[], loops: Point[], r: number, margin = 1): string[] {
  const bad: string[] = [];
  const name = (i: number): string => chain.states[i];
  for (let i = 0; i < pos.length; i++)
    for (let j = i + 1; j < pos.length; j++)
      if (Math.hypot(pos[i].x - pos[j].x, pos[i].y - pos[j].y) < 2 * r + 4 * margin) bad.push(`nodes ${name(i)} and ${name(j)} overlap`);
  const shapes = drawnShapes(chain, pos, loops, r);
  const lines = shapes.map((s) => sample(s));
  const boxes = lines.map((ln) => [Math.min(...ln.map((p) => p.x)), Math.min(...ln.map((p) => p.y)), Math.max(...ln.map((p) => p.x)), Math.max(...ln.map((p) => p.y))]);
  chain.edges.forEach((e, k) => {
    pos.forEach((p, i) => {
      if (i === e.fromIndex || i === e.toIndex) return;
      const b = boxes[k];
      if (p.x < b[0] - r || p.x > b[2] + r || p.y < b[1] - r || p.y > b[3] + r) return;
      const { d } = nearestOn(lines[k], p);
      if (d < r + 2 * margin) bad.push(`edge ${e.id} runs over node ${name(i)} (${d.toFixed(1)} from its centre)`);
    });
  });
  chain.edges.forEach((e, k) =>
    chain.edges.forEach((f, m) => {
      if (m === k) return;
      const [b, c] = [boxes[k], boxes[m]];
      if (b[0] > c[2] + 4 * margin || c[0] > b[2] + 4 * margin || b[1] > c[3] + 4 * margin || c[1] > b[3] + 4 * margin) return;
      const shared = [e.fromIndex, e.toIndex].filter((i) => i === f.fromIndex || i === f.toIndex).map((i) => pos[i]);
      let run = 0;
      let longest = 0;
      for (let j = 1; j < lines[k].length; j++) {
        const p = lines[k][j];
        const inBox = p.x >= c[0] - 4 * margin && p.x <= c[2] + 4 * margin && p.y >= c[1] - 4 * margin && p.y <= c[3] + 4 * margin;
        const nearShared = shared.some((s) => Math.hypot(p.x - s.x, p.y - s.y) < 2 * r);
        const close = inBox && !nearShared && nearestOn(lines[m], p).d < 4 * margin;
        run = close ? run + Math.hypot(p.x - lines[k][j - 1].x, p.y - lines[k][j - 1].y) : 0;
        longest = Math.max(longest, run);
      }
      if (longest > r / margin) bad.push(`edge ${e.id} runs along edge ${f.id} for ${longest.toFixed(0)} units`);
    }),
  );
  return bad;
}
