// The page engine's past steps, for the inside panel: weight snapshots of the running lineage
// (the saved state, step 0 when the page knows the run from its start, one every `stride` steps
// while training, one at every settings change) and a bounded replay from the nearest one, as
// babygpt_widget/analysis/past_steps.py and core/snapshots.py do it in Python: at most
// `replayLimit` steps (request_cost.replay_limit: REPLAY_SECONDS over the cost guard's per-step
// estimate), beyond that the nearest step that fits (snapshots.nearest's rule).
import { BabyGPTEngine } from "../engine";
import type { EngineState, RunSettings, TeachSpec } from "../engine";
import { estimateCost } from "../engine/cost";

/** request_cost.REPLAY_SECONDS: rebuilding a past step replays at most this much training. */
export const REPLAY_SECONDS = 1.0;
/** Snapshots kept at most (thinned evenly past this: every other one dropped, the stride doubled),
 *  and at most this many bytes of them (weights + both AdamW moments, float32). */
const MAX_SNAPSHOTS = 64;
const MAX_SNAPSHOT_BYTES = 64 * 2 ** 20;

/** The live settings from step `start` on (a segment of the run string). */
export interface Segment {
  start: number;
  settings: RunSettings;
}

/** request_cost.replay_limit: training steps a rebuild may replay (0: none fits in memory). */
export function replayLimit(s: RunSettings): number {
  const c = estimateCost(s.vocabSize, s.contextLength, s.nLayer, s.nHead, s.nEmbd, s.sequence.length);
  if (2 * c.stepBytes > 1_500_000_000) return 0;
  return Math.floor(REPLAY_SECONDS / c.stepSeconds);
}

const sameShape = (a: RunSettings, b: RunSettings): boolean =>
  a.vocabSize === b.vocabSize && a.contextLength === b.contextLength && a.nLayer === b.nLayer && a.nHead === b.nHead &&
  a.nEmbd === b.nEmbd && BigInt(a.seed) === BigInt(b.seed);
const sameLive = (a: RunSettings, b: RunSettings): boolean =>
  a.lr === b.lr && a.weightDecay === b.weightDecay && a.sequence.length === b.sequence.length &&
  Array.from(a.sequence).every((t, i) => t === b.sequence[i]) && sameTeach(a.teach ?? null, b.teach ?? null);
const sameNumbers = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const sameTeach = (a: TeachSpec | null, b: TeachSpec | null): boolean =>
  a === null || b === null ? a === b : a.weight === b.weight && a.rows.length === b.rows.length &&
    a.rows.every((r, i) => sameNumbers(r.context, b.rows[i].context) && sameNumbers(r.probs, b.rows[i].probs));

export class PastSteps {
  private snaps: EngineState[];
  private segments: Segment[];
  private stride: number;
  private readonly most: number;
  readonly limit: number;
  /** The last replayed model (a scrub forward continues from it). */
  private cache: BabyGPTEngine | null = null;

  /** `engine` is the live run; `segments` (optional) the run's settings from step 0, which
   *  lets steps before the engine's own be rebuilt from torch.manual_seed's weights. */
  constructor(engine: BabyGPTEngine, segments: Segment[] = []) {
    const now = engine.exportState();
    this.limit = replayLimit(now.settings);
    this.stride = Math.max(1, Math.floor(this.limit / 2));
    this.most = Math.max(4, Math.min(MAX_SNAPSHOTS, Math.floor(MAX_SNAPSHOT_BYTES / (12 * now.weights.length))));
    const known = segments.length > 0 && segments[0].start === 0 && segments.every((s, i) => i === 0 || s.start > segments[i - 1].start)
      && segments.every((s) => sameShape(s.settings, now.settings)) && segments[segments.length - 1].start <= engine.globalStep
      && sameLive(segments[segments.length - 1].settings, now.settings);
    if (known && engine.globalStep > 0) {
      this.snaps = [new BabyGPTEngine(segments[0].settings).exportState(), now];
      this.segments = segments.map((s) => ({ start: s.start, settings: s.settings }));
    } else {
      this.snaps = [now];
      this.segments = [{ start: engine.globalStep, settings: now.settings }];
    }
  }

