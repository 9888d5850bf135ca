// The run-string line: long strings (segments, long sequences) show start … end; Copy and a
// copied selection carry the whole string.
import { describe, expect, it, vi } from "vitest";
import { RunStringView, SHOWN_CHARS, shownRunString } from "./runStringView";

const SHORT = "babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=50";
const LONG = `babygpt2:seq=${"01".repeat(20_000)};alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=10|lr=0.003;steps=10|seq=1100110011;steps=5`;

function view(): { v: RunStringView; text: HTMLElement; copy: HTMLButtonElement } {
  const v = new RunStringView(() => undefined, new AbortController().signal);
  document.body.replaceChildren(v.el);
  return { v, text: v.el.querySelector<HTMLElement>('[data-role="run-string"]')!, copy: v.el.querySelector('button[data-action="copy-run"]')! };
}

describe("run string line", () => {
  it("shows a short string whole, with the whole string on hover", () => {
    const { v, text } = view();
    v.setRunString(SHORT);
    expect(text.textContent).toBe(SHORT);
    expect(text.title).toBe(SHORT);
  });

  it("shows a long one as its start and its last segments, and says how long it is", () => {
    const { v, text } = view();
    v.setRunString(LONG);
    const shown = text.textContent ?? "";
    expect(shown.length).toBeLessThanOrEqual(SHOWN_CHARS + 3);
    expect(shown.startsWith("babygpt2:seq=0101")).toBe(true);
    expect(shown.endsWith("|lr=0.003;steps=10|seq=1100110011;steps=5")).toBe(true);
    expect(shown).toBe(shownRunString(LONG));
    expect(text.querySelector(".bg-run-tail")?.textContent).toBe("steps=5"); // kept in view by the CSS
    expect(text.title).toContain(`${LONG.length.toLocaleString("en")} characters: Copy copies all of them`);
  });

  it("Copy writes the whole string to the clipboard", async () => {
    const { v, copy } = view();
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    v.setRunString(LONG);
    copy.click();
    await Promise.resolve();
    expect(writeText).toHaveBeenCalledWith(LONG);
  });

  it("copying the selected line gives the whole string, not the shortened one", () => {
    const { v, text } = view();
    v.setRunString(LONG);
    const data = new Map<string, string>();
    const ev = new Event("copy", { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(ev, "clipboardData", { value: { setData: (k: string, s: string) => data.set(k, s) } });
    text.dispatchEvent(ev);
    expect(data.get("text/plain")).toBe(LONG);
    expect(ev.defaultPrevented).toBe(true);
  });
});
