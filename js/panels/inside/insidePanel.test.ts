// The inside panel mounted in the whole app (jsdom, fake model): selection, requests, drawing,
// temperature, and a saved page's replay.
import { describe, expect, it, vi } from "vitest";
import { STATIC_REASON } from "../../app/app";
import { setupEach, type } from "../../testing/harness";
import type { Setup } from "../../testing/harness";
import { fakeInside } from "./fixture";

const make = setupEach();
const explains = (s: Setup) => s.model.commands().filter((c) => c.cmd === "explain");

/** Open the panel on `state` the way a user does: search it, press Look inside. */
function open(s: Setup, state: string): void {
  const input = s.$<HTMLInputElement>('input[data-field="search_state"]');
  input.value = state;
  input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
  s.$<HTMLButtonElement>('button[data-action="inside"]').click();
  s.flush();
}

describe("inside panel", () => {
  it("is a side section after View, closed until a state is picked", () => {
    const s = make();
    const names = s.$$("[data-section]").map((e) => e.dataset.section);
    expect(names.slice(0, 2)).toEqual(["view", "inside"]);
    expect(s.$('[data-role="inside-title"]').textContent).toBe("Inside the model");
    expect(s.$<HTMLButtonElement>('button[data-action="inside-close"]').hidden).toBe(true);
    expect(explains(s)).toEqual([]);
  });

  it("opens on the searched state, asks for the shown step, and draws the answer", () => {
    const s = make();
    open(s, "000");
    expect(s.$('[data-role="inside-title"]').textContent).toBe("Inside 000");
    expect(explains(s)).toEqual([{ cmd: "explain", state: "000", step: null }]); // live
    s.model.update({ inside: fakeInside("000", 50) });
    s.model.reply({ reply: "explain", ok: true });
    s.flush();
    expect(s.$$("svg.bg-attn")).toHaveLength(16);
    expect(s.$$('svg.bg-attn[data-layer="3"][data-head="3"] rect')).toHaveLength(9);
    expect(s.$$('svg.bg-attn[data-layer="0"] rect.bg-masked')).toHaveLength(4 * 3); // causal: 3 future cells per head
    expect(s.$$('[data-role="lens"] .bg-lens-row')).toHaveLength(5);
    const last = s.$('[data-role="lens"] [data-layer="4"] [data-token="1"]');
    expect(Number(last.dataset.prob)).toBeCloseTo(fakeInside("000", 50).probs[1], 6);
    expect(s.$('[data-role="decided-at"]').textContent).toContain("decides already at the embeddings");
    expect(s.$('[data-role="inside-step"]').textContent).toBe("step 50");
  });

  it("follows the history slider: a frozen step asks for that step", () => {
    vi.useFakeTimers();
    const s = make();
    open(s, "101");
    s.model.update({ inside: fakeInside("101", 50) });
    s.model.reply({ reply: "explain", ok: true });
    s.model.update({ shown_index: 10 });
    s.flush();
    vi.advanceTimersByTime(300);
    const last = explains(s).at(-1)!;
    expect(last).toEqual({ cmd: "explain", state: "101", step: 10 });
  });

  it("an answer at the nearest step the kernel could rebuild satisfies the request and says so", () => {
    vi.useFakeTimers();
    const s = make();
    open(s, "101");
    s.model.update({ inside: fakeInside("101", 50) });
    s.model.reply({ reply: "explain", ok: true });
    s.model.update({ shown_index: 10 });
    s.flush();
    vi.advanceTimersByTime(300);
    const asked = explains(s).length;
    expect(explains(s).at(-1)).toEqual({ cmd: "explain", state: "101", step: 10 });
    s.model.update({ inside: { ...fakeInside("101", 8), asked: 10 } });
    s.model.reply({ reply: "explain", ok: true });
    s.flush();
    vi.advanceTimersByTime(2000);
    expect(explains(s)).toHaveLength(asked); // not asked again and again
    expect(s.$('[data-role="inside-step"]').textContent).toBe("step 8");
    expect(s.$('[data-role="inside-hint"]').textContent).toBe("nearest step the kernel rebuilds quickly: 8 (the slider shows 10)");
  });

  it("a page whose own engine answers explain asks it as a kernel (not the saved replay) and says the page rebuilds", () => {
    vi.useFakeTimers();
    const s = make({}, { kernel: false });
    s.model.reply({ reply: "hello", ok: true, no_kernel: "saved page", local: ["step", "train", "explain"] });
    s.flush();
    expect(s.$<HTMLButtonElement>('button[data-action="inside"]').disabled).toBe(false); // nothing saved, yet it opens
    open(s, "101");
    expect(explains(s)).toEqual([{ cmd: "explain", state: "101", step: null }]);
    s.model.update({ inside: fakeInside("101", 50) });
    s.model.reply({ reply: "explain", ok: true });
    s.model.update({ shown_index: 10 });
    s.flush();
    vi.advanceTimersByTime(300);
    expect(explains(s).at(-1)).toEqual({ cmd: "explain", state: "101", step: 10 });
    s.model.update({ inside: { ...fakeInside("101", 8), asked: 10 } });
    s.model.reply({ reply: "explain", ok: true });
    s.flush();
    expect(s.$('[data-role="inside-hint"]').textContent).toBe("nearest step the page rebuilds quickly: 8 (the slider shows 10)");
  });

  it("applies the temperature to the logits; greedy marks the argmax only", () => {
    const s = make();
    open(s, "000");
    s.model.update({ inside: fakeInside("000", 50) });
    s.flush();
    const p = fakeInside("000", 50).probs;
    const row = (t: number) => s.$(`[data-role="inside-output"] tr[data-token="${t}"]`);
    expect(Number(row(1).dataset.prob)).toBeCloseTo(p[1], 6);
    expect(row(1).classList.contains("bg-argmax")).toBe(true);
    s.model.update({ temperature: 0 });
    s.flush();
    expect(row(1).dataset.prob).toBe("1");
    expect(row(0).dataset.prob).toBe("0");
    expect(s.$('[data-role="inside-output"] th:last-child').textContent).toContain("greedy");
  });

  it("hovering an attention cell names layer, head, from and to", () => {
    const s = make();
    open(s, "011");
    s.model.update({ inside: fakeInside("011", 50) });
    s.flush();
    const cell = s.$('svg.bg-attn[data-layer="1"][data-head="2"] rect[data-row="2"][data-col="0"]');
    cell.dispatchEvent(new MouseEvent("mousemove", { bubbles: true }));
    expect(s.$('[data-role="inside-hover"]').textContent).toMatch(/^layer 2, head 3: 1@2 attends to 0@0 with weight 0\.\d{3}$/);
  });

  it("a refused request shows the error inline and keeps the previous drawing", () => {
    const s = make();
    open(s, "000");
    s.model.update({ inside: fakeInside("000", 50) });
    s.model.reply({ reply: "explain", ok: false, error: "step: 3 cannot be rebuilt", field: "step" });
    s.flush();
    expect(s.$('[data-error-for="inside"]').textContent).toBe("step: 3 cannot be rebuilt");
    expect(s.$$("svg.bg-attn")).toHaveLength(16);
  });

  it("Look inside with nothing searched arms picking: the next node click opens it, not a naughty mark", () => {
    const s = make();
    s.$<HTMLButtonElement>('button[data-action="inside"]').click();
    expect(s.$('[data-role="inside-hint"]').textContent).toContain("click a state");
    s.$('g.bg-node[data-state="110"]').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    s.flush();
    expect(s.$('[data-role="inside-title"]').textContent).toBe("Inside 110");
    expect(s.model.get("naughty") ?? []).toEqual([]);
    expect(explains(s).at(-1)).toEqual({ cmd: "explain", state: "110", step: null });
  });

  it("Look inside with a walk and no search opens the walk's current state", () => {
    const s = make({ walk: { start: "111", tokens: "10", temperature: 1, seed: 0 } });
    s.flush();
    s.$<HTMLButtonElement>('button[data-action="inside"]').click();
    s.flush();
    expect(s.$('[data-role="inside-title"]').textContent).toBe("Inside 110"); // 111 -1-> 111 -0-> 110
  });

  it("Close tells the kernel and clears the panel; an explain from Python opens it", () => {
    const s = make();
    open(s, "000");
    s.$<HTMLButtonElement>('button[data-action="inside-close"]').click();
    expect(explains(s).at(-1)).toEqual({ cmd: "explain", state: null, step: null });
    expect(s.$('[data-role="inside-title"]').textContent).toBe("Inside the model");
    s.model.update({ inside: fakeInside("111", 50) }); // w.explain("111") in a cell
    s.flush();
    expect(s.$('[data-role="inside-title"]').textContent).toBe("Inside 111");
  });

  it("a saved page replays the stored steps; states not saved need the kernel", () => {
    vi.useFakeTimers();
    const replay = { steps: [0, 25, 49], states: ["000"], entries: { "000": [0, 25, 49].map((t) => fakeInside("000", t)) }, complete: true };
    const s = make({ inside: fakeInside("000", 49), inside_replay: replay }, { kernel: false }); // the fake's live step is 49
    vi.advanceTimersByTime(2100); // no hello answer: static
    s.flush();
    expect(s.$('[data-role="inside-title"]').textContent).toBe("Inside 000");
    expect(s.$('[data-role="inside-step"]').textContent).toBe("step 49");
    s.model.update({ shown_index: 30 }); // history step 30 in the fake: nearest saved is 25
    s.flush();
    expect(s.$('[data-role="inside-step"]').textContent).toBe("step 25");
    expect(s.$('[data-role="inside-hint"]').textContent).toContain("nearest saved step 25");
    expect(explains(s)).toEqual([]);
    type(s.$<HTMLInputElement>('input[data-field="search_state"]'), "101");
    s.$<HTMLInputElement>('input[data-field="search_state"]').dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    s.flush();
    expect(s.$('[data-role="inside-hint"]').textContent).toContain("needs a running Python kernel");
    const partial = { ...replay, states: ["000"] };
    s.model.update({ inside_replay: { ...partial, steps: [] } });
    s.flush();
    const btn = s.$<HTMLButtonElement>('button[data-action="inside"]');
    expect(btn.disabled).toBe(true);
    expect(btn.title).toBe(STATIC_REASON);
  });

  it("Enlarge shows it over the drawing with position/token ticks and colour keys with values", () => {
    const s = make();
    open(s, "011");
    s.model.update({ inside: fakeInside("011", 50) });
    s.flush();
    const panel = s.$('[data-role="inside"]');
    // the compact form has labelled keys too: weights 0…1, embedding values −m…+m
    expect([...panel.querySelectorAll('[data-role="inside-weight-scale"] .bg-scale-tick')].map((t) => t.textContent)).toEqual(["0", "0.25", "0.5", "0.75", "1"]);
    const emb = [...panel.querySelectorAll('[data-role="inside-emb-scale"] .bg-scale-tick')].map((t) => t.textContent ?? "");
    expect(emb).toHaveLength(5);
    expect(emb[0]).toMatch(/^−\d\.\d\d$/);
    expect(emb[2]).toBe("0");
    const btn = s.$<HTMLButtonElement>('button[data-action="inside-large"]');
    expect(btn.hidden).toBe(false);
    btn.click();
    const large = s.$('[data-role="large-view"]');
    expect(large.hidden).toBe(false);
    expect(large.dataset.large).toBe("inside");
    expect(large.querySelector(".bg-large-title")!.textContent).toBe("Inside 011 · step 50");
    const big = large.querySelector('[data-role="inside-large"]')!;
    expect(big.querySelectorAll("svg.bg-attn")).toHaveLength(16);
    // one set of column ticks per head (token over position), one of row ticks per layer
    const cols = [...big.querySelectorAll(".bg-ticks-x")];
    expect(cols).toHaveLength(4);
    expect([...cols[0].querySelectorAll(".bg-tick")].map((t) => t.textContent)).toEqual(["0@0", "1@1", "1@2"]);
    const rows = [...big.querySelectorAll(".bg-ticks-y")];
    expect(rows).toHaveLength(4);
    expect([...rows[0].querySelectorAll(".bg-tick")].map((t) => t.textContent)).toEqual(["0@0", "1@1", "1@2"]);
    expect(big.querySelectorAll(".bg-ticks-dim")).toHaveLength(2); // embedding dimensions
    expect(big.querySelector('[data-role="inside-weight-scale"] .bg-scale-tick')).not.toBeNull();
    // it follows the shown step; Esc leaves and gives focus back to Enlarge
    s.model.update({ inside: fakeInside("011", 10) });
    s.flush();
    expect(large.querySelector(".bg-large-title")!.textContent).toBe("Inside 011 · step 10");
    large.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(large.hidden).toBe(true);
    expect(document.activeElement).toBe(btn);
    // closing the panel closes its large form too
    btn.click();
    expect(large.hidden).toBe(false);
    s.$<HTMLButtonElement>('button[data-action="inside-close"]').click();
    expect(large.hidden).toBe(true);
  });
});
