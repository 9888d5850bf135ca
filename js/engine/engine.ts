// The babyGPT training engine: the seed's model trained full batch with AdamW, numerically the
// Python engine's (babygpt_widget.BabyGPT) own computation, so a run can continue in a page
// where Python left it. One step = the forward over every context (loss and the chain's
// probabilities of the weights it starts from), the backward, one AdamW update.

import { type ModelShape, type RunSettings, type TeachSpec, validateSettings } from "./config";
import { initialWeights } from "./init";
import { adamwStep } from "./kernels/adamw";
import { type Layout, makeLayout } from "./layout";
import { Activations } from "./model/activations";
import { Backward } from "./model/backward";
import { Forward } from "./model/forward";
import { Loss, probabilities } from "./model/loss";
import { type TrainingTarget, trainingTarget } from "./model/teach";
import { ContextSpace, dataCounts } from "./space";
import { type ForwardTrace, forwardTrace } from "./model/trace";
import type { EngineState, OptimizerState } from "./state_io";

export type { OptimizerState } from "./state_io";

export const BETA1 = 0.9;
export const BETA2 = 0.999;
export const EPS = 1e-8;

/** The loss became non-finite; the engine rolled back to the last finite step (as Python's TrainingDiverged). */
export class TrainingDivergedError extends Error {
  constructor(message: string, readonly step: number) {
    super(message);
    this.name = "TrainingDivergedError";
  }
}

export class BabyGPTEngine {
  readonly shape: ModelShape;
  readonly layout: Layout;
  readonly space: ContextSpace;
  private settings: RunSettings;
  private weights: Float32Array;
  private expAvg: Float32Array;
  private expAvgSq: Float32Array;
  private stepCount = 0;
  private counts: Float32Array; // the data's
  private nWindows: number;
  private target: TrainingTarget; // what a step trains on: the data's counts, or with taught rows
  private readonly grads: Float32Array;
  private readonly acts: Activations;
  private readonly forwardPass: Forward;
  private readonly backwardPass: Backward;
  private readonly lossFn: Loss;
  private readonly probs: Float32Array;
  private evaluated = false; // acts/loss/probs describe the current weights
  private currentLoss = NaN;
  // the state before the last update, for rolling back a divergence (buffers reused every step)
  private previous: { weights: Float32Array; expAvg: Float32Array; expAvgSq: Float32Array; step: number } | null = null;
  private spare: { weights: Float32Array; expAvg: Float32Array; expAvgSq: Float32Array; step: number } | null = null;
  private rolledBackTo: number | null = null;

  /** A fresh run: torch.manual_seed(seed) weights, empty AdamW state, step 0. */
  constructor(settings: RunSettings, state?: { weights: Float32Array; optimizer: OptimizerState }) {
    this.settings = validateSettings(settings);
    const { vocabSize, contextLength, nLayer, nHead, nEmbd } = this.settings;
    this.shape = { vocabSize, contextLength, nLayer, nHead, nEmbd };
    this.layout = makeLayout(this.shape);
    this.space = new ContextSpace(vocabSize, contextLength);
    const P = this.layout.total;
    if (state) {
      checkLength("weights", state.weights, P);
      checkLength("expAvg", state.optimizer.expAvg, P);
      checkLength("expAvgSq", state.optimizer.expAvgSq, P);
      this.weights = Float32Array.from(state.weights);
      this.expAvg = Float32Array.from(state.optimizer.expAvg);
      this.expAvgSq = Float32Array.from(state.optimizer.expAvgSq);
      if (!Number.isInteger(state.optimizer.step) || state.optimizer.step < 0) throw new RangeError(`step: must be a non-negative integer; got ${state.optimizer.step}`);
      if (state.optimizer.expAvgSq.some((x) => x < 0)) throw new RangeError("expAvgSq: must be >= 0");
      this.stepCount = state.optimizer.step;
    } else {
      this.weights = initialWeights(this.shape, this.layout, this.settings.seed);
      this.expAvg = new Float32Array(P);
      this.expAvgSq = new Float32Array(P);
    }
    this.counts = dataCounts(this.space, this.settings.sequence);
    this.nWindows = this.settings.sequence.length - contextLength;
    this.target = trainingTarget(this.space, this.counts, this.nWindows, this.settings.teach);
    this.grads = new Float32Array(P);
    this.acts = new Activations(this.shape, this.space);
    this.forwardPass = new Forward(this.shape, this.layout, this.space);
    this.lossFn = new Loss(this.space, vocabSize);
    this.backwardPass = new Backward(this.shape, this.layout, this.space, this.grads);
    this.probs = new Float32Array(this.space.nodes * vocabSize);
  }

