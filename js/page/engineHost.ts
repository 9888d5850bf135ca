// A PageHost that trains: a saved page that carries the engine's state (page_engine.py) answers
// step / train / play / pause / stop / reset / undo_reset / configure with the local engine
// (js/engine, in a Web Worker) and sets the traits Python would push: global_step, loss, probs,
// prefix_probs, the history (Python's thinning rule), training / playing, shown_index, errors,
// run_string (run_log.py's rules), can_undo_reset, and on a settings change the structure
// (config, states, data counts: pageStructure.ts). Settings are checked as Python checks them
// (pageConfig.ts: the same field-named messages); the rest of the commands need a kernel:
// `hello` says which ones this page answers (`local`).
import type { RunSettings } from "../engine";
import type { EngineBackend } from "./engineBackend";
import type { EngineReply, EngineRow } from "./engineCore";
import type { HostPort, PageHost } from "./host";
import { SAVED_PAGE } from "./host";
import { ARCHITECTURE_FIELDS, CONFIG_FIELDS, PageConfigError, pageRefusal, sameConfig, updatedConfig } from "./pageConfig";
import type { PageConfig } from "./pageConfig";
import { PageHistory, savedRows } from "./pageHistory";
import { answerExplain } from "./pageInside";
import type { HistoryRow } from "./pageHistory";
import { structureOf, structureTraits } from "./pageStructure";
import type { Structure } from "./pageStructure";
import { clip, pyRepr, pyValue } from "./pyFormat";
import { RunLog } from "./runLog";

/** The commands this host answers (the front end enables exactly their controls). */
export const LOCAL_COMMANDS = ["step", "train", "play", "pause", "stop", "reset", "undo_reset", "configure", "explain"] as const;
/** Python's MAX_STEPS (core/config.py): a run holds at most this many steps. */
export const MAX_STEPS = 10_000_000;
/** While training, the history traits (the whole table) go out at most this often; always at the end. */
const HISTORY_PUSH_MS = 250;
const UNDO_NOTHING = "undo_reset: nothing to undo: no reset since the last training step or settings change";

/** The run's settings as the engine takes them. */
export function engineSettings(c: PageConfig): RunSettings {
  const tokens = Array.from(c.alphabet);
  return {
    vocabSize: tokens.length, contextLength: c.context_length, nLayer: c.n_layer, nHead: c.n_head, nEmbd: c.n_embd,
    sequence: Array.from(c.sequence, (ch) => tokens.indexOf(ch)), lr: c.lr, weightDecay: c.weight_decay, seed: c.seed,
  };
}

/** The page's settings and run log: the saved run string's (exact); for a `too-long` or unreadable
 *  one the settings come from the config trait (a too-long log stays too-long, as in Python). */
function savedRun(traits: Record<string, unknown>): { config: PageConfig | null; log: RunLog | null } {
  const log = RunLog.parse(traits.run_string);
  if (log?.config) return { config: log.config, log };
  const cfg = traits.config as Record<string, unknown> | undefined;
  if (!cfg || typeof cfg !== "object") return { config: null, log: null };
  try {
    const config = updatedConfig(
      { sequence: "", alphabet: "", context_length: 0, n_layer: 0, n_head: 0, n_embd: 0, lr: 0, weight_decay: 0, seed: 0n },
      Object.fromEntries(CONFIG_FIELDS.map((f) => [f, cfg[f]])),
    );
    return { config, log: log ?? RunLog.start(config, false) }; // exact=0: what came before is not known here
  } catch {
    return { config: null, log: null };
  }
}

