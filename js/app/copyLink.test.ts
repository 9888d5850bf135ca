// Copy link: the mounted widget copies the view link of what it shows (run string, shown step,
// layout, temperature, marks, hidden controls), the same text Python's `w.link` writes.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseLink } from "../model/viewLink";
import type { LinkView } from "../model/viewLink";
import { setupEach } from "../testing/harness";

const setup = setupEach();
const golden = JSON.parse(readFileSync(join(dirname(new URL(import.meta.url).pathname), "../../tests/golden/view_links.json"), "utf8")) as {
  views: { view: LinkView; link: string }[];
};

async function copied(s: ReturnType<typeof setup>): Promise<string> {
  const writeText = vi.fn((_: string) => Promise.resolve());
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  s.$<HTMLButtonElement>('button[data-action="copy-link"]').click();
  await Promise.resolve();
  expect(writeText).toHaveBeenCalledTimes(1);
  return writeText.mock.calls[0][0];
}

describe("Copy link", () => {
  it("carries the open sections and the selected state, which the reader's clicks save to their traits", async () => {
    const g = golden.views[2]; // step 20, force, T 0.5, 000 marked, 101 selected, view/inside/step/run open
    const open = ["view", "inside", "sample", "analysis", "compare", "settings", "run"];
    const s = setup({ run_string: g.view.run, shown_index: 20, graph_layout: "force", temperature: 0.5, naughty: ["000"], open_sections: open, selected_state: "" });
    s.flush();
    for (const name of ["sample", "analysis", "compare", "settings"]) s.$<HTMLButtonElement>(`button[data-action="section-${name}"]`).click();
    s.$<HTMLButtonElement>('button[data-action="section-step"]').click();
    expect(s.model.get("open_sections")).toEqual(["view", "inside", "step", "run"]);
    const find = s.$<HTMLInputElement>('input[data-field="search_state"]');
    find.value = "101";
    find.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(s.model.get("selected_state")).toBe("101");
    expect(await copied(s)).toBe(g.link);
    // and back: the traits drive the panel
    s.model.set("open_sections", ["run"]);
    s.model.set("selected_state", "");
    expect(s.$$("section.bg-open").map((x) => x.dataset.section)).toEqual(["run"]);
    expect(s.$$("g.bg-node.bg-found")).toEqual([]);
  });

  it("copies Python's link for the same view (golden: step 20, force, T 0.5, 000 marked)", async () => {
    const g = golden.views[1];
    const s = setup({ run_string: g.view.run, shown_index: 20, graph_layout: "force", temperature: 0.5, naughty: ["000"] });
    s.flush();
    expect(await copied(s)).toBe(g.link);
  });

  it("follows the view: live, hidden controls, another layout", async () => {
    const g = golden.views[0];
    const s = setup({ run_string: g.view.run });
    s.flush();
    expect(await copied(s)).toBe(g.link);
    s.model.set("controls", ["step", "train", "runstring"]);
    s.model.set("shown_index", 3);
    s.flush();
    const r = parseLink(await copied(s));
    expect(r.ok && r.view.step).toBe(3);
    expect(r.ok && r.view.hide).not.toContain("runstring");
    expect(r.ok && r.view.hide).toContain("compare");
  });
});