  /** Completed optimizer steps (Python's global_step). */
  get globalStep(): number {
    return this.stepCount;
  }

  get parameterCount(): number {
    return this.layout.total;
  }

  get lr(): number {
    return this.settings.lr;
  }

  get weightDecay(): number {
    return this.settings.weightDecay;
  }

  /** Settings that apply to the running model: the data, lr, weight decay and taught rows (null:
   *  none), as Python's configure; keys left out keep their values. */
  configure(values: { sequence?: ArrayLike<number>; lr?: number; weightDecay?: number; teach?: TeachSpec | null }): void {
    const next = validateSettings({
      ...this.settings,
      sequence: values.sequence !== undefined ? Array.from(values.sequence) : this.settings.sequence,
      lr: values.lr ?? this.settings.lr,
      weightDecay: values.weightDecay ?? this.settings.weightDecay,
      teach: values.teach !== undefined ? values.teach : this.settings.teach,
    }, "sequence");
    this.settings = next;
    this.counts = dataCounts(this.space, next.sequence);
    this.nWindows = next.sequence.length - this.shape.contextLength;
    this.target = trainingTarget(this.space, this.counts, this.nWindows, next.teach);
    this.evaluated = false;
    this.previous = null; // a rollback must not cross a settings change
  }

  /** Loss of the current weights on the training windows (the data's, also while rows are taught). */
  loss(): number {
    this.evaluate();
    return this.currentLoss;
  }

  /** (nodes x V) next-token probabilities of every context, shorter ones first (a copy). */
  probabilities(): Float32Array {
    this.evaluate();
    return this.probs.slice();
  }

  /** The parameters in layout order (a copy). */
  parameters(): Float32Array {
    return this.weights.slice();
  }

  optimizerState(): OptimizerState {
    return { step: this.stepCount, expAvg: this.expAvg.slice(), expAvgSq: this.expAvgSq.slice() };
  }

  /** The run's settings (a copy; `teach` is null when nothing is taught). */
  runSettings(): RunSettings {
    const t = this.settings.teach;
    const teach = t == null ? null : { weight: t.weight, rows: t.rows.map((r) => ({ context: r.context.slice(), probs: r.probs.slice() })) };
    return { ...this.settings, sequence: Int32Array.from(this.settings.sequence), teach };
  }

  /** Weights, AdamW moments and step: what a saved page needs to continue the run (see state_io.ts;
   *  the blob leaves `teach` out: Python never saves a run while rows are taught). */
  exportState(): EngineState {
    return { settings: this.runSettings(), weights: this.parameters(), optimizer: this.optimizerState() };
  }

  /** Continues a run from an exported (or Python-written) state. */
  static fromState(state: EngineState): BabyGPTEngine {
    return new BabyGPTEngine(state.settings, state);
  }

  /** One context's forward pass laid open (embeddings, attention, logit lens); 1..C token ids. */
  forwardTrace(context: ArrayLike<number>): ForwardTrace {
    this.evaluate();
    return forwardTrace(this.shape, this.layout, this.space, this.weights, this.acts, context);
  }

  /** Data counts of every context (nodes x V): the data's, also while rows are taught. */
  dataCounts(): Float32Array {
    return this.counts.slice();
  }

