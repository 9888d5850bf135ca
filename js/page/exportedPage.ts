// A widget drawn by @jupyter-widgets/html-manager (`nbconvert --to html`, Jupyter Book, nbviewer,
// Quarto): no kernel will ever answer it. When the notebook saved the run's state at the shown
// step (the `engine_state` trait, widget/engine_state.py), the widget trains in the page: its
// model is wrapped so that commands go to an EngineHost and the host's trait updates are set on
// the manager's model, which the views follow as they follow a kernel. widget.js carries no
// worker source (that would put the engine in the bundle twice), so the engine runs on the main
// thread, one step a macrotask. Anywhere else (a kernel's manager, marimo, a saved page's own
// model) the model is used as it is.
import { decodeState } from "../engine";
import { createBackend } from "./engineBackend";
import { EngineCore } from "./engineCore";
import { EngineHost } from "./engineHost";
import type { PageHost } from "./host";

type Listener = (...args: unknown[]) => void;

/** anywidget's model contract (the part the front end uses). */
export interface AnyModelLike {
  get(key: string): unknown;
  set(key: string | Record<string, unknown>, value?: unknown): void;
  save_changes(): void;
  send(content: unknown, callbacks?: unknown, buffers?: ArrayBuffer[]): void;
  on(event: string, fn: Listener): void;
  off(event?: string | null, fn?: Listener | null): void;
  widget_manager?: unknown;
}

/** The html-manager's HTMLManager: it keeps its views in `_viewList` and has no kernel (every
 *  manager that talks to a kernel — JupyterLab's, Notebook 7's, Voila's — has `kernel`). */
export function isStaticManager(manager: unknown): boolean {
  return typeof manager === "object" && manager !== null && "_viewList" in manager && !("kernel" in manager);
}

/** The saved state blob when it is the shown run's (same step), else null. */
export function savedState(model: AnyModelLike): Uint8Array | null {
  const v = model.get("engine_state");
  if (!(v instanceof DataView) || v.byteLength === 0) return null;
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  try {
    return decodeState(bytes.buffer).optimizer.step === model.get("global_step") ? bytes : null;
  } catch {
    return null;
  }
}

const HISTORY_KEYS = ["history_steps", "history_losses", "history_probs", "history_prefix_probs", "states", "prefix_states"];

/** `model` itself, or — on an html-manager page with a saved state — a model whose commands train here. */
export function trainingModel(model: AnyModelLike): { model: AnyModelLike; destroy(): void } {
  const state = isStaticManager(model.widget_manager) ? savedState(model) : null;
  if (!state) return { model, destroy() {} };
  const replies = new Set<Listener>();
  const traits = Object.fromEntries(HISTORY_KEYS.map((k) => [k, model.get(k)]));
  const host: PageHost = new EngineHost(
    {
      reply: (content, buffers = []) => [...replies].forEach((fn) => fn(content, buffers)),
      update: (values) => model.set(values),
    },
    createBackend(null, () => new EngineCore()), // the widget's bundle carries the engine itself
    state,
    traits,
    "exported page", // the badge names what the reader has open
  );
  const wrapped: AnyModelLike = {
    get: (key) => model.get(key),
    set: (key, value) => model.set(key, value),
    save_changes: () => {
      // no kernel to tell: the manager's model keeps the view's values
    },
    send: (content, _callbacks, buffers = []) => host.command(content, buffers),
    on: (event, fn) => (event === "msg:custom" ? replies.add(fn) : model.on(event, fn)),
    off: (event, fn) => {
      if (!event || event === "msg:custom") (fn ? replies.delete(fn) : replies.clear());
      if (event !== "msg:custom") model.off(event, fn);
    },
    widget_manager: model.widget_manager,
  };
  // like a saved page's runtime: the training widgets are listed for tests and the curious
  const listed = window as unknown as { babygptPages?: { model: AnyModelLike }[] };
  (listed.babygptPages ??= []).push({ model: wrapped });
  return { model: wrapped, destroy: () => host.destroy() };
}
