// The front end's view links against Python's: tests/golden/view_links.json is written by
// tests/golden/make_view_link_golden.py (test_view_link.py checks it is current).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeValue, formatLink, hiddenControls, parseLink, plainNumber } from "./viewLink";
import type { LinkView } from "./viewLink";

interface Golden {
  views: { view: LinkView; link: string }[];
  refused: { link: string; key: string }[];
}
const golden = JSON.parse(readFileSync(join(dirname(new URL(import.meta.url).pathname), "../../tests/golden/view_links.json"), "utf8")) as Golden;

describe("view links (Python's golden links)", () => {
  it("has the golden cases (sanity)", () => {
    expect(golden.views.length).toBeGreaterThanOrEqual(8);
    expect(golden.refused.length).toBeGreaterThanOrEqual(20);
  });

  it.each(golden.views.map((g, i) => [i, g] as const))("writes Python's text for view %i", (_i, g) => {
    expect(formatLink(g.view)).toBe(g.link);
  });

  it.each(golden.views.map((g, i) => [i, g] as const))("reads Python's link %i back to its view", (_i, g) => {
    const r = parseLink(g.link);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.view).toEqual(g.view);
  });

  it.each(golden.refused.map((g) => [g.link, g.key] as const))("refuses %j naming %s", (link, key) => {
    const r = parseLink(link);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.key).toBe(key);
      expect(r.message.startsWith(key === "link" ? "link: " : `link: ${key}`)).toBe(true);
    }
  });

  it("reads a page URL whose # part is a link, and refuses what is not text or too long", () => {
    const url = `file:///tmp/page.html#${golden.views[1].link}`;
    const r = parseLink(url);
    expect(r.ok && r.view.step).toBe(20);
    expect(parseLink(42).ok).toBe(false);
    const long = parseLink(`babygpt-view1:run=${"a".repeat(1_200_000)}`);
    expect(!long.ok && long.key).toBe("link");
  });

  it("escapes like Python's quote and writes numbers plainly", () => {
    expect(escapeValue("a;b=c%|é 😀#,:@/~")).toBe("a%3Bb%3Dc%25%7C%C3%A9%20%F0%9F%98%80%23%2C:@/~");
    expect(plainNumber(1e-7)).toBe("0.0000001");
    expect(plainNumber(1)).toBe("1");
    expect(plainNumber(0.5)).toBe("0.5");
    expect(plainNumber(1e21)).toBe("1000000000000000000000");
    expect(hiddenControls(["step", "train"])).not.toContain("step");
  });
});
