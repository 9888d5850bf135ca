// The focus view through the mounted widget: pick a state (search, walk or a click), draw its
// neighbourhood as a sub-chain with every hook, go back with the button or Esc.
import { describe, expect, it } from "vitest";
import { setupEach } from "../../testing/harness";
import type { Setup } from "../../testing/harness";

const make = setupEach();

const states = (s: Setup): string[] => s.$$("svg.bg-graph g.bg-node").map((g) => g.dataset.state ?? "");
const click = (e: Element): boolean => e.dispatchEvent(new MouseEvent("click", { bubbles: true }));

describe("focus view", () => {
  it("a click picks the state: its 1-step neighbourhood is drawn, Esc goes back", () => {
    const s = make();
    expect(states(s)).toHaveLength(8);
    click(s.$('button[data-action="focus"]'));
    expect(s.$('[data-role="focus-status"]').textContent).toBe("click a state");
    const k = s.$<HTMLSelectElement>('select[data-field="focus-k"]');
    k.value = "1";
    k.dispatchEvent(new Event("change"));
    click(s.$('svg.bg-graph g.bg-node[data-state="101"]'));
    // out: 101 -> 010, 011; in: 010, 110 -> 101
    expect(new Set(states(s))).toEqual(new Set(["101", "010", "011", "110"]));
    expect(s.mounted.graph.focusState).toBe("101");
    expect(s.model.get("naughty") ?? []).toEqual([]); // the click picked, it did not mark
    // labels and hooks work on the sub-chain: edges carry full-chain state names
    expect(s.$$('g.bg-edge[data-from="101"]').map((g) => g.dataset.to).sort()).toEqual(["010", "011"]);
    expect(s.$('g.bg-edge[data-from="101"][data-to="011"] text.bg-edge-label').textContent).toBe("1(79%)");
    s.$(".bg-graph-stack").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(states(s)).toHaveLength(8);
    expect(s.mounted.graph.focusState).toBeNull();
  });

  it("focuses on the searched state, k steps each way; the Back button returns", () => {
    const s = make();
    s.mounted.graph.setFound(0); // "000" (as the search box does)
    click(s.$('button[data-action="focus"]'));
    expect(s.mounted.graph.focusState).toBe("000");
    expect(s.$('svg.bg-graph g.bg-node[data-state="000"]').classList.contains("bg-found")).toBe(true);
    const k2 = states(s).length;
    const k = s.$<HTMLSelectElement>('select[data-field="focus-k"]');
    k.value = "1";
    k.dispatchEvent(new Event("change"));
    expect(states(s).length).toBeLessThan(k2);
    expect(new Set(states(s))).toEqual(new Set(["000", "001", "100"]));
    click(s.$('button[data-action="focus-back"]'));
    expect(states(s)).toHaveLength(8);
  });

  it("focuses on the walk's state and keeps the walk ring on it", () => {
    const s = make();
    s.mounted.graph.setWalk(5, -1); // "101"
    click(s.$('button[data-action="focus"]'));
    expect(s.mounted.graph.focusState).toBe("101");
    expect(s.$('svg.bg-graph g.bg-node[data-state="101"]').classList.contains("bg-walk")).toBe(true);
  });
});
