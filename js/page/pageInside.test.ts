// @vitest-environment node
// The inside panel in a page that trains: `explain` answered by the page's engine (live, and past
// steps replayed in the engine's worker core) equals the widget's `w.explain(state, step)`
// (tests/golden/inside_golden.json, written by tests/golden/make_inside_golden.py) within
// float32 rounding, and the command's errors are Python's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BabyGPTEngine, encodeState } from "../engine";
import type { RunSettings } from "../engine";
import { createBackend } from "./engineBackend";
import type { EngineBackend } from "./engineBackend";
import { EngineCore } from "./engineCore";
import { EngineHost, LOCAL_COMMANDS } from "./engineHost";
import { replayLimit } from "./pastSteps";

interface Answer { state: string; step: number; decided_at: number; raw: Record<string, number[]>; inside?: Record<string, unknown> }
interface Run {
  settings: { sequence: string; alphabet: string; context_length: number; n_layer: number; n_head: number; n_embd: number; lr: number; weight_decay: number; seed: number };
  steps: number; run_string: string; answers: Answer[];
}
const GOLDEN = JSON.parse(readFileSync(new URL("../../tests/golden/inside_golden.json", import.meta.url), "utf8")) as Record<string, Run>;
const TOL = 1e-5;

function engineSettings(s: Run["settings"]): RunSettings {
  const tokens = Array.from(s.alphabet);
  return {
    vocabSize: tokens.length, contextLength: s.context_length, nLayer: s.n_layer, nHead: s.n_head, nEmbd: s.n_embd,
    sequence: Array.from(s.sequence, (c) => tokens.indexOf(c)), lr: s.lr, weightDecay: s.weight_decay, seed: s.seed,
  };
}

/** A page saved after the run's steps (as save_html writes it: traits + the engine's state). */
function savedPage(run: Run, runString = run.run_string, lrAt?: { step: number; lr: number }, where: "worker" | "main thread" = "worker") {
  const e = new BabyGPTEngine(engineSettings(run.settings));
  const labels = [...new Set(run.answers.map((a) => a.state))];
  const C = run.settings.context_length;
  const V = run.settings.alphabet.length;
  const nPrefix = labels.filter((l) => l.length < C).length;
  const rows = [{ step: 0, loss: e.loss(), p: e.probabilities() }];
  for (let s = 0; s < run.steps; s++) {
    if (lrAt && s === lrAt.step) e.configure({ lr: lrAt.lr }); // a settings change part-way (a second run-string segment)
    e.step();
    rows.push({ step: s + 1, loss: e.loss(), p: e.probabilities() });
  }
  const dv = (a: Float32Array | Int32Array) => new DataView(a.buffer);
  const traits: Record<string, unknown> = {
    run_string: runString, config: { ...run.settings },
    states: labels.filter((l) => l.length === C), prefix_states: labels.filter((l) => l.length < C),
    global_step: run.steps, shown_index: -1,
    history_steps: dv(Int32Array.from(rows, (r) => r.step)),
    history_losses: dv(Float32Array.from(rows, (r) => r.loss)),
    history_probs: dv(Float32Array.from(rows.flatMap((r) => Array.from(r.p.slice(V * nPrefix))))),
    history_prefix_probs: dv(Float32Array.from(rows.flatMap((r) => Array.from(r.p.slice(0, V * nPrefix))))),
  };
  const replies: { reply: string; ok: boolean; error?: string; field?: string }[] = [];
  const host = new EngineHost(
    { reply: (c) => replies.push(c as (typeof replies)[number]), update: (v) => Object.assign(traits, v), get: (k) => traits[k] },
    backendIn(where),
    new Uint8Array(encodeState(e.exportState())),
    { ...traits },
  );
  /** Sends explain and waits for its reply. */
  const explain = async (state: unknown, step: unknown) => {
    const n = replies.length;
    host.command({ cmd: "explain", state, step });
    for (let i = 0; i < 60_000 && replies.length === n; i++) await new Promise((r) => setTimeout(r, 1));
    return replies[n];
  };
  return { traits, host, explain };
}

