import { describe, expect, it } from "vitest";
import { LongRunView, nearestSpeed, PLAY_SPEEDS, progressText, speedLabel } from "./longRun";

describe("long-run readouts", () => {
  it("progress reads k / N with separators, and nothing when idle", () => {
    expect(progressText({ done: 1234, total: 20000 })).toBe("1,234 / 20,000");
    expect(progressText({ done: 30, total: 20 })).toBe("20 / 20");
    expect(progressText({})).toBe("");
    expect(progressText(null)).toBe("");
    expect(progressText(undefined)).toBe("");
    expect(progressText({ done: 1, total: 0 })).toBe("");
  });

  it("offers slow motion to full speed; other values snap to the nearest offered speed", () => {
    expect(PLAY_SPEEDS).toEqual([2, 5, 10, 30, 100, 0]);
    expect(PLAY_SPEEDS.map(speedLabel)).toEqual(["2/s", "5/s", "10/s", "30/s", "100/s", "max"]);
    expect(nearestSpeed(0)).toBe(0);
    expect(nearestSpeed(4)).toBe(5);
    expect(nearestSpeed(0.5)).toBe(2);
    expect(nearestSpeed(5000)).toBe(100);
    expect(nearestSpeed(30)).toBe(30);
  });

  it("sends the picked speed and the undo command; hides what an older kernel lacks", () => {
    const sent: (number | string)[] = [];
    const v = new LongRunView({ setSpeed: (s) => sent.push(s), undoReset: () => sent.push("undo") }, new AbortController().signal);
    document.body.append(v.slot, v.speedEl);
    expect(v.speedEl.classList.contains("bg-unsupported")).toBe(true);
    v.setSpeed(0);
    expect(v.speedEl.classList.contains("bg-unsupported")).toBe(false);
    const select = v.speedEl.querySelector("select")!;
    expect(select.value).toBe("0");
    select.value = "10";
    select.dispatchEvent(new Event("change"));
    expect(v.undoBtn.hidden).toBe(true);
    v.setUndo(true);
    expect(v.undoBtn.hidden).toBe(false);
    v.undoBtn.click();
    expect(sent).toEqual([10, "undo"]);
    v.setProgress({ done: 5, total: 20 });
    expect(v.slot.querySelector('[data-role="progress"]')!.textContent).toBe("5 / 20");
    document.body.replaceChildren();
  });
});
