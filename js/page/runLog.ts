// The run string a page writes as it trains: babygpt_widget/runs/run_log.py's RunLog, rule for
// rule (a live change starts a segment at the current step; changes before any training merge;
// one that restores the previous segment's settings removes it; too many segments or characters
// give the `too-long` marker), and runstring.py's text. tests/golden/page_config_golden.json
// holds the page's strings equal to Python's. The saved run string is where the page's log starts.
import { CONFIG_FIELDS, LIVE_FIELDS, sameConfig, settingText } from "./pageConfig";
import type { PageConfig, PageConfigField } from "./pageConfig";
import { parseTeach } from "./pageTeach";

export const PREFIX = "babygpt2:";
const TOO_LONG = "too-long";
const MAX_SEGMENTS = 100;
const MAX_LENGTH = 3 * 100_000 + 2_000;
const STEPS_CHARS = "steps=10000000".length;
/** runstring._KEYS: run-string key of each setting, in the first segment's order. */
const KEYS: [string, PageConfigField][] = [
  ["seq", "sequence"], ["alphabet", "alphabet"], ["C", "context_length"], ["layers", "n_layer"], ["heads", "n_head"],
  ["embd", "n_embd"], ["lr", "lr"], ["wd", "weight_decay"], ["seed", "seed"], ["teach", "teach"],
];
const LIVE_KEYS = KEYS.filter(([, f]) => (LIVE_FIELDS as readonly string[]).includes(f));

/** runstring.escape: only % ; | = are escaped. */
export function escapeValue(v: string): string {
  return v.replace(/[%;|=]/g, (c) => ({ "%": "%25", ";": "%3B", "|": "%7C", "=": "%3D" })[c]!);
}

function unescapeValue(v: string): string {
  return v.replace(/%(25|3B|7C|3D)/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** runstring.settings_text: every setting (first segment; `teach` only when rows are taught) or
 *  the live ones changed since `before`. */
export function settingsText(c: PageConfig, before: PageConfig | null): string {
  const keys = before === null ? KEYS.filter(([k]) => k !== "teach" || c.teach !== "") : LIVE_KEYS.filter(([, f]) => c[f] !== before[f]);
  return keys.map(([k, f]) => `${k}=${escapeValue(settingText(c, f))};`).join("");
}

export class RunLog {
  private constructor(
    readonly starts: readonly (readonly [PageConfig, number])[],
    readonly exact: boolean,
    readonly tooLong: boolean,
    private readonly head: string,
  ) {}

  static start(config: PageConfig, exact = true): RunLog {
    return RunLog.of([[config, 0]], exact);
  }

  static of(starts: readonly (readonly [PageConfig, number])[], exact: boolean): RunLog {
    const parts: string[] = [];
    let before: PageConfig | null = null;
    starts.forEach(([config, start], i) => {
      parts.push(settingsText(config, before));
      if (i + 1 < starts.length) parts.push(`steps=${starts[i + 1][1] - start}|`);
      before = config;
    });
    const head = PREFIX + (exact ? "" : "exact=0;") + parts.join("");
    if (starts.length > MAX_SEGMENTS || head.length + STEPS_CHARS > MAX_LENGTH) return new RunLog([], false, true, "");
    return new RunLog(starts, exact, false, head);
  }

  /** The log after the live settings became `config` at `step` (an architecture change starts a new log). */
  changed(config: PageConfig, step: number): RunLog {
    if (this.tooLong) return this;
    const [last, start] = this.starts[this.starts.length - 1];
    if (sameConfig(config, last)) return this;
    if (start === step) {
      const starts = this.starts.slice(0, -1);
      if (starts.length && sameConfig(starts[starts.length - 1][0], config)) return RunLog.of(starts, this.exact);
      return RunLog.of(starts.length ? [...starts, [config, step]] : [[config, 0]], this.exact);
    }
    return RunLog.of([...this.starts, [config, step]], this.exact);
  }

  text(globalStep: number): string {
    if (this.tooLong) return `${PREFIX}${TOO_LONG};steps=${globalStep}`;
    return `${this.head}steps=${Math.max(0, globalStep - this.starts[this.starts.length - 1][1])}`;
  }

  /** The settings now (null for a too-long log, which keeps none). */
  get config(): PageConfig | null {
    return this.starts.length ? this.starts[this.starts.length - 1][0] : null;
  }

  /**
   * The log a Python-written run string describes (the string a page was saved with); null when
   * it is not one Python writes (the page then starts a log from its settings, marked exact=0).
   */
  static parse(text: unknown): RunLog | null {
    if (typeof text !== "string" || !text.startsWith(PREFIX)) return null;
    let body = text.slice(PREFIX.length);
    if (body.startsWith(`${TOO_LONG};`)) return new RunLog([], false, true, "");
    let exact = true;
    if (body.startsWith("exact=0;")) {
      exact = false;
      body = body.slice("exact=0;".length);
    }
    const starts: [PageConfig, number][] = [];
    let step = 0;
    let before: PageConfig | null = null;
    for (const part of body.split("|")) {
      const values = new Map<string, string>();
      for (const item of part.split(";")) {
        const eq = item.indexOf("=");
        if (eq < 0) return null;
        values.set(item.slice(0, eq), unescapeValue(item.slice(eq + 1)));
      }
      const steps = Number(values.get("steps"));
      if (!Number.isInteger(steps) || steps < 0) return null;
      const config = readSettings(values, before);
      if (config === null) return null;
      starts.push([config, step]);
      step += steps;
      before = config;
    }
    return starts.length ? RunLog.of(starts, exact) : null;
  }
}

function readSettings(values: Map<string, string>, before: PageConfig | null): PageConfig | null {
  const out: Record<string, unknown> = before ? { ...before } : {};
  for (const [key, field] of KEYS) {
    const raw = values.get(key);
    if (raw === undefined) {
      if (before === null && field === "teach") out.teach = "";
      else if (before === null) return null; // Python writes every setting in the first segment
      continue;
    }
    if (field === "sequence" || field === "alphabet" || field === "teach") out[field] = raw;
    else if (field === "seed") out[field] = /^[0-9]+$/.test(raw) ? BigInt(raw) : null;
    else out[field] = Number(raw);
    if (out[field] === null || (typeof out[field] === "number" && !Number.isFinite(out[field]))) return null;
  }
  if (!CONFIG_FIELDS.every((f) => out[f] !== undefined)) return null;
  const config = out as unknown as PageConfig;
  try {
    parseTeach(config.teach, config.alphabet, config.context_length); // rows a run string names must be ones Python takes
  } catch {
    return null;
  }
  return config;
}
