// A stand-in for anywidget's model (Backbone-like get/set/on/off) plus the seed's sample
// data, for unit tests and manual harnesses. Not part of the bundle.
import { windowsOf } from "../model/chain";
import { CONTROL_NAMES } from "../model/types";
import type { Command, Traits, WidgetModel } from "../model/types";

type Listener = (...args: unknown[]) => void;

export interface FakeOptions {
  /** Answer `hello` like a live kernel (default) or stay silent like a saved page. */
  kernel?: boolean;
}

export class FakeModel implements WidgetModel {
  readonly sent: Command[] = [];
  saves = 0;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly kernel: boolean;

  constructor(private readonly data: Traits, options: FakeOptions = {}) {
    this.kernel = options.kernel ?? true;
  }

  /** Commands sent, without the `hello` probe. */
  commands(): Command[] {
    return this.sent.filter((c) => c.cmd !== "hello");
  }

  /** A custom message from Python (anywidget's "msg:custom"). */
  reply(content: unknown): void {
    this.emit("msg:custom", content, []);
  }

  get<K extends keyof Traits>(key: K): Traits[K] {
    return this.data[key];
  }

  set<K extends keyof Traits>(key: K, value: Traits[K]): void {
    this.update({ [key]: value } as Partial<Traits>);
  }

  /** Like one sync message from Python: assign everything, then fire change events. */
  update(values: Partial<Traits>): void {
    const changed = Object.keys(values).filter((k) => {
      const key = k as keyof Traits;
      const same = this.data[key] === values[key];
      (this.data as unknown as Record<string, unknown>)[k] = values[key];
      return !same;
    });
    for (const k of changed) this.emit(`change:${k}`);
  }

  on(event: string, callback: Listener): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(callback);
  }

  off(event?: string | null, callback?: Listener | null): void {
    if (!event) return this.listeners.clear();
    if (!callback) return void this.listeners.delete(event);
    this.listeners.get(event)?.delete(callback);
  }

  /** False once the kernel has "restarted": hellos go unanswered. */
  kernelAlive = true;

  send(content: Command): void {
    this.sent.push(content);
    if (content.cmd === "hello" && this.kernel && this.kernelAlive) queueMicrotask(() => this.reply({ reply: "hello", ok: true }));
  }

  save_changes(): void {
    this.saves++;
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(...args);
  }
}

/** Bytes as anywidget delivers them: a DataView, here deliberately at an odd offset. */
export function f32(values: ArrayLike<number>, offset = 1): DataView {
  const buf = new ArrayBuffer(values.length * 4 + offset);
  const dv = new DataView(buf, offset, values.length * 4);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
  return dv;
}

export function i32(values: ArrayLike<number>, offset = 1): DataView {
  const buf = new ArrayBuffer(values.length * 4 + offset);
  const dv = new DataView(buf, offset, values.length * 4);
  for (let i = 0; i < values.length; i++) dv.setInt32(i * 4, values[i], true);
  return dv;
}

export const SEED_SEQUENCE = "111101111011110";
export const STATES3 = ["000", "001", "010", "011", "100", "101", "110", "111"];
/** P(next = 1 | state) after the seed's 50 steps. */
export const TRAINED_P1 = [0.7316, 0.7814, 0.7578, 0.7956, 0.7475, 0.7929, 0.7799, 0.4536];

/** Rows [P(0|s), P(1|s)] from P(1|s). */
export function rowsFromP1(p1: number[]): number[] {
  return p1.flatMap((p) => [1 - p, p]);
}

export const PREFIX_STATES3 = ["0", "1", "00", "01", "10", "11"];
/** P(next = 1 | shorter context) after training (made-up, plausible values). */
export const PREFIX_P1 = [0.62, 0.71, 0.6, 0.68, 0.66, 0.7];

/** n-gram counts: how often token t follows context s anywhere in the sequence. */
export function ngramCounts(states: string[], alphabet: string, sequence: string): number[] {
  const seq = Array.from(sequence);
  return states.flatMap((s) => {
    const L = Array.from(s).length;
    return Array.from(alphabet).map((t) => {
      let n = 0;
      for (let i = 0; i + L < seq.length; i++) if (seq.slice(i, i + L).join("") === s && seq[i + L] === t) n++;
      return n;
    });
  });
}

/** data_counts from a sequence, the way Python counts training windows. */
export function countsFor(states: string[], alphabet: string, sequence: string, c: number): number[] {
  const tokens = Array.from(alphabet);
  return states.flatMap((s) => tokens.map((t) => windowsOf(sequence, s, c).filter((w) => w.next === t).length));
}

/** The seed run: H snapshots blending from ≈50/50 to the trained chain. */
export function seedTraits(h = 50, overrides: Partial<Traits> = {}): Traits {
  const steps = Array.from({ length: h }, (_, k) => k);
  const mix = (k: number): number[] => TRAINED_P1.map((p) => 0.5 + (p - 0.5) * (k / Math.max(1, h - 1)));
  const losses = steps.map((k) => 0.6635 - (0.6635 - 0.47) * (1 - Math.exp(-k / 12)) / (1 - Math.exp(-(h - 1) / 12)));
  const last = mix(h - 1);
  const pmix = (k: number): number[] => PREFIX_P1.map((p) => 0.5 + (p - 0.5) * (k / Math.max(1, h - 1)));
  return {
    config: {
      sequence: SEED_SEQUENCE,
      alphabet: "01",
      context_length: 3,
      n_layer: 4,
      n_head: 4,
      n_embd: 16,
      seed: 1337,
      lr: 0.001,
      weight_decay: 0.1,
    },
    states: STATES3,
    probs: f32(rowsFromP1(last)),
    data_counts: i32(countsFor(STATES3, "01", SEED_SEQUENCE, 3)),
    global_step: h - 1,
    loss: losses[h - 1],
    history_steps: i32(steps),
    history_losses: f32(losses),
    history_probs: f32(steps.flatMap((k) => rowsFromP1(mix(k)))),
    shown_index: -1,
    graph_layout: "circular",
    playing: false,
    train_n: 50,
    errors: {},
    prefix_states: PREFIX_STATES3,
    prefix_probs: f32(rowsFromP1(pmix(h - 1))),
    history_prefix_probs: f32(steps.flatMap((k) => rowsFromP1(pmix(k)))),
    prefix_data_counts: i32(ngramCounts(PREFIX_STATES3, "01", SEED_SEQUENCE)),
    show_prefixes: false,
    temperature: 1,
    walk: {},
    sample_n: 20,
    sample_start: "",
    sample_seed: 0,
    naughty: [],
    reach_k: 10,
    controls: [...CONTROL_NAMES],
    presentation: false,
    run_string: "babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=49",
    ...overrides,
  };
}