export class EngineHost implements PageHost {
  private history: PageHistory;
  private readonly ready: Promise<EngineReply>;
  private structure: Structure | null;
  /** Settings as accepted (a change still on its way to the engine included). */
  private config: PageConfig | null;
  private log: RunLog | null;
  private errors: Record<string, string> = {};
  private recordsPrefix: boolean;
  private undo: { history: PageHistory; log: RunLog | null } | null = null;
  /** The running action; `stopping` asks it to end after the step in flight. */
  private running: "play" | "train" | null = null;
  private stopping = false;
  /** Step / Train / Play / Reset run one after another, as Python serialises them; Stop also
   *  drops the queued ones (their generation is over). */
  private queue: Promise<void> = Promise.resolve();
  private generation = 0;
  private closed = false;
  private lastHistoryPush = 0;
  /** Bumped when the model is replaced (reset, undo, a rebuild): an explain of the old one is dropped. */
  private model = 0;

  constructor(
    private readonly port: HostPort,
    private readonly backend: EngineBackend,
    state: Uint8Array,
    private readonly traits: Record<string, unknown>,
    readonly what: string = SAVED_PAGE,
  ) {
    const rows = savedRows(traits);
    ({ config: this.config, log: this.log } = savedRun(traits));
    this.structure = this.config ? structureOf(this.config) : null;
    this.recordsPrefix = rows.length === 0 || rows[0].prefix !== null;
    this.history = new PageHistory(rows);
    // the run's settings from step 0 (an exact run string): steps before the saved one replay from the seed
    const segments = this.log?.exact && !this.log.tooLong ? this.log.starts.map(([c, start]) => ({ start, settings: engineSettings(c) })) : [];
    this.ready = backend.request({ op: "init", state: state.slice().buffer, segments });
  }

  /** What this page answers: settings only when it knows them exactly. */
  get local(): string[] {
    return LOCAL_COMMANDS.filter((c) => this.config !== null || (c !== "configure" && c !== "undo_reset"));
  }

  command(content: unknown): void {
    const c = (typeof content === "object" && content !== null ? content : {}) as { cmd?: unknown; n?: unknown; values?: unknown };
    if (this.closed) return;
    switch (c.cmd) {
      case "hello":
        queueMicrotask(() => {
          if (!this.closed) this.port.reply({ reply: "hello", ok: true, no_kernel: this.what, local: this.local });
        });
        return;
      case "step":
        return this.enqueue(() => this.run("train", 1));
      case "train":
        return this.enqueue(() => this.run("train", c.n));
      case "play":
        return this.enqueue(() => this.run("play", Infinity));
      case "pause":
      case "stop":
        return this.stop();
      case "reset":
        this.stop(); // Python's reset stops what runs first
        return this.enqueue(() => this.reset());
      case "undo_reset":
        if (!this.undo) return this.answer("undo_reset", UNDO_NOTHING, "undo_reset");
        this.stop();
        return this.enqueue(() => this.undoReset());
      case "configure":
        return this.configure(c.values);
      case "explain":
        return this.explain(c as { state?: unknown; step?: unknown });
      default:
      // analyses, explain, load_run, …: kernel-only (their controls are disabled on this page)
    }
  }

  private stop(): void {
    this.generation++;
    if (this.running) this.stopping = true;
  }

