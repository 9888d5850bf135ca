// The lecture screen's app-level behaviour: one Stop button during any run, progress, Play speed,
// Undo reset, kernel liveness, no-jump rows, stale errors.
import { describe, expect, it, vi } from "vitest";
import { setupEach } from "../testing/harness";
import { LOST_BADGE, RESTARTED_BADGE, STATIC_REASON } from "./app";

const make = setupEach();

const NEW = { training: false, progress: {}, play_speed: 0, can_undo_reset: false };

describe("long runs", () => {
  it("Train ×N in the background shows one Stop button (not Play) and its progress k / N", () => {
    const s = make(NEW);
    const play = s.$('button[data-action="play"]');
    const stop = s.$('button[data-action="pause"]');
    const progress = s.$('[data-role="progress"]');
    expect([play.hidden, stop.hidden]).toEqual([false, true]);
    expect(progress.classList.contains("bg-idle")).toBe(true);
    s.model.update({ training: true, progress: { done: 1234, total: 20000 } });
    s.flush();
    expect([play.hidden, stop.hidden]).toEqual([true, false]);
    expect(stop.textContent).toBe("Stop");
    expect(stop.querySelector("svg.bg-icon")).toBeTruthy(); // an icon, not a font glyph
    expect(progress.textContent).toBe("1,234 / 20,000");
    expect(progress.classList.contains("bg-idle")).toBe(false);
    stop.click();
    expect(s.model.commands()).toEqual([{ cmd: "stop" }]);
    s.model.update({ training: false, progress: {} });
    s.flush();
    expect([play.hidden, stop.hidden]).toEqual([false, true]);
    // the slot keeps its place: hidden by visibility, not removed
    expect(progress.classList.contains("bg-idle")).toBe(true);
  });

  it("Play shows Pause; Space stops whatever runs", () => {
    const s = make(NEW);
    s.model.update({ playing: true, training: true });
    s.flush();
    expect(s.$('button[data-action="pause"]').textContent).toBe("Pause");
    s.$(".babygpt-widget").dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true }));
    expect(s.model.commands()).toEqual([{ cmd: "stop" }]);
  });

  it("the Play speed select sets play_speed; an older kernel shows no speed control", () => {
    const s = make(NEW);
    const select = s.$<HTMLSelectElement>('select[data-field="play_speed"]');
    expect(select.value).toBe("0");
    expect([...select.options].map((o) => o.textContent)).toEqual(["2/s", "5/s", "10/s", "30/s", "100/s", "max"]);
    select.value = "5";
    select.dispatchEvent(new Event("change"));
    expect(s.model.get("play_speed")).toBe(5);
    s.mounted.destroy();
    const old = make();
    expect(old.$(".bg-speed").classList.contains("bg-unsupported")).toBe(true);
  });
});

describe("undo reset", () => {
  it("offers Undo reset while the kernel can undo, and sends undo_reset", () => {
    const s = make(NEW);
    const undo = s.$('button[data-action="undo-reset"]');
    expect(undo.hidden).toBe(true);
    s.$('button[data-action="reset"]').click();
    s.model.update({ can_undo_reset: true });
    s.flush();
    expect(undo.hidden).toBe(false);
    undo.click();
    expect(s.model.commands()).toEqual([{ cmd: "reset" }, { cmd: "undo_reset" }]);
    s.model.update({ can_undo_reset: false });
    s.flush();
    expect(undo.hidden).toBe(true);
  });
});

