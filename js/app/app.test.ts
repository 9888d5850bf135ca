// The widget rendered into jsdom with a fake model: DOM hooks, in-place updates, commands.
import { afterEach, describe, expect, it } from "vitest";
import { chartMargins } from "../panels/history/lossChart";
import { mount } from "./app";
import type { Mounted } from "./app";
import { f32, FakeModel, i32, rowsFromP1, seedTraits, TRAINED_P1 } from "../testing/fakeModel";
import widget from "../widget";
import { fakeClock } from "../testing/fakeClock";

let mounted: Mounted | null = null;
afterEach(() => {
  mounted?.destroy();
  mounted = null;
  document.body.replaceChildren();
});

function setup(h = 50, overrides = {}) {
  const model = new FakeModel(seedTraits(h, overrides));
  const host = document.createElement("div");
  document.body.appendChild(host);
  mounted = mount(host, model);
  const $ = <T extends Element = HTMLElement>(sel: string) => host.querySelector<T>(sel)!;
  return { model, host, $, flush: () => mounted!.flush() };
}

const edgeSel = (from: string, to: string, token: string) =>
  `g.bg-edge[data-from="${from}"][data-to="${to}"][data-token="${token}"]`;

describe("render", () => {
  it("draws the chain with the contract's DOM hooks", () => {
    const { host, $ } = setup();
    expect($(".babygpt-widget svg.bg-graph")).toBeTruthy();
    expect(host.querySelectorAll("g.bg-node")).toHaveLength(8);
    expect(host.querySelectorAll("g.bg-edge")).toHaveLength(16);
    expect($('g.bg-node[data-state="011"]').textContent).toContain("011");
    expect($(`${edgeSel("101", "011", "1")} text.bg-edge-label`).textContent).toBe("1(79%)");
    expect($(`${edgeSel("101", "010", "0")} text.bg-edge-label`).textContent).toBe("0(21%)");
    expect($(`${edgeSel("111", "111", "1")} text.bg-edge-label`).textContent).toBe("1(45%)");
    for (const a of ["step", "train", "play", "pause", "reset", "live"]) expect($(`button[data-action="${a}"]`)).toBeTruthy();
    for (const f of ["train_n", "sequence", "alphabet", "context_length", "n_layer", "n_head", "n_embd", "seed", "lr", "weight_decay"])
      expect($(`input[data-field="${f}"]`)).toBeTruthy();
    expect($('select[data-field="layout"]')).toBeTruthy();
    expect($('input[type=range][data-role="history-slider"]')).toBeTruthy();
    expect($('[data-role="step"]').textContent).toBe("49");
    expect($('[data-role="loss"]').textContent).toBe("0.4700");
    expect($("svg.bg-loss .bg-loss-marker")).toBeTruthy();
    expect($(".bg-tooltip")).toBeTruthy();
    expect(($('input[data-field="sequence"]') as HTMLInputElement).value).toBe("111101111011110");
  });

  it("marks states never seen in the data", () => {
    const { host } = setup();
    const unseen = [...host.querySelectorAll("g.bg-node.bg-unseen")].map((g) => g.getAttribute("data-state"));
    expect(unseen).toEqual(["000", "001", "010", "100"]);
    expect(host.querySelector<HTMLElement>(".bg-legend-unseen")!.hidden).toBe(false);
  });

  it("updates in place on new probs: same elements, new label text and widths", () => {
    const { model, host, $, flush } = setup();
    const svg = $("svg.bg-graph");
    const node = $('g.bg-node[data-state="101"]');
    const label = $(`${edgeSel("101", "011", "1")} text.bg-edge-label`);
    const path = host.querySelector(`g.bg-edge-line[data-from="101"][data-to="011"] path.bg-edge-path`)!;
    const d = path.getAttribute("d");
    const width = Number(path.getAttribute("stroke-width"));

    model.update({ probs: f32(rowsFromP1(TRAINED_P1.map(() => 0.5))), global_step: 0, loss: 0.6635 });
    expect(label.textContent).toBe("1(79%)"); // coalesced into the next frame
    flush();

    expect($("svg.bg-graph")).toBe(svg);
    expect($('g.bg-node[data-state="101"]')).toBe(node);
    expect($(`${edgeSel("101", "011", "1")} text.bg-edge-label`)).toBe(label);
    expect(label.textContent).toBe("1(50%)");
    expect(Number(path.getAttribute("stroke-width"))).toBeLessThan(width);
    expect(path.getAttribute("d")).toBe(d); // no layout change on a probs update
    expect($('[data-role="step"]').textContent).toBe("0");
  });

  it("coalesces many trait changes into one redraw", () => {
    const model = new FakeModel(seedTraits());
    let frames = 0;
    let pending: (() => void) | null = null;
    mounted = mount(document.body.appendChild(document.createElement("div")), model, {
      scheduler: (run) => ({
        request: () => void (pending = () => (frames++, run())),
        flush: () => {
          pending?.();
          pending = null;
        },
        cancel: () => void (pending = null),
      }),
    });
    for (let k = 0; k < 5; k++) model.update({ probs: f32(rowsFromP1(TRAINED_P1.map(() => k / 10))), global_step: k });
    mounted.flush();
    expect(frames).toBe(1);
    expect(document.querySelector(`${edgeSel("000", "001", "1")} text`)!.textContent).toBe("1(40%)");
  });

  it("cleans up every model listener and its DOM", () => {
    const model = new FakeModel(seedTraits());
    const el = document.createElement("div");
    const cleanup = widget.render({ model: model as never, el });
    expect(model.listenerCount()).toBeGreaterThan(0);
    expect(el.querySelector(".babygpt-widget")).toBeTruthy();
    cleanup();
    expect(model.listenerCount()).toBe(0);
    expect(el.querySelector(".babygpt-widget")).toBeNull();
  });
});

