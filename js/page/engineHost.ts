// A PageHost that trains: a saved page that carries the engine's state (page_engine.py) answers
// step / train / play / pause / stop / reset / undo_reset / configure with the local engine
// (js/engine, in a Web Worker) and sets the traits Python would push: global_step, loss, probs,
// prefix_probs, the history (Python's thinning rule), training / playing, shown_index, errors,
// run_string (run_log.py's rules), can_undo_reset, and on a settings change the structure
// (config, states, data counts: pageStructure.ts). Settings are checked as Python checks them
// (pageConfig.ts: the same field-named messages); the rest of the commands need a kernel:
// `hello` says which ones this page answers (`local`).
import type { EngineBackend } from "./engineBackend";
import type { EngineReply } from "./engineCore";
import type { HostPort, PageHost } from "./host";
import { SAVED_PAGE } from "./host";
import { ARCHITECTURE_FIELDS, CONFIG_FIELDS, PageConfigError, pageRefusal, sameConfig, updatedConfig } from "./pageConfig";
import { PUSH_COMMANDS, PushRefusal, checkArgs, pushLr, pushPlan, resultSummary } from "./pagePush";
import type { PushPlan } from "./pagePush";
import { engineSettings, savedRun } from "./pageRun";
import { teachSpec, teachText } from "./pageTeach";
import type { PageConfig } from "./pageConfig";
import { PageHistory } from "./pageHistory";
import { answerExplain } from "./pageInside";
import { structureOf, structureTraits } from "./pageStructure";
import { clip, pyRepr, pyValue } from "./pyFormat";
import { RunLog } from "./runLog";
import { RunTraits } from "./runTraits";

/** The commands this host answers (the front end enables exactly their controls). */
export const LOCAL_COMMANDS = ["step", "train", "play", "pause", "stop", "reset", "undo_reset", "configure", "explain", ...PUSH_COMMANDS] as const;
/** Commands that need the page to know its settings exactly (a run string Python wrote). */
const SETTINGS_COMMANDS: readonly string[] = ["configure", "undo_reset", ...PUSH_COMMANDS];
/** Python's MAX_STEPS (core/config.py): a run holds at most this many steps. */
export const MAX_STEPS = 10_000_000;



export class EngineHost implements PageHost {
  /** The run as the traits show it: history, run log, structure, errors (runTraits.ts). */
  private readonly page: RunTraits;
  private readonly ready: Promise<EngineReply>;
  /** Settings as accepted (a change still on its way to the engine included). */
  private config: PageConfig | null;
  /** What undo brings back (the engine keeps its side): the run before the last reset / nudge / teach. */
  private undo: { history: PageHistory; log: RunLog | null; what: "reset" | "nudge" | "teach" } | null = null;
  /** A push (nudge / teach) runs: settings changes wait for it, as Python's lock makes them. */
  private pushing = false;
  /** The running action; `stopping` asks it to end after the step in flight. */
  private running: "play" | "train" | null = null;
  private stopping = false;
  /** Step / Train / Play / Reset run one after another, as Python serialises them; Stop also
   *  drops the queued ones (their generation is over). */
  private queue: Promise<void> = Promise.resolve();
  private generation = 0;
  private closed = false;
  /** Bumped when the model is replaced (reset, undo, a rebuild): an explain of the old one is dropped. */
  private model = 0;

  constructor(
    private readonly port: HostPort,
    private readonly backend: EngineBackend,
    state: Uint8Array,
    private readonly traits: Record<string, unknown>,
    readonly what: string = SAVED_PAGE,
  ) {
    const saved = savedRun(traits);
    this.config = saved.config;
    this.page = new RunTraits(port, traits, saved.config, saved.log);
    // the run's settings from step 0 (an exact run string): steps before the saved one replay from the seed
    const segments = this.page.log?.exact && !this.page.log.tooLong ? this.page.log.starts.map(([c, start]) => ({ start, settings: engineSettings(c) })) : [];
    this.ready = backend.request({ op: "init", state: state.slice().buffer, segments });
  }

  /** What this page answers: settings only when it knows them exactly. */
  get local(): string[] {
    return LOCAL_COMMANDS.filter((c) => this.config !== null || !SETTINGS_COMMANDS.includes(c));
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
      case "undo":
        return this.undoCommand(c.cmd, c as Record<string, unknown>);
      case "nudge":
      case "teach":
        return this.pushCommand(c.cmd, c as Record<string, unknown>);
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
      this.page.fail(`train: ${e instanceof Error ? e.message : String(e)}`);
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
    const rows = this.page.history.rows;
    return typeof index === "number" && index >= 0 && index < rows.length - 1 ? rows[index].step : null;
  }

