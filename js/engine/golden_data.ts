// Reads tests/golden/engine_golden.json (written by tests/golden/make_engine_golden.py) for the
// engine's tests, and turns its settings into engine settings.

import { readFileSync } from "node:fs";
import type { RunSettings } from "./config";

export interface GoldenCheckpoint {
  step: number;
  weights_checksum: string;
  weights_head: number[];
  exp_avg_checksum: string;
  exp_avg_sq_checksum: string;
  probs: number[];
  drift_f32_f64: number;
  drift_f32_f64_full_contexts: number;
  live_vs_training: number;
}

export interface GoldenRun {
  settings: { sequence: string; alphabet: string; context_length: number; n_layer: number; n_head: number; n_embd: number;
    lr: number; weight_decay: number; seed: string };
  n_parameters: number;
  init_checksum: string;
  losses: Record<string, number>;
  losses_checksum: string;
  checkpoints: GoldenCheckpoint[];
}

export interface GoldenInit {
  V: number; C: number; n_layer: number; n_head: number; n_embd: number; seed: string; checksum: string; head: number[];
}

export interface Golden {
  about: string;
  steps: number[];
  init: GoldenInit[];
  runs: Record<string, GoldenRun>;
}

export function loadGolden(): Golden {
  const url = new URL("../../tests/golden/engine_golden.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Golden;
}

export function settingsOf(run: GoldenRun): RunSettings {
  const s = run.settings;
  return {
    vocabSize: s.alphabet.length, contextLength: s.context_length, nLayer: s.n_layer, nHead: s.n_head, nEmbd: s.n_embd,
    sequence: Array.from(s.sequence).map((ch) => s.alphabet.indexOf(ch)), lr: s.lr, weightDecay: s.weight_decay,
    seed: BigInt(s.seed),
  };
}