describe("history slider", () => {
  it("shows history row k when dragged, and the end means live", () => {
    const { model, $, flush } = setup(50);
    const slider = $<HTMLInputElement>('input[data-role="history-slider"]');
    expect(slider.max).toBe("49");
    expect(slider.value).toBe("49");
    slider.value = "0";
    slider.dispatchEvent(new Event("input"));
    expect(model.get("shown_index")).toBe(0);
    expect(model.saves).toBe(1);
    flush();
    // Snapshot 0 is the untrained ≈50/50 chain.
    expect($(`${edgeSel("101", "011", "1")} text.bg-edge-label`).textContent).toBe("1(50%)");
    expect($('[data-role="step"]').textContent).toBe("0");
    expect($('[data-role="loss"]').textContent).toBe("0.6635");
    expect($(".bg-loss-marker").getAttribute("data-step")).toBe("0");
    expect($('button[data-action="live"]').getAttribute("aria-pressed")).toBe("false");

    slider.value = "49";
    slider.dispatchEvent(new Event("input"));
    expect(model.get("shown_index")).toBe(-1);
    flush();
    expect($(`${edgeSel("101", "011", "1")} text.bg-edge-label`).textContent).toBe("1(79%)");
  });

  it("follows new history while live; stays on the picked snapshot otherwise", () => {
    const { model, $, flush } = setup(10);
    const slider = $<HTMLInputElement>('input[data-role="history-slider"]');
    const grow = (h: number) => {
      const t = seedTraits(h);
      model.update({ history_steps: t.history_steps, history_losses: t.history_losses, history_probs: t.history_probs });
    };
    grow(20);
    flush();
    expect(slider.value).toBe("19");
    model.set("shown_index", 5);
    flush();
    grow(30);
    flush();
    expect(slider.value).toBe("5");
    expect($('[data-role="step"]').textContent).toBe("5");
  });

  it("re-points a frozen view at the same step when history is thinned", () => {
    const { model, flush } = setup(20);
    model.set("shown_index", 10); // step 10
    flush();
    const steps = Array.from({ length: 10 }, (_, k) => 2 * k); // every other step kept
    model.update({
      history_steps: i32(steps),
      history_losses: f32(steps.map(() => 0.5)),
      history_probs: f32(new Array(10 * 16).fill(0.5)),
    });
    flush();
    expect(model.get("shown_index")).toBe(5); // steps[5] === 10
  });

  it("live button freezes and un-freezes", () => {
    const { model, $, flush } = setup(50);
    $('button[data-action="live"]').click();
    expect(model.get("shown_index")).toBe(49);
    flush();
    $('button[data-action="live"]').click();
    expect(model.get("shown_index")).toBe(-1);
  });
});

