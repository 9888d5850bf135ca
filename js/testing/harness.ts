// Mounting the widget into jsdom for tests: a fake model, a hand-stepped walk timer.
import { afterEach, vi } from "vitest";
import { mount } from "../app/app";
import type { Mounted, MountOptions } from "../app/app";
import type { Traits } from "../model/types";
import type { Timer } from "../panels/sampling/walkPlayer";
import { FakeModel, seedTraits } from "./fakeModel";
import type { FakeOptions } from "./fakeModel";

export interface ManualTimer extends Timer {
  /** Run the next pending callback; false when none is pending. */
  tick(): boolean;
  pending(): number;
}

export function manualTimer(): ManualTimer {
  let queue: { fn: () => void }[] = [];
  return {
    set(fn) {
      const h = { fn };
      queue.push(h);
      return h;
    },
    clear(h) {
      queue = queue.filter((x) => x !== h);
    },
    tick() {
      const h = queue.shift();
      h?.fn();
      return h !== undefined;
    },
    pending: () => queue.length,
  };
}

export interface Setup {
  model: FakeModel;
  host: HTMLElement;
  mounted: Mounted;
  timer: ManualTimer;
  $<T extends Element = HTMLElement>(sel: string): T;
  $$<T extends Element = HTMLElement>(sel: string): T[];
  flush(): void;
}

export function setup(overrides: Partial<Traits> = {}, opts: FakeOptions & Partial<MountOptions> & { h?: number } = {}): Setup {
  const model = new FakeModel(seedTraits(opts.h ?? 50, overrides), opts);
  const host = document.createElement("div");
  document.body.appendChild(host);
  const timer = manualTimer();
  const mounted = mount(host, model, { walkTimer: timer, ...opts });
  return {
    model,
    host,
    mounted,
    timer,
    $: <T extends Element = HTMLElement>(sel: string) => host.querySelector<T>(sel)!,
    $$: <T extends Element = HTMLElement>(sel: string) => [...host.querySelectorAll<T>(sel)],
    flush: () => mounted.flush(),
  };
}

/** Type into a text input the way a user commits it. */
export function type(input: HTMLInputElement, value: string, event: "change" | "input" = "change"): void {
  input.value = value;
  input.dispatchEvent(new Event(event));
}

export const edgeSel = (from: string, to: string, token: string): string =>
  `g.bg-edge[data-from="${from}"][data-to="${to}"][data-token="${token}"]`;

/** Edges a reader can see: not display:none. */
export function visibleEdges(host: HTMLElement): Element[] {
  return [...host.querySelectorAll("g.bg-edge")].filter((e) => getComputedStyle(e).display !== "none");
}

/** `setup` for a test file: what each test mounts is unmounted after it, and the DOM, fake
 *  timers and spies are put back (one place instead of an afterEach in every file). */
export function setupEach(): typeof setup {
  let current: Setup | null = null;
  afterEach(() => {
    current?.mounted.destroy();
    current = null;
    document.body.replaceChildren();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return (...args) => (current = setup(...args));
}
