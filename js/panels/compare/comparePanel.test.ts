// The Compare runs section in the mounted widget: commands sent, the ensemble's table, bands
// and median labels, a comparison's banner and colours, the hitting plot following the slider,
// and a saved page (no kernel) drawing saved results with the kernel-only buttons off.
import { describe, expect, it, vi } from "vitest";
import { STATIC_REASON } from "../../app/app";
import { STATES3 } from "../../testing/fakeModel";
import { edgeSel, setupEach, type } from "../../testing/harness";
import { HITTING_DEBOUNCE_MS } from "./comparePanel";

const make = setupEach();

const UNSEEN = new Set(["000", "001", "010", "100"]);
/** 3 seeds over the 8 states: P(1) near 0.8 when seen (tight), scattered when unseen. */
function ensembleTrait() {
  const p1 = (s: string, j: number) => (UNSEEN.has(s) ? 0.3 + 0.3 * j : 0.8 + 0.01 * j);
  const perSeed = [0, 1, 2].map((j) => STATES3.map((s) => [1 - p1(s, j), p1(s, j)]));
  const pick = (f: (v: number[]) => number) => STATES3.map((_, i) => [0, 1].map((t) => f(perSeed.map((r) => r[i][t]))));
  return {
    seeds: [1337, 1338, 1339],
    steps: 49,
    per_seed: perSeed,
    median: pick((v) => [...v].sort((a, b) => a - b)[1]),
    min: pick((v) => Math.min(...v)),
    max: pick((v) => Math.max(...v)),
    seen: STATES3.map((s) => !UNSEEN.has(s)),
  };
}

