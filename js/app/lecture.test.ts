// The lecture views in jsdom: actual state space, long run, naughty states, data vs model,
// per-edge history, presentation, classroom controls, export, run string, static pages, V > 2.
import { describe, expect, it, vi } from "vitest";
import { STATIC_BADGE, STATIC_REASON } from "./app";
import { serializeSvg } from "../drawing/exporter";
import { percent1 } from "../util/format";
import { countsFor, f32, i32, PREFIX_P1, rowsFromP1, SEED_SEQUENCE, STATES3, TRAINED_P1 } from "../testing/fakeModel";
import { edgeSel, setupEach, type, visibleEdges } from "../testing/harness";

const make = setupEach();
const next = (s: string, t: string) => s.slice(1) + t;

/** Reference long-run shares: the lazy chain's powers from uniform, in plain doubles. */
function referenceShares(p1: number[]): number[] {
  let pi = new Array(8).fill(1 / 8);
  for (let it = 0; it < 5000; it++) {
    const out = pi.map((x) => x / 2);
    STATES3.forEach((s, i) => {
      out[STATES3.indexOf(next(s, "0"))] += (pi[i] * (1 - p1[i])) / 2;
      out[STATES3.indexOf(next(s, "1"))] += (pi[i] * p1[i]) / 2;
    });
    pi = out;
  }
  return pi;
}

/** Reference P(hit a target within k steps from start). */
function referenceReach(p1: number[], targets: string[], k: number, start: string): number {
  let r: number[] = STATES3.map((s) => (targets.includes(s) ? 1 : 0));
  for (let i = 0; i < k; i++)
    r = STATES3.map((s, j) => (targets.includes(s) ? 1 : (1 - p1[j]) * r[STATES3.indexOf(next(s, "0"))] + p1[j] * r[STATES3.indexOf(next(s, "1"))]));
  return r[STATES3.indexOf(start)];
}
const P1 = Array.from(new Float32Array(TRAINED_P1));

describe("actual state space (shorter contexts)", () => {
  it("the toggle adds the 6 shorter contexts and their edges: 14 states, 28 edges", () => {
    const s = make();
    const box = s.$<HTMLInputElement>('input[type=checkbox][data-field="show_prefixes"]');
    expect(box.checked).toBe(false);
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    expect(s.model.get("show_prefixes")).toBe(true);
    s.flush();
    expect(s.$$("g.bg-node")).toHaveLength(14);
    expect(s.$$("g.bg-edge")).toHaveLength(28);
    expect(s.$(`${edgeSel("1", "11", "1")} text`).textContent).toBe("1(71%)");
    expect(s.$(`${edgeSel("11", "111", "1")} text`).textContent).toBe(`1(${Math.round(PREFIX_P1[5] * 100)}%)`);
    expect(s.$(`${edgeSel("10", "101", "1")}`)).toBeTruthy();
    // levels: shorter contexts on inner rings
    const r = (st: string) => {
      const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(s.$(`g.bg-node[data-state="${st}"]`).getAttribute("transform")!)!;
      return Math.hypot(Number(m[1]), Number(m[2]));
    };
    expect(r("1")).toBeLessThan(r("11"));
    expect(r("11")).toBeLessThan(r("111"));
  });

  it("scrubbing shows the shorter contexts' history too", () => {
    const s = make({ show_prefixes: true });
    s.model.set("shown_index", 0);
    s.flush();
    expect(s.$(`${edgeSel("1", "11", "1")} text`).textContent).toBe("1(50%)");
    s.model.set("shown_index", -1);
    s.flush();
    expect(s.$(`${edgeSel("1", "11", "1")} text`).textContent).toBe("1(71%)");
  });
});

