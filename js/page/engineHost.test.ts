// @vitest-environment node
// The saved page's training host with the real engine (main-thread backend: vitest has no
// Worker): commands in, the traits Python would push out, equal to the engine run directly.
import { describe, expect, it } from "vitest";
import { BabyGPTEngine, encodeState } from "../engine";
import type { RunSettings } from "../engine";
import { defaultHost } from "./boot";
import { createBackend } from "./engineBackend";
import { EngineCore } from "./engineCore";
import { EngineHost, LOCAL_COMMANDS } from "./engineHost";
import { floats, ints } from "./pageHistory";

const SEED: RunSettings = {
  vocabSize: 2, contextLength: 3, nLayer: 4, nHead: 4, nEmbd: 16,
  sequence: Array.from("111101111011110").map(Number), lr: 1e-3, weightDecay: 0.1, seed: 1337,
};
const N_PREFIX = 6; // "0", "1", "00", … : 14 contexts, 8 of them full

/** A page saved after `steps` steps: the traits (history of every step) and the state blob. */
function savedPage(steps: number) {
  const e = new BabyGPTEngine(SEED);
  const rows = [{ step: 0, loss: e.loss(), p: e.probabilities() }];
  e.train(steps, (step) => rows.push({ step, loss: e.loss(), p: e.probabilities() }));
  const dv = (a: Float32Array | Int32Array) => new DataView(a.buffer);
  const traits: Record<string, unknown> = {
    run_string: `babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=${steps}`,
    config: { sequence: "111101111011110", alphabet: "01", context_length: 3, n_layer: 4, n_head: 4, n_embd: 16, lr: 0.001, weight_decay: 0.1, seed: 1337 },
    states: Array.from({ length: 8 }, (_, i) => i.toString(2).padStart(3, "0")),
    prefix_states: ["0", "1", "00", "01", "10", "11"],
    global_step: steps,
    history_steps: dv(Int32Array.from(rows, (r) => r.step)),
    history_losses: dv(Float32Array.from(rows, (r) => r.loss)),
    history_probs: dv(Float32Array.from(rows.flatMap((r) => Array.from(r.p.slice(2 * N_PREFIX))))),
    history_prefix_probs: dv(Float32Array.from(rows.flatMap((r) => Array.from(r.p.slice(0, 2 * N_PREFIX))))),
  };
  return { traits, state: new Uint8Array(encodeState(e.exportState())) };
}

function harness(steps: number, runString?: string) {
  const { traits, state } = savedPage(steps);
  if (runString !== undefined) traits.run_string = runString;
  const replies: unknown[] = [];
  const host = new EngineHost(
    { reply: (c) => replies.push(c), update: (v) => Object.assign(traits, v), get: (k) => traits[k] },
    createBackend(null, () => new EngineCore()),
    state,
    { ...traits },
  );
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 20_000 && !ok(); i++) await new Promise((r) => setTimeout(r, 1));
    expect(ok()).toBe(true);
  };
  return { traits, replies, host, until };
}

