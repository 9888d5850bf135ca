// A label dragged on the mounted widget's chain (jsdom, fake model) is a nudge: the Push panel's
// form follows the drag and the release sends it as the Nudge button does (steps from the form);
// Escape puts the form back; nothing drags while training or without a kernel (unless the page's
// engine answers nudge); the edge's hover box says the label drags.
import { describe, expect, it } from "vitest";
import type { ChainEdge } from "../model/chain";
import type { PushView } from "../panels/push/pushView";
import { f32, i32 } from "../testing/fakeModel";
import { edgeSel, setupEach } from "../testing/harness";
import type { Setup } from "../testing/harness";
import { nudgeHint } from "./labelNudge";

const make = setupEach();
const nudges = (s: Setup) => s.model.commands().filter((c) => c.cmd === "nudge");
const field = (s: Setup, name: string) => s.$<HTMLInputElement>(`[data-role="push"] [data-field="${name}"]`);
const label = (s: Setup) => s.$<SVGGElement>(`svg.bg-graph ${edgeSel("101", "011", "1")}`);

function mouse(type: string, target: EventTarget, y: number): void {
  const ev = new MouseEvent(type, { bubbles: true, cancelable: true, clientX: 50, clientY: y, button: 0 });
  Object.defineProperty(ev, "view", { value: window }); // d3-drag listens on the event's window
  target.dispatchEvent(ev);
}

/** Press on the 101 → 011 label, drag `dy` px in steps; the label's text mid-drag. */
function dragBy(s: Setup, dy: number): string {
  const g = label(s);
  mouse("mousedown", g.querySelector("text")!, 400);
  for (let k = 1; k <= 8; k++) mouse("mousemove", g, 400 + (dy * k) / 8);
  return g.querySelector("text")!.textContent ?? "";
}

describe("dragging an edge label on the chain", () => {
  it("previews on the label and in the Nudge form; release sends the nudge with the form's steps", () => {
    const s = make();
    s.flush();
    const g = label(s);
    const was = g.querySelector("text")!.textContent!;
    const pct = Number(/\((\d+)%\)$/.exec(was)![1]);
    expect(g.classList.contains("bg-nudgeable")).toBe(true);
    field(s, "nudge_steps").value = "12";
    expect(dragBy(s, -20)).toBe(`${was.slice(0, -1)} → ${pct + 10}%)`);
    expect(field(s, "nudge_p").value).toBe(String(pct + 10));
    expect(s.$<HTMLSelectElement>('[data-field="nudge_state"]').value).toBe("101");
    expect(s.mounted.graph.zoom).toEqual({ k: 1, x: 0, y: 0 }); // no pan
    const stroke = s.$('svg.bg-graph g.bg-edge-line[data-from="101"][data-token="1"] path.bg-edge-path');
    expect(stroke.classList.contains("bg-dragging")).toBe(true); // the edge dragged is lit
    expect(s.$$("svg.bg-graph .bg-edge-path.bg-dragging")).toHaveLength(1);
    mouse("mouseup", g, 380);
    expect(stroke.classList.contains("bg-dragging")).toBe(false);
    expect(nudges(s)).toEqual([{ cmd: "nudge", state: "101", token: "1", p: (pct + 10) / 100, steps: 12 }]);
    expect(g.querySelector("text")!.textContent).toBe(was);
  });

  it("Escape puts the label and the form back and sends nothing; another edge fills the form", () => {
    const s = make();
    s.flush();
    field(s, "nudge_p").value = "42";
    expect(dragBy(s, 30)).toMatch(/ → \d+%\)$/);
    expect(field(s, "nudge_p").value).not.toBe("42");
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    mouse("mouseup", label(s), 430);
    expect(field(s, "nudge_p").value).toBe("42");
    expect(label(s).querySelector("text")!.textContent).toMatch(/^1\(\d+%\)$/);
    expect(nudges(s)).toEqual([]);
    const other = s.$<SVGGElement>(`svg.bg-graph ${edgeSel("000", "000", "0")}`);
    mouse("mousedown", other, 400);
    mouse("mousemove", other, 390);
    expect(s.$<HTMLSelectElement>('[data-field="nudge_state"]').value).toBe("000");
    expect(s.$<HTMLSelectElement>('[data-field="nudge_token"]').value).toBe("0");
    mouse("mouseup", other, 390);
    expect(nudges(s).map((c) => [c.state, c.token])).toEqual([["000", "0"]]);
  });

  it("says so in the edge's hover box; while training nothing drags (and the hint goes)", () => {
    const s = make();
    s.flush();
    const g = label(s);
    g.dispatchEvent(new MouseEvent("mouseenter", { clientX: 50, clientY: 50 }));
    expect(s.$('.bg-tooltip [data-role="nudge-hint"]').textContent).toBe("drag its label up or down to nudge this edge");
    s.model.update({ training: true });
    s.flush();
    expect(g.classList.contains("bg-nudgeable")).toBe(false);
    g.dispatchEvent(new MouseEvent("mouseenter", { clientX: 60, clientY: 50 }));
    g.dispatchEvent(new MouseEvent("mouseleave"));
    g.dispatchEvent(new MouseEvent("mouseenter", { clientX: 60, clientY: 50 }));
    expect(s.$$('.bg-tooltip [data-role="nudge-hint"]')).toHaveLength(0);
    expect(dragBy(s, -20)).toMatch(/^1\(\d+%\)$/); // no preview
    mouse("mouseup", g, 380);
    expect(nudges(s)).toEqual([]);
    s.model.update({ training: false });
    s.flush();
    expect(g.classList.contains("bg-nudgeable")).toBe(true);
  });

  it("without a kernel nothing drags; a page whose engine answers nudge drags", async () => {
    const s = make({}, { kernel: false, helloTimeoutMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    s.flush();
    expect(label(s).classList.contains("bg-nudgeable")).toBe(false);
    expect(dragBy(s, -20)).toMatch(/^1\(\d+%\)$/);
    mouse("mouseup", label(s), 380);
    expect(nudges(s)).toEqual([]);
    s.model.reply({ reply: "hello", ok: true, no_kernel: "saved page", local: ["step", "train", "nudge", "teach", "undo"] });
    s.flush();
    expect(label(s).classList.contains("bg-nudgeable")).toBe(true);
    expect(dragBy(s, -20)).toMatch(/ → \d+%\)$/);
    mouse("mouseup", label(s), 380);
    expect(nudges(s)).toHaveLength(1);
  });
});

