// The run as a page's traits show it: the history (Python's thinning rule), the run log, the
// structure of the settings (states, the split of every context's row into shorter contexts and
// full ones), the errors, and the traits Python's `_push` sets from them (live chain, step, loss,
// run string every step; the history table at most every HISTORY_PUSH_MS).
import type { EngineRow } from "./engineCore";
import type { HostPort } from "./host";
import type { PageConfig } from "./pageConfig";
import { PageHistory, savedRows } from "./pageHistory";
import type { HistoryRow } from "./pageHistory";
import { structureOf } from "./pageStructure";
import type { Structure } from "./pageStructure";
import { clip } from "./pyFormat";
import type { RunLog } from "./runLog";

/** While training, the history traits (the whole table) go out at most this often; always at the end. */
const HISTORY_PUSH_MS = 250;

export class RunTraits {
  history: PageHistory;
  structure: Structure | null;
  /** The history keeps the shorter contexts' rows (a page saved without them keeps none). */
  recordsPrefix: boolean;
  private errors: Record<string, string> = {};
  private lastHistoryPush = 0;

  constructor(
    private readonly port: HostPort,
    private readonly traits: Record<string, unknown>,
    config: PageConfig | null,
    public log: RunLog | null,
  ) {
    const rows = savedRows(traits);
    this.structure = config ? structureOf(config) : null;
    this.recordsPrefix = rows.length === 0 || rows[0].prefix !== null;
    this.history = new PageHistory(rows);
  }

  /** The live row of every full context (the last history row's). */
  get liveProbs(): Float32Array {
    return this.history.rows.at(-1)!.probs;
  }

  historyRow(r: EngineRow): HistoryRow {
    const split = this.split(r.probs.length);
    return { step: r.step, loss: r.loss, probs: r.probs.slice(split), prefix: this.recordsPrefix ? r.probs.slice(0, split) : null };
  }

  /** Values of the shorter contexts at the start of a row of every context's probabilities. */
  split(rowLength: number): number {
    if (this.structure) return this.structure.split;
    const nPrefix = Array.isArray(this.traits.prefix_states) ? this.traits.prefix_states.length : 0;
    const nStates = Array.isArray(this.traits.states) ? this.traits.states.length : 0;
    return (nPrefix * rowLength) / Math.max(1, nPrefix + nStates);
  }

  /** The traits Python's `_push` sets: the live chain and run string every step, the history at
   *  most every HISTORY_PUSH_MS (and whenever `history`). */
  push(rows: EngineRow[], history: boolean, toLive = true): void {
    for (const r of rows) this.history.record(this.historyRow(r));
    const last = this.history.rows.at(-1);
    if (!last) return;
    const values: Record<string, unknown> = {};
    if (rows.length) {
      const r = rows[rows.length - 1];
      const split = this.split(r.probs.length);
      Object.assign(values, {
        global_step: r.step,
        loss: r.loss,
        probs: new DataView(r.probs.slice(split).buffer),
        prefix_probs: new DataView(r.probs.slice(0, split).buffer),
        ...(toLive ? { shown_index: -1 } : {}),
      });
    }
    if (this.log) values.run_string = this.log.text(last.step);
    const now = Date.now();
    if (history || now - this.lastHistoryPush >= HISTORY_PUSH_MS) {
      Object.assign(values, this.history.traits());
      if (rows.length && toLive) values.shown_index = -1;
      this.lastHistoryPush = now;
    }
    this.port.update(values);
  }

  /** Errors as Python keeps them: `drop` fields cleared, `add` set. */
  setErrors(add: Record<string, string>, drop: string[] = []): void {
    const next = Object.fromEntries(Object.entries(this.errors).filter(([k]) => !drop.includes(k)));
    this.errors = { ...next, ...add };
    this.port.update({ errors: this.errors });
  }

  fail(message: string): void {
    this.setErrors({ train: clip(message) });
  }
}
