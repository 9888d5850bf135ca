// A page's pushes (nudge / teach): the commands checked as widget/teaching.py checks them (steps,
// the ~60 s bound, then the targets; Python's messages and fields), and the `taught` trait
// (result_summary of core/teaching.py's TeachResult: movers, unseen states, the summary line),
// float32 arithmetic where numpy's is.
import { estimateCost } from "../engine/cost";
import type { PageConfig } from "./pageConfig";
import { MAX_TEACH_STEPS, TEACH_LR, TeachError, WEIGHT_PER_WINDOW, nudgeTargets, targetsDict, targetsFrom } from "./pageTeach";
import type { TeachTargets } from "./pageTeach";
import { pyG, pyPercent } from "./pyNumbers";
import { pyRepr, pyValue } from "./pyFormat";
import type { PyValue } from "./pyFormat";

export const PUSH_COMMANDS = ["nudge", "teach", "undo"] as const;
/** widget/teaching.py's TEACH_SECONDS: a push holds the run at most this much estimated training. */
const TEACH_SECONDS = 60;
const MOVED = 1e-3;
/** commands.COMMAND_ARGS of the push commands. */
const ARGS: Record<string, string[]> = { nudge: ["state", "token", "p", "steps"], teach: ["targets", "steps"], undo: [] };

/** A refused push command: Python's reply (and whether the widget also shows it inline). */
export class PushRefusal extends Error {
  constructor(readonly field: string, message: string, readonly inline: boolean) {
    super(message);
    this.name = "PushRefusal";
  }
}

/** A push the page will run: its steps and, at the moment it runs, its rows. */
export interface PushPlan {
  what: "nudge" | "teach";
  steps: number;
  targets: (config: PageConfig, row: (state: string) => ArrayLike<number>) => TeachTargets;
}

/** field_checks.echo: repr, at most 60 characters. */
function fieldEcho(v: PyValue): string {
  if (v.kind === "int" && (v.value > 10n ** 30n || v.value < -(10n ** 30n))) {
    return `an integer of ${(v.value < 0n ? -v.value : v.value).toString(2).length} bits`;
  }
  const text = Array.from(pyRepr(v));
  return text.length <= 60 ? text.join("") : `${text.slice(0, 59).join("")}…`;
}

/** _run_command's argument check, then widget/teaching.py's _check_teach_time. */
export function checkArgs(cmd: string, content: Record<string, unknown>): void {
  const unknown = Object.keys(content).filter((k) => k !== "cmd" && !ARGS[cmd].includes(k));
  if (unknown.length) {
    const name = unknown[0].length <= 40 ? unknown[0] : "cmd";
    throw new PushRefusal(name, `${name}: ${cmd} takes no argument ${fieldEcho(pyValue(unknown[0]))}`, false);
  }
}

function checkSteps(config: PageConfig, steps: unknown): number {
  const v = pyValue(steps);
  if (v.kind !== "int" || v.value < 1n || v.value > BigInt(MAX_TEACH_STEPS)) {
    throw new PushRefusal("steps", `steps: must be an integer from 1 to ${MAX_TEACH_STEPS}; got ${fieldEcho(v)}`, false);
  }
  const n = Number(v.value);
  const seconds = estimateCost(Array.from(config.alphabet).length, config.context_length, config.n_layer, config.n_head,
    config.n_embd, Array.from(config.sequence).length).stepSeconds;
  const most = Math.max(1, Math.min(MAX_TEACH_STEPS, Math.floor(TEACH_SECONDS / seconds)));
  if (n > most) {
    throw new PushRefusal("steps", `steps: at these settings at most ${most.toLocaleString("en-US")} steps (~${TEACH_SECONDS} s of training while the run is held); got ${n.toLocaleString("en-US")}`, false);
  }
  return n;
}

/** A TeachError's reply: the field as _on_message caps it, the text as the widget clips it. */
function refusal(e: unknown): never {
  if (!(e instanceof TeachError)) throw e;
  throw new PushRefusal(e.field.length <= 40 ? e.field : "cmd", e.message, true);
}