describe("a new state space", () => {
  it("its labels drag as soon as the form offers its states", () => {
    const s = make();
    s.flush();
    const S2 = ["00", "01", "10", "11"];
    s.model.update({
      config: { ...(s.model.get("config") as object), context_length: 2 } as never,
      states: S2,
      probs: f32([0.4, 0.6, 0.3, 0.7, 0.8, 0.2, 0.5, 0.5]),
      data_counts: i32([1, 2, 3, 4, 5, 6, 7, 8]),
      global_step: 0,
      history_steps: i32([0]),
      history_losses: f32([0.69]),
      history_probs: f32([0.4, 0.6, 0.3, 0.7, 0.8, 0.2, 0.5, 0.5]),
      prefix_states: [],
      prefix_probs: f32([]),
      history_prefix_probs: f32([]),
      prefix_data_counts: i32([]),
    });
    s.flush();
    const g = s.$<SVGGElement>(`svg.bg-graph ${edgeSel("01", "11", "1")}`);
    expect(g.querySelector("text")!.textContent).toBe("1(70%)");
    expect(g.classList.contains("bg-nudgeable")).toBe(true);
  });
});

describe("the hover box's line on nudging", () => {
  it("a canvas (big chain) has no labels to drag: it points to Push the chain instead", () => {
    const push = (canNudge: boolean) => ({ canNudge, offers: (state: string) => state.length === 9 }) as unknown as PushView;
    const e = { from: "010101010", token: "1" } as ChainEdge;
    expect(nudgeHint(push(true), e, true)?.textContent).toBe("nudge it in Push the chain (a chain this big is painted on a canvas: its labels don't drag)");
    expect(nudgeHint(push(true), e, false)?.textContent).toBe("drag its label up or down to nudge this edge");
    expect(nudgeHint(push(false), e, true)).toBeNull();
    expect(nudgeHint(push(true), { ...e, from: "01" }, false)).toBeNull(); // a shorter prefix: not a state to nudge
  });
});