  /** One optimizer step; returns the loss of the weights it started from (Python's step()). */
  step(): number {
    this.evaluate();
    const loss = this.currentLoss;
    this.backwardPass.run(this.weights, this.acts, this.lossFn, this.target.counts, this.target.nWindows);
    const keep = this.spare ?? this.previous ?? {
      weights: new Float32Array(this.layout.total), expAvg: new Float32Array(this.layout.total),
      expAvgSq: new Float32Array(this.layout.total), step: 0,
    };
    keep.weights.set(this.weights);
    keep.expAvg.set(this.expAvg);
    keep.expAvgSq.set(this.expAvgSq);
    keep.step = this.stepCount;
    this.previous = keep;
    this.spare = null;
    const step = this.stepCount + 1;
    const s = { lr: this.settings.lr, weightDecay: this.settings.weightDecay, beta1: BETA1, beta2: BETA2, eps: EPS };
    for (const p of this.layout.params) adamwStep(this.weights, this.grads, this.expAvg, this.expAvgSq, p.offset, p.size, step, s);
    this.stepCount = step;
    this.evaluated = false;
    return loss;
  }

  /** n steps; their losses in order. Stops with TrainingDivergedError (after rolling back). */
  train(n: number, onStep?: (step: number, loss: number) => void): number[] {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n: must be a non-negative integer; got ${n}`);
    const losses: number[] = [];
    for (let i = 0; i < n; i++) {
      const loss = this.step();
      losses.push(loss);
      onStep?.(this.stepCount, loss);
    }
    this.evaluate();
    return losses;
  }

  /** Forward over every context for the current weights (loss and probabilities); rolls back on divergence. */
  private evaluate(): void {
    if (this.evaluated) return;
    this.forwardPass.run(this.weights, this.acts);
    const { counts, nWindows } = this.target;
    this.currentLoss = this.lossFn.value(this.acts.logits, counts, nWindows);
    probabilities(this.acts.logits, this.space.nodes, this.shape.vocabSize, this.probs);
    this.evaluated = true;
    if (!Number.isFinite(this.currentLoss)) this.rollBack(this.currentLoss); // the loss trained on decides
    // taught: the run records the data's loss from the same logits (Trainer._record)
    if (counts !== this.counts) this.currentLoss = this.lossFn.value(this.acts.logits, this.counts, this.nWindows);
  }

  private rollBack(loss: number): never {
    const bad = this.stepCount;
    const prev = this.previous;
    let kept: string;
    if (prev !== null && bad - 1 >= 0 && bad !== this.rolledBackTo) {
      this.weights.set(prev.weights);
      this.expAvg.set(prev.expAvg);
      this.expAvgSq.set(prev.expAvgSq);
      this.stepCount = prev.step;
      this.rolledBackTo = prev.step;
      this.spare = prev;
      this.previous = null;
      this.evaluated = false;
      this.evaluate(); // the state rolled back to had a finite loss when it was trained
      kept = `training stopped and the model was kept at step ${this.stepCount}.`;
    } else {
      throw new TrainingDivergedError(`train: the loss became ${loss} at step ${bad}; the weights are no longer finite and could not be rolled back. Reset (or load a saved run).`, bad);
    }
    const { lr, weightDecay: wd } = this.settings;
    let advice: string;
    if (lr * wd >= 1) advice = `${kept} Lower lr (now ${lr}) or weight_decay (now ${wd}): with lr × weight_decay ≥ 1 every step flips and grows the weights.`;
    else if (lr > 0.01) advice = `${kept} Lower lr (now ${lr}) or reset.`;
    else advice = `${kept} lr (now ${lr}) is small, so lowering it may not help: reset, or change the data.`;
    throw new TrainingDivergedError(`train: the loss became ${loss} at step ${bad}; ${advice}`, bad);
  }
}

function checkLength(field: string, a: Float32Array, n: number): void {
  if (!(a instanceof Float32Array) || a.length !== n) throw new RangeError(`${field}: expected ${n} float32 values; got ${a?.length}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) throw new RangeError(`${field}: value ${i} is not finite`);
}