describe("seed ensemble", () => {
  it("Train seeds sends compare_seeds {k}; a bad k is refused inline and nothing is sent", () => {
    const s = make();
    type(s.$<HTMLInputElement>('input[data-field="k"]'), "4");
    s.$<HTMLButtonElement>('button[data-action="train-seeds"]').click();
    expect(s.model.commands()).toEqual([{ cmd: "compare_seeds", k: 4 }]);
    type(s.$<HTMLInputElement>('input[data-field="k"]'), "0");
    s.$<HTMLButtonElement>('button[data-action="train-seeds"]').click();
    expect(s.model.commands()).toHaveLength(1);
    expect(s.$('[data-error-for="k"]').textContent).toMatch(/^k: must be a whole number from 1 to 64/);
    // progress while the k copies train
    s.model.update({ training: true, progress: { done: 10, total: 49 } });
    s.flush();
    expect(s.$('[data-role="ensemble-progress"]').textContent).toBe("training 4 seeds: 10 / 49 steps");
    s.model.update({ training: false, progress: {} });
    s.flush();
    expect(s.$('[data-role="ensemble-progress"]').classList.contains("bg-idle")).toBe(true);
  });

  it("progress shows even when a cell's own training pushes updates before the seeds start", () => {
    const s = make();
    type(s.$<HTMLInputElement>('input[data-field="k"]'), "16");
    s.$<HTMLButtonElement>('button[data-action="train-seeds"]').click();
    // w.train(1500) from a cell still streams (training stays false: it is not background work)
    s.model.update({ global_step: 60, training: false });
    s.flush();
    s.model.update({ training: true, progress: { done: 3, total: 1550 } }); // the seeds start
    s.flush();
    expect(s.$('[data-role="ensemble-progress"]').textContent).toBe("training 16 seeds: 3 / 1550 steps");
    s.model.update({ training: false, progress: {} });
    s.flush();
    // finished: a later Train ×N is not labelled as seeds
    s.model.update({ training: true, progress: { done: 1, total: 50 } });
    s.flush();
    expect(s.$('[data-role="ensemble-progress"]').classList.contains("bg-idle")).toBe(true);
  });

  it("draws bands (wider when unseen), keeps the run's labels unless medians are chosen, a table and the k values on hover", () => {
    const s = make();
    const before = s.$(`${edgeSel("000", "001", "1")} text`).textContent;
    expect(before).toBe("1(73%)"); // the run's own number
    s.model.update({ ensemble: ensembleTrait() });
    s.flush();
    const bands = s.$$<SVGPathElement>("svg.bg-graph path.bg-spread-band");
    expect(bands).toHaveLength(16);
    const width = (from: string) => Math.max(...bands.filter((b) => b.dataset.from === from).map((b) => +b.getAttribute("stroke-width")!));
    expect(width("000")).toBeGreaterThan(width("011"));
    // the run's labels stay (the ensemble does not silently replace them) …
    expect(s.$(`${edgeSel("000", "001", "1")} text`).textContent).toBe(before);
    expect(s.$('[data-role="ensemble-banner"]').textContent).toContain("labels: this run's");
    // … until the learner chooses the medians (checkbox or the banner's button), and back
    const box = s.$<HTMLInputElement>('input[data-field="ensemble_median_labels"]');
    expect(box.checked).toBe(false);
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    s.flush();
    expect(s.$(`${edgeSel("000", "001", "1")} text`).textContent).toBe("1(60%)");
    expect(s.$('[data-role="ensemble-banner"]').textContent).toContain("labels: the seeds' median");
    s.$<HTMLButtonElement>('button[data-action="ensemble-labels"]').click();
    s.flush();
    expect(s.$(`${edgeSel("000", "001", "1")} text`).textContent).toBe(before);
    expect(box.checked).toBe(false);
    s.$<HTMLButtonElement>('button[data-action="ensemble-labels"]').click();
    s.flush();
    expect(s.$(`${edgeSel("000", "001", "1")} text`).textContent).toBe("1(60%)");
    // the summary names the widest spreads (state and range), not only a median of spreads
    const summary = s.$('[data-role="ensemble-summary"]').textContent ?? "";
    expect(summary).toMatch(/Widest spreads of P\(1\): 000 30\.0%–90\.0% \(unseen\), 001 30\.0%–90\.0% \(unseen\), 010 30\.0%–90\.0% \(unseen\)/);
    expect(summary).toContain("Median spread: seen");
    // the legend says what a band is (shown while bands are drawn)
    expect(s.$('[data-role="legend-bands"]').textContent).toMatch(/band round an edge: .*lowest to the highest seed/);
    expect(s.$("svg.bg-graph").dataset.decor).toBe("ensemble");
    const rows = s.$$('table[data-role="ensemble-table"] tbody tr');
    expect(rows.map((r) => r.dataset.state)).toEqual(STATES3);
    expect(rows[0].classList.contains("bg-unseen-row")).toBe(true);
    expect([...rows[0].querySelectorAll("td")].map((c) => c.textContent)).toEqual(["000", "no", "60.0%", "30.0%–90.0%"]);
    expect(s.$('[data-role="ensemble-banner"]').hidden).toBe(false);
    // sort by spread: unseen first
    s.$<HTMLElement>('th[data-sort="spread"]').click();
    expect(s.$$('table[data-role="ensemble-table"] tbody tr')[4].dataset.state).toBe("011");
    s.$('th[data-sort="state"]').dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(s.$$('table[data-role="ensemble-table"] tbody tr')[1].dataset.state).toBe("001");
    s.$('th[data-sort="spread"]').dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    s.$(edgeSel("000", "001", "1")).dispatchEvent(new MouseEvent("mouseenter", { clientX: 5, clientY: 5 }));
    expect(s.$('.bg-tooltip [data-role="seed-values"]').textContent).toContain("1337: 30.0%, 1338: 60.0%, 1339: 90.0%");
    // Hide: back to the run's own labels, the table stays
    s.$<HTMLButtonElement>('button[data-action="hide-ensemble"]').click();
    s.flush();
    expect(s.$$("path.bg-spread-band")).toHaveLength(0);
    expect(s.$(`${edgeSel("000", "001", "1")} text`).textContent).toBe(before);
    expect(s.$$('table[data-role="ensemble-table"] tbody tr')).toHaveLength(8);
  });
});