  /** Trains `n` steps (Play: until stopped), one step per request: Stop lands within one step. */
  private async run(kind: "play" | "train", n: unknown): Promise<void> {
    if (kind === "train" && (typeof n !== "number" || !Number.isInteger(n) || n < 1)) {
      return this.page.fail(`train: n must be a whole number of steps of at least 1; got ${String(n)}`);
    }
    await this.ready;
    const start = this.page.history.rows.at(-1)?.step ?? 0;
    const total = n as number;
    const room = MAX_STEPS - start;
    if (kind === "train" && total > room) {
      return this.page.fail(`train: the run is at step ${start.toLocaleString("en-US")} and holds at most ${MAX_STEPS.toLocaleString("en-US")} steps, so at most ${room.toLocaleString("en-US")} more; got ${total.toLocaleString("en-US")}`);
    }
    this.forgetUndo(); // a training step makes the reset / push final
    this.port.update({ playing: kind === "play", training: true, shown_index: -1 });
    const error = await this.trainSteps(kind, Math.min(total, room));
    this.running = null;
    this.stopping = false;
    if (this.closed) return;
    this.page.push([], true);
    this.page.setErrors(error ? { train: clip(error) } : {}, ["train", "train_n"]);
    this.port.update({ playing: false, training: false, progress: {} });
  }

  /** `n` steps one request each (Stop lands within one step); the engine's error, if any. */
  private async trainSteps(kind: "play" | "train", n: number): Promise<string | null> {
    this.running = kind;
    this.stopping = false;
    for (let done = 0; done < n && !this.stopping && !this.closed; done++) {
      const reply = await this.backend.request({ op: "steps", n: 1 });
      if (this.closed) return null;
      this.page.push(reply.rows, false);
      if (reply.error) return reply.error;
    }
    return null;
  }

  private async reset(): Promise<void> {
    await this.ready;
    const reply = await this.backend.request({ op: "reset" });
    if (this.closed) return;
    if (reply.error || !reply.rows.length) return this.page.fail(reply.error ?? "reset: the page's engine did not answer");
    this.undo = { history: this.page.history.copy(), log: this.page.log, what: "reset" };
    this.model++;
    this.port.update({ inside: {} }); // another model: its forward passes (as Python clears them)
    if (this.config) this.page.log = RunLog.start(this.config);
    this.page.history.clear(this.page.historyRow(reply.rows[0]));
    this.page.push(reply.rows, true);
    this.page.setErrors({}, ["train", "train_n"]);
    this.port.update({ can_undo_reset: this.config !== null, can_undo: this.config !== null ? "reset" : "", taught: {} });
  }

  /** widget.undo / undo_reset: checked at once (a refused one changes nothing), then after what runs. */
  private undoCommand(cmd: "undo" | "undo_reset", c: Record<string, unknown>): void {
    if (cmd === "undo") {
      try {
        checkArgs(cmd, c);
      } catch (e) {
        return this.answer(cmd, (e as PushRefusal).message, (e as PushRefusal).field);
      }
    }
    const undo = this.undo;
    if (!undo || (cmd === "undo_reset" && undo.what !== "reset")) {
      const what = cmd === "undo_reset" ? "reset" : "reset, nudge or teach";
      return this.answer(cmd, `${cmd}: nothing to undo: no ${what} since the last training step or settings change`, cmd);
    }
    this.stop();
    this.enqueue(() => this.restore(cmd));
  }

  private async restore(cmd: string): Promise<void> {
    const undo = this.undo;
    const reply = undo ? await this.backend.request({ op: "undo" }) : null;
    if (this.closed) return;
    if (!undo || !reply || reply.error || !reply.rows.length) return this.answer(cmd, `${cmd}: nothing to undo: the run trained since`, cmd);
    this.undo = null;
    this.model++;
    this.port.update({ inside: {} });
    this.page.history = undo.history;
    this.page.log = undo.log;
    this.page.push(reply.rows, true);
    this.page.setErrors({}, ["teach"]);
    this.port.update({ can_undo_reset: false, can_undo: "", taught: {} });
    this.answer(cmd);
  }

  /** Training or a settings change since: undo would lose it, and the push's ghosts are stale. */
  private forgetUndo(): void {
    this.undo = null;
    this.port.update({ can_undo_reset: false, can_undo: "", taught: {} });
  }

  /** nudge / teach (widget/teaching.py): checked at once as Python checks them; then, after what
   *  runs, trained toward the rows for its steps (Pause ends it early) and undoable. */
  private pushCommand(cmd: "nudge" | "teach", c: Record<string, unknown>): void {
    if (!this.config) return this.answer(cmd, `${cmd}: this page does not know its settings; it needs a Python kernel`, cmd);
    let plan: PushPlan;
    try {
      plan = pushPlan(cmd, c, this.config);
    } catch (e) {
      if (!(e instanceof PushRefusal)) throw e;
      if (e.inline) {
        this.stop(); // Python stops what runs before it reads the rows
        this.page.setErrors({ teach: clip(e.message) });
      }
      return this.answer(cmd, clip(e.message), e.field);
    }
    this.stop();
    this.enqueue(() => this.runPush(plan));
  }

