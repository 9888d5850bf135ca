// A saved page's # part: the link in the address is applied when the widget mounts (another run:
// view applied and said; unknown marks left out and said; a bad link said), and view changes
// rewrite the address through the port at most every URL_WRITE_MS, never while nothing changed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { mount } from "./app";
import { formatLink } from "../model/viewLink";
import type { LinkView } from "../model/viewLink";
import { FakeModel, seedTraits } from "../testing/fakeModel";
import { manualTimer } from "../testing/harness";
import { indexAtStep, URL_WRITE_MS } from "./urlView";

const RUN = "babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=49";
const base: LinkView = { run: RUN, step: 20, layout: "force", temperature: 0.5, marked: ["000"], hide: ["compare"], select: "101", open: ["view", "step", "run"], lesson: null };
const plain: LinkView = { ...base, hide: [], select: "", open: ["view", "inside", "sample", "analysis", "compare", "settings", "run"] };

const PAGES = [
  { title: "One", text: "At step {step}.", set: { temperature: 0, layout: "circular" } },
  { title: "Two", text: "101 says {p:101>1}.", set: { temperature: 0, layout: "circular", panel: "analysis" } },
];

function open(fragment: string, over: Record<string, unknown> = {}) {
  const writes: string[] = [];
  let hash = fragment;
  const model = new FakeModel(seedTraits(50, { run_string: RUN, ...over }), { kernel: false });
  (model as unknown as { pageUrl: unknown }).pageUrl = {
    fragment: () => hash,
    replace: (f: string) => {
      writes.push(f);
      hash = f;
    },
  };
  const host = document.createElement("div");
  document.body.appendChild(host);
  const mounted = mount(host, model, { walkTimer: manualTimer(), helloTimeoutMs: 10 });
  const note = (): string => host.querySelector('[data-error-for="link"]')?.textContent ?? "";
  return { model, mounted, writes, note, hash: () => hash };
}

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("a saved page's address carries the view", () => {
  it("applies the link: step, layout, temperature, marks, hidden controls; nothing to say", () => {
    vi.useFakeTimers();
    const p = open(formatLink(base));
    expect(p.model.get("shown_index")).toBe(20);
    expect(p.model.get("graph_layout")).toBe("force");
    expect(p.model.get("temperature")).toBe(0.5);
    expect(p.model.get("naughty")).toEqual(["000"]);
    expect(p.model.get("controls")).not.toContain("compare");
    expect(p.model.get("selected_state")).toBe("101");
    expect(p.model.get("open_sections")).toEqual(["view", "step", "run"]);
    const host = p.mounted.root;
    const opened = [...host.querySelectorAll<HTMLElement>("section[data-section]")].filter((x) => x.classList.contains("bg-open")).map((x) => x.dataset.section);
    expect(opened.sort()).toEqual(["run", "step", "view"]);
    expect(host.querySelector('g.bg-node[data-state="101"]')?.classList.contains("bg-found")).toBe(true);
    expect(p.note()).toBe("");
    p.mounted.destroy();
  });

  it("rewrites the address after view changes, throttled, with the link of the new view", () => {
    vi.useFakeTimers();
    const p = open("");
    expect(p.writes).toEqual([]); // a plain address stays plain until the view changes
    p.model.set("graph_layout", "force");
    p.model.set("temperature", 0.5);
    p.model.set("shown_index", 20);
    p.model.set("naughty", ["000"]);
    vi.advanceTimersByTime(URL_WRITE_MS - 1);
    expect(p.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(p.writes).toEqual([formatLink({ ...plain, step: 20, layout: "force", temperature: 0.5, marked: ["000"] })]); // one write for four changes
    p.mounted.destroy();
    p.model.set("graph_layout", "circular");
    vi.advanceTimersByTime(URL_WRITE_MS * 2);
    expect(p.writes.length).toBe(1); // unmounted: the address is left alone
  });

  it("another run: the view is applied and the note says so; unknown marks are left out", () => {
    const p = open(formatLink({ ...base, run: RUN.replace("steps=49", "steps=40"), marked: ["000", "2222"] }));
    expect(p.model.get("shown_index")).toBe(20);
    expect(p.model.get("naughty")).toEqual(["000"]);
    expect(p.note()).toContain("another run");
    expect(p.note()).toContain("marked 2222: not states of this chain");
    p.model.set("run_string", RUN.replace("steps=49", "steps=50")); // the page trained: still said
    expect(p.note()).toContain("another run");
    p.model.set("graph_layout", "circular"); // the reader moves on: the note goes
    expect(p.note()).toBe("");
    p.mounted.destroy();
  });

  it("opens the lesson card at the linked page over the linked view (the page's own set not re-applied)", async () => {
    const p = open(formatLink({ ...base, lesson: 1 }), { lesson_pages: PAGES, lesson_page: -1 });
    await new Promise((r) => setTimeout(r, 0));
    p.mounted.flush();
    const host = p.mounted.root;
    expect(p.model.get("lesson_page" as never)).toBe(1);
    expect(host.querySelector<HTMLElement>('[data-role="lesson"]')?.hidden).toBe(false);
    expect(host.querySelector('[data-role="lesson-count"]')?.textContent).toBe("2 / 2");
    expect(host.querySelector('[data-role="lesson-title"]')?.textContent).toBe("Two");
    expect(p.model.get("temperature")).toBe(0.5); // the link's T, not the page's 0
    expect(p.model.get("graph_layout")).toBe("force");
    expect(p.model.get("open_sections")).toEqual(["view", "step", "run"]); // the page's panel not opened over the link's
    expect(p.note()).toBe("");
    p.model.set("lesson_page" as never, 0 as never); // Back: the address follows
    await new Promise((r) => setTimeout(r, URL_WRITE_MS + 20));
    expect(p.hash()).toContain(";lesson=0");
    p.mounted.destroy();
  });

  it("a link without a lesson closes a card the page was saved with; a page the lesson has not is said", () => {
    const closed = open(formatLink(base), { lesson_pages: PAGES, lesson_page: 1 });
    closed.mounted.flush();
    expect(closed.model.get("lesson_page" as never)).toBe(-1);
    expect(closed.mounted.root.querySelector<HTMLElement>('[data-role="lesson"]')?.hidden).toBe(true);
    closed.mounted.destroy();
    const far = open(formatLink({ ...base, lesson: 7 }), { lesson_pages: PAGES, lesson_page: -1 });
    expect(far.model.get("lesson_page" as never)).toBe(-1);
    expect(far.note()).toContain("lesson page 7: this page's lesson has pages 0 to 1");
    far.mounted.destroy();
  });

  it("a bad link: said, the saved view kept", () => {
    const p = open("babygpt-view1:run=babygpt2:steps%3D1;layout=circo");
    expect(p.note()).toContain("link: layout must be one of circular, force");
    expect(p.model.get("graph_layout")).toBe("circular");
    p.mounted.destroy();
  });

  it("finds the newest kept step at or before the linked one", () => {
    const steps = Int32Array.from([0, 1, 2, 4, 8, 16]);
    expect(indexAtStep(steps, 6, 5)).toBe(3);
    expect(indexAtStep(steps, 6, 16)).toBe(5);
    expect(indexAtStep(steps, 6, 99)).toBe(5);
    expect(indexAtStep(steps, 6, 0)).toBe(0);
  });
});
