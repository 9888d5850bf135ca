// @vitest-environment node
// Taught rows against the Python engine (tests/golden/make_teach_golden.py): runs that nudge and
// teach through BabyGPT, replayed segment by segment from their run strings' settings. Every
// recorded loss (the data's while rows are taught), the probabilities at each segment's end, the
// final weights and AdamW moments: bit for bit.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fnv1a } from "./checksum";
import type { TeachSpec } from "./config";
import { BabyGPTEngine } from "./engine";
import { type GoldenRun, settingsOf } from "./golden_data";
import { f32 } from "./golden_runs";
import { sumAll } from "./kernels/torch_sum";

interface TeachRun {
  settings: GoldenRun["settings"];
  init_checksum: string;
  run_string: string;
  segments: { start: number; steps: number; lr: number; weight_decay: number; sequence: string; teach: TeachSpec | null }[];
  losses: number[];
  checkpoints: { step: number; probs: number[] }[];
  final: { step: number; weights_checksum: string; exp_avg_checksum: string; exp_avg_sq_checksum: string; data_counts: number[][] };
}

const golden = JSON.parse(readFileSync(new URL("../../tests/golden/teach_golden.json", import.meta.url), "utf8")) as
  { runs: Record<string, TeachRun>; sums: { rows: number; V: number; kind: string; sum: number }[] };

/** make_teach_golden.sum_values: a double quotient rounded to float32, as numpy does. */
function sumValues(rows: number, V: number, kind: string): Float32Array {
  const out = new Float32Array(rows * V);
  for (let i = 0; i < out.length; i++) out[i] = kind === "fractional" ? ((i * 7919) % 1009) / 37 : i % 13 === 5 ? (i % 97) * 0.37 + 1 / 3 : (i * 31) % 7;
  return out;
}

describe("n_windows of taught counts: torch's float32 sum of the (rows, V) count matrix", () => {
  for (const c of golden.sums) {
    it(`${c.rows} x ${c.V}, ${c.kind}`, () => {
      const x = sumValues(c.rows, c.V, c.kind);
      expect(sumAll(x, x.length)).toBe(c.sum);
      let plain = 0; // the order matters: a plain running sum misses some
      for (const v of x) plain = Math.fround(plain + v);
      if (c.rows === 4096 && c.kind === "fractional") expect(plain).not.toBe(c.sum);
    });
  }
});

describe("taught rows against the Python engine's nudge / teach", () => {
  for (const [name, run] of Object.entries(golden.runs)) {
    it(`${name}: ${run.run_string.split("|").length} segments, every loss and the chain bit for bit`, () => {
      const engine = new BabyGPTEngine(settingsOf({ settings: run.settings } as GoldenRun));
      expect(fnv1a(engine.parameters())).toBe(run.init_checksum);
      const seq = (s: string) => Array.from(s).map((ch) => run.settings.alphabet.indexOf(ch));
      const losses: number[] = [];
      let taughtSteps = 0;
      for (const seg of run.segments) {
        engine.configure({ sequence: seq(seg.sequence), lr: seg.lr, weightDecay: seg.weight_decay, teach: seg.teach });
        expect(engine.runSettings().teach ?? null).toEqual(seg.teach);
        const end = seg.start + seg.steps;
        for (const cp of run.checkpoints.filter((c) => c.step > seg.start && c.step <= end)) {
          losses.push(...engine.train(cp.step - engine.globalStep));
          expect(Array.from(engine.probabilities())).toEqual(f32(cp.probs));
        }
        losses.push(...engine.train(end - engine.globalStep));
        if (seg.teach !== null) taughtSteps += seg.steps;
      }
      expect(taughtSteps).toBeGreaterThan(0);
      losses.push(engine.loss());
      expect(losses).toEqual(f32(run.losses));
      expect(engine.globalStep).toBe(run.final.step);
      expect(fnv1a(engine.parameters())).toBe(run.final.weights_checksum);
      const opt = engine.optimizerState();
      expect(fnv1a(opt.expAvg)).toBe(run.final.exp_avg_checksum);
      expect(fnv1a(opt.expAvgSq)).toBe(run.final.exp_avg_sq_checksum);
      const V = run.settings.alphabet.length;
      expect(Array.from(engine.dataCounts().subarray(engine.space.leafStart * V))).toEqual(run.final.data_counts.flat());
    }, 300_000);
  }
});
