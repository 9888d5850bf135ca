// This step mounted in the whole app (jsdom, fake model): where it sits, what it asks, what it
// draws from the `one_step` trait, and how it follows the shown step.
import { describe, expect, it } from "vitest";
import { setupEach } from "../../testing/harness";
import type { Setup } from "../../testing/harness";
import { parseStep } from "./stepData";

const make = setupEach();
const asks = (s: Setup) => s.model.commands().filter((c) => c.cmd === "step_report");

// StepReport.summary() of the default run's step 10 (babygpt_widget/analysis/step_report.py)
const REPORT = {
  step: 10, loss: 0.6004, lr: 0.001,
  movers: [["100", "1", 0.006946, false], ["110", "1", 0.006937, true], ["010", "1", 0.006932, false]],
  unseen_moved: ["000", "001", "010", "100"], unseen_count: 4,
  examples: [["111", "0", 3, 0.9684, 0.4032], ["111", "1", 3, 0.4775, 0.1988], ["110", "1", 2, 0.4787, 0.1329]],
  examples_count: 5,
  groups: [["token embeddings", 0.7438, 0.0049, 0.1226, 0.006538], ["layer 0 MLP in", 0.0027, 0.0089, 0.6452, 3.263]],
};

describe("This step", () => {
  it("is a closed side section after Inside the model that asks for the shown step on request", () => {
    const s = make();
    const names = s.$$("[data-section]").map((e) => e.dataset.section);
    expect(names.indexOf("step")).toBe(names.indexOf("inside") + 1);
    expect(s.$('[data-section="step"] .bg-section-body').hidden).toBe(true);
    expect(asks(s)).toEqual([]); // nothing asked until the learner asks
    const button = s.$<HTMLButtonElement>('button[data-action="step-report"]');
    const live = s.model.get("global_step") as number;
    expect(button.textContent).toBe(`What did step ${live} do?`);
    button.click();
    expect(asks(s)).toEqual([{ cmd: "step_report", k: live }]);
  });

  it("draws the report: movers with the unseen ones marked, the sentence, who pushed, where the update went", () => {
    const s = make();
    s.model.update({ one_step: REPORT });
    s.flush();
    expect(s.$('[data-role="step-head"]').textContent).toBe("step 9 → 10 · loss 0.6004 · lr 0.001");
    const movers = s.$$('[data-role="step-movers"] .bg-step-row').map((r) => r.textContent);
    expect(movers).toEqual(["100 → 1+0.69 ptsnot in the data", "110 → 1+0.69 pts", "010 → 1+0.69 ptsnot in the data"]);
    expect(s.$('[data-role="step-unseen"]').textContent).toMatch(/^4 states the data never visits moved too \(000, 001, 010, 100\)/);
    const shares = s.$$<HTMLElement>('[data-role="step-examples"] .bg-step-fill').map((f) => f.style.width);
    expect(shares).toEqual(["40.32%", "19.88%", "13.29%"]);
    expect(s.$$('[data-role="step-examples"] .bg-step-edge').map((e) => e.textContent)).toEqual(["111 → 0 ×3", "111 → 1 ×3", "110 → 1 ×2"]);
    // hovering an example shows its context node and only its target edge (111 → 0, to 110)
    const lit = () => s.$$("svg.bg-graph g.bg-edge-line").filter((g) => g.querySelector("path.bg-edge-path.bg-active"))
      .map((g) => `${g.dataset.from}→${g.dataset.token}→${g.dataset.to}`);
    const row = s.$('[data-role="step-examples"] .bg-step-row');
    row.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    const active = s.$$("svg.bg-graph g.bg-node.bg-active");
    expect(s.$("svg.bg-graph").classList.contains("bg-focus")).toBe(true);
    expect(active).toHaveLength(1);
    expect(active[0].getAttribute("data-state")).toBe("111");
    expect(lit()).toEqual(["111→0→110"]);
    expect(s.$$('svg.bg-graph g.bg-edge.bg-active').map((g) => `${g.dataset.from}→${g.dataset.token}`)).toEqual(["111→0"]);
    const matrix = s.$('[data-role="matrix"]'); // and its cell in the transition matrix (state 111, token 0)
    expect([matrix.dataset.linkedRow, matrix.dataset.linkedCol]).toEqual(["7", "0"]);
    // a mover is a state's row: its node and both its outgoing edges
    s.$('[data-role="step-movers"] .bg-step-row').dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    expect(lit()).toEqual(["100→0→000", "100→1→001"]);
    s.$('[data-role="one-step"] .bg-step-body').dispatchEvent(new MouseEvent("mouseleave"));
    expect(s.$("svg.bg-graph").classList.contains("bg-focus")).toBe(false);
    const updates = s.$$<HTMLElement>('[data-role="step-groups"] .bg-step-fill').map((f) => parseFloat(f.style.width));
    expect(updates[1]).toBe(100); // the largest update is the full bar
    expect(updates[0]).toBeCloseTo((0.0049 / 0.0089) * 100, 6);
    // AdamW's effective step size: per part in the tooltip, the range in one sentence
    expect(s.$('[data-role="step-groups"] .bg-step-row').getAttribute("title")).toMatch(/AdamW's step 0\.00654 per unit gradient \(6\.54 × lr\)$/);
    expect(s.$('[data-role="step-size"]').textContent).toMatch(/^AdamW's step per unit gradient: 6\.5–3\.3e\+3 × lr/);
  });

  it("once a report is shown and the section open, a new shown step asks again (once); not while training", () => {
    const s = make();
    s.$<HTMLButtonElement>('[data-section="step"] .bg-section-head').click();
    const live = s.model.get("global_step") as number;
    s.model.update({ one_step: { ...REPORT, step: live } });
    s.flush();
    expect(asks(s)).toEqual([]); // the shown step's report is there
    s.model.update({ shown_index: 10 });
    s.flush();
    const k = asks(s).map((c) => (c as { k: number }).k);
    expect(k).toHaveLength(1);
    expect(k[0]).toBeLessThan(live);
    s.flush();
    expect(asks(s)).toHaveLength(1); // already on its way
    s.model.update({ training: true, shown_index: -1, global_step: 51 });
    s.flush();
    expect(asks(s)).toHaveLength(1);
  });

  it("a refusal is shown inline; a malformed trait draws nothing", () => {
    const s = make();
    s.model.reply({ reply: "step_report", ok: false, error: "k: must be an integer from 1 to 50; got 99" });
    expect(s.$('[data-role="one-step"] .bg-error').textContent).toBe("k: must be an integer from 1 to 50; got 99");
    for (const bad of [null, {}, { step: 0 }, { step: "3" }, []]) expect(parseStep(bad)).toBeNull();
    expect(parseStep({ step: 3, movers: "x", groups: [[1, 2]] })?.groups).toEqual([{ name: "", grad: 2, update: NaN, weight: NaN, stepSize: NaN }]);
  });
});