describe("long-run behaviour (stationary distribution)", () => {
  it("shows each state's share in the tooltip and shades nodes by it", () => {
    const s = make();
    const want = referenceShares(P1);
    const node = s.$('g.bg-node[data-state="111"]');
    node.dispatchEvent(new MouseEvent("mouseenter"));
    expect(s.$(".bg-tooltip").textContent).toContain(`long-run share of time: ${percent1(want[7])}`);
    const shade = (st: string) => Number(s.$(`g.bg-node[data-state="${st}"] .bg-node-shade`).getAttribute("fill-opacity"));
    const top = STATES3[want.indexOf(Math.max(...want))];
    expect(shade(top)).toBe(0.55);
    expect(shade("000")).toBeLessThan(shade(top));
    expect(s.$('[data-role="stationary"]').textContent).toContain(`${top} ${(Math.max(...want) * 100).toFixed(0)}%`);
  });

  it("updates when scrubbing and with temperature", () => {
    const s = make();
    const text = () => s.$('[data-role="stationary"]').textContent;
    const live = text();
    s.model.set("shown_index", 0);
    s.flush();
    expect(text()).not.toBe(live);
    s.model.update({ shown_index: -1, temperature: 0 });
    s.flush();
    // greedy: the 4-cycle 111 -> 110 -> 101 -> 011 gets all the time, a quarter each
    expect(text()).toBe("011 25%, 101 25%, 110 25%");
  });
});

describe("naughty states and reachability", () => {
  it("clicking a node toggles it in `naughty`, drawn red", () => {
    const s = make();
    s.$('g.bg-node[data-state="000"]').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(s.model.get("naughty")).toEqual(["000"]);
    s.flush();
    expect(s.$$("g.bg-node.bg-naughty").map((g) => g.getAttribute("data-state"))).toEqual(["000"]);
    s.$('g.bg-node[data-state="000"]').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(s.model.get("naughty")).toEqual([]);
    s.flush();
    expect(s.$$("g.bg-node.bg-naughty")).toHaveLength(0);
  });

  it("P(reach a marked state within k steps from the start) matches the reference", () => {
    const s = make({ naughty: ["000"] });
    const reach = () => s.$('[data-role="reach"]').textContent!;
    expect(reach()).toContain("within 10 steps from 111");
    expect(reach()).toContain(referenceReach(P1, ["000"], 10, "111").toFixed(3));
    type(s.$('input[data-field="reach_k"]'), "3");
    expect(s.model.get("reach_k")).toBe(3);
    s.flush();
    expect(reach()).toContain(referenceReach(P1, ["000"], 3, "111").toFixed(3));
    type(s.$('input[data-field="reach_k"]'), "2000");
    expect(s.$('[data-error-for="reach_k"]').textContent).not.toBe("");
    expect(s.model.get("reach_k")).toBe(3);
  });

  it("is 1 from inside the marked set, 0 under greedy decoding, and follows the slider", () => {
    const s = make({ naughty: ["000"], sample_start: "000" });
    const reach = () => s.$('[data-role="reach"]').textContent!;
    expect(reach()).toContain("= 1.000");
    s.model.update({ sample_start: "111", temperature: 0 });
    s.flush();
    expect(reach()).toContain("= 0.000");
    s.model.update({ temperature: 1, shown_index: 0 });
    s.flush();
    const p0 = Array.from(new Float32Array(TRAINED_P1.map(() => 0.5)));
    expect(reach()).toContain(referenceReach(p0, ["000"], 10, "111").toFixed(3));
  });
});

describe("data chain vs model chain", () => {
  it("total variation distance per state (tooltip) and weighted total (readout)", () => {
    const s = make();
    const want = (2 * (1 - P1[3]) + 2 * (1 - P1[5]) + 2 * (1 - P1[6]) + 6 * Math.abs(0.5 - P1[7])) / 12;
    expect(s.$('[data-role="tv-distance"]').textContent).toContain(`TV ${want.toFixed(3)}`);
    s.$('g.bg-node[data-state="101"]').dispatchEvent(new MouseEvent("mouseenter"));
    expect(s.$(".bg-tooltip").textContent).toContain(`TV ${(1 - P1[5]).toFixed(3)}`);
    // per-node paired bars: model above, data below; 101's data bar is all token 1
    const bar = (st: string, row: string, tok: number) =>
      Number(s.$(`g.bg-node[data-state="${st}"] rect.bg-bar-seg.${row}.bg-tok-${tok}`).getAttribute("width"));
    expect(bar("101", "bg-bar-data", 0)).toBe(0);
    expect(bar("101", "bg-bar-data", 1)).toBeGreaterThan(0);
    expect(bar("101", "bg-bar-model", 1) / (bar("101", "bg-bar-model", 0) + bar("101", "bg-bar-model", 1))).toBeCloseTo(P1[5], 2);
    expect(bar("000", "bg-bar-data", 1)).toBe(0); // not in the data: empty (dashed) bar
    expect(s.$('g.bg-node[data-state="000"]').classList.contains("bg-unseen")).toBe(true);
  });

  it("updates immediately when data_counts changes", () => {
    const s = make();
    const counts = countsFor(STATES3, "01", "0000000000", 3); // only 000 -> 0
    s.model.update({ data_counts: i32(counts) });
    s.flush();
    expect(s.$('[data-role="tv-distance"]').textContent).toContain(`TV ${P1[0].toFixed(3)}`);
    expect(s.$('g.bg-node[data-state="000"]').classList.contains("bg-unseen")).toBe(false);
    expect(s.$('g.bg-node[data-state="111"]').classList.contains("bg-unseen")).toBe(true);
  });
});

