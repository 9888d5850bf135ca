import { describe, expect, it } from "vitest";
import { buildChain, nextState } from "../model/chain";
import { deBruijn, deBruijnOrder } from "./debruijn";
import { STATES3 } from "../testing/fakeModel";

function allStates(alphabet: string, c: number): string[] {
  let out = [""];
  for (let i = 0; i < c; i++) out = out.flatMap((s) => Array.from(alphabet).map((t) => s + t));
  return out;
}

/** Chords of the circle (nodes in `order`) that cross each other: the clutter a reader sees. */
function crossings(states: string[], alphabet: string, c: number, order: number[]): number {
  const slot = new Map(order.map((i, k) => [i, k] as const));
  const chords = buildChain(states, alphabet, c)
    .edges.filter((e) => e.from !== e.to)
    .map((e) => [slot.get(e.fromIndex)!, slot.get(e.toIndex)!].sort((a, b) => a - b));
  const uniq = [...new Map(chords.map((ch) => [ch.join(","), ch])).values()];
  let n = 0;
  for (let i = 0; i < uniq.length; i++)
    for (let j = i + 1; j < uniq.length; j++) {
      const [a, b] = uniq[i];
      const [p, q] = uniq[j];
      if ((a < p && p < b && b < q) || (p < a && a < q && q < b)) n++;
    }
  return n;
}

describe("de Bruijn order", () => {
  it("is the lexicographically least de Bruijn sequence (FKM)", () => {
    expect(deBruijn(2, 3).join("")).toBe("00010111");
    expect(deBruijn(3, 2).join("")).toBe("001021122");
    expect(deBruijn(2, 1).join("")).toBe("01");
  });

  it("orders V=2, C=3 as 000,001,010,101,011,111,110,100", () => {
    const order = deBruijnOrder(STATES3, ["0", "1"], 3)!;
    expect(order.map((i) => STATES3[i])).toEqual(["000", "001", "010", "101", "011", "111", "110", "100"]);
  });

  it("puts an edge along the rim from every node to the next", () => {
    for (const [alphabet, c] of [["01", 3], ["012", 2], ["ACGT", 2], ["01", 5]] as const) {
      const states = allStates(alphabet, c);
      const order = deBruijnOrder(states, Array.from(alphabet), c)!;
      expect(new Set(order).size).toBe(states.length);
      order.forEach((i, k) => {
        const from = states[i];
        const to = states[order[(k + 1) % order.length]];
        expect(Array.from(alphabet).some((t) => nextState(from, t, c) === to)).toBe(true);
      });
    }
  });

  it("draws with fewer crossings than lexicographic order", () => {
    for (const [alphabet, c] of [["01", 3], ["012", 2], ["01", 4]] as const) {
      const states = allStates(alphabet, c);
      const lex = states.map((_, i) => i);
      const db = deBruijnOrder(states, Array.from(alphabet), c)!;
      expect(crossings(states, alphabet, c, db)).toBeLessThan(crossings(states, alphabet, c, lex));
    }
  });

  it("gives up (keeps the given order) when the states are not all V^C contexts", () => {
    expect(deBruijnOrder(["00", "01"], ["0", "1"], 2)).toBeNull();
    expect(deBruijnOrder(["00", "01", "10", "1x"], ["0", "1"], 2)).toBeNull();
  });
});
