// The lesson card mounted on a widget: what it shows, what Back / Next / Leave / Do it for me
// send, its keys, the wait that enables Next, the highlight, and a saved page with no kernel.
import { describe, expect, it } from "vitest";
import { setup } from "../testing/harness";
import type { Traits } from "../model/types";

const PAGES = [
  { title: "Start", text: "At step {step} 101 says {p:101>1}.", set: { panel: "analysis", temperature: 0.5 }, highlight: { node: "101" } },
  { title: "Train", text: "Loss {loss}.", highlight: { control: "train" }, wait: { action: "train", step: 60 } },
  { title: "Click", text: "Click 000.", highlight: { edge: "101>1" }, wait: { action: "click", state: "000" } },
  { title: "End", text: "Done.", highlight: { panel: "sample" } },
];
const lesson = (page: number, over: Partial<Traits> = {}) =>
  setup({ lesson_pages: PAGES, lesson_page: page, ...over } as Partial<Traits>);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("the lesson card", () => {
  it("shows title, text with live figures, k / n, and follows the chain shown", () => {
    const s = lesson(0);
    s.flush();
    const card = s.$('[data-role="lesson"]');
    expect(card.hidden).toBe(false);
    expect(s.$('[data-role="lesson-title"]').textContent).toBe("Start");
    expect(s.$('[data-role="lesson-text"]').textContent).toBe("At step 49 101 says 79%.");
    expect(s.$('[data-role="lesson-count"]').textContent).toBe("1 / 4");
    expect(s.$<HTMLButtonElement>('button[data-action="lesson-back"]').disabled).toBe(true);
    s.model.set("shown_index", 0); // the slider at step 0: the figures follow
    s.flush();
    expect(s.$('[data-role="lesson-text"]').textContent).toBe("At step 0 101 says 50%.");
    // the card sits in the side column, not over the drawing
    expect(s.$(".bg-side").contains(card)).toBe(true);
    expect(s.$(".babygpt-widget").classList.contains("bg-lesson-open")).toBe(true);
  });

  it("is hidden while closed; the Lesson button opens page 1 and Leave sends -1", async () => {
    const s = lesson(-1);
    await tick();
    s.flush();
    expect(s.$('[data-role="lesson"]').hidden).toBe(true);
    s.$('button[data-action="lesson"]').click();
    expect(s.model.commands().at(-1)).toEqual({ cmd: "lesson", page: 0 });
    s.model.set("lesson_page" as keyof Traits, 0 as never);
    s.flush();
    expect(s.$('button[data-action="lesson"]').hidden).toBe(true); // the card takes its place
    s.$('button[data-action="lesson-leave"]').click();
    expect(s.model.commands().at(-1)).toEqual({ cmd: "lesson", page: -1 });
  });

  it("Next / Back and ←/→ on the card send the page; the keys stop at the card", async () => {
    const s = lesson(0);
    await tick();
    s.flush();
    s.$('button[data-action="lesson-next"]').click();
    expect(s.model.commands().at(-1)).toEqual({ cmd: "lesson", page: 1 });
    let reached = 0;
    const count = () => reached++;
    document.addEventListener("keydown", count);
    s.$('[data-role="lesson"]').dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    document.removeEventListener("keydown", count);
    expect(reached).toBe(0);
    expect(s.model.commands().at(-1)).toEqual({ cmd: "lesson", page: 1 });
    expect(s.model.commands().filter((c) => c.cmd === "step")).toEqual([]); // → is not the widget's Step here
    s.model.set("lesson_page" as keyof Traits, 2 as never);
    s.flush();
    s.$('[data-role="lesson"]').dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
    expect(s.model.commands().at(-1)).toEqual({ cmd: "lesson", page: 1 });
  });

  it("a waiting page enables Next when the learner trained far enough; Do it for me trains the rest", async () => {
    const s = lesson(1);
    await tick();
    s.flush();
    const next = s.$<HTMLButtonElement>('button[data-action="lesson-next"]');
    expect(next.disabled).toBe(true);
    expect(s.$('[data-role="lesson-wait"]').textContent).toContain("train to step 60");
    s.$('button[data-action="lesson-do"]').click();
    expect(s.model.commands().at(-1)).toEqual({ cmd: "train", n: 11 });
    s.model.set("global_step", 60);
    s.flush();
    expect(next.disabled).toBe(false);
    expect(s.$('[data-role="lesson-wait"]').textContent).toContain("done");
  });

  it("a click wait takes the node click (no mark) and opens the inside panel on it", async () => {
    const s = lesson(2);
    await tick();
    s.flush();
    const node = s.$('g.bg-node[data-state="000"]');
    node.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    s.flush();
    expect(s.model.get("naughty")).toEqual([]);
    expect(s.$<HTMLButtonElement>('button[data-action="lesson-next"]').disabled).toBe(false);
    expect(s.$('section[data-section="inside"]').classList.contains("bg-open")).toBe(true);
  });

  it("lights the page's target and dims the rest without covering it", async () => {
    const s = lesson(0);
    s.flush();
    const root = s.$(".babygpt-widget");
    expect(s.$('g.bg-node[data-state="101"]').classList.contains("bg-lesson-lit")).toBe(true);
    expect(root.classList.contains("bg-lesson-dim-chain")).toBe(true);
    expect(s.$$(".bg-lesson-lit")).toHaveLength(1);
    expect(s.$$(".bg-lesson-lit")[0].matches('g.bg-node[data-state="101"]')).toBe(true);
    s.model.set("lesson_page" as keyof Traits, 2 as never);
    s.flush();
    const edge = s.$$(':is(g.bg-edge-line, g.bg-edge)[data-from="101"][data-token="1"]'); // its line and its label
    expect(edge.length).toBe(2);
    expect(edge.every((e) => e.classList.contains("bg-lesson-lit"))).toBe(true);
    expect(s.$$(".bg-lesson-lit")).toHaveLength(2);
    s.model.set("lesson_page" as keyof Traits, 3 as never);
    s.flush();
    expect(s.$('section[data-section="sample"]').classList.contains("bg-lesson-lit")).toBe(true);
    expect(root.classList.contains("bg-lesson-dim-ui")).toBe(true);
    expect(root.classList.contains("bg-lesson-dim-chain")).toBe(false);
    s.model.set("lesson_page" as keyof Traits, -1 as never);
    s.flush();
    expect(s.$$(".bg-lesson-lit")).toHaveLength(0);
  });

  it("opens the page's panel and puts the sections back on Leave", () => {
    const s = lesson(-1);
    s.flush();
    const analysis = s.$('button[data-action="section-analysis"]');
    if (analysis.getAttribute("aria-expanded") === "true") analysis.click();
    s.model.set("lesson_page" as keyof Traits, 0 as never);
    s.flush();
    expect(analysis.getAttribute("aria-expanded")).toBe("true");
    s.model.set("lesson_page" as keyof Traits, -1 as never);
    s.flush();
    expect(analysis.getAttribute("aria-expanded")).toBe("false");
  });
});

describe("the lesson in a saved page (no kernel)", () => {
  it("moves pages itself, applies the view a page sets, and disables training with the reason", async () => {
    const s = setup({ lesson_pages: PAGES, lesson_page: -1 } as Partial<Traits>, { kernel: false, helloTimeoutMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    s.flush();
    s.$('button[data-action="lesson"]').click();
    s.flush();
    expect(s.model.commands().filter((c) => c.cmd === "lesson")).toEqual([]);
    expect(s.model.get("lesson_page" as keyof Traits)).toBe(0);
    expect(s.model.get("temperature")).toBe(0.5); // the page's set, applied in the page
    s.$('button[data-action="lesson-next"]').click();
    s.flush();
    const doIt = s.$<HTMLButtonElement>('button[data-action="lesson-do"]');
    expect(doIt.disabled).toBe(true);
    expect(doIt.title).toMatch(/kernel/i);
  });
});
