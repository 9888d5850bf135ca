// Keys inside the widget never reach Jupyter's command-mode bindings (listening on the document),
// except the notebook's own run and leave keys (Shift+Enter, Ctrl/Alt/⌘ combinations, Esc, Tab).
import { describe, expect, it } from "vitest";
import { setupEach } from "../testing/harness";
import { notebookKey } from "./keyboard";

const make = setupEach();

/** Keydown on `target`; returns whether a document-level listener (Jupyter) saw it. */
function press(target: Element, key: string, init: KeyboardEventInit = {}): boolean {
  let seen = false;
  const spy = (): void => void (seen = true);
  document.addEventListener("keydown", spy);
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init }));
  document.removeEventListener("keydown", spy);
  return seen;
}

describe("keys stay inside the widget", () => {
  it("arrows on the focused history slider do not reach the document", () => {
    const s = make();
    const slider = s.$('input[data-role="history-slider"]');
    for (const k of ["ArrowLeft", "ArrowRight", "Home", "End", "PageUp"]) expect(press(slider, k)).toBe(false);
    // ...and do not train: the slider's own arrows, not the → shortcut
    expect(s.model.commands()).toEqual([]);
  });

  it("the widget's shortcuts and every other plain key stop; Shift+Enter, Esc, Tab and Ctrl+keys pass", () => {
    const s = make();
    const root = s.$(".babygpt-widget");
    expect(press(root, "ArrowRight")).toBe(false);
    expect(s.model.commands()).toEqual([{ cmd: "step" }]);
    expect(press(root, "r")).toBe(false);
    // the notebook's command-mode letters (insert, cut, paste, cell type, move, delete …)
    for (const k of ["a", "b", "c", "d", "x", "v", "m", "y", "z", "j", "k", "o", "l", "0", "i", "1", "Enter", "ArrowUp", "ArrowDown"])
      expect(press(root, k), k).toBe(false);
    for (const k of ["M", "J", "K", "V", "L", "ArrowDown"]) expect(press(root, k, { shiftKey: true }), `Shift+${k}`).toBe(false);
    expect(press(s.$('button[data-action="step"]'), "a")).toBe(false);
    expect(press(s.$('input[data-role="history-slider"]'), "b")).toBe(false);
    // the notebook keeps these
    expect(press(root, "Enter", { shiftKey: true })).toBe(true); // run the cell
    expect(press(root, "Enter", { ctrlKey: true })).toBe(true);
    expect(press(root, "Escape")).toBe(true); // no help open: Esc is the notebook's
    expect(press(root, "Tab")).toBe(true);
    expect(press(s.$('input[data-field="sequence"]'), "c", { ctrlKey: true })).toBe(true);
    expect(s.model.commands()).toEqual([{ cmd: "step" }, { cmd: "reset" }]); // → and r; no other key acted
  });

  it("Esc that closes the help stays in the widget", () => {
    const s = make();
    const root = s.$(".babygpt-widget");
    expect(press(root, "?")).toBe(false);
    expect(press(root, "Escape")).toBe(false);
    expect(press(root, "Escape")).toBe(true);
  });

  it("typing in a box, Space on a button and arrows in a select stay inside", () => {
    const s = make();
    expect(press(s.$('input[data-field="lr"]'), "a")).toBe(false);
    expect(press(s.$('button[data-action="sample"]'), " ")).toBe(false);
    expect(press(s.$('select[data-field="layout"]'), "ArrowDown")).toBe(false);
    expect(press(s.$('input[data-field="lr"]'), "Enter", { shiftKey: true })).toBe(true); // run the cell
  });

  it("classifies the notebook's own keys", () => {
    const k = (key: string, mods: Partial<KeyboardEvent> = {}) => notebookKey({ key, shiftKey: false, ...mods });
    expect(k("Enter", { shiftKey: true })).toBe(true);
    expect(k("Enter", { ctrlKey: true })).toBe(true);
    expect(k("Enter", { altKey: true })).toBe(true);
    expect(k("s", { metaKey: true })).toBe(true);
    expect(k("Escape")).toBe(true);
    expect(k("Tab")).toBe(true);
    expect(k("Shift", { shiftKey: true })).toBe(true);
    expect(k("Enter")).toBe(false);
    expect(k("a")).toBe(false);
    expect(k("M", { shiftKey: true })).toBe(false);
    expect(k("ArrowUp")).toBe(false);
    expect(k(" ")).toBe(false);
  });
});

describe("Notebook 7: Lumino listens in the capture phase, before the widget", () => {
  it("the target of a widget key carries data-lm-suppress-shortcuts while it is dispatched", () => {
    const s = make();
    const seen: boolean[] = [];
    const lumino = (ev: Event): void => void seen.push((ev.target as Element).hasAttribute("data-lm-suppress-shortcuts"));
    document.addEventListener("keydown", lumino, true);
    const slider = s.$('input[data-role="history-slider"]');
    slider.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
    s.$(".babygpt-widget").dispatchEvent(new KeyboardEvent("keydown", { key: "j", bubbles: true }));
    s.$(".babygpt-widget").dispatchEvent(new KeyboardEvent("keydown", { key: "r", bubbles: true }));
    s.$('input[data-field="lr"]').dispatchEvent(new KeyboardEvent("keydown", { key: "s", ctrlKey: true, bubbles: true }));
    s.$(".babygpt-widget").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", shiftKey: true, bubbles: true }));
    s.$("svg.bg-graph").dispatchEvent(new KeyboardEvent("keydown", { key: "a", bubbles: true }));
    document.removeEventListener("keydown", lumino, true);
    expect(seen).toEqual([true, true, true, false, false, true]); // Shift+Enter right after r: not marked
  });
});

describe("a frozen view", () => {
  it("Step, Train and Play return to live first; Pause is `stop` on a kernel that knows it", () => {
    const s = make({ training: false, playing: false });
    const shown = (): number => s.model.get("shown_index");
    s.model.set("shown_index", 10);
    s.flush();
    s.$('button[data-action="step"]').click();
    expect(shown()).toBe(-1);
    for (const a of ["train", "play"]) {
      s.model.set("shown_index", 3);
      s.$(`button[data-action="${a}"]`).click();
      expect(shown()).toBe(-1);
    }
    s.model.update({ playing: true, training: true });
    s.flush();
    s.$('button[data-action="pause"]').click();
    expect(s.model.commands().map((c) => c.cmd)).toEqual(["step", "train", "play", "stop"]);
  });

  it("an older kernel (no `training` trait) still gets `pause`", () => {
    const s = make();
    s.model.update({ playing: true });
    s.flush();
    s.$('button[data-action="pause"]').click();
    expect(s.model.commands()).toEqual([{ cmd: "pause" }]);
  });
});
