// Is there a kernel? Send {cmd:"hello"} on render; Python answers {reply:"hello"}. No answer
// within the timeout means a saved page (static export) or a busy kernel: kernel-only controls
// are disabled. A late answer — or any step count arriving from Python, which only a running
// kernel sends (e.g. a later cell training during Run All) — turns them back on.
// While the widget is on screen the probe asks again every few seconds: a kernel that died or
// restarted (the old widget's comm then leads nowhere) stops answering, and the controls go off
// within PROBE_INTERVAL_MS + REPLY_TIMEOUT_MS. `gone()` (the model was destroyed: comm closed)
// turns them off at once, for good. A host that knows there is no kernel (a saved page: js/page/)
// answers hello with `{reply: "hello", no_kernel: "<what this is>"}`: off at once, for good, and
// the reason names the host instead of guessing "saved page or busy kernel".

export type KernelState = "unknown" | "live" | "static";
/** Why the state is "static": no answer (yet), the comm closed, or the host said there is none. */
export type StaticCause = "no-answer" | "closed" | "no-kernel";

/** The disabled controls' reason and the badge when the host said there is no kernel (`local`:
 *  the page trains by itself, so only the other controls need a kernel). */
export function noKernelTexts(host: string, local = false): { reason: string; badge: string } {
  if (local)
    return {
      reason: `needs a Python kernel — this ${host} trains in the page, but this control is kernel-only`,
      badge: `${host}: training, settings and pushes run in the page; loading run strings, Play's speed and comparing runs need a Python kernel`,
    };
  return {
    reason: `needs a running Python kernel — this is a ${host}, with no kernel`,
    badge: `${host}, no Python kernel: scrub, hover and sample work; training needs the notebook`,
  };
}

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
  private why: StaticCause | null = null;
  /** A kernel answered once: a later silence is a restart (or a kernel busy / gone). */
  private wasLive = false;
  /** What the host called itself when it said there is no kernel (e.g. "saved page"). */
  host: string | null = null;
  /** Commands a host with no kernel answers itself (a saved page's local engine: step, train…). */
  local: string[] = [];
  private readonly onKernelChange = (): void => this.answered();
  private readonly onMsg = (content: unknown): void => {
    if (typeof content !== "object" || content === null || !("reply" in content)) return;
    const none = (content as { no_kernel?: unknown }).no_kernel;
    const local = (content as { local?: unknown }).local;
    if (Array.isArray(local)) this.local = local.filter((c): c is string => typeof c === "string");
    if (typeof none === "string" && none) this.noKernel(none);
    else this.answered();
  };

  constructor(
    private readonly channel: Channel,
    private readonly changed: (state: KernelState, cause: StaticCause | null, host: string | null, wasLive: boolean) => void,
    timeoutMs = HELLO_TIMEOUT_MS,
    options: ProbeOptions = {},
  ) {
    channel.on("msg:custom", this.onMsg);
    channel.on(KERNEL_ONLY_CHANGE, this.onKernelChange);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state === "unknown") this.set("static", "no-answer");
    }, timeoutMs);
    this.hello();
    const every = options.intervalMs ?? PROBE_INTERVAL_MS;
    const wait = options.replyMs ?? REPLY_TIMEOUT_MS;
    const visible = options.visible ?? (() => true);
    if (every > 0 && !this.dead) {
      this.interval = setInterval(() => {
        if (this.dead || this.reply !== null || this.timer !== null || !visible()) return;
        this.reply = setTimeout(() => {
          this.reply = null;
          this.set("static", "no-answer");
        }, wait);
        this.hello();
      }, every);
    }
  }

  get current(): KernelState {
    return this.state;
  }

  /** Why the state is "static" (null while it is not). */
  get cause(): StaticCause | null {
    return this.state === "static" ? this.why : null;
  }

  /** The model is gone (comm closed, kernel restarted): off for good. */
  gone(): void {
    if (this.why === "no-kernel") return; // a page with no kernel stays one
    this.stopTimers();
    this.dead = true;
    this.set("static", "closed");
  }

  /** The host says for sure that no kernel will ever answer (a saved page): off for good. */
  private noKernel(host: string): void {
    this.stopTimers();
    this.dead = true;
    this.host = host;
    this.set("static", "no-kernel");
  }

  destroy(): void {
    this.stopTimers();
    this.channel.off("msg:custom", this.onMsg);
    this.channel.off(KERNEL_ONLY_CHANGE, this.onKernelChange);
  }

  private stopTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.reply !== null) clearTimeout(this.reply);
    if (this.interval !== null) clearInterval(this.interval);
    this.timer = this.reply = this.interval = null;
  }

  private hello(): void {
    try {
      this.channel.send({ cmd: "hello" });
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

  private set(state: KernelState, cause: StaticCause | null = null): void {
    if (state === this.state && cause === this.why) return;
    this.state = state;
    this.why = state === "static" ? cause : null;
    if (state === "live") this.wasLive = true;
    if (state === "live" && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.changed(state, this.why, this.host, this.wasLive);
  }
}
