// Sampling as a walk, temperature, and the lecture-hall keyboard: the widget in jsdom.
import { describe, expect, it } from "vitest";
import { percent } from "../../util/format";
import { rowsFromP1, STATES3, TRAINED_P1 } from "../../testing/fakeModel";
import { edgeSel, setupEach, type, visibleEdges } from "../../testing/harness";
import type { Setup } from "../../testing/harness";
import type { WalkTrait } from "../../model/types";

const make = setupEach();
const walkOf = (s: Setup) => s.model.get("walk") as WalkTrait;
const ticker = (s: Setup) => s.$('[data-role="ticker"]').textContent;

describe("sampling a walk", () => {
  it("samples N tokens from the start state client-side and stores the walk trait", () => {
    const s = make();
    s.$('button[data-action="sample"]').click();
    const w = walkOf(s);
    expect(w.start).toBe("111");
    expect(w.tokens).toMatch(/^[01]{20}$/);
    expect(w.temperature).toBe(1);
    expect(w.seed).toBe(0);
    expect(s.model.saves).toBeGreaterThan(0);
    expect(s.model.commands()).toEqual([]); // no kernel involved
  });

  it("is reproducible for a seed, and each press moves on to the next seed", () => {
    const s = make();
    s.$('button[data-action="sample"]').click();
    const first = walkOf(s).tokens;
    expect(walkOf(s).seed).toBe(0);
    expect(s.model.get("sample_seed")).toBe(1); // the next press shows a new walk
    s.$('button[data-action="sample"]').click();
    expect(walkOf(s).seed).toBe(1);
    expect(walkOf(s).tokens).not.toBe(first);
    type(s.$('input[data-field="sample_seed"]'), "0"); // back to seed 0: the same walk again
    s.$('button[data-action="sample"]').click();
    expect(walkOf(s).tokens).toBe(first);
  });

  it("animates the walk along the edges: ticker, current node and edge; Skip finishes", () => {
    const s = make();
    s.$('button[data-action="sample"]').click();
    const w = walkOf(s);
    expect(ticker(s)).toBe("111");
    expect(s.$('g.bg-node[data-state="111"]').classList.contains("bg-walk")).toBe(true);
    s.timer.tick();
    const t0 = w.tokens[0];
    const to = "11" + t0;
    expect(ticker(s)).toBe("111" + t0);
    expect(s.$(`g.bg-node[data-state="${to}"]`).classList.contains("bg-walk")).toBe(true);
    expect(s.$('g.bg-node[data-state="111"]').classList.contains("bg-walk")).toBe(false);
    expect(s.$(edgeSel("111", to, t0)).classList.contains("bg-walk")).toBe(true);
    expect(s.$$("g.bg-edge.bg-walk")).toHaveLength(1);
    s.timer.tick();
    expect(ticker(s)).toBe("111" + w.tokens.slice(0, 2));
    s.$('button[data-action="skip"]').click();
    expect(ticker(s)).toBe("111" + w.tokens);
    expect(s.timer.pending()).toBe(0);
    expect(s.$$("g.bg-edge.bg-walk")).toHaveLength(0);
  });

  it("animates a walk Python sets, and shows the training sequence above it", () => {
    const s = make();
    expect(s.$('[data-role="training-sequence"]').textContent).toBe("111101111011110");
    s.model.update({ walk: { start: "000", tokens: "0110", temperature: 1, seed: 3 } });
    s.flush();
    expect(ticker(s)).toBe("000");
    expect(s.$('g.bg-node[data-state="000"]').classList.contains("bg-walk")).toBe(true);
    while (s.timer.tick());
    expect(ticker(s)).toBe("0000110");
    expect(s.$('g.bg-node[data-state="110"]').classList.contains("bg-walk")).toBe(true);
  });

  it("the speed slider changes the animation interval", () => {
    const s = make();
    const speed = s.$<HTMLInputElement>('input[data-field="walk_speed"]');
    type(speed, "20", "input");
    s.$('button[data-action="sample"]').click();
    let ms = 0;
    const orig = s.timer.set;
    s.timer.set = (fn, delay) => ((ms = delay), orig(fn, delay));
    s.timer.tick();
    expect(ms).toBe(50);
  });

  it("walks greedily at temperature 0 and records the temperature", () => {
    const s = make({ temperature: 0 });
    s.$('button[data-action="sample"]').click();
    // Greedy seed chain from 111: 0 -> 110, 1 -> 101, 1 -> 011, 1 -> 111, …
    expect(walkOf(s).tokens).toBe("01110111011101110111");
    expect(walkOf(s).temperature).toBe(0);
  });

  it("samples from the chain being shown (a history snapshot)", () => {
    const s = make({}, { h: 50 });
    // A chain that always says 0 at snapshot 0.
    s.model.update({ temperature: 0, shown_index: 0 });
    const rows = new Float32Array(50 * 16);
    for (let k = 0; k < 50; k++) rows.set(rowsFromP1(TRAINED_P1.map(() => (k === 0 ? 0.1 : 0.9))), k * 16);
    s.model.update({ history_probs: rows });
    s.$('button[data-action="sample"]').click();
    expect(walkOf(s).tokens).toBe("0".repeat(20));
  });

  it("starts from a shorter context too", () => {
    const s = make();
    type(s.$('input[data-field="sample_start"]'), "1");
    expect(s.model.get("sample_start")).toBe("1");
    s.$('button[data-action="sample"]').click();
    expect(walkOf(s).start).toBe("1");
    expect(walkOf(s).tokens).toHaveLength(20);
  });

  it("rejects bad input inline and changes nothing", () => {
    const s = make();
    const saves = s.model.saves;
    for (const [field, value] of [
      ["sample_n", "0"],
      ["sample_n", "10001"],
      ["sample_n", "abc"],
      ["sample_start", "222"],
      ["sample_seed", "-1"],
    ]) {
      type(s.$(`input[data-field="${field}"]`), value);
      expect(s.$(`[data-error-for="${field}"]`).textContent).not.toBe("");
      s.$('button[data-action="sample"]').click();
      expect(s.model.get("walk")).toEqual({});
      expect(s.model.saves).toBe(saves);
      expect(ticker(s)).toBe("");
      type(s.$(`input[data-field="${field}"]`), field === "sample_start" ? "111" : field === "sample_n" ? "20" : "0");
      expect(s.$(`[data-error-for="${field}"]`).textContent).toBe("");
    }
    type(s.$('input[data-field="sample_n"]'), "10000");
    s.$('button[data-action="sample"]').click();
    expect((walkOf(s).tokens as string).length).toBe(10000);
  });
});

