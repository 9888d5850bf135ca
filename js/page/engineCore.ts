// The page's training engine behind one message protocol, so the same code runs in a Web Worker
// (engineWorker.ts) or, where a page cannot start one, on the main thread (engineBackend.ts).
// It owns the run: the state the page was saved with, a fresh run from the seed for Reset (the
// run before it kept until the next step or settings change, for Undo reset), the page's settings
// changes (data, lr and weight decay applied to the running model; architecture or seed: a fresh
// model from torch.manual_seed(seed), as Python's configure rebuilds it).
import { BabyGPTEngine, TrainingDivergedError, decodeState } from "../engine";
import type { RunSettings } from "../engine";

export type EngineRequest =
  | { op: "init"; state: ArrayBuffer }
  | { op: "steps"; n: number }
  | { op: "reset" }
  | { op: "undo_reset" }
  | { op: "configure"; sequence?: number[]; lr?: number; weightDecay?: number }
  | { op: "build"; settings: RunSettings };

/** The run after a request: one row per completed step (for "steps"), or the current one. */
export interface EngineRow {
  step: number;
  loss: number;
  /** Every context's probabilities, shorter contexts first (nodes x V). */
  probs: Float32Array;
}

export interface EngineReply {
  rows: EngineRow[];
  /** The run diverged (rolled back one step) or a request was bad: Python's message. */
  error: string | null;
  /** After configure / build / undo_reset: every context's data counts (nodes x V). */
  counts?: Float32Array;
}

export class EngineCore {
  private engine: BabyGPTEngine | null = null;
  /** The run a Reset replaced, until the next step or settings change. */
  private undo: BabyGPTEngine | null = null;

  handle(req: EngineRequest): EngineReply {
    try {
      if (req.op === "init") {
        this.engine = BabyGPTEngine.fromState(decodeState(req.state));
        return { rows: [this.row()], error: null };
      }
      if (!this.engine) return { rows: [], error: "train: the page's engine has no run loaded" };
      if (req.op === "reset") {
        this.undo = this.engine;
        this.engine = new BabyGPTEngine(this.engine.runSettings()); // torch.manual_seed(seed) + the model's init
        return { rows: [this.row()], error: null };
      }
      if (req.op === "undo_reset") {
        if (!this.undo) return { rows: [], error: "undo_reset: nothing to undo: no reset since the last training step or settings change" };
        [this.engine, this.undo] = [this.undo, null];
        return { rows: [this.row()], error: null, counts: this.engine.dataCounts() };
      }
      this.undo = null; // training or a settings change: the reset is final (as in Python)
      if (req.op === "configure") {
        this.engine.configure(req);
        return { rows: [this.row()], error: null, counts: this.engine.dataCounts() };
      }
      if (req.op === "build") {
        this.engine = new BabyGPTEngine(req.settings);
        return { rows: [this.row()], error: null, counts: this.engine.dataCounts() };
      }
      const rows: EngineRow[] = [];
      try {
        for (let i = 0; i < req.n; i++) {
          this.engine.step();
          rows.push(this.row());
        }
      } catch (e) {
        if (!(e instanceof TrainingDivergedError)) throw e;
        return { rows: rows.length ? rows : [this.row()], error: e.message };
      }
      return { rows, error: null };
    } catch (e) {
      return { rows: [], error: e instanceof Error ? e.message : String(e) };
    }
  }

  private row(): EngineRow {
    const engine = this.engine!;
    return { step: engine.globalStep, loss: engine.loss(), probs: engine.probabilities() };
  }
}
