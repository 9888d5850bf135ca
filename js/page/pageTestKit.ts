// Tests only: a page saved at step 0 of a run, as save_html writes its traits, with the page's
// host on the real engine (main-thread backend) — what Python-written golden scripts replay on.
import { BabyGPTEngine, encodeState } from "../engine";
import { createBackend } from "./engineBackend";
import { EngineCore } from "./engineCore";
import { EngineHost } from "./engineHost";
import { engineSettings } from "./pageRun";
import { RunLog } from "./runLog";

export interface SavedStart {
  run_string: string;
  config: Record<string, unknown>;
  states: string[];
  prefix_states: string[];
}

export function openPage(start: SavedStart): { traits: Record<string, unknown>; replies: unknown[]; host: EngineHost } {
  const config = RunLog.parse(start.run_string)!.config!;
  const engine = new BabyGPTEngine(engineSettings(config));
  const p = engine.probabilities();
  const split = start.prefix_states.length * Array.from(config.alphabet).length;
  const dv = (a: Float32Array | Int32Array) => new DataView(a.buffer);
  const traits: Record<string, unknown> = {
    config: start.config, run_string: start.run_string, states: start.states, prefix_states: start.prefix_states,
    global_step: 0, naughty: [], sample_start: "111", walk: {}, errors: {},
    history_steps: dv(Int32Array.of(0)), history_losses: dv(Float32Array.of(engine.loss())),
    history_probs: dv(p.slice(split)), history_prefix_probs: dv(p.slice(0, split)),
  };
  const replies: unknown[] = [];
  const host = new EngineHost(
    { reply: (c) => replies.push(c), update: (v) => Object.assign(traits, v), get: (k) => traits[k] },
    createBackend(null, () => new EngineCore()),
    new Uint8Array(encodeState(engine.exportState())),
    { ...traits },
  );
  return { traits, replies, host };
}
