// Is there a kernel? Send {cmd:"hello"} on render; Python answers {reply:"hello"}. No answer
// within the timeout means a saved page (static export) or a busy kernel: kernel-only controls
// are disabled. A late answer — or any step count arriving from Python, which only a running
// kernel sends (e.g. a later cell training during Run All) — turns them back on.
// While the widget is on screen the probe asks again every few seconds: a kernel that died or
// restarted (the old widget's comm then leads nowhere) stops answering, and the controls go off
// within PROBE_INTERVAL_MS + REPLY_TIMEOUT_MS. `gone()` (the model was destroyed: comm closed)
// turns them off at once, for good.

export type KernelState = "unknown" | "live" | "static";
/** Why there is no kernel: never answered (a saved page, or a kernel busy since the view
 *  opened), stopped answering after it had (restarted, stopped or busy), or the widget's comm
 *  was closed (the kernel restarted or shut down: this widget object is gone for good). */
export type StaticWhy = "never" | "lost" | "gone";

export const HELLO_TIMEOUT_MS = 2000;
/** Re-probe period while visible (one tiny message; skipped while a reply is awaited). */
export const PROBE_INTERVAL_MS = 4000;
/** How long a re-probe waits for its answer. */
export const REPLY_TIMEOUT_MS = 4000;
/** Only Python changes this trait: a change proves a live kernel. */
const KERNEL_ONLY_CHANGE = "change:global_step";

interface Channel {
  send(content: { cmd: "hello" }): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off(event?: string | null, fn?: ((...args: unknown[]) => void) | null): void;
}

export interface ProbeOptions {
  intervalMs?: number;
  replyMs?: number;
  /** Re-probe only while this is true (the widget is on a visible page). */
  visible?: () => boolean;
}

export class KernelProbe {
  private state: KernelState = "unknown";
  private timer: ReturnType<typeof setTimeout> | null = null;
  private reply: ReturnType<typeof setTimeout> | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;
  private dead = false;
  private wasLive = false;
  /** Why the state is "static" (meaningless otherwise). */
  why: StaticWhy = "never";
  private readonly onKernelChange = (): void => this.answered();
  private readonly onMsg = (content: unknown): void => {
    if (typeof content === "object" && content !== null && "reply" in content) this.answered();
  };

  constructor(
    private readonly model: Channel,
    private readonly changed: (state: KernelState, why: StaticWhy) => void,
    timeoutMs = HELLO_TIMEOUT_MS,
    options: ProbeOptions = {},
  ) {
    model.on("msg:custom", this.onMsg);
    model.on(KERNEL_ONLY_CHANGE, this.onKernelChange);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state === "unknown") this.set("static");
    }, timeoutMs);
    this.hello();
    const every = options.intervalMs ?? PROBE_INTERVAL_MS;
    const wait = options.replyMs ?? REPLY_TIMEOUT_MS;
    const visible = options.visible ?? (() => true);
    if (every > 0) {
      this.interval = setInterval(() => {
        if (this.dead || this.reply !== null || this.timer !== null || !visible()) return;
        this.reply = setTimeout(() => {
          this.reply = null;
          this.set("static", this.wasLive ? "lost" : "never");
        }, wait);
        this.hello();
      }, every);
    }
  }

  get current(): KernelState {
    return this.state;
  }

  /** The model is gone (comm closed, kernel restarted): off for good. */
  gone(): void {
    this.stopTimers();
    this.dead = true;
    this.set("static", "gone");
  }

  destroy(): void {
    this.stopTimers();
    this.model.off("msg:custom", this.onMsg);
    this.model.off(KERNEL_ONLY_CHANGE, this.onKernelChange);
  }

  private stopTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.reply !== null) clearTimeout(this.reply);
    if (this.interval !== null) clearInterval(this.interval);
    this.timer = this.reply = this.interval = null;
  }

  private hello(): void {
    try {
      this.model.send({ cmd: "hello" });
    } catch {
      // no comm at all (some static managers throw): the timeout decides
    }
  }

  private answered(): void {
    if (this.dead) return;
    if (this.reply !== null) clearTimeout(this.reply);
    this.reply = null;
    this.set("live");
  }

  private set(state: KernelState, why: StaticWhy = "never"): void {
    if (state === this.state && (state !== "static" || why === this.why)) return;
    this.state = state;
    if (state === "live") this.wasLive = true;
    else if (state === "static") this.why = why;
    if (state === "live" && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.changed(state, this.why);
  }
}
