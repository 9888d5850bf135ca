// The Web Worker's entry: built to a string (build.mjs) that the page runtime starts from a
// blob: URL, so a file:// page with no network trains off the main thread.
import { EngineCore } from "./engineCore";
import type { EngineRequest } from "./engineCore";

const core = new EngineCore();
const scope = self as unknown as { onmessage: (e: MessageEvent<EngineRequest>) => void; postMessage(m: unknown): void };
scope.onmessage = (e) => scope.postMessage(core.handle(e.data));
