import { describe, expect, it } from "vitest";
import { buildChain } from "../../model/chain";
import { neighbourhood } from "./neighbourhood";

const binary = (C: number): string[] => Array.from({ length: 2 ** C }, (_, i) => i.toString(2).padStart(C, "0"));

describe("focus neighbourhood", () => {
  const chain = buildChain(binary(10), "01", 10);
  const centre = chain.states.indexOf("0110100110");

  it("k = 1: the state, where it goes (2) and where it comes from (2)", () => {
    const nb = neighbourhood(chain, centre, 1);
    expect(nb.chain.states[0]).toBe("0110100110");
    expect(new Set(nb.chain.states)).toEqual(new Set(["0110100110", "1101001100", "1101001101", "0011010011", "1011010011"]));
    expect(nb.dist).toEqual([0, 1, 1, 1, 1]);
    // every kept edge joins two shown states, renumbered into the sub-chain
    for (const e of nb.chain.edges) {
      expect(nb.chain.states[e.fromIndex]).toBe(e.from);
      expect(nb.chain.states[e.toIndex]).toBe(e.to);
    }
    expect(nb.chain.edges).toHaveLength(4);
    expect(nb.edges.map((i) => chain.edges[i].id)).toEqual(nb.chain.edges.map((e) => e.id));
  });

  it("grows with k (in and out) and stays far smaller than the chain", () => {
    const sizes = [1, 2, 3].map((k) => neighbourhood(chain, centre, k).nodes.length);
    expect(sizes[0]).toBeLessThan(sizes[1]);
    expect(sizes[1]).toBeLessThan(sizes[2]);
    expect(sizes[2]).toBeLessThanOrEqual(1 + 4 + 12 + 36); // 2 in + 2 out per state
    const nb = neighbourhood(chain, centre, 3);
    expect(Math.max(...nb.dist)).toBe(3);
  });
});