describe("per-edge history", () => {
  it("hovering an edge shows a sparkline of its probability with the shown step marked", () => {
    const s = make();
    s.$(edgeSel("101", "011", "1")).dispatchEvent(new MouseEvent("mouseenter"));
    const spark = s.$(".bg-tooltip .bg-sparkline");
    expect(spark).toBeTruthy();
    expect(spark.getAttribute("data-step")).toBe("49");
    expect(spark.querySelector("path.bg-spark-line")!.getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+L/);
    // linked to the loss chart: its marker is emphasised while an edge is hovered
    expect(s.$(".babygpt-widget").classList.contains("bg-edge-hover")).toBe(true);
    s.model.set("shown_index", 10);
    s.flush();
    expect(s.$(".bg-tooltip .bg-sparkline").getAttribute("data-step")).toBe("10");
    expect(s.$(".bg-loss-marker").getAttribute("data-step")).toBe("10");
    s.$(edgeSel("101", "011", "1")).dispatchEvent(new MouseEvent("mouseleave"));
    expect(s.$(".babygpt-widget").classList.contains("bg-edge-hover")).toBe(false);
  });
});

describe("presentation and classroom controls", () => {
  it("presentation mode: a class on the root and thicker edges", () => {
    const s = make();
    const path = s.$(`g.bg-edge-line[data-from="101"][data-to="011"] path.bg-edge-path`);
    const w = Number(path.getAttribute("stroke-width"));
    s.$('button[data-action="presentation"]').click();
    expect(s.model.get("presentation")).toBe(true);
    s.flush();
    expect(s.$(".babygpt-widget").classList.contains("bg-presentation")).toBe(true);
    expect(Number(path.getAttribute("stroke-width"))).toBeGreaterThan(w * 1.5);
  });

  it("`controls` shows only the listed controls (and their shortcuts)", () => {
    const s = make({ controls: ["sample", "slider", "temperature"] });
    const off = (sel: string) => s.$(sel).closest(".bg-off") !== null;
    expect(off('button[data-action="step"]')).toBe(true);
    expect(off('button[data-action="reset"]')).toBe(true);
    expect(off('input[data-field="sequence"]')).toBe(true);
    expect(off('button[data-action="export-svg"]')).toBe(true);
    expect(off('svg.bg-loss')).toBe(true);
    expect(off('button[data-action="sample"]')).toBe(false);
    expect(off('input[data-role="history-slider"]')).toBe(false);
    expect(off('input[data-field="temperature"]')).toBe(false);
    expect(off('section[data-section="inside"]')).toBe(true); // the inside panel and runs compared
    expect(off('section[data-section="compare"]')).toBe(true);
    s.$(".babygpt-widget").dispatchEvent(new KeyboardEvent("keydown", { key: "r", bubbles: true }));
    expect(s.model.commands()).toEqual([]);
    s.model.set("controls", ["step", "train", "play", "reset", "slider", "loss", "config", "layout", "sample", "temperature", "naughty", "prefixes", "export", "help", "presentation", "runstring", "inside", "compare", "lesson"]);
    s.flush();
    expect(s.$$(".bg-off")).toHaveLength(0);
  });
});

