// Runs a stepwise computation (a generator) in short slices between tasks, at most once per
// interval: the analysis of a big chain (long-run shares, reach) never blocks a frame for
// long, and a stream of chain updates costs a few analyses per second, not one per update.

export interface SliceClock {
  now(): number;
  later(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

const defaultClock: SliceClock = {
  now: () => (typeof performance !== "undefined" ? performance.now() : Date.now()),
  later: (fn, ms) => setTimeout(fn, ms),
  cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface SlicedOptions {
  /** Longest run of steps before yielding to the page (ms). */
  sliceMs?: number;
  /** Least time between the starts of two runs (ms). */
  intervalMs?: number;
  clock?: SliceClock;
}

/**
 * The latest input wins: a request while a run is going does not interrupt it (so results keep
 * coming even when updates arrive faster than a run takes); the newest pending input runs next.
 */
export class SlicedJob<I, R> {
  readonly sliceMs: number;
  readonly intervalMs: number;
  private readonly clock: SliceClock;
  private pending: { input: I } | null = null;
  private running: { input: I; steps: Generator<unknown, R> } | null = null;
  private handle: unknown = null;
  private lastStart = -Infinity;

  constructor(
    private readonly start: (input: I) => Generator<unknown, R>,
    private readonly done: (result: R, input: I) => void,
    options: SlicedOptions = {},
  ) {
    this.sliceMs = options.sliceMs ?? 8;
    this.intervalMs = options.intervalMs ?? 250;
    this.clock = options.clock ?? defaultClock;
  }

  /** A run is going or waiting. */
  get busy(): boolean {
    return this.running !== null || this.pending !== null;
  }

  request(input: I): void {
    this.pending = { input };
    if (this.running === null && this.handle === null) this.schedule();
  }

  cancel(): void {
    if (this.handle !== null) this.clock.cancel(this.handle);
    this.handle = null;
    this.pending = null;
    this.running = null;
  }

  private schedule(): void {
    const wait = Math.max(0, this.lastStart + this.intervalMs - this.clock.now());
    this.handle = this.clock.later(() => this.begin(), wait);
  }

  private begin(): void {
    this.handle = null;
    const next = this.pending;
    this.pending = null;
    if (!next) return;
    this.lastStart = this.clock.now();
    this.running = { input: next.input, steps: this.start(next.input) };
    this.slice();
  }

  private slice(): void {
    this.handle = null;
    const run = this.running;
    if (!run) return;
    const t0 = this.clock.now();
    for (;;) {
      const r = run.steps.next();
      if (r.done) {
        this.running = null;
        this.done(r.value, run.input);
        if (this.pending && this.handle === null) this.schedule();
        return;
      }
      if (this.clock.now() - t0 >= this.sliceMs) break;
    }
    this.handle = this.clock.later(() => this.slice(), 0);
  }
}
