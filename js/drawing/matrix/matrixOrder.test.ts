import { describe, expect, it } from "vitest";
import { matrixOrder, rowEntropy, stateMatcher } from "./matrixOrder";

const states = ["000", "001", "010", "011", "100", "101", "110", "111"];
// P(1 | state): 000 .73, 001 .5, 010 .9, 011 .1, 100 .6, 101 .79, 110 .22, 111 .45
const p1 = [0.73, 0.5, 0.9, 0.1, 0.6, 0.79, 0.22, 0.45];
const probs = Float32Array.from(p1.flatMap((p) => [1 - p, p]));
const unseen = [true, true, true, false, true, false, false, false];
const names = (o: Int32Array): string[] => Array.from(o, (i) => states[i]);

describe("transition matrix rows: filter and sort", () => {
  it("state order by default, all rows", () => {
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "", seen: "all", sort: "state" }))).toEqual(states);
  });
  it("sorts by P of a token, likeliest first", () => {
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "", seen: "all", sort: "p:1" })).slice(0, 3)).toEqual(["010", "101", "000"]);
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "", seen: "all", sort: "p:0" }))[0]).toBe("011");
  });
  it("sorts by uncertainty (entropy), most uncertain first", () => {
    const o = names(matrixOrder(states, probs, 2, unseen, { text: "", seen: "all", sort: "entropy" }));
    expect(o[0]).toBe("001"); // 50/50
    expect(new Set(o.slice(-2))).toEqual(new Set(["010", "011"])); // 90/10 and 10/90: the surest
    expect(rowEntropy(probs, 1, 2)).toBeCloseTo(1, 6);
  });
  it("sorts unseen (or seen) states first, keeping state order within", () => {
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "", seen: "all", sort: "unseen" }))).toEqual(["000", "001", "010", "100", "011", "101", "110", "111"]);
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "", seen: "all", sort: "seen" }))[0]).toBe("011");
  });
  it("filters by prefix, by pattern and by seen / unseen", () => {
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "10", seen: "all", sort: "state" }))).toEqual(["100", "101"]);
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "?1?", seen: "all", sort: "state" }))).toEqual(["010", "011", "110", "111"]);
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "*1", seen: "unseen", sort: "state" }))).toEqual(["001"]);
    expect(names(matrixOrder(states, probs, 2, unseen, { text: "", seen: "seen", sort: "p:1" }))).toEqual(["101", "111", "110", "011"]);
    expect(stateMatcher("a.b")("axb")).toBe(false); // regex characters are literal
  });
  it("4,096 states: a prefix keeps 1 in 16", () => {
    const big = Array.from({ length: 4096 }, (_, i) => i.toString(2).padStart(12, "0"));
    const o = matrixOrder(big, null, 2, [], { text: "0101", seen: "all", sort: "p:1" });
    expect(o.length).toBe(256);
    expect(big[o[0]]).toBe("010100000000"); // no probabilities: state order
  });
});
