// Where the page's engine runs: a Web Worker started from the bundled worker source (a blob: URL,
// which works on a file:// page), or — where no Worker can start (or in tests) — the main thread,
// one request per macrotask so the page still draws between steps.
import { EngineCore } from "./engineCore";
import type { EngineReply, EngineRequest } from "./engineCore";

/** The worker's bundled source; build.mjs defines it for page.js (undefined in tests). */
declare const __BABYGPT_ENGINE_WORKER__: string | undefined;

export interface EngineBackend {
  /** Requests are answered in order. */
  request(req: EngineRequest): Promise<EngineReply>;
  destroy(): void;
  readonly where: "worker" | "main thread";
}

class MainThreadBackend implements EngineBackend {
  readonly where = "main thread" as const;
  private readonly core = new EngineCore();
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

/** A Worker when the page carries the worker's source and the browser starts it; else the main thread. */
export function createBackend(source: string | null = workerSource()): EngineBackend {
  if (source !== null && typeof Worker !== "undefined") {
    try {
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      return new WorkerBackend(new Worker(url), url); // the URL lives as long as the worker

    } catch {
      // e.g. a browser that refuses blob: workers on file:// pages: train on the main thread
    }
  }
  return new MainThreadBackend();
}
