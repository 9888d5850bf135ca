// Fake time for tests of animated things (d3 transitions, frame-sliced work): what happens after
// "400 ms" then depends on the clock the test moves, not on how busy the machine is.
import { vi } from "vitest";

export interface FakeClock {
  /** Move time on by `ms`, running every timer and animation frame due meanwhile (and the
   *  promises they settle). */
  advance(ms: number): Promise<void>;
  /** Let everything animated finish, then give the real timers back. */
  restore(): Promise<void>;
}

/**
 * Fake timers and animation frames that also drive d3: d3-timer keeps the `performance` object
 * it found when imported (and jsdom's requestAnimationFrame, which runs on the faked
 * setInterval), so that object's `now` reads the fake clock too. `msPerRead` > 0 makes every
 * read of performance.now() cost that much: code that works to a time budget per frame (the
 * force layout) then does a fixed amount of work per frame.
 */
export function fakeClock(msPerRead = 0): FakeClock {
  const perf = performance; // the object d3-timer holds
  const base = perf.now();
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "cancelAnimationFrame", "Date"],
  });
  const t0 = Date.now();
  let spent = 0;
  const spy = vi.spyOn(perf, "now").mockImplementation(() => base + (Date.now() - t0) + (spent += msPerRead));
  return {
    advance: async (ms) => {
      await vi.advanceTimersByTimeAsync(ms);
    },
    restore: async () => {
      // transitions end and their frames stop: jsdom's frame timer is then idle, not left
      // pending on a fake clock that no longer runs
      await vi.advanceTimersByTimeAsync(2000);
      vi.useRealTimers();
      spy.mockRestore();
    },
  };
}