describe("export", () => {
  it("serializes the chain as a standalone SVG with inline styles, hidden edges left out", () => {
    const s = make({ temperature: 0 });
    const text = serializeSvg(s.$<SVGSVGElement>("svg.bg-graph"), { background: "#fff", title: "chain" });
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    expect(doc.querySelector("parsererror")).toBeNull();
    expect(doc.documentElement.namespaceURI).toBe("http://www.w3.org/2000/svg");
    expect(text.match(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g)).toHaveLength(1);
    expect(doc.querySelectorAll("g.bg-node")).toHaveLength(8);
    expect(doc.querySelectorAll("g.bg-edge")).toHaveLength(8); // greedy: the 8 argmax edges
    expect(doc.querySelector("g.bg-node text")!.getAttribute("style")).toMatch(/font-family/);
    expect(doc.querySelector("title")!.textContent).toBe("chain");
    expect(doc.querySelectorAll(".bg-edge-hit")).toHaveLength(0);
  });

  it("downloads through a Blob-URL anchor with a download attribute", () => {
    const s = make();
    const urls: Blob[] = [];
    URL.createObjectURL = vi.fn((b: Blob) => (urls.push(b), "blob:chain")) as never;
    URL.revokeObjectURL = vi.fn() as never;
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    s.$('button[data-action="export-svg"]').click();
    const a = s.$<HTMLAnchorElement>("a[download]");
    expect(a.download).toBe("babygpt-chain-step-49.svg");
    expect(a.href).toBe("blob:chain");
    expect(clicked).toHaveBeenCalled();
    expect(urls[0].type).toBe("image/svg+xml");
  });
});

describe("run string", () => {
  it("shows the run string, loads a pasted one, shows errors inline", () => {
    const s = make();
    expect(s.$('[data-role="run-string"]').textContent).toMatch(/^babygpt2:seq=111101111011110;/);
    const input = s.$<HTMLInputElement>('input[data-field="run_string"]');
    s.$('button[data-action="load-run"]').click();
    expect(s.$('[data-error-for="run_string"]').textContent).not.toBe("");
    expect(s.model.commands()).toEqual([]);
    input.value = "babygpt1:seq=0101;alphabet=01;C=2;steps=3";
    s.$('button[data-action="load-run"]').click();
    expect(s.model.commands()).toEqual([{ cmd: "load_run", value: "babygpt1:seq=0101;alphabet=01;C=2;steps=3" }]);
    expect(s.$('[data-error-for="run_string"]').textContent).toBe("");
    s.model.set("errors", { run_string: "run_string: unknown key 'x'" });
    s.flush();
    expect(s.$('[data-error-for="run_string"]').textContent).toBe("run_string: unknown key 'x'");
    expect(s.$('button[data-action="copy-run"]')).toBeTruthy();
  });
});

describe("static pages (no kernel)", () => {
  it("says hello; with no reply within 2 s, kernel-only controls are disabled with a reason", () => {
    vi.useFakeTimers();
    const s = make({}, { kernel: false });
    expect(s.model.sent[0]).toEqual({ cmd: "hello" });
    const step = s.$<HTMLButtonElement>('button[data-action="step"]');
    const stepTitle = step.title;
    const badge = s.$('[data-role="static-badge"]');
    expect(step.disabled).toBe(false);
    expect(badge.hidden).toBe(true);
    vi.advanceTimersByTime(2100);
    for (const sel of [
      'button[data-action="step"]',
      'button[data-action="train"]',
      'button[data-action="play"]',
      'button[data-action="reset"]',
      'input[data-field="sequence"]',
      'input[data-field="lr"]',
      'input[data-field="run_string"]',
      'button[data-action="load-run"]',
    ]) {
      expect(s.$<HTMLButtonElement>(sel).disabled).toBe(true);
      expect(s.$(sel).title).toBe(STATIC_REASON);
    }
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe(STATIC_BADGE);
    // front-end features keep working
    for (const sel of ['button[data-action="sample"]', 'select[data-field="layout"]', 'input[data-role="history-slider"]', 'input[data-field="temperature"]'])
      expect(s.$<HTMLButtonElement>(sel).disabled).toBe(false);
    s.$('button[data-action="sample"]').click();
    expect((s.model.get("walk") as { tokens: string }).tokens).toHaveLength(20);
    s.$(".babygpt-widget").dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    expect(s.model.commands()).toEqual([]);
    // a late reply: a kernel after all
    s.model.reply({ reply: "hello", ok: true });
    expect(step.disabled).toBe(false);
    expect(step.title).toBe(stepTitle);
    expect(badge.hidden).toBe(true);
  });

  it("a step count arriving from Python means a kernel, even before hello is answered", () => {
    vi.useFakeTimers();
    const s = make({}, { kernel: false });
    vi.advanceTimersByTime(2100);
    const step = s.$<HTMLButtonElement>('button[data-action="step"]');
    expect(step.disabled).toBe(true);
    s.model.update({ global_step: 7 }); // e.g. a later cell trains while hello waits in the queue
    expect(step.disabled).toBe(false);
    expect(s.$('[data-role="static-badge"]').hidden).toBe(true);
  });

  it("stays live when the kernel answers", async () => {
    vi.useFakeTimers();
    const s = make({}, { kernel: true });
    await Promise.resolve(); // the fake kernel replies in a microtask
    vi.advanceTimersByTime(5000);
    expect(s.$<HTMLButtonElement>('button[data-action="step"]').disabled).toBe(false);
    expect(s.$('[data-role="static-badge"]').hidden).toBe(true);
  });
});

