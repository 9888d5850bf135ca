// A saved page booting in jsdom with the real widget (the bundle is passed in: jsdom cannot import
// blob: modules; Chromium does that in tests/e2e/test_saved_page_offline.py).
import { afterEach, describe, expect, it, vi } from "vitest";
import widget from "../widget";
import { seedTraits } from "../testing/fakeModel";
import type { Traits } from "../model/types";
import { boot, BUNDLE_ID } from "./boot";
import type { WidgetModule } from "./boot";
import { SAVED_PAGE } from "./host";
import type { HostPort, PageHost } from "./host";
import { PAGE_FORMAT } from "./pageData";

const b64 = (bytes: Uint8Array): string => {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
};

/** The page data Python would write for these traits (every binary trait raw, as saved). */
function pageData(traits: Traits): unknown {
  const json: Record<string, unknown> = {};
  const binary: unknown[] = [];
  for (const [k, v] of Object.entries(traits)) {
    if (v instanceof DataView) {
      json[k] = null;
      binary.push({ path: [k], enc: "raw", data: b64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) });
    } else json[k] = v;
  }
  const page = { recorded: 50, kept: 50, first_step: 0, last_step: 49, quantised: false, left_out: [], saved_by: "test" };
  return { format: PAGE_FORMAT, version: 1, traits: json, binary, page };
}

/** The page save_html writes: one widget place holding its data, the bundle once (here a stand-in). */
function writePage(...data: unknown[]): void {
  const places = data.map(
    (d) =>
      `<div class="bgp-root" data-bgp-root><p class="bgp-message">Loading the saved babyGPT chain…</p>` +
      `<script type="application/json" class="bgp-data">${JSON.stringify(d).replace(/</g, "\\u003c")}</script></div>`,
  );
  document.body.innerHTML = `<main>${places.join("")}</main><script type="application/json" id="${BUNDLE_ID}">"export default {}"</script>`;
}

const load = async (): Promise<WidgetModule> => ({ default: widget as unknown as WidgetModule["default"] });

afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a saved page boots", () => {
  it("draws the chain and knows at once there is no kernel: no 2-s wait, no re-probing, says 'saved page'", async () => {
    vi.useFakeTimers();
    writePage(pageData(seedTraits(50)));
    const sent: unknown[] = [];
    const [page] = await boot(document, load);
    const origSend = page.model.send.bind(page.model);
    page.model.send = (c: unknown) => (sent.push(c), origSend(c));
    await Promise.resolve(); // the page's hello reply: a microtask
    const root = document.querySelector<HTMLElement>("[data-bgp-root]")!;
    expect(root.querySelector(".bgp-message, script")).toBeNull(); // the loading message and the data are gone
    expect(root.querySelectorAll("g.bg-node")).toHaveLength(8);
    const badge = root.querySelector<HTMLElement>('[data-role="static-badge"]')!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toMatch(/^saved page/);
    expect(badge.textContent).not.toMatch(/busy kernel/);
    const step = root.querySelector<HTMLButtonElement>('button[data-action="step"]')!;
    expect(step.disabled).toBe(true);
    expect(step.title).toMatch(/saved page/);
    vi.advanceTimersByTime(30_000); // no hello timeout, no re-probes: it knows
    expect(sent).toEqual([]);
    expect(badge.hidden).toBe(false);
    await page.close();
  });

  it("scrubbing writes shown_index into the page's model; the host hears the view change", async () => {
    writePage(pageData(seedTraits(50)));
    const views: Record<string, unknown>[] = [];
    const host = (port: HostPort): PageHost => ({
      command: (c) => {
        if ((c as { cmd?: string }).cmd === "hello") queueMicrotask(() => port.reply({ reply: "hello", ok: true, no_kernel: SAVED_PAGE }));
      },
      viewChanged: (v) => views.push(v),
      destroy: () => undefined,
    });
    const [page] = await boot(document, load, host);
    const slider = document.querySelector<HTMLInputElement>('input[data-role="history-slider"]')!;
    slider.value = "0";
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    slider.dispatchEvent(new Event("change", { bubbles: true }));
    expect(page.model.get("shown_index")).toBe(0);
    expect(views.some((v) => v.shown_index === 0)).toBe(true);
    await page.close();
  });

  it("bad data is refused with a visible message in its place; the page's other widgets still render", async () => {
    writePage({ format: PAGE_FORMAT, version: 7, traits: {}, binary: [], page: {} }, pageData(seedTraits(5)));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const booted = await boot(document, load);
    expect(booted).toHaveLength(1);
    const [bad, good] = document.querySelectorAll<HTMLElement>("[data-bgp-root]");
    const box = bad.querySelector('[data-role="page-error"]')!;
    expect(box.getAttribute("role")).toBe("alert");
    expect(box.textContent).toMatch(/could not be shown.*format 7.*browser/s);
    expect(good.querySelectorAll("g.bg-node")).toHaveLength(8);
    await booted[0].close();
  });

  it("a bundle without render() is refused where the widget would be", async () => {
    writePage(pageData(seedTraits(5)));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await boot(document, async () => ({ default: {} as never }))).toEqual([]);
    expect(document.querySelector('[data-role="page-error"]')!.textContent).toMatch(/no render/);
  });
});
