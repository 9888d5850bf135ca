// Runs compared on a canvas-drawn chain (512 states): the tables work, no SVG marks are drawn.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { f32, i32 } from "../../testing/fakeModel";
import { setup } from "../../testing/harness";
import type { Setup } from "../../testing/harness";
import { mockContext } from "../../testing/mockCanvas";
import type { Traits } from "../../model/types";
import { MAX_ROWS } from "./ensembleView";

const C = 9;
const STATES = Array.from({ length: 2 ** C }, (_, i) => i.toString(2).padStart(C, "0"));
const p1 = (i: number, j = 0): number => 0.15 + 0.7 * ((((i + 7 * j) * 2654435761) >>> 0) % 1000) / 1000;

function bigTraits(): Partial<Traits> {
  const probs = STATES.flatMap((_, i) => [1 - p1(i), p1(i)]);
  const seeds = [0, 1, 2].map((j) => STATES.map((_, i) => [1 - p1(i, j), p1(i, j)]));
  const pick = (f: (v: number[]) => number) => STATES.map((_, i) => [0, 1].map((t) => f(seeds.map((r) => r[i][t]))));
  return {
    config: { sequence: "0110101110010111", alphabet: "01", context_length: C, n_layer: 2, n_head: 2, n_embd: 16, seed: 1, lr: 0.001, weight_decay: 0.1 },
    states: STATES,
    probs: f32(probs),
    data_counts: i32(new Array<number>(STATES.length * 2).fill(0)),
    global_step: 0,
    loss: 0.69,
    history_steps: i32([0]),
    history_losses: f32([0.69]),
    history_probs: f32(probs),
    prefix_states: [],
    prefix_probs: f32([]),
    history_prefix_probs: f32([]),
    prefix_data_counts: i32([]),
    sample_start: "",
    ensemble: {
      seeds: [1, 2, 3],
      steps: 0,
      per_seed: seeds,
      median: pick((v) => [...v].sort((a, b) => a - b)[1]),
      min: pick((v) => Math.min(...v)),
      max: pick((v) => Math.max(...v)),
      seen: STATES.map(() => false),
    },
    comparison: { label: "step 0", step: 0, other_probs: STATES.map(() => [0.5, 0.5]), tv: STATES.map(() => 0), mean_tv: 0, max_tv: 0 },
  };
}

let current: Setup | null = null;
beforeEach(() => {
  const ctx = mockContext();
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation((() => ctx) as never);
});
afterEach(() => {
  current?.mounted.destroy();
  current = null;
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

describe("a canvas chain", () => {
  it("lists the ensemble (widest spreads on demand) and the TV table; no SVG marks", () => {
    const s = (current = setup(bigTraits()));
    s.flush();
    expect(s.$(".bg-graph-stack").dataset.renderMode).toBe("canvas");
    expect(s.$$('table[data-role="ensemble-table"] tbody tr')).toHaveLength(MAX_ROWS);
    expect(s.$('table[data-role="ensemble-table"] caption').textContent).toContain(`of ${STATES.length} states`);
    expect(s.$$('table[data-role="tv-table"] tbody tr')).toHaveLength(MAX_ROWS);
    expect(s.$('[data-role="compare-banner"]').hidden).toBe(false);
    expect(s.$$(".bg-edge-decor path")).toHaveLength(0);
    s.$<HTMLElement>('th[data-sort="spread"]').click();
    const spreads = s.$$('table[data-role="ensemble-table"] tbody tr').map((r) => {
      const [lo, hi] = r.querySelectorAll("td")[3].textContent!.split("–").map((x) => parseFloat(x));
      return hi - lo;
    });
    expect(spreads[0]).toBeGreaterThanOrEqual(spreads[spreads.length - 1]);
  });
});