describe("vocabularies larger than 2", () => {
  function states(alphabet: string, c: number): string[] {
    let out = [""];
    for (let i = 0; i < c; i++) out = out.flatMap((s) => Array.from(alphabet).map((t) => s + t));
    return out;
  }

  it("ACGT with C=2: 16 states, 4 edges each, a colour per token with a legend", () => {
    const st = states("ACGT", 2);
    const s = make({
      config: { sequence: "ACGTTGCA", alphabet: "ACGT", context_length: 2, n_layer: 4, n_head: 4, n_embd: 16, seed: 1, lr: 0.001, weight_decay: 0.1 },
      states: st,
      probs: f32(new Array(64).fill(0.25)),
      data_counts: i32(countsFor(st, "ACGT", "ACGTTGCA", 2)),
      history_probs: f32(new Array(50 * 64).fill(0.25)),
      prefix_states: ["A", "C", "G", "T"],
      prefix_probs: f32(new Array(16).fill(0.25)),
      history_prefix_probs: f32(new Array(50 * 16).fill(0.25)),
      prefix_data_counts: i32(new Array(16).fill(1)),
    });
    expect(s.$$("g.bg-node")).toHaveLength(16);
    expect(s.$$("g.bg-edge")).toHaveLength(64);
    expect(s.$$(".bg-legend-token").map((e) => e.getAttribute("data-token"))).toEqual(["A", "C", "G", "T"]);
    expect(s.$('g.bg-edge-line[data-from="AC"][data-token="G"] path.bg-edge-path').classList.contains("bg-tok-2")).toBe(true);
    expect(s.$(`${edgeSel("AC", "CG", "G")} text`).textContent).toBe("G(25%)");
    expect(s.$('[data-role="stationary"]').textContent).not.toBe("–");
  });

  it("V=3, C=2: 9 states on the circle in de Bruijn order", () => {
    const st = states("012", 2);
    const s = make({
      config: { sequence: "0120120", alphabet: "012", context_length: 2, n_layer: 4, n_head: 4, n_embd: 16, seed: 1, lr: 0.001, weight_decay: 0.1 },
      states: st,
      probs: f32(new Array(27).fill(1 / 3)),
      data_counts: i32(new Array(27).fill(0)),
      history_probs: f32(new Array(50 * 27).fill(1 / 3)),
      prefix_states: ["0", "1", "2"],
      prefix_probs: f32(new Array(9).fill(1 / 3)),
      history_prefix_probs: f32(new Array(50 * 9).fill(1 / 3)),
      prefix_data_counts: i32(new Array(9).fill(0)),
    });
    expect(visibleEdges(s.host)).toHaveLength(27);
    const angle = (g: Element) => {
      const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform")!)!;
      return (Math.atan2(Number(m[2]), Number(m[1])) + Math.PI / 2 + 2 * Math.PI) % (2 * Math.PI);
    };
    const order = s.$$("g.bg-node").sort((a, b) => angle(a) - angle(b)).map((g) => g.getAttribute("data-state"));
    expect(order).toEqual(["00", "01", "10", "02", "21", "11", "12", "22", "20"]);
  });
});

describe("performance hook", () => {
  // The speed target (8 states <= 2 ms) is bench/frontend_update.py's, measured in Chromium;
  // here: every chain update reports its own render time on the hook the bench reads.
  it("every chain update writes its render time to data-render-ms", () => {
    const s = make({ naughty: ["000"] });
    const root = s.$(".babygpt-widget");
    for (let k = 0; k < 20; k++) {
      root.dataset.renderMs = "stale";
      s.model.update({ probs: f32(rowsFromP1(TRAINED_P1.map((p) => (p + k / 100) % 1))) });
      s.flush();
      const ms = Number(root.dataset.renderMs);
      expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    }
    expect(SEED_SEQUENCE).toBe("111101111011110");
  });
});
