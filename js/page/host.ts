// Where a page's commands go. In a notebook the kernel answers `model.send`; on a page with no
// kernel a PageHost does. Today's saved page has no engine: it answers `hello` with "no kernel"
// (so the front end goes static at once and says "saved page") and drops the rest, as a static
// html-manager page does. A local engine (a Web Worker training the model, issue 21) is another
// PageHost: it answers every command and sets the traits through its HostPort, as Python does.

/** What a host may do to the page's model: reply to a command, set traits as the kernel would. */
export interface HostPort {
  reply(content: unknown, buffers?: ArrayBuffer[]): void;
  /** Like a kernel's state update: assign all, then fire change events. */
  update(values: Record<string, unknown>): void;
  /** A trait's value now (view traits the reader changed, e.g. the marked states). */
  get?(key: string): unknown;
}

export interface PageHost {
  /** A command from the front end (anywidget's `model.send(content, callbacks, buffers)`). */
  command(content: unknown, buffers: ArrayBuffer[]): void;
  /** View traits the front end saved (`model.save_changes()`), as a kernel would receive them. */
  viewChanged(values: Record<string, unknown>): void;
  destroy(): void;
}

export type HostFactory = (port: HostPort) => PageHost;

/** The name a page without a kernel gives itself (shown in the badge and disabled controls' reason). */
export const SAVED_PAGE = "saved page";

/** No kernel and no engine: says so to `hello`; other commands have no one to answer them. */
export class NoKernelHost implements PageHost {
  private closed = false;

  constructor(
    private readonly port: HostPort,
    readonly what: string = SAVED_PAGE,
  ) {}

  command(content: unknown): void {
    const cmd = typeof content === "object" && content !== null ? (content as { cmd?: unknown }).cmd : undefined;
    if (cmd !== "hello") return;
    // answered later, as a comm would: the sender's listeners are all in place by then
    queueMicrotask(() => {
      if (!this.closed) this.port.reply({ reply: "hello", ok: true, no_kernel: this.what });
    });
  }

  viewChanged(): void {
    // view state lives in the page's model only: nothing to tell
  }

  destroy(): void {
    this.closed = true;
  }
}
