import { describe, expect, it } from "vitest";
import { legendBeside, STAGE_MIN, stageHeight, timelineBeside } from "./layout";

describe("stage height", () => {
  it("takes what the visible area leaves after the bar and the timeline", () => {
    // 1280×720 JupyterLab: ~600 px of notebook, ~190 px of bar + chart + slider + paddings
    expect(stageHeight({ avail: 600, rest: 190, width: 800, oneColumn: false })).toBe(410);
  });

  it("never shrinks below the minimum (a tiny area scrolls instead)", () => {
    expect(stageHeight({ avail: 300, rest: 190, width: 800, oneColumn: false })).toBe(STAGE_MIN);
  });

  it("one column: no taller than wide (the chain is square)", () => {
    expect(stageHeight({ avail: 1000, rest: 190, width: 340, oneColumn: true })).toBe(340);
    expect(stageHeight({ avail: 1000, rest: 190, width: 340, oneColumn: false })).toBe(810);
  });
});

describe("legend placement", () => {
  it("goes beside the chain when the box is much wider than tall, else under it", () => {
    expect(legendBeside(750, 407)).toBe(true);
    expect(legendBeside(500, 420)).toBe(false);
  });
});

describe("timeline placement", () => {
  it("goes beside the chain only in presentation on a short, wide screen", () => {
    expect(timelineBeside(true, true, 600, 60)).toBe(true); // 1280×720 JupyterLab
    expect(timelineBeside(true, true, 1000, 60)).toBe(false); // full HD: room under the chain
    expect(timelineBeside(false, true, 600, 60)).toBe(false); // normal mode keeps the lecture layout
    expect(timelineBeside(true, false, 600, 60)).toBe(false); // one column stacks
  });
});
