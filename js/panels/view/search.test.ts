// "Find state": resolving a typed label, and the search box in the widget (SVG drawing).
import { describe, expect, it } from "vitest";
import { foundText, resolveSearch } from "./search";
import { f32, rowsFromP1, STATES3, TRAINED_P1 } from "../../testing/fakeModel";
import { setupEach } from "../../testing/harness";
import type { Setup } from "../../testing/harness";

const make = setupEach();

const space = {
  drawn: new Map(STATES3.map((s, i) => [s, i] as const)),
  all: new Map([...STATES3, "0", "1", "00", "01", "10", "11"].map((s, i) => [s, i] as const)),
  tokens: ["0", "1"],
  contextLength: 3,
};

describe("resolveSearch", () => {
  it("finds a drawn state by its exact label (spaces around it ignored)", () => {
    expect(resolveSearch(" 101 ", space)).toEqual({ kind: "found", state: "101", index: 5 });
    expect(resolveSearch("", space)).toEqual({ kind: "clear" });
    expect(resolveSearch("   ", space)).toEqual({ kind: "clear" });
  });

  it("says why a label is not found", () => {
    const err = (q: string) => {
      const r = resolveSearch(q, space);
      return r.kind === "error" ? r.message : "";
    };
    expect(err("1x1")).toMatch(/"x" not in the alphabet 0 1/);
    expect(err("10")).toMatch(/shorter context.*show shorter contexts/);
    expect(err("1011")).toMatch(/states are 3 tokens long/);
    const partial = { ...space, drawn: new Map([["000", 0]]), all: new Map([["000", 0]]) };
    expect(resolveSearch("111", partial)).toEqual({ kind: "error", message: 'no state "111" in this chain' });
  });

  it("describes the found state in one line", () => {
    const text = foundText({ state: "101", tokens: ["0", "1"], probs: [0.2071, 0.7929], counts: [0, 3], share: 0.1234 });
    expect(text).toBe("state 101  —  next: 0 20.7% · 1 79.3%  —  data: 0 0 · 1 3  —  long-run share 12.3%");
    expect(foundText({ state: "000", tokens: ["0", "1"], probs: [NaN, NaN], counts: [0, 0] })).toContain("not in the data");
  });
});

describe("the search box", () => {
  function search(s: Setup, text: string, key = "Enter"): void {
    const input = s.$<HTMLInputElement>('input[data-field="search_state"]');
    input.value = text;
    input.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
  }

  it("sits in the View section with the layout switch, with its error slot and an empty readout", () => {
    const s = make();
    const input = s.$<HTMLInputElement>('input[data-field="search_state"]');
    expect(input).toBeTruthy();
    expect(input.closest('[data-section="view"]')).toBe(s.$('select[data-field="layout"]').closest('[data-section="view"]'));
    expect(input.closest('[data-section="view"]')).toBeTruthy();
    // the placeholder names a real state of this chain (the training sequence's first window)
    expect(input.placeholder).toBe("state, e.g. 111");
    expect(s.$('[data-error-for="search_state"]').textContent).toBe("");
    expect(s.$('[data-role="found"]').hidden).toBe(true);
  });

  it("marks the found node (bg-found) and shows its distribution; Enter on nothing clears", () => {
    const s = make();
    search(s, "101");
    const found = s.$$("g.bg-node.bg-found");
    expect(found.map((g) => g.getAttribute("data-state"))).toEqual(["101"]);
    const readout = s.$('[data-role="found"]');
    expect(readout.hidden).toBe(false);
    expect(readout.textContent).toContain("state 101");
    expect(readout.textContent).toContain("1 79.3%");
    search(s, "011");
    expect(s.$$("g.bg-node.bg-found").map((g) => g.getAttribute("data-state"))).toEqual(["011"]);
    search(s, "");
    expect(s.$$("g.bg-node.bg-found")).toHaveLength(0);
    expect(readout.hidden).toBe(true);
  });

  it("shows an inline error for an unknown label, and clears it on the next good search", () => {
    const s = make();
    search(s, "0101");
    expect(s.$('[data-error-for="search_state"]').textContent).toMatch(/states are 3 tokens long/);
    expect(s.$('input[data-field="search_state"]').hasAttribute("aria-invalid")).toBe(true);
    expect(s.$$("g.bg-node.bg-found")).toHaveLength(0);
    search(s, "110");
    expect(s.$('[data-error-for="search_state"]').textContent).toBe("");
    expect(s.$$("g.bg-node.bg-found")).toHaveLength(1);
  });

  it("Escape clears the search", () => {
    const s = make();
    search(s, "111");
    expect(s.$$("g.bg-node.bg-found")).toHaveLength(1);
    search(s, "111", "Escape");
    expect(s.$$("g.bg-node.bg-found")).toHaveLength(0);
    expect(s.$<HTMLInputElement>('input[data-field="search_state"]').value).toBe("");
  });

  it("follows the chain: the readout updates with new probabilities, the mark survives", () => {
    const s = make();
    search(s, "101");
    s.model.update({ probs: f32(rowsFromP1(TRAINED_P1.map(() => 0.25))), global_step: 60 });
    s.flush();
    expect(s.$('[data-role="found"]').textContent).toContain("1 25.0%");
    expect(s.$$("g.bg-node.bg-found").map((g) => g.getAttribute("data-state"))).toEqual(["101"]);
  });

  it("drops the search when the state space no longer has the state", () => {
    const s = make();
    search(s, "101");
    const states = ["00", "01", "02", "10", "11", "12", "20", "21", "22"];
    s.model.update({
      config: { ...s.model.get("config"), alphabet: "012", context_length: 2 },
      states,
      probs: f32(new Array(27).fill(1 / 3)),
      prefix_states: [],
    });
    s.flush();
    expect(s.$$("g.bg-node.bg-found")).toHaveLength(0);
    expect(s.$('[data-role="found"]').hidden).toBe(true);
    search(s, "12");
    expect(s.$$("g.bg-node.bg-found").map((g) => g.getAttribute("data-state"))).toEqual(["12"]);
  });

  it("hides with the layout switch in classroom mode", () => {
    const s = make({ controls: ["step", "train"] });
    expect(s.$('input[data-field="search_state"]').closest(".bg-off")).toBeTruthy();
  });
});
