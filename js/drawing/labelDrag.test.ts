// Dragging an edge label (labelDrag.ts) on its own: the drag maths (2 px a point, whole percents,
// clamped), the preview on the label and its widened backdrop, the click-vs-drag threshold,
// Escape, labels that may not drag, and that the press never reaches a listener above the layer
// (d3-zoom's, on the SVG).
import { select } from "d3-selection";
import { afterEach, describe, expect, it } from "vitest";
import type { ChainEdge } from "../model/chain";
import { CLICK_PX, dragTarget, isDrag, LabelDrag, labelPercent, previewLabel, PX_PER_POINT } from "./labelDrag";
import type { LabelDragHooks } from "./labelDrag";

const NS = "http://www.w3.org/2000/svg";
const edge = (from: string, to: string, token: string): ChainEdge =>
  ({ id: `${from}>${token}`, from, to, token, fromIndex: 0, toIndex: 0, tokenIndex: Number(token), kind: "single" }) as unknown as ChainEdge;

function world(can = (state: string) => state.length === 3) {
  const pane = document.body.appendChild(document.createElement("div"));
  const svg = pane.appendChild(document.createElementNS(NS, "svg"));
  const nodes = svg.appendChild(document.createElementNS(NS, "g"));
  const node = nodes.appendChild(document.createElementNS(NS, "g"));
  node.setAttribute("class", "bg-node");
  const layer = svg.appendChild(document.createElementNS(NS, "g"));
  const groups = select(layer).selectAll("g").data([edge("101", "011", "1"), edge("10", "01", "1")]).join((e) => {
    const g = e.append("g").attr("class", "bg-edge");
    g.append("rect").attr("x", 88).attr("width", 24); // 6 characters of `1(79%)`: 20 + 4
    g.append("text").text((d) => (d.from === "101" ? "1(79%)" : "1(50%)"));
    return g;
  }).nodes() as SVGGElement[];
  const log: string[] = [];
  const hooks: LabelDragHooks & { allowed: boolean } = {
    allowed: true,
    can(state) { return this.allowed && can(state); },
    preview: (state, token, pct) => void log.push(`preview ${state} ${token} ${pct}`),
    commit: (state, token, pct) => void log.push(`commit ${state} ${token} ${pct}`),
  };
  let presses = 0;
  const drag = new LabelDrag(layer, () => presses++);
  drag.hooks = hooks;
  drag.refresh(groups);
  const panned: string[] = [];
  svg.addEventListener("mousedown", () => panned.push("svg saw the press"));
  const mouse = (type: string, target: EventTarget, y: number, x = 100) => {
    const ev = new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0 });
    Object.defineProperty(ev, "view", { value: window }); // d3-drag listens on the event's window (jsdom refuses it in the init)
    target.dispatchEvent(ev);
  };
  const text = (g: SVGGElement) => g.querySelector("text")!.textContent;
  return { svg, node, layer, groups, log, hooks, drag, panned, mouse, text, presses: () => presses };
}

afterEach(() => document.body.replaceChildren());

describe("the drag maths", () => {
  it("2 px a percentage point, up raises; whole percents clamped to 0–100", () => {
    expect(PX_PER_POINT).toBe(2);
    expect(dragTarget(79, -32)).toBe(95);
    expect(dragTarget(79, 20)).toBe(69);
    expect(dragTarget(79, -31)).toBe(95); // 15.5 points: whole percents
    expect(dragTarget(79, -1000)).toBe(100);
    expect(dragTarget(3, 1000)).toBe(0);
  });

  it("reads the label's whole percent and writes the preview into it", () => {
    expect(labelPercent("1(79%)")).toBe(79);
    expect(labelPercent("1(<1%)")).toBe(0);
    expect(labelPercent("A(>99%)")).toBe(100);
    expect(labelPercent("1(?)")).toBeNull();
    expect(previewLabel("1(79%)", 95)).toBe("1(79% → 95%)");
    expect(previewLabel("0(>99%)", 90)).toBe("0(>99% → 90%)");
  });

  it("a press that moves less than 4 px is a click", () => {
    expect(CLICK_PX).toBe(4);
    expect(isDrag(3, 2)).toBe(false); // 3.6 px
    expect(isDrag(0, 4)).toBe(true);
    expect(isDrag(-3, -3)).toBe(true); // 4.2 px
  });
});

