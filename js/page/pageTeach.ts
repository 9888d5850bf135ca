// Taught rows in a page (pushes: nudge / teach): core/teach_targets.py's checks and canonical text
// and core/teaching.py's nudge_targets, message for message and digit for digit, so a page's push
// writes the run string Python writes and Python rebuilds it exactly
// (tests/golden/page_push_golden.json, written by the real widget, holds them equal).
import { fsum, numpySum, pyG, pyRound } from "./pyNumbers";
import { echo, floatRepr, pyRepr, pyValue, strRepr } from "./pyFormat";
import type { PyValue } from "./pyFormat";

export const MAX_TAUGHT_STATES = 64;
export const MAX_WEIGHT = 1_000_000;
export const MAX_TEACH_STEPS = 10_000;
export const TEACH_LR = 3e-3;
export const WEIGHT_PER_WINDOW = 3.0;
const ROW_TOLERANCE = 1e-6;

/** teach_targets.TeachError: "field: why", with the field kept for the reply. */
export class TeachError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "TeachError";
  }
}

/** TeachTargets: rows sorted by state (code points), probabilities in alphabet order. */
export interface TeachTargets {
  rows: [string, number[]][];
  weight: number;
}

const chars = (s: string): string[] => Array.from(s);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (s: string): PyValue => ({ kind: "str", value: s });

