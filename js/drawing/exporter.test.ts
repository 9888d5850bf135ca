// Exports: a caption (step, loss, settings) and a legend under the drawing, the walk ring and
// other transient marks left out, and a light theme on request.
import { describe, expect, it, vi } from "vitest";
import { captionLines, exportChain, serializeSvg } from "./exporter";
import { setupEach } from "../testing/harness";

const make = setupEach();

const parse = (text: string): Document => new DOMParser().parseFromString(text, "image/svg+xml");

describe("export caption and legend", () => {
  it("says step, loss, temperature and settings", () => {
    const lines = captionLines(50, 1, { loss: 0.61234, settings: "alphabet 01 · context 3" });
    expect(lines[0]).toBe("babyGPT as a Markov chain · step 50 · loss 0.612 · temperature 1");
    expect(lines[1]).toBe("alphabet 01 · context 3");
    expect(captionLines(0, 0.5, {})).toEqual(["babyGPT as a Markov chain · step 0 · temperature 0.5"]);
  });

  it("puts caption and legend under the drawing, growing the viewBox", () => {
    const s = make();
    const svg = s.$<SVGSVGElement>("svg.bg-graph");
    const before = svg.getAttribute("viewBox")!.split(" ").map(Number);
    const text = serializeSvg(svg, {
      background: "#fff",
      title: "t",
      caption: ["step 50 · loss 0.612"],
      legend: { tokens: [{ text: "0", colour: "#1c6fd1" }, { text: "1", colour: "#e8590c" }], notes: ["edge t(p%)"], fg: "#000", fg2: "#555" },
    });
    const doc = parse(text);
    const after = doc.documentElement.getAttribute("viewBox")!.split(" ").map(Number);
    expect(after[3]).toBeGreaterThan(before[3]);
    const texts = [...doc.querySelectorAll(".bg-export-caption text")].map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(["step 50 · loss 0.612", "tokens", "0", "1", "edge t(p%)"]));
    expect([...doc.querySelectorAll(".bg-export-caption rect")].map((r) => r.getAttribute("fill"))).toEqual(["#1c6fd1", "#e8590c"]);
    // the caption sits below the drawing
    for (const t of doc.querySelectorAll(".bg-export-caption text")) expect(Number(t.getAttribute("y"))).toBeGreaterThan(before[1] + before[3]);
  });

  it("leaves the walk ring, hover and search marks out and brings them back", () => {
    const s = make();
    const g = s.mounted.graph;
    g.setWalk(5, -1);
    g.setFound(2);
    const text = g.withSnapshot(() => serializeSvg(g.svg, { background: "#fff", title: "t" }));
    const doc = parse(text);
    expect(doc.querySelectorAll("g.bg-node")).toHaveLength(8);
    expect(doc.querySelector(".bg-walk")).toBeNull();
    expect(doc.querySelector(".bg-found")).toBeNull();
    expect(s.$('g.bg-node[data-state="101"]').classList.contains("bg-walk")).toBe(true);
    expect(s.$('g.bg-node[data-state="010"]').classList.contains("bg-found")).toBe(true);
  });

  it("light theme: the export is drawn with the light palette on white, the page keeps its theme", async () => {
    const s = make();
    const root = s.$(".babygpt-widget");
    const blobs: Blob[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((b) => (blobs.push(b as Blob), "blob:x"));
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    const lightWhileRead: boolean[] = [];
    const real = window.getComputedStyle.bind(window);
    vi.spyOn(window, "getComputedStyle").mockImplementation((e: Element) => {
      lightWhileRead.push(root.classList.contains("bg-export-light"));
      return real(e);
    });
    exportChain(s.mounted.graph.svg, root, 50, 1, "svg", { theme: "light", loss: 0.5 });
    expect(lightWhileRead.length).toBeGreaterThan(10);
    expect(lightWhileRead.every(Boolean)).toBe(true); // every style was read in the light theme
    expect(root.classList.contains("bg-export-light")).toBe(false); // the page keeps its own
    const text = await blobs[0].text();
    expect(text).toContain('fill="#ffffff"');
    expect(text).toContain("step 50 · loss 0.500");
  });
});
