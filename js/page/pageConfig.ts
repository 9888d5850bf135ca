// A run's settings in the page and their checks: babygpt_widget/core/config.py's RunConfig.updated
// / validated, message for message (tests/golden/page_config_golden.json, written by Python, holds
// them equal), then the page's own refusal of settings its engine does not follow bit for bit
// (render/page_engine.py's not_exact_reason): a page never trains a run Python would not rebuild.
import { costRefusal } from "../engine/cost";
import { echo, pyLen, pyRepr, pyTypeName, pyValue } from "./pyFormat";
import { TeachError, parseTeach } from "./pageTeach";
import type { PyValue } from "./pyFormat";

/** RunConfig's fields, in its order (the config trait's keys). */
export interface PageConfig {
  sequence: string;
  alphabet: string;
  context_length: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
  lr: number;
  weight_decay: number;
  seed: bigint;
  /** Rows taught by hand (a push in progress, teach_targets.py's text); "" almost always. */
  teach: string;
}

export const CONFIG_FIELDS = ["sequence", "alphabet", "context_length", "n_layer", "n_head", "n_embd", "lr", "weight_decay", "seed", "teach"] as const;
export type PageConfigField = (typeof CONFIG_FIELDS)[number];
/** A change of these rebuilds the model from the seed; the rest apply to the running one. */
export const ARCHITECTURE_FIELDS: readonly string[] = ["alphabet", "context_length", "n_layer", "n_head", "n_embd", "seed"];
export const LIVE_FIELDS = ["sequence", "lr", "weight_decay", "teach"] as const;
const COST_FIELDS = ["n_embd", "n_layer", "context_length", "alphabet", "sequence", "n_head"];

const MAX_STATES = 4096;
const MAX_EDGES = 16_384;
const MAX_SEQUENCE_LENGTH = 100_000;
const MAX_SEED = 2n ** 63n - 1n;

export class PageConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "PageConfigError";
  }
}

export function sameConfig(a: PageConfig, b: PageConfig): boolean {
  return CONFIG_FIELDS.every((f) => a[f] === b[f]);
}

/** The config trait as Python sends it (json_safe(config.to_dict())). */
export function configTrait(c: PageConfig): Record<string, unknown> {
  return { ...c, seed: Number(c.seed) };
}

function asPy(c: PageConfig, field: PageConfigField): PyValue {
  const v = c[field];
  if (field === "lr" || field === "weight_decay") return { kind: "float", value: v as number };
  return pyValue(v);
}

/** RunConfig.updated(**values): a checked copy, or PageConfigError naming the field. */
export function updatedConfig(config: PageConfig, values: Record<string, unknown>): PageConfig {
  const known = new Set<string>(CONFIG_FIELDS);
  const unknown = Object.keys(values).filter((k) => !known.has(k)).sort();
  if (unknown.length) throw new PageConfigError(unknown[0], `unknown setting; known settings are ${CONFIG_FIELDS.join(", ")}`);
  const blame = Object.keys(values).find((f) => COST_FIELDS.includes(f)) ?? "n_embd";
  const get = (f: PageConfigField): PyValue => (f in values ? pyValue(values[f]) : asPy(config, f));
  return validated(get, blame);
}

function validated(get: (f: PageConfigField) => PyValue, blame: string): PageConfig {
  const alphabet = checkAlphabet(get("alphabet"));
  const V = pyLen(alphabet);
  const C = checkInt("context_length", get("context_length"), 1, 12);
  const states = V ** C;
  if (states > MAX_STATES || states * V > MAX_EDGES) {
    throw new PageConfigError("context_length", `${V}**${C} = ${states} states with ${V} edges each is above the cap `
      + `of ${MAX_STATES} states / ${MAX_EDGES} edges; use a context length of at most ${maxContext(V)} for a ${V}-token alphabet`);
  }
  const nLayer = checkInt("n_layer", get("n_layer"), 1, 12);
  const nHead = checkInt("n_head", get("n_head"), 1, 16);
  const nEmbd = checkInt("n_embd", get("n_embd"), 1, 256);
  if (nEmbd % nHead) throw new PageConfigError("n_embd", `must be divisible by n_head (${nHead}); got ${nEmbd}`);
  const sequence = checkSequence(get("sequence"), alphabet, C);
  const lr = checkFloat("lr", get("lr"), "greater than 0 and at most 10", 0, 10, true);
  const weightDecay = checkFloat("weight_decay", get("weight_decay"), "from 0 to 10", 0, 10, false);
  const seed = checkBig("seed", get("seed"), 0n, MAX_SEED);
  const teach = checkTeach(get("teach"), alphabet, C);
  const refusal = costRefusal(V, C, nLayer, nHead, nEmbd, pyLen(sequence));
  if (refusal !== null) throw new PageConfigError(blame, refusal);
  return { sequence, alphabet, context_length: C, n_layer: nLayer, n_head: nHead, n_embd: nEmbd, lr, weight_decay: weightDecay, seed, teach };
}