describe("EngineHost (saved page trains)", { timeout: 120_000 }, () => {
  it("says which commands it answers itself", async () => {
    const { replies, host } = harness(0);
    host.command({ cmd: "hello" });
    await Promise.resolve();
    expect(replies).toEqual([{ reply: "hello", ok: true, no_kernel: "saved page", local: [...LOCAL_COMMANDS] }]);
    host.destroy();
  });

  it("Step and Train ×N continue the saved run exactly: traits equal the engine's own run", async () => {
    const { traits, host, until } = harness(3);
    host.command({ cmd: "step" });
    host.command({ cmd: "train", n: 4 }); // arrives while Step runs: serialised, as Python does
    await until(() => traits.global_step === 8 && traits.training === false);
    host.command({ cmd: "train", n: 4 });
    await until(() => traits.global_step === 12 && traits.training === false);
    const direct = new BabyGPTEngine(SEED);
    direct.train(12);
    const p = direct.probabilities();
    expect(floats(traits.probs)).toEqual(p.slice(2 * N_PREFIX));
    expect(floats(traits.prefix_probs)).toEqual(p.slice(0, 2 * N_PREFIX));
    expect(traits.loss).toBe(direct.loss());
    expect(Array.from(ints(traits.history_steps))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const hist = floats(traits.history_probs);
    expect(hist.slice(12 * 16)).toEqual(p.slice(2 * N_PREFIX));
    expect(floats(traits.history_losses)[12]).toBe(direct.loss());
    expect(traits.shown_index).toBe(-1);
    expect(traits.playing).toBe(false);
    host.destroy();
  });

  it("Play trains until Pause; Reset returns to the seed's step 0 with a fresh history", async () => {
    const { traits, host, until } = harness(2);
    host.command({ cmd: "play" });
    await until(() => traits.playing === true && (traits.global_step as number) >= 4);
    host.command({ cmd: "pause" });
    await until(() => traits.playing === false && traits.training === false);
    const stopped = traits.global_step as number;
    await new Promise((r) => setTimeout(r, 50));
    expect(traits.global_step).toBe(stopped);
    host.command({ cmd: "reset" });
    await until(() => traits.global_step === 0);
    const fresh = new BabyGPTEngine(SEED).probabilities();
    expect(floats(traits.probs)).toEqual(fresh.slice(2 * N_PREFIX));
    expect(Array.from(ints(traits.history_steps))).toEqual([0]);
    host.destroy();
  });

  it("Undo reset brings back the run, its history and its run string exactly; a step makes the reset final", async () => {
    const { traits, host, until, replies } = harness(3);
    host.command({ cmd: "train", n: 2 });
    await until(() => traits.global_step === 5 && traits.training === false);
    const before = { probs: floats(traits.probs), steps: Array.from(ints(traits.history_steps)), run: traits.run_string };
    expect(before.run).toMatch(/;steps=5$/);
    host.command({ cmd: "reset" });
    await until(() => traits.global_step === 0 && traits.can_undo_reset === true);
    expect(traits.run_string).toMatch(/;steps=0$/);
    host.command({ cmd: "undo_reset" });
    await until(() => traits.global_step === 5 && traits.can_undo_reset === false);
    expect(floats(traits.probs)).toEqual(before.probs);
    expect(Array.from(ints(traits.history_steps))).toEqual(before.steps);
    expect(traits.run_string).toBe(before.run);
    host.command({ cmd: "reset" });
    await until(() => traits.global_step === 0);
    host.command({ cmd: "step" });
    await until(() => traits.global_step === 1 && traits.training === false);
    expect(traits.can_undo_reset).toBe(false);
    replies.length = 0;
    host.command({ cmd: "undo_reset" });
    await until(() => replies.length > 0);
    expect(replies[0]).toEqual({ reply: "undo_reset", ok: false, field: "undo_reset",
      error: "undo_reset: nothing to undo: no reset since the last training step or settings change" });
    host.destroy();
  });

  it("a setting changed while Play runs applies between steps, and the run string marks the step", async () => {
    const { traits, host, until } = harness(0);
    host.command({ cmd: "play" });
    await until(() => (traits.global_step as number) >= 2);
    host.command({ cmd: "configure", values: { lr: 0.003 } });
    await until(() => /\|lr=0.003;steps=[1-9]/.test(String(traits.run_string)));
    host.command({ cmd: "pause" });
    await until(() => traits.training === false);
    const m = /steps=(\d+)\|lr=0.003;steps=(\d+)$/.exec(String(traits.run_string))!;
    expect(Number(m[1]) + Number(m[2])).toBe(traits.global_step);
    const direct = new BabyGPTEngine(SEED);
    direct.train(Number(m[1]));
    direct.configure({ lr: 0.003 });
    direct.train(Number(m[2]));
    expect(floats(traits.probs)).toEqual(direct.probabilities().slice(2 * N_PREFIX));
    host.destroy();
  });

  it("a page saved with a too-long run string keeps writing too-long (as Python does) until a rebuild starts a new one", async () => {
    const { traits, host, until } = harness(2, "babygpt2:too-long;steps=2");
    host.command({ cmd: "configure", values: { lr: 0.002 } });
    host.command({ cmd: "step" });
    await until(() => traits.global_step === 3 && traits.training === false);
    expect(traits.run_string).toBe("babygpt2:too-long;steps=3");
    host.command({ cmd: "configure", values: { seed: 5 } });
    await until(() => traits.global_step === 0);
    expect(traits.run_string).toBe("babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.002;wd=0.1;seed=5;steps=0");
    host.destroy();
  });

  it("a bad Train count is a field error, and the run is untouched", async () => {
    const { traits, host, until } = harness(1);
    host.command({ cmd: "train", n: 0 });
    await until(() => traits.errors !== undefined);
    expect((traits.errors as Record<string, string>).train).toMatch(/^train: n must be/);
    expect(traits.global_step).toBe(1);
    host.destroy();
  });

  it("a page without the engine's state (a chain the engine is not exact for) answers hello with no local commands", async () => {
    const replies: unknown[] = [];
    const port = { reply: (c: unknown) => replies.push(c), update: () => undefined };
    const host = defaultHost({ traits: {}, page: {} as never, engine: { state: null, why: "256 states" } })(port);
    host.command({ cmd: "hello" }, []);
    await Promise.resolve();
    expect(replies).toEqual([{ reply: "hello", ok: true, no_kernel: "saved page" }]);
    host.destroy();
  });
});