  private enqueue(action: () => Promise<void>): void {
    const gen = this.generation;
    this.queue = this.queue.then(() => (gen === this.generation && !this.closed ? action() : undefined)).catch((e) => {
      this.fail(`train: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** The reply Python's `_on_message` sends (ok, or the message and its field). */
  private answer(cmd: string, error: string | null = null, field?: string): void {
    queueMicrotask(() => {
      if (!this.closed) this.port.reply(error === null ? { reply: cmd, ok: true } : { reply: cmd, ok: false, error, field });
    });
  }

  /** Resolves when every action queued so far has run (tests; a reader never waits on it). */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  viewChanged(): void {
    // view state lives in the page's model only
  }

  destroy(): void {
    this.closed = true;
    this.stopping = true;
    this.backend.destroy();
  }

  /** The inside panel (pageInside.ts): not queued behind Train / Play, it runs between steps. */
  private explain(c: { state?: unknown; step?: unknown }): void {
    const model = this.model;
    answerExplain(c, {
      get: (key) => (this.port.get ? this.port.get(key) : this.traits[key]),
      shownStep: (index) => this.shownStep(index),
      answer: (error, field) => this.answer("explain", error === null ? null : clip(error), field),
      request: (req) => this.ready.then(() => this.backend.request(req)),
      where: this.backend.where,
      set: (inside) => {
        if (!this.closed && model === this.model) this.port.update({ inside }); // else another model's: dropped
      },
    });
  }

  /** The step the history slider shows (null: live). */
  private shownStep(index: unknown): number | null {
    const rows = this.history.rows;
    return typeof index === "number" && index >= 0 && index < rows.length - 1 ? rows[index].step : null;
  }

  /** Trains `n` steps (Play: until stopped), one step per request: Stop lands within one step. */
  private async run(kind: "play" | "train", n: unknown): Promise<void> {
    if (kind === "train" && (typeof n !== "number" || !Number.isInteger(n) || n < 1)) {
      return this.fail(`train: n must be a whole number of steps of at least 1; got ${String(n)}`);
    }
    await this.ready;
    const start = this.history.rows.at(-1)?.step ?? 0;
    const total = n as number;
    const room = MAX_STEPS - start;
    if (kind === "train" && total > room) {
      return this.fail(`train: the run is at step ${start.toLocaleString("en-US")} and holds at most ${MAX_STEPS.toLocaleString("en-US")} steps, so at most ${room.toLocaleString("en-US")} more; got ${total.toLocaleString("en-US")}`);
    }
    this.running = kind;
    this.stopping = false;
    this.undo = null; // a training step makes the reset final
    this.port.update({ playing: kind === "play", training: true, shown_index: -1, can_undo_reset: false });
    let error: string | null = null;
    for (let done = 0; done < total && !this.stopping && !this.closed; done++) {
      if (done >= room) break;
      const reply = await this.backend.request({ op: "steps", n: 1 });
      if (this.closed) return;
      this.push(reply.rows, false);
      if (reply.error) {
        error = reply.error;
        break;
      }
    }
    this.running = null;
    this.stopping = false;
    if (this.closed) return;
    this.push([], true);
    this.setErrors(error ? { train: clip(error) } : {}, ["train", "train_n"]);
    this.port.update({ playing: false, training: false, progress: {} });
  }

  private async reset(): Promise<void> {
    await this.ready;
    const reply = await this.backend.request({ op: "reset" });
    if (this.closed) return;
    if (reply.error || !reply.rows.length) return this.fail(reply.error ?? "reset: the page's engine did not answer");
    this.undo = { history: this.history.copy(), log: this.log };
    this.model++;
    this.port.update({ inside: {} }); // another model: its forward passes (as Python clears them)
    if (this.config) this.log = RunLog.start(this.config);
    this.history.clear(this.historyRow(reply.rows[0]));
    this.push(reply.rows, true);
    this.setErrors({}, ["train", "train_n"]);
    this.port.update({ can_undo_reset: this.config !== null });
  }

  private async undoReset(): Promise<void> {
    const undo = this.undo;
    if (!undo) return this.answer("undo_reset", UNDO_NOTHING, "undo_reset");
    const reply = await this.backend.request({ op: "undo_reset" });
    if (this.closed) return;
    if (reply.error || !reply.rows.length) return this.answer("undo_reset", reply.error ?? UNDO_NOTHING, "undo_reset");
    this.undo = null;
    this.model++;
    this.port.update({ inside: {} });
    this.history = undo.history;
    this.log = undo.log;
    this.push(reply.rows, true);
    this.port.update({ can_undo_reset: false });
    this.answer("undo_reset");
  }

  /** Python's configure: checked at once (a refused value changes nothing and shows inline);
   *  accepted values reach the engine in order with the steps (while Play runs: between steps). */
  private configure(values: unknown): void {
    if (!this.config || !this.structure) return this.answer("configure", "configure: this page does not know its settings; it needs a Python kernel", "configure");
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      const quoted = pyRepr(pyValue(values));
      const text = quoted.length <= 60 ? quoted : `${quoted.slice(0, 59)}…`;
      return this.answer("configure", `values: must be an object of setting names to values; got ${text}`, "values");
    }
    const given = values as Record<string, unknown>;
    const old = this.config;
    let next: PageConfig;
    try {
      next = updatedConfig(old, given);
      const keys = Object.keys(given);
      const refused = pageRefusal(keys.find((k) => ARCHITECTURE_FIELDS.includes(k)) ?? keys[0] ?? "configure", next);
      if (refused && !sameConfig(next, old)) throw refused;
    } catch (e) {
      if (!(e instanceof PageConfigError)) throw e;
      const message = clip(e.message);
      if ((CONFIG_FIELDS as readonly string[]).includes(e.field)) this.setErrors({ [e.field]: message });
      return this.answer("configure", message, e.field);
    }
    this.config = next;
    this.undo = null;
    this.setErrors({}, [...Object.keys(given), "train"]);
    this.port.update({ can_undo_reset: false });
    const rebuild = ARCHITECTURE_FIELDS.some((f) => next[f as keyof PageConfig] !== old[f as keyof PageConfig]);
    const apply = async (): Promise<void> => {
      const req = rebuild
        ? ({ op: "build", settings: engineSettings(next) } as const)
        : { op: "configure" as const, ...(next.sequence !== old.sequence ? { sequence: engineSettings(next).sequence as number[] } : {}),
            ...(next.lr !== old.lr ? { lr: next.lr } : {}), ...(next.weight_decay !== old.weight_decay ? { weightDecay: next.weight_decay } : {}) };
      const reply = await this.backend.request(req);
      if (this.closed) return;
      if (reply.error || !reply.rows.length) return this.fail(reply.error ?? "configure: the page's engine did not answer");
      this.applied(next, reply, rebuild);
    };
    this.answer("configure");
    if (this.running) void apply(); // between Play's steps, as Python applies it between slices
    else this.enqueue(apply);
  }

  /** The engine took the new settings: the run string, the history and the structure follow. */
  private applied(config: PageConfig, reply: EngineReply, rebuilt: boolean): void {
    const row = reply.rows[0];
    if (rebuilt || !this.log) this.log = RunLog.start(config);
    else this.log = this.log.changed(config, row.step);
    const structure = (this.structure = structureOf(config));
    if (rebuilt) {
      this.model++;
      this.recordsPrefix = true;
      this.history = new PageHistory([], structure.capacity);
    }
    const get = (key: string): unknown => (this.port.get ? this.port.get(key) : this.traits[key]);
    this.port.update(structureTraits(config, structure, reply.counts ?? new Float32Array(0), get, rebuilt));
    this.push(reply.rows, true, rebuilt); // a live change keeps the step the reader looks at
  }

  private historyRow(r: EngineRow): HistoryRow {
    const split = this.split(r.probs.length);
    return { step: r.step, loss: r.loss, probs: r.probs.slice(split), prefix: this.recordsPrefix ? r.probs.slice(0, split) : null };
  }

  /** Values of the shorter contexts at the start of a row of every context's probabilities. */
  private split(rowLength: number): number {
    if (this.structure) return this.structure.split;
    const nPrefix = Array.isArray(this.traits.prefix_states) ? this.traits.prefix_states.length : 0;
    const nStates = Array.isArray(this.traits.states) ? this.traits.states.length : 0;
    return (nPrefix * rowLength) / Math.max(1, nPrefix + nStates);
  }

  /** The traits Python's `_push` sets: the live chain and run string every step, the history at
   *  most every HISTORY_PUSH_MS (and whenever `history`). */
  private push(rows: EngineRow[], history: boolean, toLive = true): void {
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
  private setErrors(add: Record<string, string>, drop: string[] = []): void {
    const next = Object.fromEntries(Object.entries(this.errors).filter(([k]) => !drop.includes(k)));
    this.errors = { ...next, ...add };
    this.port.update({ errors: this.errors });
  }

  private fail(message: string): void {
    this.setErrors({ train: clip(message) });
  }
}