/** The plan of a nudge / teach command, or PushRefusal (steps first, then the targets). */
export function pushPlan(cmd: "nudge" | "teach", c: Record<string, unknown>, config: PageConfig): PushPlan {
  checkArgs(cmd, c);
  const steps = checkSteps(config, "steps" in c ? c.steps : cmd === "nudge" ? 20 : 60);
  const { alphabet, context_length: C } = config;
  const weight = (cfg: PageConfig): number => WEIGHT_PER_WINDOW * Math.max(1, Array.from(cfg.sequence).length - C);
  const weightOf = (cfg: PageConfig): PyValue => ({ kind: "float", value: weight(cfg) });
  try {
    if (cmd === "teach") {
      const checked = targetsFrom(c.targets, weightOf(config), alphabet, C);
      return { what: cmd, steps, targets: (cfg) => ({ ...checked, weight: weight(cfg) }) };
    }
    const [state, token, p] = [pyValue(c.state), pyValue(c.token), pyValue(c.p)];
    nudgeTargets(state, token, p, alphabet, C, () => [1, ...new Array(Array.from(alphabet).length - 1).fill(0)]);
    return {
      what: cmd, steps,
      targets: (cfg, row) => targetsFrom(nudgeTargets(state, token, p, alphabet, C, () => row(state.kind === "str" ? state.value : "")), weightOf(cfg), alphabet, C),
    };
  } catch (e) {
    return refusal(e);
  }
}

/** The lr a push trains at: max(the run's lr, TEACH_LR). */
export const pushLr = (config: PageConfig): number => Math.max(config.lr, TEACH_LR);

/** What a push did: TeachResult's fields. `before` / `after`: every full state's row (float32). */
export interface PushRecord {
  states: string[];
  alphabet: string;
  targets: TeachTargets;
  lr: number;
  startStep: number;
  steps: number;
  before: Float32Array;
  after: Float32Array;
  seen: boolean[];
}

/** widget/teaching.py's result_summary: the `taught` trait. */
export function resultSummary(r: PushRecord): Record<string, unknown> {
  const tokens = Array.from(r.alphabet);
  const V = tokens.length;
  const moved = r.after.map((a, k) => Math.fround(a - r.before[k])); // numpy float32
  const taught = new Set(r.targets.rows.map(([s]) => s));
  const rowMax = (i: number): [number, number] => {
    let best = -1, at = 0;
    for (let j = 0; j < V; j++) if (Math.abs(moved[i * V + j]) > best) [best, at] = [Math.abs(moved[i * V + j]), j];
    return [best, at];
  };
  const topMovers = (n: number): [string, string, number][] =>
    r.states.map((s, i) => [...rowMax(i), i, s] as const)
      .filter(([, , , s]) => !taught.has(s))
      .sort((x, y) => y[0] - x[0] || y[2] - x[2])
      .slice(0, n)
      .map(([, j, i]) => [r.states[i], tokens[j], moved[i * V + j]]);
  const unseen = r.states.filter((s, i) => !r.seen[i] && !taught.has(s) && rowMax(i)[0] > MOVED);
  const at = (s: string, j: number, m: Float32Array): number => m[r.states.indexOf(s) * V + j];
  let distance = -Infinity;
  for (const [s, probs] of r.targets.rows) probs.forEach((p, j) => (distance = Math.max(distance, Math.abs(at(s, j, r.after) - p))));
  const taughtText = r.targets.rows.map(([s, probs]) => `${s} -> ` + tokens.map((t, j) => [t, probs[j], j] as const)
    .sort((x, y) => y[1] - x[1] || x[2] - y[2])
    .map(([t, p, j]) => `${t} to ${pyPercent(p, 0)} (${pyPercent(at(s, j, r.before), 1)} -> ${pyPercent(at(s, j, r.after), 1)})`)
    .join(", ")).join("; ");
  const others = topMovers(3).map(([s, t, d]) => `${s} -> ${t} ${pyPercent(d, 1, true)}`).join(", ");
  const tail = unseen.length ? ` States the data never visits moved too: ${unseen.join(", ")}.` : "";
  const end = r.startStep + r.steps;
  const summary = `taught for ${r.steps} steps (step ${r.startStep} -> ${end}, lr ${pyG(r.lr, 6)}, each taught row weighs `
    + `${pyG(r.targets.weight, 6)} windows): ${taughtText}. Moved most elsewhere: ${others || "nothing"}.${tail}`;
  const rows: number[][] = r.states.map((_, i) => Array.from(r.before.subarray(i * V, (i + 1) * V)));
  return {
    step: end, start_step: r.startStep, steps: r.steps, lr: r.lr, weight: r.targets.weight, targets: targetsDict(r.targets, r.alphabet),
    before: rows, top_movers: topMovers(5).map(([state, token, change]) => ({ state, token, change })),
    unseen_moved: unseen, distance, summary,
  };
}
