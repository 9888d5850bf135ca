// Where the page's engine runs: a Web Worker started from the bundled worker source (a blob: URL,
// which works on a file:// page), or — where no Worker can start — the main thread, running that
// same source (so page.js carries the engine once), one request per macrotask so the page still
// draws between steps. Tests without the bundled source pass an EngineCore of their own.
import type { EngineReply, EngineRequest } from "./engineCore";

/** The worker's bundled source; build.mjs defines it for page.js (undefined in tests). */
declare const __BABYGPT_ENGINE_WORKER__: string | undefined;

export interface EngineBackend {
  /** Requests are answered in order. */
  request(req: EngineRequest): Promise<EngineReply>;
  destroy(): void;
  readonly where: "worker" | "main thread";
}

/** What answers a request on the main thread (EngineCore, or the worker's source run here). */
export interface LocalCore {
  handle(req: EngineRequest): EngineReply;
}

/** The worker's source run on the main thread: it sets `self.onmessage` and answers with
 *  `self.postMessage`, synchronously, so a stand-in `self` turns it into a LocalCore. */
export function coreFromSource(source: string): LocalCore {
  let answer: EngineReply | null = null;
  const scope: { onmessage: ((e: { data: EngineRequest }) => void) | null; postMessage(m: EngineReply): void } = {
    onmessage: null,
    postMessage: (m) => (answer = m),
  };
  new Function("self", source)(scope); // the page's own bundled source, as the Worker would run it
  return {
    handle(req) {
      answer = null;
      scope.onmessage?.({ data: req });
      return answer ?? { rows: [], error: "train: the page's engine did not answer" };
    },
  };
}

class MainThreadBackend implements EngineBackend {
  readonly where = "main thread" as const;

  constructor(private readonly core: LocalCore) {}

  private queue: Promise<unknown> = Promise.resolve();

  request(req: EngineRequest): Promise<EngineReply> {
    const next = this.queue.then(() => new Promise<EngineReply>((done) => setTimeout(() => done(this.core.handle(req)), 0)));
    this.queue = next;
    return next;
  }

  destroy(): void {}
}

class WorkerBackend implements EngineBackend {
  readonly where = "worker" as const;
  private readonly waiting: ((r: EngineReply) => void)[] = [];

  constructor(
    private readonly worker: Worker,
    private readonly url: string,
  ) {
    worker.onmessage = (e: MessageEvent<EngineReply>) => this.waiting.shift()?.(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      for (const w of this.waiting.splice(0)) w({ rows: [], error: `train: the page's engine stopped (${e.message})` });
    };
  }

  request(req: EngineRequest): Promise<EngineReply> {
    return new Promise((done) => {
      this.waiting.push(done);
      this.worker.postMessage(req);
    });
  }

  destroy(): void {
    this.worker.terminate();
    URL.revokeObjectURL(this.url);
  }
}

export function workerSource(): string | null {
  return typeof __BABYGPT_ENGINE_WORKER__ === "string" ? __BABYGPT_ENGINE_WORKER__ : null;
}

/** A Worker when the page carries the worker's source and the browser starts it; else the main
 *  thread, running that source (or, in tests, `local`). */
export function createBackend(source: string | null = workerSource(), local?: () => LocalCore): EngineBackend {
  if (source !== null && typeof Worker !== "undefined") {
    try {
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      return new WorkerBackend(new Worker(url), url); // the URL lives as long as the worker
    } catch {
      // e.g. a browser that refuses blob: workers on file:// pages: train on the main thread
    }
  }
  if (source !== null) return new MainThreadBackend(coreFromSource(source));
  if (local) return new MainThreadBackend(local());
  throw new Error("the page carries no engine source");
}