function byCodePoints(a: string, b: string): number {
  const x = chars(a), y = chars(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/** TeachTargets.text(): `<state>:<p0>/<p1>…,<state>:…@<weight>`. */
export function teachText(t: TeachTargets): string {
  return `${t.rows.map(([s, p]) => `${s}:${p.map(floatRepr).join("/")}`).join(",")}@${floatRepr(t.weight)}`;
}

/** TeachTargets.as_dict(alphabet). */
export function targetsDict(t: TeachTargets, alphabet: string): Record<string, Record<string, number>> {
  const tokens = chars(alphabet);
  return Object.fromEntries(t.rows.map(([s, p]) => [s, Object.fromEntries(tokens.map((tok, j) => [tok, p[j]]))]));
}

/** The engine's TeachSpec (js/engine/config.ts): contexts as token ids. */
export interface EngineTeach {
  rows: { context: number[]; probs: number[] }[];
  weight: number;
}

export function teachSpec(t: TeachTargets | null, alphabet: string): EngineTeach | null {
  if (t === null) return null;
  const tokens = chars(alphabet);
  return { rows: t.rows.map(([s, p]) => ({ context: chars(s).map((c) => tokens.indexOf(c)), probs: p.slice() })), weight: t.weight };
}

function checkProbability(field: string, v: PyValue): number {
  if ((v.kind !== "int" && v.kind !== "float") || !(Number(v.value) >= 0 && Number(v.value) <= 1)) {
    throw new TeachError(field, `must be a probability from 0 to 1; got ${echo(v)}`);
  }
  return Number(v.value);
}

export function checkWeight(field: string, v: PyValue): number {
  if ((v.kind !== "int" && v.kind !== "float") || !(Number(v.value) > 0 && Number(v.value) <= MAX_WEIGHT)) {
    throw new TeachError(field, `must be a number greater than 0 and at most 1,000,000 (training windows one taught row counts as); got ${echo(v)}`);
  }
  return Number(v.value);
}

export function checkState(field: string, v: PyValue, alphabet: string, C: number): string {
  const allowed = new Set(chars(alphabet));
  if (v.kind !== "str" || chars(v.value).length !== C || chars(v.value).some((c) => !allowed.has(c))) {
    throw new TeachError(field, `must be a state: ${C} characters of the alphabet ${echo(str(alphabet))}; got ${echo(v)}`);
  }
  return v.value;
}

function checkRow(field: string, probs: number[]): number[] {
  const total = fsum(probs);
  if (Math.abs(total - 1) > ROW_TOLERANCE) throw new TeachError(field, `the row's probabilities must sum to 1; they sum to ${pyG(total, 6)}`);
  return probs;
}

/** targets_from(mapping, weight, alphabet, C): `mapping` as the front end sends it (JSON). */
export function targetsFrom(mapping: unknown, weight: PyValue, alphabet: string, C: number, field = "targets"): TeachTargets {
  const tokens = chars(alphabet);
  if (!isObject(mapping) || Object.keys(mapping).length === 0) {
    const eg = `{${strRepr(tokens[0].repeat(C))}: {${strRepr(tokens[0])}: 0.9, ${strRepr(tokens[1])}: 0.1}}`;
    throw new TeachError(field, `must be a non-empty dict of state -> {token: probability}, e.g. ${eg}; got ${echo(pyValue(mapping))}`);
  }
  const entries = Object.entries(mapping);
  if (entries.length > MAX_TAUGHT_STATES) throw new TeachError(field, `at most ${MAX_TAUGHT_STATES} states at once; got ${entries.length}`);
  const rows: [string, number[]][] = [];
  for (const [state, row] of entries) {
    const where = `${field}[${strRepr(state)}]`;
    checkState(`${field} key ${echo(str(state))}`, str(state), alphabet, C);
    if (!isObject(row) || Object.keys(row).length === 0) {
      throw new TeachError(where, `must be a non-empty dict of token -> probability; got ${echo(pyValue(row))}`);
    }
    const probs = tokens.map(() => 0);
    for (const [token, p] of Object.entries(row)) {
      if (chars(token).length !== 1 || !tokens.includes(token)) {
        throw new TeachError(`${where} key ${echo(str(token))}`, `must be one token of the alphabet ${echo(str(alphabet))}`);
      }
      probs[tokens.indexOf(token)] = checkProbability(`${where}[${strRepr(token)}]`, pyValue(p));
    }
    rows.push([state, checkRow(where, probs)]);
  }
  rows.sort((a, b) => byCodePoints(a[0], b[0]));
  return { rows, weight: checkWeight("weight", weight) };
}

/** parse_teach: the targets of a `teach` setting's text (null for ""); TeachError("teach", …). */
export function parseTeach(text: string, alphabet: string, C: number): TeachTargets | null {
  if (text === "") return null;
  const at = text.lastIndexOf("@");
  if (at < 0) throw new TeachError("teach", `must end with @<weight>; got ${echo(str(text))}`);
  const body = text.slice(0, at);
  const weightText = text.slice(at + 1);
  const weight = pyFloat(weightText);
  if (weight === null) throw new TeachError("teach", `weight ${echo(str(weightText))} is not a number`);
  const V = chars(alphabet).length;
  const rows: [string, number[]][] = [];
  const b = chars(body);
  let i = 0;
  while (i < b.length) {
    const state = b.slice(i, i + C).join("");
    checkState("teach", str(state), alphabet, C);
    if (b[i + C] !== ":") throw new TeachError("teach", `expected ':' after the state ${echo(str(state))} at character ${i + C}`);
    let end = b.indexOf(",", i + C + 1);
    end = end < 0 ? b.length : end;
    const parts = b.slice(i + C + 1, end).join("").split("/");
    if (parts.length !== V) throw new TeachError("teach", `the row of ${echo(str(state))} needs ${V} probabilities; got ${parts.length}`);
    const probs = parts.map((p) => {
      const x = pyFloat(p);
      const why = `the row of ${echo(str(state))}: `;
      if (x === null) throw new TeachError("teach", `${why}could not convert string to float: ${strRepr(p)}`);
      try {
        return checkProbability("teach", { kind: "float", value: x });
      } catch (e) {
        throw new TeachError("teach", why + (e as Error).message); // Python wraps the TeachError's text
      }
    });
    rows.push([state, checkRow("teach", probs)]);
    i = end + 1;
  }
  if (!rows.length || rows.length > MAX_TAUGHT_STATES || new Set(rows.map(([s]) => s)).size !== rows.length) {
    throw new TeachError("teach", `needs 1 to ${MAX_TAUGHT_STATES} distinct states; got ${echo(str(text))}`);
  }
  rows.sort((x, y) => byCodePoints(x[0], y[0]));
  const targets = { rows, weight: checkWeight("teach", { kind: "float", value: weight }) };
  if (teachText(targets) !== text) {
    throw new TeachError("teach", `is not in canonical form (states sorted, numbers as Python writes them): expected ${echo(str(teachText(targets)))}`);
  }
  return targets;
}

/** Python's float(text) for the texts a run string holds (null where Python raises). */
function pyFloat(text: string): number | null {
  const t = text.trim().replace(/_/g, "");
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  return Number(t);
}

/** nudge_targets: `state`'s row with `token` at `p`, the other tokens sharing 1 - p as they do now
 *  (`now`: the state's row of the live chain, float32 values). */
export function nudgeTargets(state: PyValue, token: PyValue, p: PyValue, alphabet: string, C: number, now: () => ArrayLike<number>): Record<string, Record<string, number>> {
  const s = checkState("state", state, alphabet, C);
  const tokens = chars(alphabet);
  if (token.kind !== "str" || chars(token.value).length !== 1 || !tokens.includes(token.value)) {
    throw new TeachError("token", `must be one token of the alphabet ${strRepr(alphabet)}; got ${pyRepr(token)}`);
  }
  if ((p.kind !== "int" && p.kind !== "float") || !(Number(p.value) >= 0 && Number(p.value) <= 1)) {
    throw new TeachError("p", `must be a finite number from 0 to 1; got ${echo(p)}`);
  }
  const prob = Number(p.value);
  const row = Array.from(now());
  const rest = tokens.map((_, j) => j).filter((j) => tokens[j] !== token.value);
  const total = numpySum(rest.map((j) => row[j]));
  const share = rest.map((j) => (total > 0 ? row[j] / total : 1 / rest.length));
  const out: Record<string, number> = { [token.value]: prob };
  rest.forEach((j, k) => (out[tokens[j]] = pyRound((1 - prob) * share[k], 12)));
  return { [s]: out };
}
