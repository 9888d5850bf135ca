// @vitest-environment jsdom
// An html-manager page (nbconvert --to html) trains when the notebook saved the run's state at
// the shown step; anywhere else the widget's model is used untouched.
import { describe, expect, it } from "vitest";
import { BabyGPTEngine, encodeState } from "../engine";
import type { RunSettings } from "../engine";
import { isStaticManager, savedState, trainingModel } from "./exportedPage";
import type { AnyModelLike } from "./exportedPage";

const SEED: RunSettings = {
  vocabSize: 2, contextLength: 3, nLayer: 1, nHead: 1, nEmbd: 4,
  sequence: Array.from("111101111011110").map(Number), lr: 1e-3, weightDecay: 0.1, seed: 1337,
};

class FakeModel implements AnyModelLike {
  traits: Record<string, unknown>;
  sent: unknown[] = [];
  listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  constructor(traits: Record<string, unknown>, readonly widget_manager: unknown) {
    this.traits = { ...traits };
  }
  get(k: string) { return this.traits[k]; }
  set(k: string | Record<string, unknown>, v?: unknown) {
    const values = typeof k === "string" ? { [k]: v } : k;
    Object.assign(this.traits, values);
    for (const key of Object.keys(values)) for (const fn of this.listeners.get(`change:${key}`) ?? []) fn();
  }
  save_changes() {}
  send(c: unknown) { this.sent.push(c); }
  on(e: string, fn: (...a: unknown[]) => void) { (this.listeners.get(e) ?? this.listeners.set(e, new Set()).get(e)!).add(fn); }
  off() {}
}

function run(steps: number) {
  const e = new BabyGPTEngine(SEED);
  e.train(steps);
  const state = new Uint8Array(encodeState(e.exportState()));
  const dv = (a: Float32Array | Int32Array) => new DataView(a.buffer);
  return {
    global_step: steps,
    engine_state: new DataView(state.buffer),
    states: Array.from({ length: 8 }, (_, i) => i.toString(2).padStart(3, "0")),
    prefix_states: ["0", "1", "00", "01", "10", "11"],
    history_steps: dv(Int32Array.from([steps])),
    history_losses: dv(Float32Array.from([e.loss()])),
    history_probs: dv(e.probabilities().slice(12)),
    history_prefix_probs: dv(e.probabilities().slice(0, 12)),
  };
}

const htmlManager = { _viewList: new Set() };
const labManager = { _viewList: new Set(), kernel: {} };

describe("exported page", () => {
  it("knows the html-manager from a manager with a kernel", () => {
    expect(isStaticManager(htmlManager)).toBe(true);
    expect(isStaticManager(labManager)).toBe(false);
    expect(isStaticManager(undefined)).toBe(false);
  });

  it("uses the saved state only when it is the shown step's", () => {
    const traits = run(3);
    expect(savedState(new FakeModel(traits, htmlManager))).not.toBeNull();
    expect(savedState(new FakeModel({ ...traits, global_step: 4 }, htmlManager))).toBeNull();
    expect(savedState(new FakeModel({ ...traits, engine_state: new DataView(new ArrayBuffer(0)) }, htmlManager))).toBeNull();
  });

  it("leaves a kernel's model (or one with no state) untouched", () => {
    const traits = run(2);
    const lab = new FakeModel(traits, labManager);
    expect(trainingModel(lab).model).toBe(lab);
    const none = new FakeModel({ ...traits, engine_state: new DataView(new ArrayBuffer(0)) }, htmlManager);
    expect(trainingModel(none).model).toBe(none);
  });

  it("on an html-manager page answers hello itself and trains the model's traits", async () => {
    const real = new FakeModel(run(2), htmlManager);
    const local = trainingModel(real);
    expect(local.model).not.toBe(real);
    const replies: unknown[] = [];
    local.model.on("msg:custom", (c) => replies.push(c));
    local.model.send({ cmd: "hello" });
    local.model.send({ cmd: "train", n: 3 });
    for (let i = 0; i < 5000 && !(real.get("global_step") === 5 && real.get("training") === false); i++)
      await new Promise((r) => setTimeout(r, 1));
    expect(real.sent).toEqual([]); // nothing went to the (absent) kernel
    expect(replies[0]).toMatchObject({ reply: "hello", no_kernel: "exported page", local: expect.arrayContaining(["train", "reset"]) });
    const direct = new BabyGPTEngine(SEED);
    direct.train(5);
    expect(real.get("global_step")).toBe(5);
    expect(Array.from(new Float32Array((real.get("probs") as DataView).buffer))).toEqual(Array.from(direct.probabilities().slice(12)));
    local.destroy();
  });
});