  /** An independent copy (undo keeps the lineage's past as it was before a push). */
  copy(): PastSteps {
    const c = Object.create(PastSteps.prototype) as PastSteps;
    return Object.assign(c, this, { snaps: this.snaps.slice(), segments: this.segments.slice(), cache: null });
  }

  /** The oldest step that can be rebuilt. */
  get floor(): number {
    return this.snaps[0].optimizer.step;
  }

  /** After a training step of the live run: a snapshot every `stride` steps. */
  stepped(engine: BabyGPTEngine): void {
    if (engine.globalStep - this.snaps[this.snaps.length - 1].optimizer.step < this.stride) return;
    this.snaps.push(engine.exportState());
    if (this.snaps.length > this.most) {
      this.snaps = this.snaps.filter((_, i) => i === 0 || i % 2 === 0 || i === this.snaps.length - 1);
      this.stride *= 2;
    }
  }

  /** The live settings changed at the engine's step (data, lr, weight decay, taught rows). */
  configured(engine: BabyGPTEngine): void {
    const step = engine.globalStep;
    const settings = engine.runSettings();
    this.segments = [...this.segments.filter((s) => s.start < step), { start: step, settings }];
    this.snaps = [...this.snaps.filter((s) => s.optimizer.step < step), engine.exportState()];
    this.cache = null;
  }

  /** A divergence rolled the live run back: snapshots past its step are of a run that did not happen. */
  rolledBack(engine: BabyGPTEngine): void {
    this.snaps = this.snaps.filter((s, i) => i === 0 || s.optimizer.step <= engine.globalStep);
    this.cache = null;
  }

  /** snapshots.nearest: the step nearest `step` (the earlier on a tie) a replay of at most
   *  `limit` steps rebuilds: from the snapshot before it, the next snapshot, or `now`. */
  nearest(step: number, now: number, limit = this.limit): number {
    const candidates = [now, ...this.snaps.map((s) => s.optimizer.step)];
    const base = this.base(step);
    if (base !== null && step >= this.floor) candidates.push(Math.min(step, base.optimizer.step + Math.max(0, limit)));
    return candidates.reduce((best, c) => {
      const d = Math.abs(c - step) - Math.abs(best - step);
      return d < 0 || (d === 0 && c < best) ? c : best;
    });
  }

  /** The model after `step` steps (step in floor..now-1, within the replay limit of a snapshot). */
  modelAt(step: number): BabyGPTEngine {
    const base = this.base(step)!;
    const cached = this.cache;
    let engine = cached !== null && cached.globalStep <= step && cached.globalStep >= base.optimizer.step
      ? cached : BabyGPTEngine.fromState(base);
    let segment = -1;
    while (true) {
      const at = this.segmentAt(engine.globalStep);
      if (at !== segment) {
        const s = this.segments[at].settings;
        engine.configure({ sequence: s.sequence, lr: s.lr, weightDecay: s.weightDecay, teach: s.teach ?? null });
        segment = at;
      }
      if (engine.globalStep >= step) break;
      engine.step();
    }
    this.cache = engine;
    return engine;
  }

  /** The last snapshot at or before `step`. */
  private base(step: number): EngineState | null {
    let found: EngineState | null = null;
    for (const s of this.snaps) if (s.optimizer.step <= step) found = s;
    return found;
  }

  /** Replay distance from the base snapshot. */
  distance(step: number): number {
    const b = this.base(step);
    return b === null ? Infinity : step - b.optimizer.step;
  }

  private segmentAt(step: number): number {
    let at = 0;
    this.segments.forEach((s, i) => {
      if (s.start <= step) at = i;
    });
    return at;
  }
}