describe("kernel liveness", () => {
  it("a kernel that stops answering (restart, death) turns the kernel-only controls off", async () => {
    vi.useFakeTimers();
    const s = make(NEW, { probeIntervalMs: 4000 });
    await Promise.resolve(); // the first hello is answered
    const train = s.$<HTMLButtonElement>('button[data-action="train"]');
    const badge = s.$('[data-role="static-badge"]');
    vi.advanceTimersByTime(4100);
    await Promise.resolve(); // re-probe answered: still live
    expect(train.disabled).toBe(false);
    s.model.kernelAlive = false; // the kernel restarts: the old comm leads nowhere
    vi.advanceTimersByTime(8200);
    expect(train.disabled).toBe(true);
    expect(train.title).toBe(STATIC_REASON);
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe(LOST_BADGE); // it answered before: say what to do
    expect(s.$<HTMLButtonElement>('button[data-action="step"]').disabled).toBe(true);
    expect(s.$<HTMLSelectElement>('select[data-field="play_speed"]').disabled).toBe(true);
    // the drawing stays
    expect(s.$$("g.bg-node")).toHaveLength(8);
  });

  it("a closed comm turns them off at once", () => {
    const s = make(NEW);
    s.model.emit("comm:close");
    expect(s.$<HTMLButtonElement>('button[data-action="train"]').disabled).toBe(true);
    expect(s.$('[data-role="static-badge"]').hidden).toBe(false);
    expect(s.$('[data-role="static-badge"]').textContent).toBe(RESTARTED_BADGE);
  });
});

describe("no layout jumps, no stale errors", () => {
  it("going to a history step reserves the badge's space (visibility, not display)", () => {
    const s = make();
    const mode = s.$(".bg-mode");
    expect(mode.classList.contains("bg-invisible")).toBe(true);
    expect(mode.hidden).toBe(false);
    s.model.set("shown_index", 5);
    s.flush();
    expect(mode.classList.contains("bg-invisible")).toBe(false);
    expect(mode.textContent).toBe("history");
    expect(s.$('[data-role="slider-pos"]').textContent).toBe("step 5 / 49");
  });

  it("bar errors overlay the drawing (not a new row); saved errors from an earlier session are not shown", () => {
    const s = make({ errors: { train_n: "train_n: must be at least 1; got 0" } });
    expect(s.$('[data-error-for="train_n"]').textContent).toBe("");
    expect(s.$(".bg-bar-errors").parentElement!.classList.contains("bg-header")).toBe(true);
    s.model.set("errors", { train: "training diverged" });
    s.flush();
    expect(s.$('[data-error-for="train"]').textContent).toBe("training diverged");
    s.model.set("errors", {});
    s.flush();
    expect(s.$('[data-error-for="train"]').textContent).toBe("");
  });

  it("sections collapse and the side panel holds the secondary panels", () => {
    const s = make();
    const names = s.$$("[data-section]").map((e) => e.dataset.section);
    expect(names).toEqual(["view", "inside", "step", "push", "sample", "analysis", "compare", "settings", "run"]);
    const head = s.$('button[data-action="section-settings"]');
    head.click();
    expect(s.$('input[data-field="lr"]').closest<HTMLElement>(".bg-section-body")!.hidden).toBe(true);
    expect(s.$(".bg-graph-box .bg-graph-stack")).toBeTruthy();
    expect(s.$(".bg-history").contains(s.$('input[data-role="history-slider"]'))).toBe(true);
  });
});

describe("log step axis", () => {
  it("the switch gives the first steps room on the slider and the loss chart follows", () => {
    const s = make({}, { h: 50 });
    const slider = s.$<HTMLInputElement>('input[data-role="history-slider"]');
    expect(slider.max).toBe("49");
    const box = s.$<HTMLInputElement>('input[data-field="history_log"]');
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    s.flush();
    expect(Number(slider.max)).toBeGreaterThan(49); // positions spaced in log(1 + step)
    expect(slider.value).toBe(slider.max); // still live at the right end
    // the middle of the slider shows an early step (≈ √50), not step 25
    slider.value = String(Math.round(Number(slider.max) / 2));
    slider.dispatchEvent(new Event("input"));
    s.flush();
    const step = Number(s.$('[data-role="step"]').textContent);
    expect(step).toBeGreaterThan(3);
    expect(step).toBeLessThan(12);
    // the loss chart's axis is log too: 0, 1, 10 ticks
    const ticks = s.$$("svg.bg-loss .bg-axis-x .tick text").map((t) => t.textContent);
    expect(ticks).toEqual(["0", "1", "10"]);
  });
});

