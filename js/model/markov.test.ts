import { describe, expect, it } from "vitest";
import {
  dataDistance,
  deterministicStationary,
  irreducibleForSure,
  reachProbability,
  reachSteps,
  sampleWalk,
  stationary,
  stationarySteps,
  successors,
  temper,
} from "./markov";
import { mulberry32 } from "./rng";
import { countsFor, rowsFromP1, SEED_SEQUENCE, STATES3, TRAINED_P1 } from "../testing/fakeModel";

const tokens = ["0", "1"];
const next3 = successors(STATES3, tokens, 3);
const trained = new Float32Array(rowsFromP1(TRAINED_P1));

/** Dense S×S matrix of a per-token chain (reference implementation for the tests). */
function dense(probs: ArrayLike<number>, next: Int32Array, S: number, V: number): number[][] {
  const P = Array.from({ length: S }, () => new Array<number>(S).fill(0));
  for (let s = 0; s < S; s++) for (let t = 0; t < V; t++) P[s][next[s * V + t]] += probs[s * V + t];
  return P;
}
const mul = (a: number[], P: number[][]): number[] => P[0].map((_, j) => a.reduce((acc, x, i) => acc + x * P[i][j], 0));

describe("temperature", () => {
  const row = new Float32Array([0.2, 0.8, 0.6, 0.4]);
  it("T=1 is the chain itself; T=0 is greedy (argmax one-hot)", () => {
    expect(temper(row, 2, 1)).toBe(row);
    expect(Array.from(temper(row, 2, 0))).toEqual([0, 1, 1, 0]);
    expect(Array.from(temper(new Float32Array([0.5, 0.5]), 2, 0))).toEqual([1, 0]); // ties: first
  });
  it("is p^(1/T) renormalised", () => {
    const t = temper(row, 2, 0.5);
    expect(t[1]).toBeCloseTo(0.64 / (0.64 + 0.04), 6);
    const u = temper(row, 2, 2);
    expect(u[1]).toBeCloseTo(Math.sqrt(0.8) / (Math.sqrt(0.8) + Math.sqrt(0.2)), 6);
    const tiny = temper(row, 2, 1e-4); // no NaN from underflow
    expect(Array.from(tiny)).toEqual([0, 1, 1, 0]);
  });
});

describe("successors", () => {
  it("shift the token in, and let shorter contexts grow", () => {
    const states = [...STATES3, "0", "1", "00", "01", "10", "11"];
    const next = successors(states, tokens, 3);
    const at = (s: string, t: number) => states[next[states.indexOf(s) * 2 + t]];
    expect(at("101", 1)).toBe("011");
    expect(at("1", 0)).toBe("10");
    expect(at("10", 1)).toBe("101");
    expect(successors(["00", "01"], tokens, 2)[1 * 2 + 0]).toBe(-1); // "10" not a state
  });
});

