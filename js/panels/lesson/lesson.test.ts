// The lesson's pure parts: figures (as Python fills them), waits, highlight targets.
import { describe, expect, it } from "vitest";
import { fillFigures, MISSING, sizeText, bitsText } from "../../model/lesson";
import type { FigureInput } from "../../model/lesson";
import { buildSpace } from "../../model/space";
import { targetSelector } from "./highlight";
import { waitDone, waitPrompt } from "./waits";
import type { WaitInput } from "./waits";

const space = buildSpace(["000", "001", "010", "011", "100", "101", "110", "111"], ["0", "1", "00", "01", "10", "11"], "01", 3);
const p1 = [0.7316, 0.7814, 0.7578, 0.7956, 0.7475, 0.7929, 0.7799, 0.4536, 0.62, 0.71, 0.6, 0.68, 0.66, 0.7];
const input = (over: Partial<FigureInput> = {}): FigureInput => ({
  space,
  tempered: new Float32Array(p1.flatMap((p) => [1 - p, p])),
  counts: new Int32Array([0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 3, 3, 0, 3, 3, /* prefixes */ 0, 3, 3, 9, 0, 0, 0, 3, 0, 3, 3, 6]),
  shares: new Float64Array([0.018, 0.02, 0.03, 0.1, 0.05, 0.12, 0.186, 0.271]),
  historySteps: new Int32Array([0, 1, 50]),
  historyLosses: new Float32Array([0.663539469, 0.65, 0.46695759]),
  step: 50,
  loss: 0.46695759892463684,
  sequence: "111101111011110",
  start: "111",
  walk: "0111",
  ...over,
});

describe("lesson figures", () => {
  it("fills every figure from the chain as shown, formatted as Python does", () => {
    const f = input();
    expect(fillFigures("{p:101>1} {label:000>1} {data:101>1} {data:111>1} {data:000>1}", f)).toBe("79% 1(73%) 100% 50% —");
    expect(fillFigures("{step} {loss} {loss@0} {loss@50} {loss@7}", f)).toBe("50 0.4670 0.6635 0.4670 —");
    expect(fillFigures("{share:111} {share:000} {share:1}", f)).toBe("27.1% 1.8% —");
    expect(fillFigures("{greedy:111} {greedy:101} {p:1>1}", f)).toBe("110 011 71%");
    expect(fillFigures("{states} {actual} {V} {C} {bits} {size}", f)).toBe("8 14 2 3 3 0.375 bytes");
    expect(fillFigures("{bits:50257x2048} {size:50257x2048} {size:50257x4096} {size:50257x32768}", f)).toBe("31,984 4.0 kB 8.0 kB 64.0 kB");
    expect(fillFigures("{sequence} from {start}: {walk}", f)).toBe("111101111011110 from 111: 0111");
    expect(fillFigures("{walk} {p:222>1} {p:101>7}", input({ walk: "" }))).toBe(`${MISSING} ${MISSING} ${MISSING}`);
  });

  it("formats sizes like the seed's arithmetic (bits and bytes)", () => {
    expect(bitsText(Math.log2(3) * 2)).toBe("3.17");
    expect(sizeText(Math.log2(3) * 2)).toBe("0.396 bytes");
    expect(sizeText(16 * 1000 * 1000)).toBe("2,000.0 kB");
  });
});

const at = (over: Partial<WaitInput> = {}): WaitInput => ({
  liveStep: 0,
  shownIndex: -1,
  shownStep: 0,
  temperature: 1,
  showPrefixes: false,
  clicked: new Set(),
  sampled: false,
  insideState: null,
  ensemble: false,
  ...over,
});

describe("lesson waits", () => {
  it("is done exactly when the learner did what the page asks", () => {
    expect(waitDone({ action: "train", step: 50 }, at({ liveStep: 49 }))).toBe(false);
    expect(waitDone({ action: "train", step: 50 }, at({ liveStep: 50 }))).toBe(true);
    expect(waitDone({ action: "slider", step: 0 }, at({ shownIndex: -1, shownStep: 0 }))).toBe(false); // live at step 0 is not the slider
    expect(waitDone({ action: "slider", step: 0 }, at({ shownIndex: 0, shownStep: 0 }))).toBe(true);
    expect(waitDone({ action: "click", state: "000" }, at({ clicked: new Set(["001"]) }))).toBe(false);
    expect(waitDone({ action: "click", state: "000" }, at({ clicked: new Set(["000"]) }))).toBe(true);
    expect(waitDone({ action: "temperature", value: 0 }, at({ temperature: 0.05 }))).toBe(false);
    expect(waitDone({ action: "temperature", value: 0 }, at({ temperature: 0 }))).toBe(true);
    expect(waitDone({ action: "sample" }, at({ sampled: true }))).toBe(true);
    expect(waitDone({ action: "prefixes" }, at({ showPrefixes: true }))).toBe(true);
    expect(waitDone({ action: "inside", state: "000" }, at({ insideState: "001" }))).toBe(false);
    expect(waitDone({ action: "compare_seeds" }, at({ ensemble: true }))).toBe(true);
    expect(waitPrompt({ action: "train", step: 50 }, 50)).toContain("Train ×50");
  });
});

describe("lesson highlight targets", () => {
  it("names the drawn node, edge, control or panel", () => {
    expect(targetSelector({ node: "101" })).toBe('svg.bg-graph g.bg-node[data-state="101"]');
    expect(targetSelector({ edge: "101>1" })).toBe('svg.bg-graph :is(g.bg-edge-line, g.bg-edge)[data-from="101"][data-token="1"]');
    expect(targetSelector({ control: "train" })).toBe('button[data-action="train"]');
    expect(targetSelector({ panel: "analysis" })).toBe('section[data-section="analysis"]');
    expect(targetSelector({ node: 'a"b' })).toBe('svg.bg-graph g.bg-node[data-state="a\\"b"]');
  });
});
