// A PageHost that trains: a saved page that carries the engine's state (page_engine.py) answers
// step / train / play / pause / stop / reset with the local engine (js/engine, in a Web Worker)
// and sets the traits Python would push: global_step, loss, probs, prefix_probs, the history
// (Python's thinning rule), training / playing, shown_index back to live, errors.train. Every
// other command needs a kernel: `hello` says which ones this page answers (`local`).
import type { EngineBackend } from "./engineBackend";
import type { EngineReply, EngineRow } from "./engineCore";
import type { HostPort, PageHost } from "./host";
import { SAVED_PAGE } from "./host";
import { PageHistory, savedRows } from "./pageHistory";
import type { HistoryRow } from "./pageHistory";

/** The commands this host answers (the front end enables exactly their controls). */
export const LOCAL_COMMANDS = ["step", "train", "play", "pause", "stop", "reset"] as const;
/** Python's MAX_STEPS (core/config.py): a run holds at most this many steps. */
export const MAX_STEPS = 10_000_000;
/** While training, the history traits (the whole table) go out at most this often; always at the end. */
const HISTORY_PUSH_MS = 250;

export class EngineHost implements PageHost {
  private readonly history: PageHistory;
  private readonly ready: Promise<EngineReply>;
  /** Values of the shorter contexts at the start of each row of every context's probabilities. */
  private readonly prefixValues: (rowLength: number) => number;
  private readonly recordsPrefix: boolean;
  /** The running action; `stopping` asks it to end after the step in flight. */
  private running: "play" | "train" | null = null;
  private stopping = false;
  /** Step / Train / Play / Reset run one after another, as Python serialises them; Stop also
   *  drops the queued ones (their generation is over). */
  private queue: Promise<void> = Promise.resolve();
  private generation = 0;
  private closed = false;
  private lastHistoryPush = 0;

  constructor(
    private readonly port: HostPort,
    private readonly backend: EngineBackend,
    state: Uint8Array,
    traits: Record<string, unknown>,
    readonly what: string = SAVED_PAGE,
  ) {
    const rows = savedRows(traits);
    const nPrefix = Array.isArray(traits.prefix_states) ? traits.prefix_states.length : 0;
    const nStates = Array.isArray(traits.states) ? traits.states.length : 0;
    this.prefixValues = (len) => (nPrefix * len) / Math.max(1, nPrefix + nStates);
    this.recordsPrefix = rows.length === 0 || rows[0].prefix !== null;
    this.history = new PageHistory(rows);
    const copy = state.slice().buffer;
    this.ready = backend.request({ op: "init", state: copy });
  }

  command(content: unknown): void {
    const c = (typeof content === "object" && content !== null ? content : {}) as { cmd?: unknown; n?: unknown };
    if (this.closed) return;
    switch (c.cmd) {
      case "hello":
        queueMicrotask(() => {
          if (!this.closed) this.port.reply({ reply: "hello", ok: true, no_kernel: this.what, local: [...LOCAL_COMMANDS] });
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
        this.generation++;
        if (this.running) this.stopping = true;
        return;
      case "reset":
        this.generation++; // Python's reset stops what runs first
        if (this.running) this.stopping = true;
        return this.enqueue(() => this.reset());
      default:
      // configure, analyses, explain, …: kernel-only (their controls are disabled on this page)
    }
  }

  private enqueue(action: () => Promise<void>): void {
    const gen = this.generation;
    this.queue = this.queue.then(() => (gen === this.generation && !this.closed ? action() : undefined)).catch((e) => {
      this.fail(`train: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  viewChanged(): void {
    // view state lives in the page's model only
  }

  destroy(): void {
    this.closed = true;
    this.stopping = true;
    this.backend.destroy();
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
    this.port.update({ playing: kind === "play", training: true, shown_index: -1, errors: {} });
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
    this.port.update({ playing: false, training: false, progress: {}, ...(error ? { errors: this.errorsWith(error) } : {}) });
  }

  private async reset(): Promise<void> {
    await this.ready;
    const reply = await this.backend.request({ op: "reset" });
    if (this.closed) return;
    if (reply.error || !reply.rows.length) return this.fail(reply.error ?? "reset: the page's engine did not answer");
    this.history.clear(this.historyRow(reply.rows[0]));
    this.push(reply.rows, true);
    this.port.update({ errors: {} });
  }

  private historyRow(r: EngineRow): HistoryRow {
    const split = this.prefixValues(r.probs.length);
    return { step: r.step, loss: r.loss, probs: r.probs.slice(split), prefix: this.recordsPrefix ? r.probs.slice(0, split) : null };
  }

  /** The traits Python's `_push` sets: the live chain every step, the history at most every
   *  HISTORY_PUSH_MS (and whenever `history`). */
  private push(rows: EngineRow[], history: boolean): void {
    for (const r of rows) this.history.record(this.historyRow(r));
    const last = this.history.rows.at(-1);
    if (!last) return;
    const values: Record<string, unknown> = {};
    if (rows.length) {
      const r = rows[rows.length - 1];
      const split = this.prefixValues(r.probs.length);
      Object.assign(values, {
        global_step: r.step,
        loss: r.loss,
        probs: new DataView(r.probs.slice(split).buffer),
        prefix_probs: new DataView(r.probs.slice(0, split).buffer),
        shown_index: -1,
      });
    }
    const now = Date.now();
    if (history || now - this.lastHistoryPush >= HISTORY_PUSH_MS) {
      Object.assign(values, this.history.traits(), { shown_index: -1 });
      this.lastHistoryPush = now;
    }
    this.port.update(values);
  }

  /** The page's only live errors are training's (the saved ones were stale when it opened). */
  private errorsWith(message: string): Record<string, string> {
    return { train: message };
  }

  private fail(message: string): void {
    this.port.update({ errors: this.errorsWith(message) });
  }
}
