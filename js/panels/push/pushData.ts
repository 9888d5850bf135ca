// The `taught` trait (widget/teaching.py result_summary), read defensively: a malformed or
// empty trait is "nothing taught", never an exception.

export interface Mover {
  state: string;
  token: string;
  change: number;
}

export interface TaughtData {
  startStep: number;
  steps: number;
  lr: number;
  weight: number;
  /** state -> token -> target probability */
  targets: Record<string, Record<string, number>>;
  /** Every state's row before (state order of the chain). */
  before: number[][];
  movers: Mover[];
  unseen: string[];
  distance: number;
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : NaN);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function targetsOf(v: unknown): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  if (!isObject(v)) return out;
  for (const [state, row] of Object.entries(v)) {
    if (!isObject(row)) continue;
    out[state] = Object.fromEntries(Object.entries(row).map(([t, p]) => [t, num(p)]));
  }
  return out;
}

export function parseTaught(trait: unknown): TaughtData | null {
  if (!isObject(trait)) return null;
  const steps = num(trait.steps);
  if (!Number.isInteger(steps) || steps < 0) return null;
  return {
    startStep: num(trait.start_step),
    steps,
    lr: num(trait.lr),
    weight: num(trait.weight),
    targets: targetsOf(trait.targets),
    before: Array.isArray(trait.before) ? trait.before.map((r) => (Array.isArray(r) ? r.map(num) : [])) : [],
    movers: Array.isArray(trait.top_movers)
      ? trait.top_movers.filter(isObject).map((m) => ({ state: str(m.state), token: str(m.token), change: num(m.change) }))
      : [],
    unseen: Array.isArray(trait.unseen_moved) ? trait.unseen_moved.map(str) : [],
    distance: num(trait.distance),
  };
}

/** A row of percentages typed by the learner as the command's probabilities; null when a
 *  value is not a number from 0 to 100 (Python names the field for anything subtler). */
export function rowTargets(tokens: string[], percents: string[]): Record<string, number> | null {
  const row: Record<string, number> = {};
  for (let j = 0; j < tokens.length; j++) {
    const text = (percents[j] ?? "").trim();
    const p = text === "" ? 0 : Number(text);
    if (!Number.isFinite(p) || p < 0 || p > 100) return null;
    row[tokens[j]] = p / 100;
  }
  return row;
}
