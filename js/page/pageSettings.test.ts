// @vitest-environment node
// The saved page's settings against Python's own answers (tests/golden/page_config_golden.json,
// written by tests/golden/make_page_config_golden.py through BabyGPTWidget._on_message): the
// same commands sent to the page's host (real engine, main-thread backend) give the same replies,
// the same inline errors, the same run string, step, config and can_undo_reset after every
// command, and at the end the same chain (the training path's probabilities, bit for bit), data
// counts and state labels. Settings the page's engine does not follow exactly are refused inline.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { floats, ints } from "./pageHistory";
import { openPage } from "./pageTestKit";

interface Step {
  command: { cmd: string; values?: Record<string, unknown>; n?: number };
  reply?: { reply: string; ok: boolean; error?: string; field?: string } | null;
  not_exact?: string;
  errors?: Record<string, string>;
  run_string?: string;
  step?: number;
  config?: Record<string, unknown>;
  can_undo_reset?: boolean;
}
interface Script {
  start: { run_string: string; config: Record<string, unknown>; states: string[]; prefix_states: string[] };
  steps: Step[];
  end: { probs: number[]; loss: number; history_steps: number[]; states: string[]; prefix_states: string[]; data_counts: number[]; prefix_data_counts: number[] };
}
const GOLDEN = JSON.parse(readFileSync(new URL("../../tests/golden/page_config_golden.json", import.meta.url), "utf8")) as {
  validation: Script;
  run_strings: Script[];
};

async function play(script: Script) {
  const { traits, replies: sent, host } = openPage(script.start);
  const replies = sent as Step["reply"][];
  const pageOnly: Record<string, string> = {}; // refusals Python does not make (it accepted; the generator undid it)
  for (const [i, s] of script.steps.entries()) {
    const where = `step ${i}: ${JSON.stringify(s.command).slice(0, 80)}`;
    replies.length = 0;
    host.command(s.command);
    await host.settled();
    await new Promise((r) => setTimeout(r, 0));
    const answered = s.command.cmd === "configure" || s.command.cmd === "undo_reset";
    if (s.not_exact !== undefined) {
      const field = Object.keys(s.command.values!)[0];
      expect(replies.at(-1), where).toMatchObject({ ok: false, field });
      expect(replies.at(-1)!.error, where).toContain(s.not_exact);
      pageOnly[field] = replies.at(-1)!.error!;
      continue;
    }
    if (answered) expect(replies.at(-1), where).toEqual(s.reply);
    if (s.command.cmd === "configure" && s.reply?.ok) for (const k of Object.keys(s.command.values!)) delete pageOnly[k];
    if (s.reply && !s.reply.ok && s.reply.field) delete pageOnly[s.reply.field];
    expect(traits.errors ?? {}, where).toEqual({ ...s.errors, ...pageOnly });
    expect(traits.run_string, where).toBe(s.run_string);
    expect(traits.global_step, where).toBe(s.step);
    expect({ ...(traits.config as object), seed: String((traits.config as { seed: unknown }).seed) }, where).toEqual(s.config);
    expect(traits.can_undo_reset ?? false, where).toBe(s.can_undo_reset);
  }
  await new Promise((r) => setTimeout(r, 300)); // the history's last push
  const e = script.end;
  const steps = Array.from(ints(traits.history_steps));
  expect(steps).toEqual(e.history_steps);
  const live = [...floats(traits.prefix_probs), ...floats(traits.probs)];
  expect(Float32Array.from(live)).toEqual(Float32Array.from(e.probs)); // bit for bit
  expect(traits.loss).toBe(Math.fround(e.loss));
  expect(traits.states).toEqual(e.states);
  expect(traits.prefix_states).toEqual(e.prefix_states);
  expect(Array.from(ints(traits.data_counts))).toEqual(e.data_counts);
  expect(Array.from(ints(traits.prefix_data_counts))).toEqual(e.prefix_data_counts);
  host.destroy();
}

describe("the saved page's settings answer as Python's widget does", { timeout: 300_000 }, () => {
  it("every bad field and range: Python's message inline, the run untouched; the cost guard's refusals; settings the page cannot follow exactly refused", async () => {
    await play(GOLDEN.validation);
  });

  GOLDEN.run_strings.forEach((script, i) => {
    it(`run string ${i + 1}: ${script.steps.map((s) => s.command.cmd === "configure" ? Object.keys(s.command.values!)[0] : s.command.cmd).join(", ")} — Python's string after every command, the same chain at the end`, async () => {
      await play(script);
    });
  });
});
