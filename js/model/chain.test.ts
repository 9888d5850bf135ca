import { describe, expect, it } from "vitest";
import { buildChain, nextState, unseenStates, windowsOf } from "./chain";
import { countsFor, SEED_SEQUENCE, STATES3 } from "../testing/fakeModel";

describe("chain structure", () => {
  const chain = buildChain(STATES3, "01", 3);

  it("has V edges per state, s -> s[1:]+t", () => {
    expect(chain.edges).toHaveLength(16);
    const e = chain.edges.find((x) => x.from === "101" && x.token === "1")!;
    expect(e.to).toBe("011");
    expect(e.fromIndex * 2 + e.tokenIndex).toBe(11); // row-major probs index
    expect(nextState("01", "2", 3)).toBe("012"); // shorter contexts grow
  });

  it("classifies self-loops and opposite pairs", () => {
    const kind = (from: string, to: string) => chain.edges.find((x) => x.from === from && x.to === to)!.kind;
    expect(kind("000", "000")).toBe("loop");
    expect(kind("111", "111")).toBe("loop");
    expect(kind("010", "101")).toBe("pair");
    expect(kind("101", "010")).toBe("pair");
    expect(kind("000", "001")).toBe("single");
    expect(chain.edges.filter((x) => x.kind === "pair")).toHaveLength(2);
  });

  it("handles V=3, C=2 (the seed's exercise)", () => {
    const states = ["00", "01", "02", "10", "11", "12", "20", "21", "22"];
    const c = buildChain(states, "012", 2);
    expect(c.edges).toHaveLength(27);
    expect(c.edges.filter((e) => e.kind === "loop").map((e) => e.from)).toEqual(["00", "11", "22"]);
  });
});

describe("data", () => {
  it("finds the training windows of a state (seed sequence, counted by hand)", () => {
    // 111101111011110: windows i=0..11; 111 at 0,1,5,6,10,11 followed by 1,0,1,0,1,0.
    expect(windowsOf(SEED_SEQUENCE, "111", 3)).toEqual([
      { i: 0, next: "1" },
      { i: 1, next: "0" },
      { i: 5, next: "1" },
      { i: 6, next: "0" },
      { i: 10, next: "1" },
      { i: 11, next: "0" },
    ]);
    expect(windowsOf(SEED_SEQUENCE, "101", 3).map((w) => w.i)).toEqual([3, 8]);
    expect(windowsOf(SEED_SEQUENCE, "000", 3)).toEqual([]);
  });

  it("matches the seed's data counts and flags unseen states", () => {
    const counts = countsFor(STATES3, "01", SEED_SEQUENCE, 3);
    // 011->1:2, 101->1:2, 110->1:2, 111->0:3 and 111->1:3
    expect(counts).toEqual([0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 2, 3, 3]);
    expect(unseenStates(Int32Array.from(counts), 8, 2)).toEqual([true, true, true, false, true, false, false, false]);
    expect(unseenStates(new Int32Array(0), 8, 2)).toEqual(new Array(8).fill(false)); // unknown: no marks
  });
});
