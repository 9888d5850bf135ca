import { describe, expect, it } from "vitest";
import { ExplainRequester } from "./requester";
import type { Clock, Want } from "./requester";

function fakeClock(): Clock & { advance(ms: number): void } {
  let t = 0;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => t,
    set: (fn, ms) => {
      const h = { at: t + ms, fn };
      timers.push(h);
      return h;
    },
    clear: (h) => (timers = timers.filter((x) => x !== h)),
    advance(ms) {
      t += ms;
      const due = timers.filter((x) => x.at <= t);
      timers = timers.filter((x) => x.at > t);
      for (const d of due) d.fn();
    },
  };
}

describe("ExplainRequester", () => {
  it("keeps one request in flight and at most one per gap, the last wish always sent", () => {
    const clock = fakeClock();
    const sent: Want[] = [];
    let shown = -1;
    const r = new ExplainRequester((w) => sent.push(w), (w) => w.expect === shown, 250, clock);
    for (let step = 1; step <= 30; step++) r.request({ state: "000", step: null, expect: step }); // Play: 30 pushes at once
    expect(sent.length).toBe(1);
    shown = 1;
    r.answered(true);
    expect(sent.length).toBe(1); // too soon after the last one
    clock.advance(250);
    expect(sent.length).toBe(2);
    expect(sent[1].expect).toBe(30); // the newest, not every step in between
    shown = 30;
    r.answered(true);
    clock.advance(1000);
    expect(sent.length).toBe(2); // satisfied: nothing more
  });

  it("does not repeat a failed request until the wish changes", () => {
    const clock = fakeClock();
    const sent: Want[] = [];
    const r = new ExplainRequester((w) => sent.push(w), () => false, 250, clock);
    r.request({ state: "000", step: 99, expect: 99 });
    r.answered(false);
    clock.advance(1000);
    r.request({ state: "000", step: 99, expect: 99 });
    expect(sent.length).toBe(1);
    r.request({ state: "000", step: 5, expect: 5 });
    expect(sent.length).toBe(2);
  });

  it("sends nothing when closed", () => {
    const sent: Want[] = [];
    const r = new ExplainRequester((w) => sent.push(w), () => false, 250, fakeClock());
    r.request(null);
    expect(sent).toEqual([]);
  });
});
