// A 1,024-state chain in the widget: drawn on the canvas, explorable by hover (hit-testing),
// click, search and zoom; its analysis runs after the frame. jsdom has neither a 2D context nor
// layout, so both are stood in for (a recording context, a 600 × 600 box).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toScreen } from "./canvasGeometry";
import { tokenClass } from "./palette";
import { buildChain } from "../model/chain";
import { serializeSvg } from "./exporter";
import { ASYNC_FORCE_STATES, CANVAS_EDGES, CANVAS_STATES, DENSE_STATES } from "./graph";
import { ForceLayout, frameFor, ringLayout } from "./nodePositions";
import { f32, i32 } from "../testing/fakeModel";
import { setup } from "../testing/harness";
import type { Setup } from "../testing/harness";
import { mockContext } from "../testing/mockCanvas";
import { fakeClock } from "../testing/fakeClock";
import type { MockCtx } from "../testing/mockCanvas";
import type { Traits } from "../model/types";

const C = 10;
const STATES = Array.from({ length: 2 ** C }, (_, i) => i.toString(2).padStart(C, "0"));
const SEQUENCE = "0110101110010111".repeat(4);
/** P(1 | state i): varied and deterministic. */
const p1 = (i: number): number => 0.15 + 0.7 * (((i * 2654435761) >>> 0) % 1000) / 1000;

function bigTraits(): Partial<Traits> {
  const probs = STATES.flatMap((_, i) => [1 - p1(i), p1(i)]);
  const counts = new Array<number>(STATES.length * 2).fill(0);
  for (let i = 0; i + C < SEQUENCE.length; i++) counts[2 * parseInt(SEQUENCE.slice(i, i + C), 2) + Number(SEQUENCE[i + C])]++;
  return {
    config: { sequence: SEQUENCE, alphabet: "01", context_length: C, n_layer: 2, n_head: 2, n_embd: 16, seed: 1, lr: 0.001, weight_decay: 0.1 },
    states: STATES,
    probs: f32(probs),
    data_counts: i32(counts),
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
  };
}

let ctx: MockCtx;
let current: Setup | null = null;
const BOX = { x: 0, y: 0, left: 0, top: 0, right: 600, bottom: 600, width: 600, height: 600, toJSON: () => ({}) } as DOMRect;