describe("the seed table, large", () => {
  it("Enlarge shows every state's range on a 0–100% axis over the drawing; Esc goes back", () => {
    const s = make();
    s.model.update({ ensemble: ensembleTrait() });
    s.flush();
    const btn = s.$<HTMLButtonElement>('button[data-action="ensemble-large"]');
    expect(btn.hidden).toBe(false);
    btn.click();
    const large = s.$('[data-role="large-view"]');
    expect(large.dataset.large).toBe("ensemble");
    const table = large.querySelector('table[data-role="ensemble-table-large"]')!;
    expect(table.querySelectorAll("tbody tr")).toHaveLength(8);
    expect([...table.querySelectorAll('[data-role="ensemble-axis"] .bg-range-tick')].map((t) => t.textContent)).toEqual(["0%", "25%", "50%", "75%", "100%"]);
    const bar = table.querySelector('tr[data-state="000"] rect.bg-range-bar')!;
    expect(+bar.getAttribute("x")!).toBeCloseTo(30, 6); // min 30%
    expect(+bar.getAttribute("width")!).toBeCloseTo(60, 6); // to max 90%
    expect(large.querySelector(".bg-ensemble-summary")!.textContent).toContain("Widest spreads");
    // sorting the large table sorts it (the spread: unseen first)
    table.querySelector<HTMLElement>('th[data-sort="spread"]')!.click();
    expect(large.querySelectorAll("tbody tr")[4].getAttribute("data-state")).toBe("011");
    large.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(large.hidden).toBe(true);
    expect(document.activeElement).toBe(btn);
  });
});

describe("seed ensemble at its own step only", () => {
  it("another step's chain shows its own labels, no bands, and a banner saying where the ensemble is", () => {
    const s = make();
    s.model.update({ ensemble: ensembleTrait() }); // 3 seeds trained to step 49 = live
    s.flush();
    s.$<HTMLButtonElement>('button[data-action="ensemble-labels"]').click(); // median labels chosen
    s.flush();
    expect(s.$$("path.bg-spread-band")).toHaveLength(16);
    s.model.update({ shown_index: 0 }); // the history slider at step 0
    s.flush();
    expect(s.$$("path.bg-spread-band")).toHaveLength(0);
    expect(s.$(`${edgeSel("000", "001", "1")} text`).textContent).not.toBe("1(60%)");
    const banner = s.$('[data-role="ensemble-banner"]');
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("drawn when the chain shows step 49");
    s.model.update({ shown_index: -1 }); // live again: drawn
    s.flush();
    expect(s.$$("path.bg-spread-band")).toHaveLength(16);
    expect(s.$(`${edgeSel("000", "001", "1")} text`).textContent).toBe("1(60%)");
  });
});

