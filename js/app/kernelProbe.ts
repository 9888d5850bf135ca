// Is there a kernel? Send {cmd:"hello"} on render; Python answers {reply:"hello"}. No answer
// within the timeout means a saved page (static export) or a busy kernel: kernel-only controls
// are disabled. A late answer — or any step count arriving from Python, which only a running
// kernel sends (e.g. a later cell training during Run All) — turns them back on.

export type KernelState = "unknown" | "live" | "static";

export const HELLO_TIMEOUT_MS = 2000;
/** Only Python changes this trait: a change proves a live kernel. */
const KERNEL_ONLY_CHANGE = "change:global_step";

interface Channel {
  send(content: { cmd: "hello" }): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off(event?: string | null, fn?: ((...args: unknown[]) => void) | null): void;
}

export class KernelProbe {
  private state: KernelState = "unknown";
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly onKernelChange = (): void => this.set("live");
  private readonly onMsg = (content: unknown): void => {
    if (typeof content === "object" && content !== null && (content as { reply?: unknown }).reply === "hello") this.set("live");
  };

  constructor(
    private readonly model: Channel,
    private readonly changed: (state: KernelState) => void,
    timeoutMs = HELLO_TIMEOUT_MS,
  ) {
    model.on("msg:custom", this.onMsg);
    model.on(KERNEL_ONLY_CHANGE, this.onKernelChange);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state === "unknown") this.set("static");
    }, timeoutMs);
    try {
      model.send({ cmd: "hello" });
    } catch {
      // no comm at all (some static managers throw): the timeout decides
    }
  }

  get current(): KernelState {
    return this.state;
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.model.off("msg:custom", this.onMsg);
    this.model.off(KERNEL_ONLY_CHANGE, this.onKernelChange);
  }

  private set(state: KernelState): void {
    if (state === this.state) return;
    this.state = state;
    if (state === "live" && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.changed(state);
  }
}
