// The inside panel's `explain` in a page that trains: the command's checks (widget/inside.py's
// check_explain_args and run_questions.check_state, message for message) and the `inside` trait
// made from the page engine's forward trace as widget/inside.py's inside_dict makes it from
// analysis/explain.py's Explanation (6 significant digits; decided_at from the float32 lens).
import type { ForwardTrace } from "../engine";
import type { EngineReply, EngineRequest } from "./engineCore";
import { echo, pyValue, strRepr } from "./pyFormat";

/** inside.DIGITS: significant digits of `inside`. */
const DIGITS = 6;
/** On the main thread (no Worker) a past step's replay blocks the page: at most this many steps
 *  (~0.3 s at the default size), the nearest step that fits beyond. */
export const MAIN_THREAD_REPLAY = 20;

export class ExplainError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** check_explain_args: null / "" closes the panel; a step is an integer >= 0 or null (the shown step). */
export function checkExplainArgs(state: unknown, step: unknown): { state: string | null; step: number | null } {
  const st = state === undefined ? null : state;
  if (st !== null && typeof st !== "string") throw new ExplainError("state", `state: must be a state (a string) or None to close; got ${echo(pyValue(st))}`);
  if (typeof st === "string" && Array.from(st).length > 64) throw new ExplainError("state", `state: ${echo(pyValue(st))} is not a state`);
  const sp = step === undefined ? null : step;
  if (sp !== null && (typeof sp !== "number" || !Number.isInteger(sp) || sp < 0)) {
    throw new ExplainError("step", `step: must be a training step (an integer >= 0) or None for the shown step; got ${echo(pyValue(sp))}`);
  }
  return { state: st || null, step: sp as number | null };
}

/** check_state: the state's token ids, or Python's message naming `state`. */
export function contextOf(state: string, alphabet: string, contextLength: number, labels: readonly string[]): number[] {
  const tokens = Array.from(alphabet);
  if (!labels.includes(state)) {
    throw new ExplainError("state", `state: ${echo(pyValue(state))} is not a state; states are 1 to ${contextLength} `
      + `characters of the alphabet ${echo(pyValue(alphabet))}, e.g. ${strRepr(tokens[tokens.length - 1].repeat(contextLength))}`);
  }
  return Array.from(state, (ch) => tokens.indexOf(ch));
}

/** Python's float(f"{v:.6g}") of a float32. */
const round = (v: number): number => Number(v.toPrecision(DIGITS));

/** A flat float32 array as nested lists of the given shape, rounded. */
function nested(a: Float32Array, shape: number[], offset = 0): unknown[] {
  const [n, ...rest] = shape;
  const size = rest.reduce((p, x) => p * x, 1);
  return Array.from({ length: n }, (_, i) => (rest.length ? nested(a, rest, offset + i * size) : round(a[offset + i])));
}

/** Explanation.decided_at: the first lens row from which the top token is the final one and stays so. */
export function decidedAt(lensProbs: Float32Array, V: number): number {
  const rows = lensProbs.length / V;
  const top = Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let v = 1; v < V; v++) if (lensProbs[r * V + v] > lensProbs[r * V + best]) best = v;
    return best;
  });
  let row = rows - 1;
  while (row > 0 && top[row - 1] === top[rows - 1]) row--;
  return row;
}

/** inside_dict + `asked`: the trait the panel draws. */
export function insideTrait(trace: ForwardTrace, alphabet: string, nLayer: number, nHead: number, step: number, asked: number): Record<string, unknown> {
  const tokens = Array.from(alphabet);
  const T = trace.tokenIds.length;
  const V = tokens.length;
  const d = trace.tokenEmbeddings.length / Math.max(1, T);
  const chars = trace.tokenIds.map((i) => tokens[i]);
  return {
    state: chars.join(""), step, tokens: chars,
    token_embeddings: nested(trace.tokenEmbeddings, [T, d]), position_embeddings: nested(trace.positionEmbeddings, [T, d]),
    attention: nested(trace.attention, [nLayer, nHead, T, T]), lens_probs: nested(trace.lensProbs, [nLayer + 1, V]),
    logits: nested(trace.logits, [V]), probs: nested(trace.probs, [V]), decided_at: decidedAt(trace.lensProbs, V), asked,
  };
}

/** What the explain command needs of its host (EngineHost). */
export interface ExplainSite {
  get(key: string): unknown;
  /** The step the history slider shows at `shown_index` (null: live). */
  shownStep(index: unknown): number | null;
  /** The reply (null: ok). */
  answer(error: string | null, field?: string): void;
  /** A request to the page's engine, once it is loaded. */
  request(req: EngineRequest): Promise<EngineReply>;
  where: "worker" | "main thread";
  /** Sets the `inside` trait (unless the model was replaced meanwhile). */
  set(inside: Record<string, unknown>): void;
}

/** widget/inside.py's _explain_command: null / "" closes the panel; a bad state or step is
 *  refused naming it; else `inside` = the forward pass at the step asked (null: the shown one),
 *  or the nearest step whose replay fits (`asked` keeps the one asked). */
export function answerExplain(c: { state?: unknown; step?: unknown }, site: ExplainSite): void {
  let context: number[];
  let asked: number | null;
  try {
    const args = checkExplainArgs(c.state, c.step);
    if (args.state === null) {
      site.set({});
      return site.answer(null);
    }
    const cfg = (site.get("config") ?? {}) as { alphabet?: string; context_length?: number };
    const labels = [...((site.get("prefix_states") as string[] | undefined) ?? []), ...((site.get("states") as string[] | undefined) ?? [])];
    context = contextOf(args.state, String(cfg.alphabet ?? ""), Number(cfg.context_length ?? 0), labels);
    asked = args.step ?? site.shownStep(site.get("shown_index"));
  } catch (e) {
    if (!(e instanceof ExplainError)) throw e;
    return site.answer(e.message, e.field);
  }
  const maxReplay = site.where === "main thread" ? MAIN_THREAD_REPLAY : undefined;
  void site.request({ op: "explain", context, step: asked, maxReplay }).then((reply) => {
    if (reply.error || !reply.explained) return site.answer(reply.error ?? "explain: the page's engine did not answer", "step");
    const cfg = (site.get("config") ?? {}) as { alphabet?: string; n_layer?: number; n_head?: number };
    const { step, trace } = reply.explained;
    site.set(insideTrait(trace, String(cfg.alphabet ?? ""), Number(cfg.n_layer), Number(cfg.n_head), step, asked ?? step));
    site.answer(null);
  });
}