describe("temperature", () => {
  it("T=0 draws only the argmax edge of each state, labelled 100%", () => {
    const s = make();
    expect(visibleEdges(s.host)).toHaveLength(16);
    type(s.$('input[data-field="temperature"]'), "0", "input");
    expect(s.model.get("temperature")).toBe(0);
    s.flush();
    const shown = visibleEdges(s.host);
    expect(shown).toHaveLength(8);
    for (const e of shown) expect(e.querySelector("text")!.textContent).toMatch(/\(100%\)$/);
    expect(s.$(`${edgeSel("111", "110", "0")} text`).textContent).toBe("0(100%)");
    // the hidden edges' lines are gone too
    const lines = s.$$("g.bg-edge-line").filter((e) => getComputedStyle(e).display !== "none");
    expect(lines).toHaveLength(8);
  });

  it("shows p^(1/T) renormalised and restores all edges", () => {
    const s = make({ temperature: 0 });
    s.model.set("temperature", 2);
    s.flush();
    expect(visibleEdges(s.host)).toHaveLength(16);
    const p = TRAINED_P1[STATES3.indexOf("101")];
    const want = Math.sqrt(p) / (Math.sqrt(p) + Math.sqrt(1 - p));
    expect(s.$(`${edgeSel("101", "011", "1")} text`).textContent).toBe(`1(${percent(want)})`);
    expect(s.$<HTMLInputElement>('input[data-field="temperature"]').value).toBe("2");
  });

  it("rejects a negative (or > 2) temperature inline and keeps the chain", () => {
    const s = make();
    for (const bad of ["-1", "2.5", "hot"]) {
      type(s.$('input[data-field="temperature"]'), bad);
      expect(s.$('[data-error-for="temperature"]').textContent).not.toBe("");
      expect(s.model.get("temperature")).toBe(1);
    }
    type(s.$('input[data-field="temperature"]'), "0.5");
    expect(s.$('[data-error-for="temperature"]').textContent).toBe("");
    expect(s.model.get("temperature")).toBe(0.5);
  });
});

describe("keyboard (lecture hall)", () => {
  const key = (s: Setup, k: string, target: Element = s.$(".babygpt-widget")) =>
    target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));

  it("Space play/pause, → step, S sample, R reset on the focusable root", () => {
    const s = make();
    const root = s.$(".babygpt-widget");
    expect(root.tabIndex).toBe(0);
    key(s, " ");
    key(s, "ArrowRight");
    key(s, "r");
    expect(s.model.commands()).toEqual([{ cmd: "play" }, { cmd: "step" }, { cmd: "reset" }]);
    s.model.update({ playing: true });
    key(s, " ");
    expect(s.model.commands().at(-1)).toEqual({ cmd: "pause" });
    key(s, "s");
    expect(walkOf(s).tokens).toHaveLength(20);
  });

  it("? opens the help popover, Esc closes it; the button toggles it too", () => {
    const s = make();
    const help = s.$(".bg-help");
    expect(help.hidden).toBe(true);
    key(s, "?");
    expect(help.hidden).toBe(false);
    expect(help.textContent).toContain("Space");
    key(s, "Escape");
    expect(help.hidden).toBe(true);
    s.$('button[data-action="help"]').click();
    expect(help.hidden).toBe(false);
  });

  it("leaves keys typed into inputs alone (the slider scrubs natively)", () => {
    const s = make();
    key(s, "r", s.$('input[data-field="sequence"]'));
    key(s, "ArrowRight", s.$('input[data-role="history-slider"]'));
    key(s, " ", s.$('button[data-action="sample"]')); // Space presses the focused button
    expect(s.model.commands()).toEqual([]);
    const ev = new KeyboardEvent("keydown", { key: "s", ctrlKey: true, bubbles: true, cancelable: true });
    s.$(".babygpt-widget").dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(false);
    expect(s.model.get("walk")).toEqual({});
  });
});