describe("stationary distribution", () => {
  it("is a fixed point of the trained seed chain (π P = π)", () => {
    const pi = stationary(trained, next3, 8, 2);
    expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const P = dense(trained, next3, 8, 2);
    mul(Array.from(pi), P).forEach((v, i) => expect(v).toBeCloseTo(pi[i], 6)); // float32 rows
  });

  it("is the long-run fraction from a uniform start for a periodic chain", () => {
    // 0 -> 1 -> 0 (period 2): plain powers oscillate, the lazy chain converges to 1/2, 1/2.
    const probs = new Float32Array([0.5, 0.5, 0.5, 0.5]);
    const next = new Int32Array([1, 1, 0, 0]); // both tokens move to the other state
    expect(Array.from(stationary(probs, next, 2, 2))).toEqual([0.5, 0.5]);
    // Bipartite: 0 -> 1 or 2, both -> 0. From uniform, P^n flips between (1/3,1/3,1/3) and
    // (2/3,1/6,1/6) forever; the long-run fraction is (1/2, 1/4, 1/4).
    const pi = stationary(new Float32Array([0.5, 0.5, 1, 0, 1, 0]), new Int32Array([1, 2, 0, 0, 0, 0]), 3, 2);
    expect(pi[0]).toBeCloseTo(0.5, 9);
    expect(pi[1]).toBeCloseTo(0.25, 9);
    expect(pi[2]).toBeCloseTo(0.25, 9);
  });

  it("keeps the Cesàro limit of a reducible chain (two absorbing states)", () => {
    // states a, b, c: a absorbs, b absorbs, c -> a or b with 1/2 each.
    const probs = new Float32Array([1, 0, 1, 0, 0.5, 0.5]);
    const next = new Int32Array([0, 0, 1, 1, 0, 1]);
    const pi = stationary(probs, next, 3, 2);
    expect(pi[0]).toBeCloseTo(0.5, 8);
    expect(pi[1]).toBeCloseTo(0.5, 8);
    expect(pi[2]).toBeCloseTo(0, 8);
  });

  it("is exact for a greedy (deterministic) chain: equal time on each state of the final cycle", () => {
    const greedy = temper(trained, 2, 0);
    const pi = deterministicStationary(greedy, next3, 8, 2)!;
    expect(pi).not.toBeNull();
    // Greedy seed chain: 111 -0-> 110 -1-> 101 -1-> 011 -1-> 111: a 4-cycle every walk ends in.
    const cycle = ["111", "110", "101", "011"];
    STATES3.forEach((s, i) => expect(pi[i]).toBeCloseTo(cycle.includes(s) ? 0.25 : 0, 12));
    expect(deterministicStationary(trained, next3, 8, 2)).toBeNull();
    // The power iteration agrees where it can converge (this cycle's lazy chain mixes fast).
    expect(Array.from(stationary(greedy, next3, 8, 2))).toEqual(Array.from(pi));
  });
});

describe("reach probability", () => {
  const marked = STATES3.map((s) => s === "000");

  it("is 1 from inside the marked set and 0 with k = 0 outside", () => {
    const r0 = reachProbability(trained, next3, marked, 0, 2);
    expect(r0[0]).toBe(1);
    expect(r0[7]).toBe(0);
    const r5 = reachProbability(trained, next3, marked, 5, 2);
    expect(r5[0]).toBe(1);
  });

  it("matches a brute-force sum over all walks of k steps", () => {
    const k = 6;
    const start = STATES3.indexOf("111");
    let hit = 0;
    for (let w = 0; w < 2 ** k; w++) {
      let s = start;
      let p = 1;
      let seen = false;
      for (let i = 0; i < k; i++) {
        const t = (w >> i) & 1;
        p *= trained[s * 2 + t];
        s = next3[s * 2 + t];
        seen ||= marked[s];
      }
      if (seen) hit += p;
    }
    expect(reachProbability(trained, next3, marked, k, 2)[start]).toBeCloseTo(hit, 6);
    // 000 needs three 0s in a row from 111: 0.546 · 0.22 · 0.2525
    const three = (1 - TRAINED_P1[7]) * (1 - TRAINED_P1[6]) * (1 - TRAINED_P1[4]);
    expect(reachProbability(trained, next3, marked, 3, 2)[start]).toBeCloseTo(three, 6);
  });

  it("grows with k and is 0 when the marked state is unreachable under greedy decoding", () => {
    const r = [1, 5, 20, 100].map((k) => reachProbability(trained, next3, marked, k, 2)[7]);
    for (let i = 1; i < r.length; i++) expect(r[i]).toBeGreaterThanOrEqual(r[i - 1]);
    expect(reachProbability(temper(trained, 2, 0), next3, marked, 100, 2)[7]).toBe(0);
  });
});

describe("sampling", () => {
  it("is reproducible for a seed and follows the chain's edges", () => {
    const start = STATES3.indexOf("111");
    const a = sampleWalk(trained, next3, 2, start, 200, mulberry32(5));
    const b = sampleWalk(trained, next3, 2, start, 200, mulberry32(5));
    const c = sampleWalk(trained, next3, 2, start, 200, mulberry32(6));
    expect(a).toEqual(b);
    expect(a.tokens).not.toEqual(c.tokens);
    expect(a.tokens).toHaveLength(200);
    a.tokens.forEach((t, i) => expect(a.states[i + 1]).toBe(next3[a.states[i] * 2 + t]));
  });

  it("draws tokens with the chain's frequencies", () => {
    // From 101 the next token is 1 with p = 0.7929: one step, many seeds.
    const s = STATES3.indexOf("101");
    let ones = 0;
    for (let seed = 0; seed < 4000; seed++) ones += sampleWalk(trained, next3, 2, s, 1, mulberry32(seed)).tokens[0];
    expect(ones / 4000).toBeCloseTo(TRAINED_P1[5], 1);
  });

  it("greedy walks are deterministic", () => {
    const g = temper(trained, 2, 0);
    const w = sampleWalk(g, next3, 2, 7, 8, mulberry32(1));
    expect(w.tokens.join("")).toBe("01110111");
  });
});

