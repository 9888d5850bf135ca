// The one path by which the front end writes to the model: view traits it saves (`set` +
// `save_changes`) and commands it sends (`send`). Nothing else in js/ calls set / send /
// save_changes (js/layering.test.ts checks), so whoever answers — a Python kernel, a saved
// page's PageHost (js/page/), later an engine in a Web Worker — is decided here and only here.
import type { Command, Traits, WidgetModel } from "../model/types";

/** What the views may ask of the model: change view traits, send commands. */
export interface Commands {
  /** Set view traits (in the order given) and save them as one change. */
  save(values: Partial<Traits>): void;
  /** Send a command as is (analyses, explain, configure, load_run, hello). */
  send(c: Command): void;
  /** A training action: Step/Train/Play act on the live model, so a frozen view returns to live
   *  first (Python does it too); Pause is `stop` where the kernel knows it. */
  act(c: Command): void;
  /** Flow control (widget's background runner): Python hears which step arrived, so Play never
   *  runs more than a slice ahead of what the page shows. No comm (a saved page): nothing. */
  seen(step: number): void;
}

export function createCommands(model: WidgetModel): Commands {
  /** A newer kernel (with `training`, `stop`, `undo_reset`)? An older one only knows pause. */
  const newKernel = (): boolean => model.get("training") !== undefined;
  const save = (values: Partial<Traits>): void => {
    for (const key of Object.keys(values) as (keyof Traits)[]) model.set(key, values[key] as never);
    model.save_changes();
  };
  const send = (c: Command): void => model.send(c);
  return {
    save,
    send,
    act(c) {
      if ((c.cmd === "step" || c.cmd === "train" || c.cmd === "play") && (model.get("shown_index") ?? -1) >= 0) save({ shown_index: -1 });
      send(c.cmd === "pause" && newKernel() ? { cmd: "stop" } : c);
    },
    seen(step) {
      try {
        send({ cmd: "seen", step });
      } catch {
        // no comm (a saved page)
      }
    },
  };
}