/** The engine core in this thread, answering as the page's Worker (or main-thread backend) would. */
function backendIn(where: "worker" | "main thread"): EngineBackend {
  const local = createBackend(null, () => new EngineCore());
  return { request: (r) => local.request(r), destroy: () => local.destroy(), where };
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

describe("explain in a page that trains", { timeout: 600_000 }, () => {
  it("hello lists explain among the page's own commands", () => {
    expect(LOCAL_COMMANDS).toContain("explain");
  });

  it("the replay budget is Python's (request_cost.replay_limit: 265 steps for the seed's run)", () => {
    expect(replayLimit(engineSettings(GOLDEN.seed.settings))).toBe(265);
  });

  for (const [name, run] of Object.entries(GOLDEN)) {
    it(`${name}: every context at steps ${[...new Set(run.answers.map((a) => a.step))].join(", ")} equals Python's explain`, async () => {
      const page = savedPage(run);
      let worst = 0;
      for (const a of run.answers) {
        const reply = await page.explain(a.state, a.step);
        expect(reply).toEqual({ reply: "explain", ok: true });
        const inside = page.traits.inside as Record<string, unknown>;
        expect(inside.state).toBe(a.state);
        expect(inside.step).toBe(a.step); // within the replay budget: the step asked, not a nearer one
        expect(inside.asked).toBe(a.step);
        expect(inside.decided_at).toBe(a.decided_at);
        for (const key of Object.keys(a.raw)) {
          // the trait holds 6 significant digits: compare at the rounding's size
          const d = flat(inside[key]).map((x, i) => Math.abs(x - a.raw[key][i]) / Math.max(1, Math.abs(a.raw[key][i])));
          worst = Math.max(worst, ...d);
        }
        if (a.inside) {
          expect(Object.keys(inside).sort()).toEqual(Object.keys(a.inside).sort());
          expect(inside.tokens).toEqual(a.inside.tokens);
          for (const key of ["token_embeddings", "position_embeddings", "attention", "lens_probs", "logits", "probs"]) {
            expect(maxDiff(flat(inside[key]), flat(a.inside[key]))).toBeLessThanOrEqual(TOL);
          }
        }
      }
      expect(worst).toBeLessThanOrEqual(TOL);
    });
  }

  it("the raw forward pass (the worker's answer) is within 1e-5 of Python's float32 arrays", () => {
    const run = GOLDEN.seed;
    const e = new BabyGPTEngine(engineSettings(run.settings));
    e.train(run.steps);
    const core = new EngineCore();
    core.handle({ op: "init", state: encodeState(e.exportState()), segments: [{ start: 0, settings: engineSettings(run.settings) }] });
    let worst = 0;
    for (const a of run.answers) {
      const reply = core.handle({ op: "explain", context: Array.from(a.state, Number), step: a.step });
      expect(reply.error).toBeNull();
      const t = reply.explained!.trace;
      const mine: Record<string, Float32Array> = {
        token_embeddings: t.tokenEmbeddings, position_embeddings: t.positionEmbeddings, attention: t.attention,
        lens_probs: t.lensProbs, logits: t.logits, probs: t.probs,
      };
      for (const key of Object.keys(a.raw)) worst = Math.max(worst, maxDiff(Array.from(mine[key]), a.raw[key]));
    }
    expect(worst).toBeLessThanOrEqual(TOL);
  });

  it("errors name the field as Python's; closing clears the trait; a step before a run string's start is refused", async () => {
    const run = GOLDEN.seed;
    const page = savedPage(run, run.run_string.replace("babygpt2:", "babygpt2:exact=0;")); // the start is not known
    expect(await page.explain("0000", null)).toEqual({
      reply: "explain", ok: false, field: "state",
      error: "state: '0000' is not a state; states are 1 to 3 characters of the alphabet '01', e.g. '111'",
    });
    expect(await page.explain(5, null)).toMatchObject({ ok: false, field: "state", error: "state: must be a state (a string) or None to close; got 5" });
    expect(await page.explain("101", -1)).toMatchObject({ ok: false, field: "step", error: "step: must be a training step (an integer >= 0) or None for the shown step; got -1" });
    expect(page.traits.inside).toBeUndefined();
    expect(await page.explain("101", 10)).toMatchObject({ ok: false, field: "step", error: "step: must be an integer from 50 to 50; got 10" });
    expect(await page.explain("101", null)).toEqual({ reply: "explain", ok: true });
    expect((page.traits.inside as { step: number }).step).toBe(50);
    expect(await page.explain(null, null)).toEqual({ reply: "explain", ok: true });
    expect(page.traits.inside).toEqual({});
  });
});

describe("past steps in a page that trains", { timeout: 600_000 }, () => {
  const seed = GOLDEN.seed;
  const direct = (steps: number[], lrAt?: { step: number; lr: number }) => {
    const e = new BabyGPTEngine(engineSettings(seed.settings));
    for (let s = 0; s < steps.at(-1)!; s++) {
      if (lrAt && s === lrAt.step) e.configure({ lr: lrAt.lr });
      e.step();
    }
    return e.forwardTrace([1, 0, 1]);
  };

  it("a step after a settings change made in the page replays with the settings of its time", async () => {
    const page = savedPage({ ...seed, steps: 0, run_string: seed.run_string.replace("steps=50", "steps=0") });
    page.host.command({ cmd: "train", n: 5 });
    page.host.command({ cmd: "configure", values: { lr: 0.003 } });
    page.host.command({ cmd: "train", n: 5 });
    await page.host.settled();
    expect(page.traits.global_step).toBe(10);
    for (const step of [3, 5, 8]) {
      expect(await page.explain("101", step)).toEqual({ reply: "explain", ok: true });
      const inside = page.traits.inside as { step: number; probs: number[]; attention: unknown };
      expect(inside.step).toBe(step);
      const want = direct([step], { step: 5, lr: 0.003 });
      expect(maxDiff(flat(inside.probs), Array.from(want.probs).map((x) => Number(x.toPrecision(6))))).toBe(0);
      expect(maxDiff(flat(inside.attention), Array.from(want.attention).map((x) => Number(x.toPrecision(6))))).toBe(0);
    }
  });

  it("a page saved after a part-way settings change replays earlier steps through it (the run string's segments)", async () => {
    const runString = seed.run_string.replace("steps=50", "steps=5|lr=0.003;steps=5");
    const page = savedPage({ ...seed, steps: 10 }, runString, { step: 5, lr: 0.003 });
    for (const step of [3, 8]) {
      expect(await page.explain("101", step)).toEqual({ reply: "explain", ok: true });
      const inside = page.traits.inside as { step: number; probs: number[] };
      expect(inside.step).toBe(step);
      expect(maxDiff(flat(inside.probs), Array.from(direct([step], { step: 5, lr: 0.003 }).probs).map((x) => Number(x.toPrecision(6))))).toBe(0);
    }
  });

  it("a step beyond the replay budget is answered at the nearest one that fits (inside.asked keeps the step asked)", async () => {
    // saved at step 300: steps 1..299 replay from the seed's weights (step 0), at most 265 steps
    const page = savedPage({ ...seed, steps: 300, run_string: seed.run_string.replace("steps=50", "steps=300") });
    expect(await page.explain("101", 280)).toEqual({ reply: "explain", ok: true });
    const inside = page.traits.inside as { step: number; asked: number; probs: number[] };
    expect([inside.step, inside.asked]).toEqual([265, 280]); // 265 is 15 away, the live 300 is 20
    expect(maxDiff(flat(inside.probs), Array.from(direct([265]).probs).map((x) => Number(x.toPrecision(6))))).toBe(0);
    expect(await page.explain("101", 290)).toEqual({ reply: "explain", ok: true });
    expect((page.traits.inside as { step: number }).step).toBe(300); // nearer the live step
  });

  it("on the main thread (no Worker) a replay is capped at 20 steps: the nearest step that fits", async () => {
    const page = savedPage({ ...seed, steps: 50 }, seed.run_string, undefined, "main thread");
    expect(await page.explain("101", 10)).toEqual({ reply: "explain", ok: true });
    expect((page.traits.inside as { step: number }).step).toBe(10);
    expect(await page.explain("101", 30)).toEqual({ reply: "explain", ok: true });
    expect(page.traits.inside).toMatchObject({ step: 20, asked: 30 }); // 10 from the asked step; the live 50 is 20
  });

  it("Reset replaces the model: the panel's trait is cleared", async () => {
    const page = savedPage(seed);
    await page.explain("000", null);
    expect((page.traits.inside as { step: number }).step).toBe(50);
    page.host.command({ cmd: "reset" });
    await page.host.settled();
    expect(page.traits.inside).toEqual({});
    expect(await page.explain("000", null)).toEqual({ reply: "explain", ok: true });
    expect((page.traits.inside as { step: number }).step).toBe(0);
  });
});