describe("data vs model", () => {
  const counts = countsFor(STATES3, "01", SEED_SEQUENCE, 3);

  it("total variation per state, NaN where the data has no windows", () => {
    const d = dataDistance(trained, counts, 8, 2);
    expect(d.perState[STATES3.indexOf("000")]).toBeNaN();
    // 101: data says 1 always; model 0.7929 -> TV = 1 - 0.7929
    expect(d.perState[STATES3.indexOf("101")]).toBeCloseTo(1 - TRAINED_P1[5], 6);
    expect(d.perState[STATES3.indexOf("111")]).toBeCloseTo(0.5 - TRAINED_P1[7], 6);
  });

  it("total weighted by how often each state occurs in the data", () => {
    const d = dataDistance(trained, counts, 8, 2);
    // windows: 011 x2, 101 x2, 110 x2, 111 x6
    const want = (2 * (1 - TRAINED_P1[3]) + 2 * (1 - TRAINED_P1[5]) + 2 * (1 - TRAINED_P1[6]) + 6 * Math.abs(0.5 - TRAINED_P1[7])) / 12;
    expect(d.total).toBeCloseTo(want, 6);
    expect(STATES3[d.worst]).toBe("110");
    expect(dataDistance(trained, new Array(16).fill(0), 8, 2).total).toBeNaN();
  });
});

describe("stepwise forms (the big-chain analysis runs them in slices)", () => {
  const drain = <T>(g: Generator<unknown, T>): { value: T; steps: number } => {
    let steps = 0;
    for (;;) {
      const r = g.next();
      if (r.done) return { value: r.value, steps };
      steps++;
    }
  };

  it("stationarySteps yields between iterations and ends where stationary does", () => {
    const { value, steps } = drain(stationarySteps(trained, next3, 8, 2));
    expect(steps).toBeGreaterThan(5);
    expect(Array.from(value)).toEqual(Array.from(stationary(trained, next3, 8, 2)));
  });

  it("a warm start converges in fewer steps to the same distribution", () => {
    const cold = drain(stationarySteps(trained, next3, 8, 2));
    const nudged = new Float32Array(trained.map((p, i) => (i % 2 ? p + 0.002 : p - 0.002)));
    const fresh = drain(stationarySteps(nudged, next3, 8, 2));
    const warm = drain(stationarySteps(nudged, next3, 8, 2, { init: cold.value }));
    expect(warm.steps).toBeLessThan(fresh.steps);
    warm.value.forEach((p, i) => expect(p).toBeCloseTo(fresh.value[i], 8));
  });

  it("ignores a warm start when the limit depends on the start (reducible chain)", () => {
    // 0 and 2 absorb, 1 splits: from uniform, 0 and 2 each end up with half the mass.
    const probs = new Float32Array([1, 0, 0.5, 0.5, 1, 0]);
    const next = new Int32Array([0, 0, 0, 2, 2, 2]);
    expect(irreducibleForSure(probs, next, 3, 2)).toBe(false);
    expect(irreducibleForSure(trained, next3, 8, 2)).toBe(true);
    const uniform = stationary(probs, next, 3, 2);
    const warm = stationary(probs, next, 3, 2, { init: [1, 0, 0] });
    expect(Array.from(warm)).toEqual(Array.from(uniform));
  });

  it("reachSteps is reachProbability one step at a time", () => {
    const marked = STATES3.map((s) => s === "000");
    const { value, steps } = drain(reachSteps(trained, next3, marked, 7, 2));
    expect(steps).toBe(6);
    expect(Array.from(value)).toEqual(Array.from(reachProbability(trained, next3, marked, 7, 2)));
  });
});
