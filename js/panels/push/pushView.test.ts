// Push the chain mounted in the whole app (jsdom, fake model): where it sits, the commands its
// forms send, what it draws from the `taught` trait, undo, and refusals inline.
import { describe, expect, it } from "vitest";
import { setupEach } from "../../testing/harness";
import type { Setup } from "../../testing/harness";
import { parseTaught, rowTargets } from "./pushData";

const make = setupEach();
const sent = (s: Setup, cmd: string) => s.model.commands().filter((c) => c.cmd === cmd);
const input = (s: Setup, field: string) => s.$<HTMLInputElement>(`[data-role="push"] input[data-field="${field}"]`);

function before(s: Setup): number[][] {
  const states = s.model.get("states") as string[];
  return states.map((_, i) => [0.5 - i / 100, 0.5 + i / 100]);
}

describe("Push the chain", () => {
  it("is a closed side section after This step; Nudge sends the edge, target and steps", () => {
    const s = make();
    const names = s.$$("[data-section]").map((e) => e.dataset.section);
    expect(names.indexOf("push")).toBe(names.indexOf("step") + 1);
    expect(s.$('[data-section="push"] .bg-section-body').hidden).toBe(true);
    expect(s.$<HTMLSelectElement>('select[data-field="nudge_state"]').value).toBe("101");
    expect(s.$<HTMLSelectElement>('select[data-field="nudge_token"]').value).toBe("1");
    input(s, "nudge_p").value = "30";
    input(s, "nudge_steps").value = "12";
    s.$<HTMLButtonElement>('button[data-action="nudge"]').click();
    expect(sent(s, "nudge")).toEqual([{ cmd: "nudge", state: "101", token: "1", p: 0.3, steps: 12 }]);
  });

  it("Teach rows: + row prefills the model's row; Teach sends every row as probabilities", () => {
    const s = make();
    const teach = s.$<HTMLButtonElement>('button[data-action="teach"]');
    expect(teach.disabled).toBe(true); // no row set yet
    s.$<HTMLSelectElement>('select[data-field="teach_add"]').value = "000";
    s.$<HTMLButtonElement>('button[data-action="teach-add"]').click();
    const row = s.$<HTMLElement>('.bg-push-row[data-state="000"]');
    const inputs = [...row.querySelectorAll<HTMLInputElement>("input")];
    const states = s.model.get("states") as string[];
    const view = s.model.get("probs") as DataView;
    const probs = new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    const i = states.indexOf("000");
    expect(inputs.map((e) => Number(e.value))).toEqual([0, 1].map((j) => Math.round(probs[i * 2 + j] * 1000) / 10));
    expect(teach.disabled).toBe(false);
    inputs[0].value = "90";
    inputs[1].value = "10";
    input(s, "teach_steps").value = "60";
    teach.click();
    expect(sent(s, "teach")).toEqual([{ cmd: "teach", targets: { "000": { "0": 0.9, "1": 0.1 } }, steps: 60 }]);
    inputs[0].value = "x";
    teach.click();
    expect(sent(s, "teach")).toHaveLength(1); // refused here, named
    expect(s.$('[data-role="push"] [data-error-for="teach"]').textContent).toMatch(/^targets\['000'\]/);
  });

  it("draws what the push did: taught edge before → now against its target, movers, unseen states; Undo", () => {
    const s = make();
    const undo = s.$<HTMLButtonElement>('button[data-action="undo"]');
    expect(undo.disabled).toBe(true);
    s.model.update({
      can_undo: "nudge",
      taught: {
        start_step: 50, steps: 20, lr: 0.003, weight: 36, targets: { "101": { "0": 0.05, "1": 0.95 } }, before: before(s),
        top_movers: [{ state: "110", token: "0", change: -0.182 }, { state: "000", token: "1", change: 0.13 }],
        unseen_moved: ["000", "001"], distance: 0.01,
      },
    });
    s.flush();
    expect(s.$('[data-role="push-head"]').textContent).toBe("taught for 20 steps (step 50 → 70, lr 0.003)");
    const edges = s.$$('[data-role="push-taught"] .bg-push-edge');
    expect(edges.map((e) => e.dataset.token)).toEqual(["0", "1"]);
    const i = (s.model.get("states") as string[]).indexOf("101");
    expect(edges[1].querySelector(".bg-push-ghost")?.textContent).toBe(`${(before(s)[i][1] * 100).toFixed(1)}%`);
    expect(edges[1].querySelector(".bg-push-note")?.textContent).toBe("target 95.0%");
    expect(edges[1].querySelector(".bg-push-now")?.textContent).toMatch(/^\d+\.\d%$/);
    expect(s.$$('[data-role="push-movers"] .bg-push-line').map((r) => r.textContent)).toEqual(["110 → 0−18.2 pts", "000 → 1+13.0 pts"]);
    expect(s.$('[data-role="push-unseen"]').textContent).toMatch(/^States the data never visits moved too \(000, 001\)/);
    // the push on the chain: a dashed stroke along every edge that moved, sized by the change
    const marks = s.$$<SVGPathElement>("svg.bg-graph path.bg-push-moved");
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) {
      const change = Number(m.dataset.change);
      expect(Math.abs(change)).toBeGreaterThanOrEqual(0.005);
      expect(m.classList.contains(change > 0 ? "bg-push-up" : "bg-push-down")).toBe(true);
      expect(Number(m.getAttribute("stroke-width"))).toBeCloseTo(1.5 + 12 * Math.abs(change), 1);
    }
    expect(undo.disabled).toBe(false);
    expect(undo.textContent).toBe("Undo nudge");
    undo.click();
    expect(sent(s, "undo")).toEqual([{ cmd: "undo" }]);
    // hovering a mover shows its state on the chain
    s.$('[data-role="push-movers"] .bg-push-line').dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    expect(s.$$("svg.bg-graph g.bg-node.bg-active").map((n) => n.getAttribute("data-state"))).toEqual(["110"]);
    s.model.update({ can_undo: "", taught: {} });
    s.flush();
    expect(s.$$("svg.bg-graph path.bg-push-moved")).toHaveLength(0); // the marks go with the push
  });

  it("a refusal is shown inline and cleared by the next success; malformed traits draw nothing", () => {
    const s = make();
    s.model.reply({ reply: "nudge", ok: false, error: "p: must be a finite number from 0 to 1; got 1.5" });
    const error = s.$('[data-role="push"] [data-error-for="teach"]');
    expect(error.textContent).toBe("p: must be a finite number from 0 to 1; got 1.5");
    s.model.reply({ reply: "nudge", ok: true });
    expect(error.textContent).toBe("");
    for (const bad of [null, {}, { steps: -1 }, { steps: "3" }, []]) expect(parseTaught(bad)).toBeNull();
    expect(rowTargets(["0", "1"], ["90", ""])).toEqual({ "0": 0.9, "1": 0 });
    expect(rowTargets(["0", "1"], ["120", "0"])).toBeNull();
  });
});
