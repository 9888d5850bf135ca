// The focus view's layout (d3-force): no two nodes overlap, no edge runs over a node it does not
// touch or along another edge, the focused state in the middle, nearer states nearer it.
import { describe, expect, it } from "vitest";
import { buildChain } from "../../model/chain";
import { focusProblems } from "../../testing/focusGeometry";
import { focusBox, focusLayout } from "./focusPositions";
import { neighbourhood } from "./neighbourhood";

const all = (alphabet: string, C: number): string[] => {
  let out = [""];
  for (let k = 0; k < C; k++) out = out.flatMap((s) => Array.from(alphabet, (t) => s + t));
  return out;
};
const R = 26;

// [name, alphabet, C, state, k, outside label width]
const CASES: [string, string, number, string, number, number][] = [
  ["8 states, 000, 2 steps (the issue's case)", "01", 3, "000", 2, 0],
  ["8 states, 101, 1 step", "01", 3, "101", 1, 0],
  ["8 states, 111, 3 steps", "01", 3, "111", 3, 0],
  ["1,024 states, 0110100110, 2 steps", "01", 10, "0110100110", 2, 110],
  ["1,024 states, 0000000000, 3 steps", "01", 10, "0000000000", 3, 110],
  ["9 states (V=3 C=2), ab, 1 step", "abc", 2, "ab", 1, 0],
  ["64 states (ACGT), ACG, 1 step", "ACGT", 3, "ACG", 1, 0],
];
/** Three or more tokens, 2 steps: every state has 2V edges; nodes stay apart, a few edges may
 *  still pass close to a node (bounded time: one start). */
const DENSE: [string, string, number, string, number][] = [
  ["9 states (V=3 C=2), ab, 2 steps", "abc", 2, "ab", 2],
  ["64 states (ACGT), AAA, 2 steps", "ACGT", 3, "AAA", 2],
];

describe("focus view layout", () => {
  for (const [name, alphabet, C, state, k, labelW] of CASES) {
    it(`${name}: nodes apart, no edge over a node or along another`, () => {
      const chain = buildChain(all(alphabet, C), alphabet, C);
      const nb = neighbourhood(chain, chain.states.indexOf(state), k);
      const laid = focusLayout(nb, { r: R, labelW });
      // the focused state near the middle, the layout's box centred on 0,0
      expect(Math.hypot(laid.positions[0].x, laid.positions[0].y)).toBeLessThan(laid.radius);
      const xs = laid.positions.map((p) => p.x);
      expect(Math.abs(Math.min(...xs) + Math.max(...xs))).toBeLessThan(1e-6);
      expect(focusProblems(nb.chain, laid.positions, laid.loops, R)).toEqual([]);
      // nodes with a label outside keep a box for it (node and label above or below) to themselves
      if (labelW > 0) {
        const { hw, hh } = focusBox({ r: R, labelW });
        for (let i = 0; i < laid.positions.length; i++)
          for (let j = i + 1; j < laid.positions.length; j++) {
            const [p, q] = [laid.positions[i], laid.positions[j]];
            expect(Math.abs(p.x - q.x) >= 2 * hw - 2 || Math.abs(p.y - q.y) >= 2 * hh - 2).toBe(true);
          }
      }
    });
  }
  it("64 states (V=2 C=6), 011010, 3 steps (32 states): no node overlaps or edge over a node; at most two edges run close", () => {
    const chain = buildChain(all("01", 6), "01", 6);
    const nb = neighbourhood(chain, chain.states.indexOf("011010"), 3);
    const laid = focusLayout(nb, { r: R, labelW: 110 });
    const problems = focusProblems(nb.chain, laid.positions, laid.loops, R);
    expect(problems.filter((p) => !p.includes("runs along"))).toEqual([]);
    expect(problems.length).toBeLessThanOrEqual(2);
  }, 30_000); // four starts of 32 states: slow on a loaded machine

  for (const [name, alphabet, C, state, k] of DENSE) {
    it(`${name}: no two nodes overlap`, () => {
      const chain = buildChain(all(alphabet, C), alphabet, C);
      const nb = neighbourhood(chain, chain.states.indexOf(state), k);
      const laid = focusLayout(nb, { r: R, labelW: 0 });
      expect(focusProblems(nb.chain, laid.positions, laid.loops, R).filter((p) => p.startsWith("nodes"))).toEqual([]);
    });
  }

  it("the 8-state focus on 000 no longer puts four states on one line", () => {
    const chain = buildChain(all("01", 3), "01", 3);
    const nb = neighbourhood(chain, 0, 2);
    const { positions } = focusLayout(nb, { r: R, labelW: 0 });
    const xs = ["010", "001", "000", "100"].map((s) => positions[nb.chain.states.indexOf(s)].x);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(2 * R);
  });

  it("is deterministic", () => {
    const chain = buildChain(all("01", 3), "01", 3);
    const nb = neighbourhood(chain, 0, 2);
    expect(focusLayout(nb, { r: R, labelW: 0 })).toEqual(focusLayout(nb, { r: R, labelW: 0 }));
  });
});