describe("small things", () => {
  it("the `from` and search boxes are sized for C tokens; the run string shows whole on hover", () => {
    const s = make();
    expect(s.$(".babygpt-widget").style.getPropertyValue("--bg-context")).toBe("3");
    expect(s.$('[data-role="run-string"]').title).toContain("babygpt2:");
  });

  it("icons are inline SVG, never font glyphs", () => {
    const s = make();
    for (const a of ["step", "play", "pause", "reset", "fullscreen", "presentation"]) {
      const b = s.$(`button[data-action="${a}"]`);
      expect(b.querySelector("svg.bg-icon path")).toBeTruthy();
      expect(b.textContent).not.toMatch(/[\u23e9-\u23fa\u25b6\u2b1b]/u);
    }
  });
});

describe("issue 18: the lecture screen's words and keys", () => {
  it("the loss readout says which loss it is: now (after the step), with the seed's one-behind numbers in its tooltip", () => {
    const s = make();
    const loss = s.$('[data-role="loss"]');
    const label = loss.previousElementSibling as HTMLElement;
    expect(label.textContent).toBe("loss now");
    expect(loss.parentElement!.title).toContain("after step 49");
    expect(loss.parentElement!.title).toContain("before its update");
    s.model.set("shown_index", 5);
    s.flush();
    expect(label.textContent).toBe("loss");
    expect(loss.parentElement!.title).toContain("after step 5");
  });

  it("Esc closing the help gives the focus back to the widget (Space is Play/Pause again)", () => {
    const s = make(NEW);
    const root = s.$(".babygpt-widget");
    const help = s.$<HTMLButtonElement>('button[data-action="help"]');
    help.focus();
    help.click();
    expect(s.$(".bg-help").hidden).toBe(false);
    help.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(s.$(".bg-help").hidden).toBe(true);
    expect(document.activeElement).toBe(root);
    root.dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true }));
    expect(s.model.commands()).toEqual([{ cmd: "play" }]);
  });

  it("the key is a strip (token colours + a button); the full key opens on demand and is remembered", () => {
    const s = make();
    const legend = s.$(".bg-legend");
    const toggle = s.$<HTMLButtonElement>('button[data-action="legend"]');
    const panel = s.$(".bg-legend-key");
    expect(legend.querySelector(".bg-legend-tokens")!.textContent).toContain("tokens");
    expect(panel.hidden).toBe(true);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    toggle.click();
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toContain("next token t with probability p");
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    // Esc closes it (focus in the key or on the widget)
    toggle.focus();
    toggle.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    expect(panel.hidden).toBe(true);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    // with help open too, the first Esc closes help and the second the key
    toggle.click();
    s.$<HTMLButtonElement>('button[data-action="help"]').click();
    const root = s.$(".babygpt-widget");
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    expect([s.$(".bg-help").hidden, panel.hidden]).toEqual([true, false]);
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    expect(panel.hidden).toBe(true);
  });

  it("while training, every step drawn is acknowledged (flow control) after its frame, and only then", () => {
    const s = make(NEW);
    const acks = () => s.model.sent.filter((c) => c.cmd === "seen");
    s.model.update({ global_step: 50 });
    s.flush();
    expect(acks()).toEqual([]); // idle: no acks
    s.model.update({ playing: true, training: true });
    s.model.update({ global_step: 51 });
    expect(acks()).toEqual([]); // arrived, not drawn yet: not acknowledged
    s.flush();
    s.model.update({ global_step: 52 });
    s.model.update({ global_step: 53 });
    s.flush();
    s.flush(); // a frame that drew nothing new acknowledges nothing again
    expect(acks()).toEqual([{ cmd: "seen", step: 51 }, { cmd: "seen", step: 53 }]); // 52 never drawn: 53 acknowledges both
  });
});

describe("issue 18: the slider on the loss chart's axis", () => {
  it("positions that are not snapshots (log steps): each arrow press moves one snapshot, even faster than frames", () => {
    const s = make({}, { h: 50 });
    const box = s.$<HTMLInputElement>('input[data-field="history_log"]');
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    s.flush();
    const slider = s.$<HTMLInputElement>('input[data-role="history-slider"]');
    for (let k = 0; k < 5; k++) slider.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
    expect(s.model.get("shown_index")).toBe(44); // live (49) -> 48 … 44, no redraw in between
    s.flush();
    slider.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    expect(s.model.get("shown_index")).toBe(45);
  });
});