/** config._check_teach: parse_teach's message, as a ConfigError of `teach`. */
function checkTeach(v: PyValue, alphabet: string, C: number): string {
  if (v.kind !== "str") throw new PageConfigError("teach", `must be a text like '000:0.9/0.1@12'; got ${echo(v)}`);
  try {
    parseTeach(v.value, alphabet, C);
  } catch (e) {
    if (e instanceof TeachError) throw new PageConfigError("teach", e.message.slice("teach: ".length));
    throw e;
  }
  return v.value;
}

function maxContext(V: number): number {
  let c = 1;
  while (V ** (c + 1) <= MAX_STATES && V ** (c + 2) <= MAX_EDGES) c++;
  return c;
}

const SPACE = /[\t\n\v\f\r\x1c-\x1f\x85\p{Zs}\u2028\u2029]/u;
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function checkAlphabet(v: PyValue): string {
  if (v.kind !== "str") throw new PageConfigError("alphabet", `must be a string of distinct single characters, e.g. '01'; got ${pyTypeName(v)}`);
  const a = v.value;
  const chars = Array.from(a);
  if (chars.length < 2) throw new PageConfigError("alphabet", `needs at least 2 distinct characters, e.g. '01'; got ${echo(v)}`);
  if (chars.length ** 2 > MAX_EDGES) {
    throw new PageConfigError("alphabet", `at most ${Math.floor(Math.sqrt(MAX_EDGES))} characters (V*V edges at context 1 must stay within ${MAX_EDGES}); got ${chars.length}`);
  }
  if (new Set(chars).size !== chars.length) {
    const dupes = [...new Set(chars.filter((c) => chars.indexOf(c) !== chars.lastIndexOf(c)))].sort(byCodePoint);
    throw new PageConfigError("alphabet", `characters must be distinct; ${echo({ kind: "str", value: dupes.join("") })} repeats in ${echo(v)}`);
  }
  if (chars.some((c) => SPACE.test(c) || NOT_PRINTABLE.test(c))) {
    throw new PageConfigError("alphabet", `characters must be printable and not whitespace; got ${echo(v)}`);
  }
  return a;
}

function byCodePoint(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

function checkSequence(v: PyValue, alphabet: string, C: number): string {
  const alpha: PyValue = { kind: "str", value: alphabet };
  if (v.kind !== "str") throw new PageConfigError("sequence", `must be a string over the alphabet ${echo(alpha)}; got ${echo(v)}`);
  const allowed = new Set(Array.from(alphabet));
  const bad = [...new Set(Array.from(v.value).filter((c) => !allowed.has(c)))].sort(byCodePoint);
  if (bad.length) throw new PageConfigError("sequence", `characters ${echo({ kind: "str", value: bad.join("") })} are not in the alphabet ${echo(alpha)}`);
  const n = pyLen(v.value);
  if (n < C + 1 || n > MAX_SEQUENCE_LENGTH) {
    throw new PageConfigError("sequence", `length must be between context_length + 1 = ${C + 1} and ${MAX_SEQUENCE_LENGTH}; got ${n}`);
  }
  return v.value;
}

function checkBig(field: string, v: PyValue, low: bigint, high: bigint): bigint {
  if (v.kind !== "int" || v.value < low || v.value > high) {
    throw new PageConfigError(field, `must be an integer from ${low} to ${high}; got ${echo(v)}`);
  }
  return v.value;
}

function checkInt(field: string, v: PyValue, low: number, high: number): number {
  return Number(checkBig(field, v, BigInt(low), BigInt(high)));
}

function checkFloat(field: string, v: PyValue, allowed: string, low: number, high: number, lowOpen: boolean): number {
  const refuse = (): never => {
    throw new PageConfigError(field, `must be a finite number ${allowed}; got ${echo(v)}`);
  };
  if (v.kind !== "int" && v.kind !== "float") return refuse();
  const x = Number(v.value);
  if (!(x >= low && x <= high)) return refuse(); // NaN fails too
  if (lowOpen && x === low) {
    // Python compares, converts with float(), then checks again: it quotes the float
    throw new PageConfigError(field, `must be a finite number ${allowed}; got ${echo({ kind: "float", value: x })}`);
  }
  return x;
}

/** render/page_engine.py's not_exact_reason: why the page's engine would not follow Python bit for bit. */
export function notExactReason(c: PageConfig): string | null {
  const V = pyLen(c.alphabet);
  const C = c.context_length;
  if (V ** C > 255) return `${V ** C} states: the page trains chains of fewer than 256 states`;
  if ([5, 6, 7, 9, 10, 11].includes(c.n_embd)) return `n_embd ${c.n_embd}: the page's engine is exact for n_embd 1-4, 8 and 12 or more`;
  if (V === 2 && C === 1) return "a 2-token alphabet with context 1 is not one the page's engine follows exactly";
  return null;
}

/** The page refuses what its engine would not train exactly as Python (the run string would lie). */
export function pageRefusal(field: string, c: PageConfig): PageConfigError | null {
  const why = notExactReason(c);
  if (why === null) return null;
  return new PageConfigError(field, `${why} — this page trains only what Python rebuilds bit for bit; open the notebook with a Python kernel for this setting`);
}

/** Python's str() of a setting's value (run strings). */
export function settingText(c: PageConfig, f: PageConfigField): string {
  return f === "lr" || f === "weight_decay" ? pyRepr({ kind: "float", value: c[f] }) : String(c[f]);
}

