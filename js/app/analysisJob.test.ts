// The sliced, throttled job runner behind the big-chain analysis.
import { describe, expect, it } from "vitest";
import { SlicedJob } from "./analysisJob";
import type { SliceClock } from "./analysisJob";

/** A clock the test drives: `work` advances time inside a step, `run` fires due timers. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  const clock: SliceClock & { advance(ms: number): void; run(until: number): void; pending(): number } = {
    now: () => now,
    later(fn, ms) {
      const id = ++ids;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    cancel(h) {
      timers = timers.filter((t) => t.id !== h);
    },
    advance(ms) {
      now += ms;
    },
    run(until) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.id - b.id);
        const t = timers[0];
        if (!t || t.at > until) break;
        timers.shift();
        now = Math.max(now, t.at);
        t.fn();
      }
      now = Math.max(now, until);
    },
    pending: () => timers.length,
  };
  return clock;
}

/** A job of `steps` steps of `ms` each, recording which inputs it finished. */
function job(clock: ReturnType<typeof fakeClock>, steps: number, ms: number, sliceMs = 8, intervalMs = 250) {
  const done: { input: number; at: number }[] = [];
  const slices: number[] = [];
  let lastSlice = -1;
  const j = new SlicedJob<number, number>(
    function* (input) {
      for (let k = 0; k < steps; k++) {
        if (clock.now() !== lastSlice) slices.push((lastSlice = clock.now()));
        clock.advance(ms);
        yield;
      }
      return input * 10;
    },
    (result, input) => done.push({ input: result / 10 === input ? input : -1, at: clock.now() }),
    { sliceMs, intervalMs, clock },
  );
  return { j, done, slices };
}

describe("SlicedJob", () => {
  it("runs a long computation in slices no longer than sliceMs, yielding in between", () => {
    const clock = fakeClock();
    const { j, done, slices } = job(clock, 20, 2); // 40 ms of work
    j.request(1);
    expect(done).toEqual([]); // nothing runs synchronously
    clock.run(1000);
    expect(done).toEqual([{ input: 1, at: 40 }]);
    expect(slices.length).toBeGreaterThanOrEqual(5); // 8 ms slices
    expect(j.busy).toBe(false);
  });

  it("runs at most once per interval; the latest input wins, none is lost at the end", () => {
    const clock = fakeClock();
    const { j, done } = job(clock, 2, 1);
    for (let t = 0; t < 1000; t += 16) {
      j.request(t); // a chain update every frame
      clock.run(t + 16);
    }
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done.length).toBeLessThanOrEqual(5); // ~4 per second, not 60
    for (let k = 1; k < done.length; k++) expect(done[k].at - done[k - 1].at).toBeGreaterThanOrEqual(250 - 2);
    clock.run(5000);
    expect(done[done.length - 1].input).toBe(992); // the last update is analysed
  });

  it("lets a running computation finish before starting on newer input", () => {
    const clock = fakeClock();
    const { j, done } = job(clock, 50, 2); // 100 ms per run
    j.request(1);
    clock.run(20);
    j.request(2);
    j.request(3);
    clock.run(2000);
    expect(done.map((d) => d.input)).toEqual([1, 3]);
  });

  it("cancels cleanly", () => {
    const clock = fakeClock();
    const { j, done } = job(clock, 50, 2);
    j.request(1);
    clock.run(20);
    j.cancel();
    clock.run(2000);
    expect(done).toEqual([]);
    expect(clock.pending()).toBe(0);
    expect(j.busy).toBe(false);
  });
});
