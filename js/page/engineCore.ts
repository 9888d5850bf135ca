// The page's training engine behind one message protocol, so the same code runs in a Web Worker
// (engineWorker.ts) or, where a page cannot start one, on the main thread (engineBackend.ts).
// It owns the run: the state the page was saved with, and a fresh run from the seed for Reset.
import { BabyGPTEngine, TrainingDivergedError, decodeState } from "../engine";
import type { RunSettings } from "../engine";

export type EngineRequest =
  | { op: "init"; state: ArrayBuffer }
  | { op: "steps"; n: number }
  | { op: "reset" };

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
}

export class EngineCore {
  private engine: BabyGPTEngine | null = null;
  private settings: RunSettings | null = null;

  handle(req: EngineRequest): EngineReply {
    try {
      if (req.op === "init") {
        const state = decodeState(req.state);
        this.settings = state.settings;
        this.engine = BabyGPTEngine.fromState(state);
        return { rows: [this.row()], error: null };
      }
      if (!this.engine || !this.settings) return { rows: [], error: "train: the page's engine has no run loaded" };
      if (req.op === "reset") {
        this.engine = new BabyGPTEngine(this.settings); // torch.manual_seed(seed) + the model's init
        return { rows: [this.row()], error: null };
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
