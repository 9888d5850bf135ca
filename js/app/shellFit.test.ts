import { describe, expect, it } from "vitest";
import { keyInToolbarRow, PAGE_TOP_SHARE, STAGE_MIN, stageHeight, timelineBeside, visibleHeight } from "./shellFit";

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

describe("the key strip", () => {
  it("shares the toolbar's row when both fit, else gets a row at the foot of the box", () => {
    expect(keyInToolbarRow(750, 300, 210)).toBe(true); // 1280×720, sidebar closed
    expect(keyInToolbarRow(546, 390, 237)).toBe(false); // sidebar open, presentation
  });
});

describe("visible height", () => {
  it("a notebook: its scroll area, wherever the widget's cell is (the lecturer scrolls to it); full screen: the screen", () => {
    expect(visibleHeight({ full: false, view: 720, scroller: 599, notebook: true, top: 80 })).toBe(587);
    expect(visibleHeight({ full: true, view: 720, scroller: 599, notebook: true, top: 300 })).toBe(720);
  });

  it("a page near its top (Voila): the first screen from the widget's top", () => {
    expect(visibleHeight({ full: false, view: 720, scroller: null, notebook: false, top: 129 })).toBe(720 - 129 - 12);
    expect(visibleHeight({ full: false, view: 720, scroller: 720, notebook: false, top: 129 })).toBe(720 - 129 - 12);
    // far down a long page: the reader scrolls to it, it gets the whole window
    expect(visibleHeight({ full: false, view: 720, scroller: null, notebook: false, top: PAGE_TOP_SHARE * 720 + 10 })).toBe(708);
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