  private async runPush(plan: PushPlan): Promise<void> {
    await this.ready;
    const config = this.config!;
    const last = this.page.history.rows.at(-1)!;
    const states = this.page.structure?.states ?? [];
    const V = Array.from(config.alphabet).length;
    const before = last.probs.slice();
    const targets = plan.targets(config, (state) => before.subarray(states.indexOf(state) * V, (states.indexOf(state) + 1) * V));
    const taught = { ...config, teach: teachText(targets), lr: pushLr(config) };
    const undo = { history: this.page.history.copy(), log: this.page.log, what: plan.what };
    const begin = await this.backend.request({ op: "push", teach: teachSpec(targets, config.alphabet), lr: taught.lr });
    if (this.closed) return;
    if (begin.error || !begin.rows.length) return this.page.fail(begin.error ?? "train: the page's engine did not answer");
    this.undo = null; // the engine now keeps the run before this push; until it ends, nothing to undo
    const start = begin.rows[0].step;
    this.page.log = this.page.log?.changed(taught, start) ?? null;
    this.pushing = true;
    this.port.update({ training: true, playing: false, shown_index: -1, can_undo_reset: false, can_undo: "", taught: {} });
    const error = await this.trainSteps("train", plan.steps);
    const end = await this.backend.request({ op: "push", teach: null, lr: config.lr });
    this.running = null;
    this.pushing = false;
    this.stopping = false;
    if (this.closed) return;
    const row = end.rows[0] ?? this.page.history.rows.at(-1)!;
    this.page.log = this.page.log?.changed(config, row.step) ?? null;
    this.page.push(end.rows, true);
    this.port.update({ training: false, progress: {} });
    if (error || end.error) {
      this.page.setErrors({ teach: clip(error ?? end.error!) });
      return this.answer(plan.what, clip(error ?? end.error!), "train");
    }
    this.undo = undo;
    this.page.setErrors({}, ["teach"]);
    const counts = (end.counts ?? new Float32Array(0)).subarray(this.page.split(end.counts?.length ?? 0)); // the data's, full contexts
    this.port.update({ can_undo_reset: false, can_undo: plan.what, taught: resultSummary({
      states, alphabet: config.alphabet, targets, lr: taught.lr, startStep: start, steps: row.step - start,
      before, after: this.page.history.rows.at(-1)!.probs.slice(), seen: states.map((_, i) => counts.subarray(i * V, i * V + V).some((x) => x > 0)),
    }) });
    this.answer(plan.what);
  }

  /** Python's configure: checked at once (a refused value changes nothing and shows inline);
   *  accepted values reach the engine in order with the steps (while Play runs: between steps). */
  private configure(values: unknown): void {
    if (!this.config || !this.page.structure) return this.answer("configure", "configure: this page does not know its settings; it needs a Python kernel", "configure");
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
      if ((CONFIG_FIELDS as readonly string[]).includes(e.field)) this.page.setErrors({ [e.field]: message });
      return this.answer("configure", message, e.field);
    }
    this.config = next;
    this.page.setErrors({}, [...Object.keys(given), "train"]);
    const rebuild = ARCHITECTURE_FIELDS.some((f) => next[f as keyof PageConfig] !== old[f as keyof PageConfig]);
    const apply = async (): Promise<void> => {
      const req = rebuild
        ? ({ op: "build", settings: engineSettings(next) } as const)
        : { op: "configure" as const, ...(next.sequence !== old.sequence ? { sequence: engineSettings(next).sequence as number[] } : {}),
            ...(next.lr !== old.lr ? { lr: next.lr } : {}), ...(next.weight_decay !== old.weight_decay ? { weightDecay: next.weight_decay } : {}),
            ...(next.teach !== old.teach ? { teach: engineSettings(next).teach ?? null } : {}) };
      this.forgetUndo(); // in order with the steps: a push or reset before it stays undoable until here
      const reply = await this.backend.request(req);
      if (this.closed) return;
      if (reply.error || !reply.rows.length) return this.page.fail(reply.error ?? "configure: the page's engine did not answer");
      this.applied(next, reply, rebuild);
    };
    this.answer("configure");
    if (this.running && !this.pushing) void apply(); // between Play's steps, as Python applies it between slices
    else this.enqueue(apply);
  }

  /** The engine took the new settings: the run string, the history and the structure follow. */
  private applied(config: PageConfig, reply: EngineReply, rebuilt: boolean): void {
    const row = reply.rows[0];
    if (rebuilt || !this.page.log) this.page.log = RunLog.start(config);
    else this.page.log = this.page.log.changed(config, row.step);
    const structure = (this.page.structure = structureOf(config));
    if (rebuilt) {
      this.model++;
      this.page.recordsPrefix = true;
      this.page.history = new PageHistory([], structure.capacity);
    }
    const get = (key: string): unknown => (this.port.get ? this.port.get(key) : this.traits[key]);
    this.port.update(structureTraits(config, structure, reply.counts ?? new Float32Array(0), get, rebuilt));
    this.page.push(reply.rows, true, rebuilt); // a live change keeps the step the reader looks at
  }
}
