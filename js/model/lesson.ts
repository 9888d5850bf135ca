// A lesson as the front end reads it (babygpt_widget/lesson/schema.py writes and checks it) and its
// live figures: `{loss}`, `{p:101>1}`, `{share:110}`, … filled from the chain being shown. The
// grammar and the formatting are Python's (babygpt_widget/lesson/figures.py), figure for figure:
// the browser test compares a card's text with `w.lesson.card()`.
import type { Space } from "./space";

export interface LessonSet {
  settings?: Record<string, unknown>;
  step?: number;
  shown_step?: number | "live";
  temperature?: number;
  layout?: "circular" | "force";
  marks?: string[];
  prefixes?: boolean;
  panel?: LessonPanel;
  inside?: string;
}

export type LessonPanel = "view" | "sample" | "analysis" | "settings" | "run" | "inside" | "step" | "compare";
export type LessonControl = "step" | "train" | "play" | "reset" | "slider" | "temperature" | "layout" | "sample" | "prefixes";

export type Highlight = { node: string } | { edge: string } | { control: LessonControl } | { panel: LessonPanel };

export type Wait =
  | { action: "train"; step: number }
  | { action: "slider"; step: number }
  | { action: "click"; state: string }
  | { action: "temperature"; value: number }
  | { action: "sample" }
  | { action: "prefixes" }
  | { action: "inside"; state: string }
  | { action: "compare_seeds" };

export interface LessonPage {
  title: string;
  text: string;
  set?: LessonSet;
  highlight?: Highlight;
  wait?: Wait;
}

/** The pages of the `lesson_pages` trait (anything malformed is dropped: Python checked them). */
export function parsePages(v: unknown): LessonPage[] {
  if (!Array.isArray(v)) return [];
  return v.filter((p): p is LessonPage => typeof p === "object" && p !== null && typeof p.title === "string" && typeof p.text === "string");
}

/** What the figures read: the chain as shown (all states, full contexts first). */
export interface FigureInput {
  space: Space;
  /** The shown chain at the shown temperature (all states). */
  tempered: ArrayLike<number>;
  counts: ArrayLike<number>;
  /** Long-run share of each full context at the shown temperature. */
  shares: ArrayLike<number>;
  historySteps: ArrayLike<number>;
  historyLosses: ArrayLike<number>;
  step: number;
  loss: number;
  sequence: string;
  start: string;
  walk: string;
}

export const MISSING = "—";
const FIGURE = /\{([A-Za-z]+)(?:@(\d{1,8}))?(?::([^{}]{1,40}))?\}/g;

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const percent = (x: number, digits = 0): string => `${(x * 100).toFixed(digits)}%`;

export function bitsText(bits: number): string {
  if (Math.abs(bits - Math.round(bits)) < 1e-9) return int(bits);
  return bits >= 100 ? int(bits) : bits.toFixed(2);
}

export function sizeText(bits: number): string {
  const size = bits / 8;
  if (size < 999.5) return `${Number(size.toPrecision(3))} bytes`;
  return `${(size / 1000).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} kB`;
}

function row(f: FigureInput, state: string): number[] | null {
  const i = f.space.index.get(state);
  const V = f.space.tokens.length;
  if (i === undefined || f.tempered.length < (i + 1) * V) return null;
  return Array.from({ length: V }, (_, t) => f.tempered[i * V + t]);
}

function figure(f: FigureInput, name: string, at: string | undefined, arg: string | undefined): string {
  const { space } = f;
  const V = space.tokens.length;
  const C = space.contextLength;
  switch (name) {
    case "step":
      return int(f.step);
    case "loss": {
      if (at === undefined) return Number.isFinite(f.loss) ? f.loss.toFixed(4) : MISSING;
      for (let k = 0; k < f.historySteps.length; k++) if (f.historySteps[k] === Number(at)) return f.historyLosses[k].toFixed(4);
      return MISSING;
    }
    case "p":
    case "label":
    case "data": {
      const [state, token] = (arg ?? "").split(">");
      const t = space.tokens.indexOf(token);
      const i = space.index.get(state);
      if (t < 0 || i === undefined) return MISSING;
      if (name === "data") {
        let total = 0;
        for (let u = 0; u < V; u++) total += f.counts[i * V + u] ?? 0;
        return total > 0 ? percent(f.counts[i * V + t] / total) : MISSING;
      }
      const r = row(f, state);
      if (!r || !Number.isFinite(r[t])) return MISSING;
      return name === "p" ? percent(r[t]) : `${token}(${percent(r[t])})`;
    }
    case "share": {
      const i = space.index.get(arg ?? "");
      return i === undefined || i >= space.nFull || i >= f.shares.length ? MISSING : percent(f.shares[i], 1);
    }
    case "greedy": {
      const r = row(f, arg ?? "");
      if (!r) return MISSING;
      let best = 0;
      for (let t = 1; t < V; t++) if (r[t] > r[best]) best = t;
      return Array.from(arg + space.tokens[best]).slice(-C).join("");
    }
    case "states":
      return int(V ** C);
    case "actual": {
      let n = 0;
      for (let k = 1; k <= C; k++) n += V ** k;
      return int(n);
    }
    case "V":
      return int(V);
    case "C":
      return int(C);
    case "bits":
    case "size": {
      const [v, c] = arg ? arg.split("x").map(Number) : [V, C];
      const bits = v > 0 ? Math.log2(v) * c : 0;
      return name === "bits" ? bitsText(bits) : sizeText(bits);
    }
    case "sequence":
      return f.sequence;
    case "start":
      return f.start;
    case "walk":
      return f.walk || MISSING;
    default:
      return MISSING;
  }
}

/** The text with each figure replaced by its value now. */
export function fillFigures(text: string, f: FigureInput): string {
  return text.replace(FIGURE, (_m, name: string, at: string | undefined, arg: string | undefined) => figure(f, name, at, arg));
}
