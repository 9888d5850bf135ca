// @vitest-environment node
// A page's pushes against Python's own answers (tests/golden/page_push_golden.json, written by
// tests/golden/make_page_push_golden.py through BabyGPTWidget._on_message): the same nudge / teach /
// undo / train / configure / reset commands sent to the page's host (real engine) give the same
// replies, inline errors, run string, step, config, can_undo(_reset) and `taught` trait after every
// command — the summary line to the letter, the chain before, the movers and the distance equal
// (Python's live chain is the training step's, which the page's engine computes bit for bit) —
// and at the end the same chain bit for bit and the same history, the data's loss recorded while
// a push trained.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { floats, ints } from "./pageHistory";
import { openPage } from "./pageTestKit";
import type { SavedStart } from "./pageTestKit";
import { fsum, numpySum, pyG, pyFixed, pyPercent, pyRound } from "./pyNumbers";

interface Step {
  command: { cmd: string } & Record<string, unknown>;
  reply: { reply: string; ok: boolean; error?: string; field?: string } | null;
  errors: Record<string, string>;
  run_string: string;
  step: number;
  config: Record<string, unknown>;
  can_undo_reset: boolean;
  can_undo: string;
  taught: Record<string, unknown>;
}
interface Script {
  start: SavedStart;
  steps: Step[];
  end: { probs: number[]; loss: number; history_steps: number[]; history_losses: number[] };
}
const GOLDEN = JSON.parse(readFileSync(new URL("../../tests/golden/page_push_golden.json", import.meta.url), "utf8")) as {
  validation: Script;
  runs: Script[];
  formats: [number, string, string][];
  rounds: [number, number][];
  fsums: [number[], number][];
  numpy_sums: [number[], number][];
};

const ANSWERED = ["configure", "nudge", "teach", "undo", "undo_reset"];

async function play(script: Script): Promise<void> {
  const { traits, replies, host } = openPage(script.start);
  for (const [i, s] of script.steps.entries()) {
    const where = `step ${i}: ${JSON.stringify(s.command).slice(0, 90)}`;
    replies.length = 0;
    host.command(s.command);
    await host.settled();
    await new Promise((r) => setTimeout(r, 0));
    if (ANSWERED.includes(s.command.cmd)) expect(replies.at(-1), where).toEqual(s.reply);
    expect(traits.errors ?? {}, where).toEqual(s.errors);
    expect(traits.run_string, where).toBe(s.run_string);
    expect(traits.global_step, where).toBe(s.step);
    expect({ ...(traits.config as object), seed: String((traits.config as { seed: unknown }).seed) }, where).toEqual(s.config);
    expect(traits.can_undo_reset ?? false, where).toBe(s.can_undo_reset);
    expect(traits.can_undo ?? "", where).toBe(s.can_undo);
    expect(traits.taught ?? {}, where).toEqual(s.taught); // the chain before, movers, distance: equal, not near
  }
  await new Promise((r) => setTimeout(r, 300)); // the history's last push
  const e = script.end;
  expect(Array.from(ints(traits.history_steps))).toEqual(e.history_steps);
  expect(Array.from(floats(traits.history_losses))).toEqual(e.history_losses.map(Math.fround)); // the data's loss, bit for bit
  const live = [...floats(traits.prefix_probs), ...floats(traits.probs)];
  expect(Float32Array.from(live)).toEqual(Float32Array.from(e.probs)); // bit for bit
  expect(traits.loss).toBe(Math.fround(e.loss));
  host.destroy();
}

describe("a page's pushes answer as Python's widget does", { timeout: 300_000 }, () => {
  it("every bad nudge / teach / undo: Python's reply and inline error; the run untouched", async () => {
    await play(GOLDEN.validation);
  });

  GOLDEN.runs.forEach((script, i) => {
    it(`run ${i + 1}: ${script.steps.map((s) => s.command.cmd).join(", ")} — Python's run string, taught trait and undo after every command, the same chain and history at the end`, async () => {
      await play(script);
    });
  });
});

describe("Python's digits", () => {
  it("format(x, '.1%' / '+.1%' / '.0%' / '.6g' / 'g' / '.1f') half to even on the exact binary value", () => {
    for (const [x, spec, text] of GOLDEN.formats) {
      const out = spec === ".1%" ? pyPercent(x, 1) : spec === "+.1%" ? pyPercent(x, 1, true) : spec === ".0%" ? pyPercent(x, 0)
        : spec === ".1f" ? pyFixed(x, 1) : pyG(x, 6);
      expect(out, `${x} ${spec}`).toBe(text);
    }
  });

  it("round(x, 12), math.fsum, numpy's pairwise sum", () => {
    for (const [x, r] of GOLDEN.rounds) expect(pyRound(x, 12), String(x)).toBe(r);
    for (const [xs, s] of GOLDEN.fsums) expect(fsum(xs)).toBe(s);
    for (const [xs, s] of GOLDEN.numpy_sums) expect(numpySum(xs)).toBe(s);
  });
});
