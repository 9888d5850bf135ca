// Coalesces many trait changes into one redraw per animation frame.

export interface FrameScheduler {
  /** Ask for a redraw on the next frame (repeated calls before it are free). */
  request(): void;
  /** Run a pending redraw now (tests, and the first paint). */
  flush(): void;
  cancel(): void;
}

type Raf = (cb: () => void) => number;
type Caf = (handle: number) => void;

function defaultRaf(): [Raf, Caf] {
  const g = globalThis as { requestAnimationFrame?: Raf; cancelAnimationFrame?: Caf };
  if (g.requestAnimationFrame && g.cancelAnimationFrame) {
    return [g.requestAnimationFrame.bind(globalThis), g.cancelAnimationFrame.bind(globalThis)];
  }
  return [(cb) => setTimeout(cb, 16) as unknown as number, (h) => clearTimeout(h)];
}

export function frameScheduler(run: () => void, timers: [Raf, Caf] = defaultRaf()): FrameScheduler {
  const [raf, caf] = timers;
  let handle: number | null = null;
  const fire = (): void => {
    handle = null;
    run();
  };
  return {
    request() {
      if (handle === null) handle = raf(fire);
    },
    flush() {
      if (handle !== null) {
        caf(handle);
        fire();
      }
    },
    cancel() {
      if (handle !== null) caf(handle);
      handle = null;
    },
  };
}
