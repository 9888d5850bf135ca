// The page's training engine behind one message protocol, so the same code runs in a Web Worker
// (engineWorker.ts) or, where a page cannot start one, on the main thread (engineBackend.ts).
// It owns the run: the state the page was saved with, a fresh run from the seed for Reset (the
// run before it kept until the next step or settings change, for Undo reset), the page's settings
// changes (data, lr and weight decay applied to the running model; architecture or seed: a fresh
// model from torch.manual_seed(seed), as Python's configure rebuilds it).
import { BabyGPTEngine, TrainingDivergedError, decodeState } from "../engine";
import type { ForwardTrace, RunSettings } from "../engine";
import { PastSteps } from "./pastSteps";
import { commas } from "./pyFormat";
import type { Segment } from "./pastSteps";
import type { EngineTeach } from "./pageTeach";

export type EngineRequest =
  | { op: "init"; state: ArrayBuffer; segments?: Segment[] }
  /** The inside panel: one context's forward pass at `step` (null: live), replayed when past. */
  | { op: "explain"; context: number[]; step: number | null; maxReplay?: number }
  | { op: "steps"; n: number }
  | { op: "reset" }
  /** Back to the run before the last reset or push. */
  | { op: "undo" }
  /** A push begins (taught rows and its lr; the run before kept for undo) or ends (teach null, the lr back). */
  | { op: "push"; teach: EngineTeach | null; lr: number }
  | { op: "configure"; sequence?: number[]; lr?: number; weightDecay?: number; teach?: EngineTeach | null }
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
  /** After configure / build / undo / push: every context's data counts (nodes x V). */
  counts?: Float32Array;
  /** After explain: the step answered (the nearest that fits when the asked one does not), its forward pass. */
  explained?: { step: number; trace: ForwardTrace };
}

export class EngineCore {
  private engine: BabyGPTEngine | null = null;
  /** The run a Reset or a push replaced (and its past steps), until the next step or settings change. */
  private undo: { engine: BabyGPTEngine; past: PastSteps | null } | null = null;
  /** The running lineage's snapshots (past steps for the inside panel). */
  private past: PastSteps | null = null;
  /** A push runs: its steps keep the run before it for undo. */
  private pushing = false;

  handle(req: EngineRequest): EngineReply {
    try {
      if (req.op === "init") {
        this.engine = BabyGPTEngine.fromState(decodeState(req.state));
        this.past = new PastSteps(this.engine, req.segments ?? []);
        return { rows: [this.row()], error: null };
      }
      if (!this.engine) return { rows: [], error: "train: the page's engine has no run loaded" };
      if (req.op === "explain") return { rows: [], error: null, explained: this.explain(req.context, req.step, req.maxReplay) };
      if (req.op === "reset") {
        this.undo = { engine: this.engine, past: this.past };
        this.engine = new BabyGPTEngine({ ...this.engine.runSettings(), teach: null }); // torch.manual_seed(seed) + the model's init; never taught
        this.past = new PastSteps(this.engine);
        return { rows: [this.row()], error: null };
      }
      if (req.op === "undo") {
        if (!this.undo) return { rows: [], error: "undo: nothing to undo" };
        ({ engine: this.engine, past: this.past } = this.undo);
        this.undo = null;
        return { rows: [this.row()], error: null, counts: this.engine.dataCounts() };
      }
      if (req.op === "push") return this.push(req.teach, req.lr);
      if (!(req.op === "steps" && this.pushing)) this.undo = null; // training or a settings change: final (as in Python)
      if (req.op === "configure") {
        this.engine.configure(req);
        this.past?.configured(this.engine);
        return { rows: [this.row()], error: null, counts: this.engine.dataCounts() };
      }
      if (req.op === "build") {
        this.engine = new BabyGPTEngine(req.settings);
        this.past = new PastSteps(this.engine);
        return { rows: [this.row()], error: null, counts: this.engine.dataCounts() };
      }
      const rows: EngineRow[] = [];
      try {
        for (let i = 0; i < req.n; i++) {
          this.engine.step();
          this.past?.stepped(this.engine);
          rows.push(this.row());
        }
      } catch (e) {
        if (!(e instanceof TrainingDivergedError)) throw e;
        this.past?.rolledBack(this.engine);
        return { rows: rows.length ? rows : [this.row()], error: e.message };
      }
      return { rows, error: null };
    } catch (e) {
      return { rows: [], error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** A push begins (the run before kept: an exact copy) or ends; the settings segment is recorded for past steps. */
  private push(teach: EngineTeach | null, lr: number): EngineReply {
    const engine = this.engine!;
    if (teach !== null) this.undo = { engine: BabyGPTEngine.fromState(engine.exportState()), past: this.past?.copy() ?? null };
    engine.configure({ teach, lr });
    this.past?.configured(engine);
    this.pushing = teach !== null;
    return { rows: [this.row()], error: null, counts: engine.dataCounts() };
  }

  /** Python's plan_past with nearest=True: live, a snapshot, or a bounded replay from one. */
  private explain(context: number[], asked: number | null, maxReplay = Infinity): { step: number; trace: ForwardTrace } {
    const engine = this.engine!;
    const now = engine.globalStep;
    let step = asked ?? now;
    const past = this.past;
    const floor = Math.min(past?.floor ?? now, now);
    if (!Number.isInteger(step) || step < floor || step > now) {
      throw new RangeError(`step: must be an integer from ${commas(floor)} to ${commas(now)}; got ${step}`);
    }
    const limit = past === null ? 0 : Math.min(past.limit, maxReplay);
    if (step < now && past !== null && past.distance(step) > limit) step = past.nearest(step, now, limit);
    if (step >= now || past === null) return { step: now, trace: engine.forwardTrace(context) };
    return { step, trace: past.modelAt(step).forwardTrace(context) };
  }

  private row(): EngineRow {
    const engine = this.engine!;
    return { step: engine.globalStep, loss: engine.loss(), probs: engine.probabilities() };
  }
}
