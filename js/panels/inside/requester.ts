// Asks the kernel for the open state's explanation at the shown step — at most one request in
// flight and at most one per `minGapMs` (scrubbing or Play change the step many times a second;
// the kernel computes a few of them, the last one always). A request that failed is not
// repeated until what is wanted changes.

export interface Want {
  state: string;
  /** null: the shown step as the kernel knows it (live). */
  step: number | null;
  /** The step the answer should carry (for live: the newest step seen). */
  expect: number;
}

export interface Clock {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => (typeof performance !== "undefined" ? performance.now() : Date.now()),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const keyOf = (w: Want): string => `${w.state}|${w.step}|${w.expect}`;

export class ExplainRequester {
  private want: Want | null = null;
  private inFlight = false;
  private lastSent = -Infinity;
  private sentKey = "";
  private failedKey = "";
  private timer: unknown = null;
  /** Longest wait for an answer before another request may go out (a lost reply). */
  readonly replyTimeoutMs = 5000;

  constructor(
    private readonly send: (w: Want) => void,
    /** The explanation shown now satisfies this want. */
    private readonly satisfied: (w: Want) => boolean,
    private readonly minGapMs = 250,
    private readonly clock: Clock = realClock,
  ) {}

  /** What should be shown now (null: nothing, the panel is closed or static). */
  request(want: Want | null): void {
    this.want = want;
    this.pump();
  }

  /** The kernel answered our explain command. */
  answered(ok: boolean): void {
    if (!ok) this.failedKey = this.sentKey;
    this.inFlight = false;
    this.pump();
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clear(this.timer);
    this.timer = null;
    this.want = null;
  }

  private pump(): void {
    const w = this.want;
    if (w === null || this.satisfied(w)) return;
    const key = keyOf(w);
    if (key === this.failedKey) return;
    const now = this.clock.now();
    if (this.inFlight && now - this.lastSent < this.replyTimeoutMs) return;
    const wait = this.lastSent + this.minGapMs - now;
    if (wait > 0) {
      if (this.timer === null)
        this.timer = this.clock.set(() => {
          this.timer = null;
          this.pump();
        }, wait);
      return;
    }
    this.inFlight = true;
    this.lastSent = now;
    this.sentKey = key;
    this.send(w);
  }
}
