// The run a page starts from: its settings as the engine takes them and its run log (the saved
// run string's, exact; else one started from the config trait, marked exact=0).
import type { RunSettings } from "../engine";
import { CONFIG_FIELDS, updatedConfig } from "./pageConfig";
import type { PageConfig } from "./pageConfig";
import { parseTeach, teachSpec } from "./pageTeach";
import { RunLog } from "./runLog";

/** The run's settings as the engine takes them (taught rows included while a push runs). */
export function engineSettings(c: PageConfig): RunSettings {
  const tokens = Array.from(c.alphabet);
  const teach = teachSpec(parseTeach(c.teach, c.alphabet, c.context_length), c.alphabet);
  return {
    vocabSize: tokens.length, contextLength: c.context_length, nLayer: c.n_layer, nHead: c.n_head, nEmbd: c.n_embd,
    sequence: Array.from(c.sequence, (ch) => tokens.indexOf(ch)), lr: c.lr, weightDecay: c.weight_decay, seed: c.seed,
    ...(teach ? { teach } : {}),
  };
}

/** The page's settings and run log: the saved run string's (exact); for a `too-long` or unreadable
 *  one the settings come from the config trait (a too-long log stays too-long, as in Python). */
export function savedRun(traits: Record<string, unknown>): { config: PageConfig | null; log: RunLog | null } {
  const log = RunLog.parse(traits.run_string);
  if (log?.config) return { config: log.config, log };
  const cfg = traits.config as Record<string, unknown> | undefined;
  if (!cfg || typeof cfg !== "object") return { config: null, log: null };
  try {
    const config = updatedConfig(
      { sequence: "", alphabet: "", context_length: 0, n_layer: 0, n_head: 0, n_embd: 0, lr: 0, weight_decay: 0, seed: 0n, teach: "" },
      Object.fromEntries(CONFIG_FIELDS.map((f) => [f, f === "teach" ? (cfg[f] ?? "") : cfg[f]])), // pages saved before `teach`
    );
    return { config, log: log ?? RunLog.start(config, false) }; // exact=0: what came before is not known here
  } catch {
    return { config: null, log: null };
  }
}
