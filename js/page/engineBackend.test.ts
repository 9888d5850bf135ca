// @vitest-environment node
// The main-thread fallback runs the worker's own bundled source (page.js carries the engine once):
// built here as build.mjs builds it, run with a stand-in `self`, it answers exactly as EngineCore.
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { BabyGPTEngine, encodeState } from "../engine";
import type { RunSettings } from "../engine";
import { coreFromSource, createBackend } from "./engineBackend";
import { EngineCore } from "./engineCore";

const SEED: RunSettings = {
  vocabSize: 2, contextLength: 3, nLayer: 4, nHead: 4, nEmbd: 16,
  sequence: Array.from("111101111011110").map(Number), lr: 1e-3, weightDecay: 0.1, seed: 1337,
};

describe("the main-thread fallback", { timeout: 120_000 }, () => {
  it("runs the worker's bundled source and answers bit for bit as EngineCore", async () => {
    const built = await esbuild.build({ entryPoints: ["js/page/engineWorker.ts"], bundle: true, format: "iife", minify: true, write: false, target: ["es2020"] });
    const source = built.outputFiles[0].text;
    const fromSource = coreFromSource(source);
    const direct = new EngineCore();
    const state = encodeState(new BabyGPTEngine(SEED).exportState());
    const script = [
      { op: "init" as const, state: state.slice(0) },
      { op: "steps" as const, n: 3 },
      { op: "configure" as const, lr: 0.003, sequence: [1, 1, 0, 0, 1, 1, 0] },
      { op: "steps" as const, n: 2 },
      { op: "build" as const, settings: { ...SEED, contextLength: 2, seed: 7n } },
      { op: "steps" as const, n: 2 },
      { op: "reset" as const },
      { op: "undo" as const },
    ];
    for (const req of script) expect(fromSource.handle(req)).toEqual(direct.handle(req));
    const backend = createBackend(source); // no Worker in node: the main thread, from the source
    expect(backend.where).toBe("main thread");
    const reply = await backend.request({ op: "init", state: state.slice(0) });
    expect(reply.rows[0].step).toBe(0);
    backend.destroy();
  });

  it("a runtime with neither the source nor a core says so", () => {
    expect(() => createBackend(null)).toThrow(/no engine source/);
  });
});