describe("controls", () => {
  it("sends the contract's commands", () => {
    const { model, $ } = setup();
    $('button[data-action="step"]').click();
    const n = $<HTMLInputElement>('input[data-field="train_n"]');
    n.value = "200";
    n.dispatchEvent(new Event("change"));
    $('button[data-action="train"]').click();
    $('button[data-action="play"]').click();
    $('button[data-action="pause"]').click();
    $('button[data-action="reset"]').click();
    expect(model.commands()).toEqual([{ cmd: "step" }, { cmd: "train", n: 200 }, { cmd: "play" }, { cmd: "pause" }, { cmd: "reset" }]);
    expect(model.get("train_n")).toBe(200);
  });

  it("Enter in the Train ×N box sets the count without training", () => {
    const { model, $ } = setup();
    const n = $<HTMLInputElement>('input[data-field="train_n"]');
    n.value = "7";
    n.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    expect(model.get("train_n")).toBe(7);
    expect(model.commands()).toEqual([]);
  });

  it("shows the button that applies while playing, keeps Step/Train usable", () => {
    const { model, $, flush } = setup();
    expect($('button[data-action="play"]').hidden).toBe(false);
    expect($('button[data-action="pause"]').hidden).toBe(true);
    model.set("playing", true);
    flush();
    expect($('button[data-action="play"]').hidden).toBe(true);
    expect($('button[data-action="pause"]').hidden).toBe(false);
    expect($<HTMLButtonElement>('button[data-action="step"]').disabled).toBe(false);
  });

  it("sends config edits with numbers as numbers, once per change", () => {
    const { model, $ } = setup();
    const seq = $<HTMLInputElement>('input[data-field="sequence"]');
    seq.value = "1010101010";
    seq.dispatchEvent(new Event("change"));
    seq.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    const lr = $<HTMLInputElement>('input[data-field="lr"]');
    lr.value = "3e-3";
    lr.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    const c = $<HTMLInputElement>('input[data-field="context_length"]');
    c.value = " 2 ";
    c.dispatchEvent(new Event("change"));
    expect(model.commands()).toEqual([
      { cmd: "configure", values: { sequence: "1010101010" } },
      { cmd: "configure", values: { lr: 0.003 } },
      { cmd: "configure", values: { context_length: 2 } },
    ]);
  });

  it("shows errors inline next to their field", () => {
    const { model, $, flush } = setup();
    expect($('[data-error-for="n_head"]').textContent).toBe("");
    model.set("errors", { n_head: "n_embd must be divisible by n_head", train: "training diverged" });
    flush();
    expect($('[data-error-for="n_head"]').textContent).toBe("n_embd must be divisible by n_head");
    expect($('[data-error-for="train"]').textContent).toBe("training diverged");
    expect($('input[data-field="n_head"]').hasAttribute("aria-invalid")).toBe(true);
    model.set("errors", {});
    flush();
    expect($('[data-error-for="n_head"]').textContent).toBe("");

    const lr = $<HTMLInputElement>('input[data-field="lr"]');
    lr.value = "fast";
    lr.dispatchEvent(new Event("change"));
    expect($('[data-error-for="lr"]').textContent).toBe("enter a number");
    const n = $<HTMLInputElement>('input[data-field="train_n"]');
    n.value = "0";
    $('button[data-action="train"]').click();
    expect($('[data-error-for="train_n"]').textContent).not.toBe("");
    expect(model.commands()).toEqual([]);
  });

  it("switches layout through the trait and moves nodes to new places", async () => {
    const clock = fakeClock(); // the 400 ms transition runs on a clock the test moves
    const { model, $, flush } = setup();
    const node = $('g.bg-node[data-state="000"]');
    const before = node.getAttribute("transform");
    const select = $<HTMLSelectElement>('select[data-field="layout"]');
    select.value = "force";
    select.dispatchEvent(new Event("change"));
    expect(model.get("graph_layout")).toBe("force");
    flush();
    await clock.advance(200); // half way: moving, not there yet
    const middle = node.getAttribute("transform");
    expect(middle).not.toBe(before);
    await clock.advance(300); // the transition is over
    expect($('g.bg-node[data-state="000"]')).toBe(node);
    const forced = node.getAttribute("transform");
    expect(forced).not.toBe(before);
    expect(forced).not.toBe(middle);
    model.set("graph_layout", "circular");
    flush();
    await clock.advance(500);
    expect(node.getAttribute("transform")).toBe(before);
    await clock.restore();
  });

  it("rebuilds the graph when the state space changes (V=3, C=2)", () => {
    const { model, host, flush } = setup();
    const states = ["00", "01", "02", "10", "11", "12", "20", "21", "22"];
    model.update({
      config: { ...model.get("config"), alphabet: "012", context_length: 2, sequence: "0120120" },
      states,
      probs: f32(new Array(27).fill(1 / 3)),
      data_counts: i32(new Array(27).fill(0)),
    });
    flush();
    expect(host.querySelectorAll("g.bg-node")).toHaveLength(9);
    expect(host.querySelectorAll("g.bg-edge")).toHaveLength(27);
    expect(host.querySelector(`${edgeSel("12", "20", "0")} text`)!.textContent).toBe("0(33%)");
  });
});

