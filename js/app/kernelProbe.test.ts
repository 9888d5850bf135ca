// The kernel probe's causes: no answer (may still come), comm closed, or a host saying there is none.
import { afterEach, describe, expect, it, vi } from "vitest";
import { KernelProbe, noKernelTexts } from "./kernelProbe";
import type { KernelState, StaticCause } from "./kernelProbe";

type Listener = (...args: unknown[]) => void;

function channel() {
  const listeners = new Map<string, Set<Listener>>();
  const sent: unknown[] = [];
  return {
    sent,
    send: (c: unknown) => void sent.push(c),
    on: (e: string, fn: Listener) => void (listeners.get(e) ?? listeners.set(e, new Set()).get(e)!).add(fn),
    off: (e?: string | null, fn?: Listener | null) => void (e && fn ? listeners.get(e)?.delete(fn) : listeners.clear()),
    emit: (e: string, ...args: unknown[]) => [...(listeners.get(e) ?? [])].forEach((fn) => fn(...args)),
  };
}

afterEach(() => vi.useRealTimers());

describe("KernelProbe causes", () => {
  it("no answer: static with cause no-answer; a late answer brings it back", () => {
    vi.useFakeTimers();
    const ch = channel();
    const seen: [KernelState, StaticCause | null][] = [];
    const probe = new KernelProbe(ch, (s, c) => seen.push([s, c]), 2000, { intervalMs: 0 });
    vi.advanceTimersByTime(2100);
    expect(probe.cause).toBe("no-answer");
    ch.emit("msg:custom", { reply: "hello", ok: true });
    expect(seen).toEqual([
      ["static", "no-answer"],
      ["live", null],
    ]);
    probe.destroy();
  });

  it("a host saying no_kernel: static at once and for good, no timers, its name in the texts", () => {
    vi.useFakeTimers();
    const ch = channel();
    const seen: [KernelState, StaticCause | null, string | null][] = [];
    const probe = new KernelProbe(ch, (s, c, h) => seen.push([s, c, h]), 2000, { intervalMs: 1000 });
    ch.emit("msg:custom", { reply: "hello", ok: true, no_kernel: "saved page" });
    vi.advanceTimersByTime(60_000);
    ch.emit("change:global_step"); // nothing revives a page that has no kernel
    probe.gone();
    expect(seen).toEqual([["static", "no-kernel", "saved page"]]);
    expect(ch.sent).toEqual([{ cmd: "hello" }]); // no re-probes
    expect(vi.getTimerCount()).toBe(0);
    expect(noKernelTexts("saved page").badge).toMatch(/^saved page, no Python kernel/);
    expect(noKernelTexts("saved page").reason).toMatch(/saved page/);
    probe.destroy();
  });

  it("the comm closing: static with cause closed", () => {
    const ch = channel();
    const probe = new KernelProbe(ch, () => undefined, 2000, { intervalMs: 0 });
    probe.gone();
    expect(probe.current).toBe("static");
    expect(probe.cause).toBe("closed");
    probe.destroy();
  });
});