describe("compare with another run", () => {
  const comparison = (other: number) => ({
    label: "step 10",
    step: 49,
    other_probs: STATES3.map(() => [1 - other, other]),
    tv: STATES3.map(() => 0),
    mean_tv: 0,
    max_tv: 0,
  });

  it("sends a step or a run string; refuses other text inline", () => {
    const s = make();
    const input = s.$<HTMLInputElement>('input[data-field="other"]');
    type(input, "step 10");
    s.$<HTMLButtonElement>('button[data-action="compare"]').click();
    type(input, "babygpt1:seq=0110;steps=3");
    s.$<HTMLButtonElement>('button[data-action="compare"]').click();
    type(input, "last week");
    s.$<HTMLButtonElement>('button[data-action="compare"]').click();
    expect(s.model.commands()).toEqual([{ cmd: "compare", other: 10 }, { cmd: "compare", other: "babygpt1:seq=0110;steps=3" }]);
    expect(s.$('[data-error-for="other"]').textContent).toMatch(/^other: /);
  });

  it("colours edges by the difference, shows TV against the shown chain, Leave sends clear_compare", () => {
    const s = make();
    s.model.update({ comparison: comparison(0.5) });
    s.flush();
    const banner = s.$('[data-role="compare-banner"]');
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("comparing step 49 with step 10");
    expect(s.$$("path.bg-diff-edge")).toHaveLength(16);
    expect(s.$("svg.bg-graph").dataset.decor).toBe("comparison");
    // TV of 111 (P(1) 0.4536 shown) against 0.5
    const tv = +s.$('table[data-role="tv-table"] tr[data-state="111"]').dataset.tv!;
    expect(tv).toBeCloseTo(0.0464, 3);
    // scrubbing to step 0 (≈50/50): nothing differs any more
    s.model.set("shown_index", 0);
    s.flush();
    expect(+s.$('[data-role="compare-summary"]').dataset.maxTv!).toBeLessThan(1e-6);
    s.$<HTMLButtonElement>('button[data-action="leave-compare"]').click();
    s.flush();
    expect(banner.hidden).toBe(true);
    expect(s.$$("path.bg-diff-edge")).toHaveLength(0);
    expect(s.model.commands().at(-1)).toEqual({ cmd: "clear_compare" });
  });
});

describe("hitting probability against temperature", () => {
  const curve = (step: number) => ({ targets: ["000"], k: 10, start: "111", step, temperatures: [0, 1, 2], probabilities: [0, 0.1, 0.3] });

  it("plots a point per temperature, marks the temperature, and follows the slider", () => {
    vi.useFakeTimers();
    const s = make({ naughty: ["000"] });
    vi.advanceTimersByTime(10);
    s.$<HTMLButtonElement>('button[data-action="hitting"]').click();
    expect(s.model.commands()).toEqual([{ cmd: "hitting", k: 10, start: "111" }]);
    s.model.update({ hitting: curve(49) });
    s.flush();
    expect(s.$$("circle.bg-hitting-point").map((c) => +c.dataset.p!)).toEqual([0, 0.1, 0.3]);
    expect(s.$(".bg-hitting-temp").dataset.temperature).toBe("1");
    s.model.set("temperature", 0.5);
    s.flush();
    expect(s.$(".bg-hitting-temp").dataset.temperature).toBe("0.5");
    s.model.set("shown_index", 5);
    s.flush();
    expect(s.model.commands()).toHaveLength(1); // asks once the slider rests
    vi.advanceTimersByTime(HITTING_DEBOUNCE_MS + 10);
    expect(s.model.commands()).toHaveLength(2);
    expect(s.$('[data-role="hitting-note"]').textContent).toContain("updating");
  });
});

describe("a saved page (no kernel)", () => {
  it("draws the saved ensemble and curve; Train seeds, Compare and Plot are off with the reason", () => {
    vi.useFakeTimers();
    const s = make({ ensemble: ensembleTrait(), naughty: ["000"], hitting: { targets: ["000"], k: 10, start: "111", step: 49, temperatures: [0, 1, 2], probabilities: [0, 0.1, 0.3] } }, { kernel: false });
    vi.advanceTimersByTime(2100);
    s.flush();
    expect(s.$$("path.bg-spread-band")).toHaveLength(16);
    expect(s.$$("circle.bg-hitting-point")).toHaveLength(3);
    for (const sel of ['button[data-action="train-seeds"]', 'button[data-action="compare"]', 'button[data-action="hitting"]']) {
      expect(s.$<HTMLButtonElement>(sel).disabled).toBe(true);
      expect(s.$(sel).title).toBe(STATIC_REASON);
    }
    s.model.set("shown_index", 3);
    s.flush();
    vi.advanceTimersByTime(1000);
    expect(s.model.commands()).toEqual([]);
    expect(s.$('[data-role="hitting-note"]').textContent).toContain("needs the kernel");
  });
});
