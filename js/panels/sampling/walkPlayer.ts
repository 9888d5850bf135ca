// Plays a sampled walk one token at a time: frame i shows the start and the first i tokens.
// Speed can change while it runs; finish() jumps to the end; stop() abandons it.

export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: Timer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const SPEED_MIN = 1;
export const SPEED_MAX = 40;
export const SPEED_DEFAULT = 4;

export class WalkPlayer {
  /** Tokens per second. */
  private stepsPerSecond = SPEED_DEFAULT;
  private handle: unknown = null;
  private frame = 0;
  private total = 0;

  constructor(
    private readonly onFrame: (shown: number, total: number) => void,
    private readonly timer: Timer = realTimer,
  ) {}

  get running(): boolean {
    return this.handle !== null;
  }

  get speed(): number {
    return this.stepsPerSecond;
  }

  set speed(v: number) {
    this.stepsPerSecond = Math.min(SPEED_MAX, Math.max(SPEED_MIN, Number.isFinite(v) ? v : SPEED_DEFAULT));
  }

  /** Start a walk of `total` tokens from frame 0 (the start state alone). */
  play(total: number): void {
    this.stop();
    this.total = Math.max(0, total);
    this.frame = 0;
    this.onFrame(0, this.total);
    this.schedule();
  }

  /** Show the whole walk now. */
  finish(): void {
    if (!this.running) return;
    this.stop();
    this.frame = this.total;
    this.onFrame(this.total, this.total);
  }

  stop(): void {
    if (this.handle !== null) this.timer.clear(this.handle);
    this.handle = null;
  }

  private schedule(): void {
    if (this.frame >= this.total) {
      this.handle = null;
      return;
    }
    this.handle = this.timer.set(() => {
      this.frame++;
      this.onFrame(this.frame, this.total);
      this.schedule();
    }, 1000 / this.stepsPerSecond);
  }
}
