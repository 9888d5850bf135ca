// The `one_step` trait (StepReport.summary() in babygpt_widget/analysis/step_report.py), read
// defensively: a malformed or empty trait is "no report", never an exception.

export interface StepMover {
  state: string;
  /** The next token that gained most over the step. */
  token: string;
  gain: number;
  /** The state occurs as a context in the data. */
  seen: boolean;
}

export interface StepExample {
  context: string;
  token: string;
  count: number;
  loss: number;
  share: number;
}

export interface StepGroup {
  name: string;
  grad: number;
  update: number;
  weight: number;
  /** AdamW's effective step size ‖Δθ‖/‖g‖ (NaN: no gradient). */
  stepSize: number;
}

export interface StepReportData {
  step: number;
  loss: number;
  lr: number;
  movers: StepMover[];
  unseen: string[];
  unseenCount: number;
  examples: StepExample[];
  examplesCount: number;
  groups: StepGroup[];
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : NaN);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const rows = (v: unknown): unknown[][] => (Array.isArray(v) ? v.filter((r): r is unknown[] => Array.isArray(r)) : []);

export function parseStep(trait: unknown): StepReportData | null {
  if (typeof trait !== "object" || trait === null) return null;
  const t = trait as Record<string, unknown>;
  const step = num(t.step);
  if (!Number.isInteger(step) || step < 1) return null;
  return {
    step,
    loss: num(t.loss),
    lr: num(t.lr),
    movers: rows(t.movers).map(([s, k, g, seen]) => ({ state: str(s), token: str(k), gain: num(g), seen: seen === true })),
    unseen: Array.isArray(t.unseen_moved) ? t.unseen_moved.map(str) : [],
    unseenCount: num(t.unseen_count) || 0,
    examples: rows(t.examples).map(([c, k, n, l, sh]) => ({ context: str(c), token: str(k), count: num(n), loss: num(l), share: num(sh) })),
    examplesCount: num(t.examples_count) || 0,
    groups: rows(t.groups).map(([n, g, u, w, ss]) => ({ name: str(n), grad: num(g), update: num(u), weight: num(w), stepSize: num(ss) })),
  };
}