describe("dragging a label", () => {
  it("previews on the label (backdrop widened), sends on release, never reaches the SVG's zoom", () => {
    const w = world();
    const [g] = w.groups;
    expect(g.classList.contains("bg-nudgeable")).toBe(true);
    expect(w.groups[1].classList.contains("bg-nudgeable")).toBe(false); // a prefix state: not nudgeable
    w.mouse("mousedown", g.querySelector("text")!, 300);
    expect(w.presses()).toBe(1);
    expect(w.panned).toEqual([]); // d3-drag stopped the press: no pan
    for (let y = 298; y >= 268; y -= 6) w.mouse("mousemove", g, y);
    w.mouse("mousemove", g, 268);
    expect(w.drag.active).toBe(true);
    expect(w.text(g)).toBe("1(79% → 95%)");
    expect(g.classList.contains("bg-dragging")).toBe(true);
    expect(w.svg.classList.contains("bg-label-dragging")).toBe(true);
    const rect = g.querySelector("rect")!;
    expect(Number(rect.getAttribute("width"))).toBe(40 + 4); // 12 characters at 10/3 each
    expect(Number(rect.getAttribute("x")) + Number(rect.getAttribute("width")) / 2).toBe(100); // same centre
    expect(w.log.at(-1)).toBe("preview 101 1 95");
    w.mouse("mouseup", g, 268);
    expect(w.log.slice(-2)).toEqual(["preview 101 1 null", "commit 101 1 95"]);
    expect(w.text(g)).toBe("1(79%)");
    expect([rect.getAttribute("x"), rect.getAttribute("width")]).toEqual(["88", "24"]);
    expect(g.classList.contains("bg-dragging") || w.svg.classList.contains("bg-label-dragging")).toBe(false);
    expect(w.drag.active).toBe(false);
  });

  it("clamps at 100% and 0%; back on the start value sends nothing", () => {
    const w = world();
    const [g] = w.groups;
    w.mouse("mousedown", g, 300);
    w.mouse("mousemove", g, 100);
    expect(w.text(g)).toBe("1(79% → 100%)");
    w.mouse("mousemove", g, 700);
    expect(w.text(g)).toBe("1(79% → 0%)");
    w.mouse("mousemove", g, 300);
    w.mouse("mouseup", g, 300);
    expect(w.log.filter((l) => l.startsWith("commit"))).toEqual([]);
    expect(w.text(g)).toBe("1(79%)");
  });

  it("Escape cancels: the label comes back, nothing is sent, the key goes no further", () => {
    const w = world();
    const [g] = w.groups;
    const seen: string[] = [];
    document.body.addEventListener("keydown", (ev) => seen.push(ev.key));
    w.mouse("mousedown", g, 300);
    w.mouse("mousemove", g, 260);
    expect(w.text(g)).toBe("1(79% → 99%)");
    const esc = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    document.body.dispatchEvent(esc);
    expect(esc.defaultPrevented).toBe(true);
    expect(seen).toEqual([]);
    expect(w.text(g)).toBe("1(79%)");
    w.mouse("mousemove", g, 200);
    w.mouse("mouseup", g, 200);
    expect(w.log).toEqual(["preview 101 1 99", "preview 101 1 null"]);
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(seen).toEqual(["Escape"]); // no drag: Escape is the page's again
  });

  it("a click (< 4 px) sends nothing and clicks the node under the label", async () => {
    await new Promise((r) => setTimeout(r, 0)); // d3-drag eats the click right after an earlier test's drag
    const w = world();
    const [g] = w.groups;
    const clicks: string[] = [];
    w.node.addEventListener("click", () => clicks.push("node"));
    document.elementsFromPoint = () => [g.querySelector("text")!, g, w.node];
    try {
      w.mouse("mousedown", g, 300);
      w.mouse("mousemove", g, 298, 102); // 2.8 px
      expect(w.text(g)).toBe("1(79%)");
      w.mouse("mouseup", g, 298, 102);
    } finally {
      delete (document as { elementsFromPoint?: unknown }).elementsFromPoint;
    }
    expect(w.log).toEqual([]);
    expect(clicks).toEqual(["node"]);
  });

  it("not while nudging is off: the label lets the press through to the zoom; a rewrite mid-drag is kept", () => {
    const w = world();
    const [g] = w.groups;
    w.hooks.allowed = false;
    w.drag.refresh();
    expect(g.classList.contains("bg-nudgeable")).toBe(false);
    w.mouse("mousedown", g, 300);
    w.mouse("mousemove", g, 250);
    w.mouse("mouseup", g, 250);
    expect(w.panned).toEqual(["svg saw the press"]);
    expect(w.log).toEqual([]);
    // allowed again; the scene rewrites the label mid-drag (new probabilities): its text stays
    w.hooks.allowed = true;
    w.drag.refresh();
    w.mouse("mousedown", g, 300);
    w.mouse("mousemove", g, 290);
    g.querySelector("text")!.textContent = "1(81%)";
    w.mouse("mousemove", g, 280);
    expect(w.text(g)).toBe("1(79% → 89%)"); // the target counts from the value pressed
    w.hooks.allowed = false; // training began meanwhile: the release sends nothing
    w.mouse("mouseup", g, 280);
    expect(w.text(g)).toBe("1(81%)");
    expect(w.log.filter((l) => l.startsWith("commit"))).toEqual([]);
  });
});