describe("tooltips and chart picking", () => {
  it("hovering a node shows model vs data and its training windows", () => {
    const { $ } = setup();
    const tip = $(".bg-tooltip");
    expect(tip.hidden).toBe(true);
    $('g.bg-node[data-state="111"]').dispatchEvent(new MouseEvent("mouseenter", { clientX: 10, clientY: 10 }));
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toContain("state 111");
    expect(tip.textContent).toContain("45.4%"); // model P(1|111)
    expect(tip.textContent).toContain("3 (50.0%)"); // data: 3 of 6 each way
    expect(tip.textContent).toContain("i=0→1, i=1→0, i=5→1, i=6→0, i=10→1, i=11→0");
    $('g.bg-node[data-state="111"]').dispatchEvent(new MouseEvent("mouseleave"));
    expect(tip.hidden).toBe(true);

    $('g.bg-node[data-state="000"]').dispatchEvent(new MouseEvent("mouseenter"));
    expect(tip.textContent).toContain("not in the data: the model's own guess");
  });

  it("hovering an edge shows its probability, and follows live updates", () => {
    const { model, $, flush } = setup();
    const tip = $(".bg-tooltip");
    $(edgeSel("101", "011", "1")).dispatchEvent(new MouseEvent("mouseenter"));
    expect(tip.textContent).toContain("101 → 011 on 1");
    expect(tip.textContent).toContain("model: 79.3%");
    expect(tip.textContent).toContain("data: 2 of 2 (100.0%)");
    model.update({ probs: f32(rowsFromP1(TRAINED_P1.map(() => 0.25))) });
    flush();
    expect(tip.textContent).toContain("model: 25.0%");
  });

  it("clicking the loss chart picks the nearest snapshot", () => {
    const { model, $ } = setup(50);
    const chart = $("svg.bg-loss");
    // jsdom has no layout: the chart's box is at 0, 600 px wide; the plot starts m.left px in.
    const m = chartMargins(13);
    chart.dispatchEvent(new MouseEvent("pointerdown", { clientX: m.left + (600 - m.left - m.right) * (10 / 49) }));
    expect(model.get("shown_index")).toBe(10);
  });
});

describe("small cells", () => {
  it("enlarges label fonts so text stays ≥ 13px on screen when the drawing is shrunk", () => {
    const { $, host } = setup();
    const label = `${edgeSel("101", "011", "1")} rect.bg-edge-label-bg`;
    const before = Number($(label).getAttribute("height"));
    mounted!.graph.setPixelScale(0.7); // a narrow cell: 1 drawing unit = 0.7 px
    const svg = $<SVGSVGElement>("svg.bg-graph");
    expect(svg.style.getPropertyValue("--bg-label-font")).toBe("18.6px");
    expect(Number($(label).getAttribute("height"))).toBeGreaterThan(before);
    const nodeFont = Number(host.querySelector('g.bg-node[data-state="101"] text')!.getAttribute("font-size"));
    expect(nodeFont * 0.7).toBeGreaterThanOrEqual(13);
  });
});