beforeEach(() => {
  ctx = mockContext();
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation((() => ctx) as never);
  vi.spyOn(Element.prototype, "getBoundingClientRect").mockImplementation(() => BOX);
});
afterEach(() => {
  current?.mounted.destroy();
  current = null;
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

/** Screen position (in the 600 × 600 box) of a state on the circular layout, unzoomed. */
function screenOf(state: string, zoom = { k: 1, x: 0, y: 0 }): { x: number; y: number } {
  const chain = buildChain(STATES, "01", C);
  const frame = frameFor(STATES.length);
  const pos = ringLayout(chain, frame.radius);
  return toScreen(pos[STATES.indexOf(state)], { width: 600, height: 600, half: frame.half }, zoom);
}

function move(s: Setup, at: { x: number; y: number }, type = "mousemove"): void {
  s.mounted.graph.svg.dispatchEvent(new MouseEvent(type, { clientX: at.x, clientY: at.y, bubbles: true }));
}

describe("a 1,024-state chain", () => {
  it("is drawn on the canvas: no SVG element per node or edge, every edge painted", () => {
    expect(STATES.length).toBeGreaterThan(CANVAS_STATES);
    const s = (current = setup(bigTraits()));
    expect(s.$$("g.bg-node")).toHaveLength(0);
    expect(s.$$("g.bg-edge")).toHaveLength(0);
    expect(s.$("svg.bg-graph")).toBeTruthy(); // the hooks that stay
    const canvas = s.$<HTMLCanvasElement>("canvas.bg-graph-canvas");
    expect(canvas.hidden).toBe(false);
    expect(s.mounted.graph.isCanvas).toBe(true);
    expect(s.mounted.graph.lastPaint?.edges).toBe(2048);
    expect(s.mounted.graph.lastPaint?.hairlines).toBe(true);
    expect(s.$(".bg-graph-stack").dataset.canvasEdges).toBe("2048");
    expect(s.$("svg.bg-graph").classList.contains("bg-interactive")).toBe(true); // zoom and pan, circular too
  });

  it("repaints on a probs update inside the measured redraw", () => {
    const s = (current = setup(bigTraits()));
    ctx.reset();
    s.model.update({ probs: f32(STATES.flatMap(() => [0.5, 0.5])), global_step: 1 });
    s.flush();
    expect(ctx.calls.filter((c) => c.op === "stroke").length).toBeGreaterThan(0);
    expect(Number(s.$(".babygpt-widget").dataset.renderMs)).toBeGreaterThanOrEqual(0);
  });

  it("hovering a node (hit-testing) shows its tooltip and its outgoing edges; leaving hides it", () => {
    const s = (current = setup(bigTraits()));
    const tip = s.$(".bg-tooltip");
    move(s, screenOf("0110101101"));
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toContain("state 0110101101");
    expect(s.$$(".bg-overlay path.bg-edge-path.bg-active")).toHaveLength(2);
    expect(s.$(".bg-graph-stack").classList.contains("bg-focus")).toBe(true);
    move(s, { x: 300, y: 300 }, "mouseleave");
    expect(tip.hidden).toBe(true);
    expect(s.$$(".bg-overlay path")).toHaveLength(0);
  });

  it("a panel row's example (state and token) lights that state's one edge on the canvas", () => {
    const s = (current = setup(bigTraits()));
    const i = STATES.indexOf("0110101101");
    s.mounted.graph.highlight(i, 1);
    const lit = s.$$(".bg-overlay path.bg-edge-path.bg-active");
    expect(lit).toHaveLength(1);
    expect(lit[0].classList.contains(tokenClass(1))).toBe(true);
    s.mounted.graph.highlight(i);
    expect(s.$$(".bg-overlay path.bg-edge-path.bg-active")).toHaveLength(2);
    s.mounted.graph.highlight(null);
    expect(s.$$(".bg-overlay path")).toHaveLength(0);
  });

  it("hovering an edge shows the edge's tooltip", () => {
    const s = (current = setup(bigTraits()));
    // The rim edge 0000000000 -> 0000000001 runs between two neighbouring nodes at the top;
    // zoomed in on them (unzoomed, the two are under 2 px apart).
    s.mounted.graph.focusOn(STATES.indexOf("0000000000"), false);
    const a = screenOf("0000000000", s.mounted.graph.zoom);
    const b = screenOf("0000000001", s.mounted.graph.zoom);
    expect(Math.hypot(b.x - a.x, b.y - a.y)).toBeGreaterThan(60);
    const tip = s.$(".bg-tooltip");
    let hit = false;
    for (let t = 0.3; t <= 0.7 && !hit; t += 0.02)
      for (let dy = -4; dy <= 4 && !hit; dy += 0.5) {
        move(s, { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t + dy });
        hit = !tip.hidden && (tip.textContent ?? "").includes("0000000000 → 0000000001");
      }
    expect(hit).toBe(true);
    expect(s.$$(".bg-overlay path.bg-hover-edge")).toHaveLength(1);
  });

  it("clicking a node marks it naughty", () => {
    const s = (current = setup(bigTraits()));
    const at = screenOf("1111111111");
    s.mounted.graph.svg.dispatchEvent(new MouseEvent("click", { clientX: at.x, clientY: at.y, bubbles: true }));
    expect(s.model.get("naughty")).toEqual(["1111111111"]);
  });

  it("search marks the state, reports it and zooms in to it", async () => {
    const clock = fakeClock(); // the zoom transition runs on a clock the test moves
    const s = (current = setup(bigTraits()));
    const input = s.$<HTMLInputElement>('input[data-field="search_state"]');
    input.value = "0110101101";
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    expect(s.$$(".bg-overlay .bg-found-ring")).toHaveLength(1);
    expect(s.$(".bg-overlay text.bg-found-label").textContent).toBe("0110101101");
    expect(s.$('[data-role="found"]').textContent).toContain(`1 ${(p1(STATES.indexOf("0110101101")) * 100).toFixed(1)}%`);
    await clock.advance(900); // the zoom transition
    const z = s.mounted.graph.zoom;
    expect(z.k).toBeGreaterThan(5);
    const at = screenOf("0110101101", z);
    expect(at.x).toBeCloseTo(300, 0); // centred
    expect(at.y).toBeCloseTo(300, 0);
    move(s, at); // and hit-testing follows the zoom
    expect(s.$(".bg-tooltip").textContent).toContain("state 0110101101");
    input.value = "01101";
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    expect(s.$('[data-error-for="search_state"]').textContent).toMatch(/10 tokens long/);
    expect(s.$$(".bg-overlay .bg-found-ring")).toHaveLength(0);
    await clock.restore();
  });

  it("works out the long-run shares after the frame, not in it", async () => {
    const clock = fakeClock();
    const s = (current = setup(bigTraits()));
    const longRun = () => s.$('[data-role="stationary"]')?.textContent ?? "";
    const before = longRun();
    await clock.advance(400);
    expect(longRun()).not.toBe(before);
    expect(longRun()).toMatch(/\d/);
    await clock.restore();
  });

  it("says in one line what to do, and focuses on the likeliest state from there", async () => {
    const s = (current = setup(bigTraits()));
    const hint = s.$('[data-role="big-hint"]');
    expect(hint.hidden).toBe(false);
    expect(hint.textContent).toContain("1,024 states");
    expect(hint.textContent).toMatch(/Focus/);
    expect(hint.textContent).toMatch(/Matrix/);
    await new Promise((r) => setTimeout(r, 400)); // the long-run shares, after the frame
    const btn = s.$<HTMLButtonElement>('[data-action="focus-likeliest"]');
    expect(btn.hidden).toBe(false);
    const state = /Focus on (\d+)/.exec(btn.textContent ?? "")?.[1] ?? "";
    expect(state).toHaveLength(10);
    btn.click();
    expect(s.mounted.graph.focusState).toBe(state);
    expect(s.$(".bg-graph-stack").dataset.renderMode).toBe("svg");
    expect(hint.hidden).toBe(true); // a focus view is named already
    s.$<HTMLButtonElement>('[data-action="focus-back"]').click();
    expect(hint.hidden).toBe(false);
    s.$<HTMLButtonElement>('[data-action="hint-matrix"]').click();
    expect(s.$('[data-role="matrix"]').hidden).toBe(false);
  });

  it("settles the force layout over frames instead of blocking", async () => {
    expect(STATES.length).toBeGreaterThan(ASYNC_FORCE_STATES);
    // every clock read costs 1 ms, so a frame's time budget holds a fixed number of ticks
    const clock = fakeClock(1);
    let ticks = 0; // force ticks run so far (each step of the layout's generator)
    const steps = ForceLayout.prototype.settleSteps;
    vi.spyOn(ForceLayout.prototype, "settleSteps").mockImplementation(function* (this: ForceLayout, ...args) {
      const inner = steps.apply(this, args);
      for (let r = inner.next(); ; r = inner.next()) {
        if (r.done) return r.value;
        ticks++;
        yield r.value;
      }
    });
    const s = (current = setup(bigTraits()));
    s.model.set("graph_layout", "force");
    s.flush();
    expect(ticks).toBe(0); // flush returns with the layout started, none of its ticks run yet
    const perFrame: number[] = []; // force ticks in each animation frame
    let paintedFrames = 0;
    // frames until the layout has been still for 20 (bounded: it must settle)
    for (let frame = 0; frame < 400 && !(perFrame.length > 20 && perFrame.slice(-20).every((n) => n === 0)); frame++) {
      const before = ticks;
      ctx.reset();
      await clock.advance(17);
      perFrame.push(ticks - before);
      if (ctx.calls.length > 0) paintedFrames++;
    }
    // it settles over many frames, repainted as it goes, then stops
    expect(perFrame.filter((n) => n > 0).length).toBeGreaterThan(3);
    expect(Math.max(...perFrame)).toBeLessThan(ticks);
    expect(paintedFrames).toBeGreaterThan(3);
    expect(perFrame.slice(-20).every((n) => n === 0)).toBe(true);
    await clock.restore();
  });
});

describe("export and zoom around the canvas threshold", () => {
  it("exports a big chain with the canvas picture inside the SVG", () => {
    vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockImplementation(() => "data:image/png;base64,AAAA");
    const s = (current = setup(bigTraits()));
    const g = s.mounted.graph;
    const text = g.withSnapshot(() => serializeSvg(g.svg, { background: "#fff", title: "t" }));
    expect(text).toContain("<image");
    expect(text).toContain("data:image/png;base64,AAAA");
    expect(g.svg.querySelector("image")).toBeNull(); // only for the export
  });

  it("small chains stay SVG with every hook; zoom/pan at every size (Ctrl + wheel: the page keeps its wheel)", () => {
    const s = (current = setup());
    expect(s.$$("g.bg-node")).toHaveLength(8);
    expect(s.$("canvas.bg-graph-canvas").hidden).toBe(true);
    expect(s.$("svg.bg-graph").classList.contains("bg-interactive")).toBe(true);
    const plain = new WheelEvent("wheel", { deltaY: 100, bubbles: true, cancelable: true });
    s.$("svg.bg-graph").dispatchEvent(plain);
    expect(plain.defaultPrevented).toBe(false); // the notebook scrolls
    expect(s.mounted.graph.zoom.k).toBe(1);
    expect(s.$(".bg-zoom-hint").classList.contains("bg-show")).toBe(true);
    const C7 = Array.from({ length: 128 }, (_, i) => i.toString(2).padStart(7, "0"));
    expect(C7.length).toBeGreaterThan(DENSE_STATES);
    s.model.update({
      config: { ...s.model.get("config"), context_length: 7 },
      states: C7,
      probs: f32(C7.flatMap(() => [0.4, 0.6])),
      data_counts: i32(new Array(256).fill(0)),
      prefix_states: [],
    });
    s.flush();
    expect(s.$$("g.bg-node")).toHaveLength(128);
    expect(s.$$("g.bg-edge")).toHaveLength(256);
    expect(s.$("svg.bg-graph").classList.contains("bg-interactive")).toBe(true);
  });

  it("a chain with few states but many edges is painted on the canvas (canvas by edge count)", () => {
    const s = (current = setup());
    const alphabet = Array.from({ length: 40 }, (_, i) => String.fromCharCode(0x4e00 + i)).join("");
    const states = Array.from(alphabet);
    s.model.update({
      config: { ...s.model.get("config"), alphabet, context_length: 1 },
      states,
      probs: f32(states.flatMap(() => new Array(40).fill(1 / 40))),
      data_counts: i32(new Array(1600).fill(0)),
      prefix_states: [],
    });
    s.flush();
    expect(states.length).toBeLessThan(CANVAS_STATES);
    expect(states.length * 40).toBeGreaterThan(CANVAS_EDGES);
    expect(s.mounted.graph.isCanvas).toBe(true);
    expect(s.$$("g.bg-edge")).toHaveLength(0);
    expect(s.$$("g.bg-node")).toHaveLength(0);
    expect(s.$(".bg-graph-stack").dataset.renderMode).toBe("canvas");
  });
});
