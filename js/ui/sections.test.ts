import { describe, expect, it } from "vitest";
import { Section, sectionMemory } from "./sections";

describe("collapsible sections", () => {
  it("toggle on click, and a re-display of the same model keeps the open/closed state", () => {
    const model = {};
    const signal = new AbortController().signal;
    const a = new Section("sample", "Sample", sectionMemory(model), signal);
    expect(a.open).toBe(true);
    expect(a.body.hidden).toBe(false);
    a.head.click();
    expect(a.open).toBe(false);
    expect(a.body.hidden).toBe(true);
    expect(a.head.getAttribute("aria-expanded")).toBe("false");
    const again = new Section("sample", "Sample", sectionMemory(model), signal);
    expect(again.open).toBe(false);
    const other = new Section("sample", "Sample", sectionMemory({}), signal);
    expect(other.open).toBe(true);
    const closed = new Section("run", "Run", sectionMemory({}), signal, false);
    expect(closed.body.hidden).toBe(true);
  });
});
