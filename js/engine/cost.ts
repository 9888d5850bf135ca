// babygpt_widget/config.py's cost guard, the same formula: a setting is refused when one
// training step is estimated above 0.8 s or 1.5 GB *for the Python engine*, so the same
// settings are allowed or refused in a kernel and in a page.

export const MAX_STEP_SECONDS = 0.8;
export const MAX_STEP_BYTES = 1_500_000_000;
const TRIE_MIN_STATES = 256;
const MAX_GATHER_BYTES = 256 * 2 ** 20;
const COST_MARGIN = 1.75;
const ROW_SECONDS = 6e-7;
const ROW_WIDTH_SECONDS = 1.3e-8;
const ROW_MATMUL_SECONDS = 1.9e-10;
const TRIE_ROW_SECONDS = 2e-7;
const TRIE_ROW_WIDTH_SECONDS = 9e-9;
const TRIE_ROW_MATMUL_SECONDS = 2.6e-10;
const TRIE_ATTENTION_SECONDS = 4e-9;
const SECONDS_PER_PARAMETER = 6e-9;
const SECONDS_PER_LAYER = 2.8e-4;
const SECONDS_PER_STEP = 7e-4;
const SECONDS_PER_STATE = 2.6e-7;
const BASE_BYTES = 316_000_000;
const SNAPSHOT_BYTES_PER_PARAMETER = 16;

export interface CostEstimate {
  parameters: number;
  states: number;
  stepSeconds: number;
  stepBytes: number;
}

function trieFits(V: number, C: number, L: number, d: number): boolean {
  let nodes = 0;
  for (let k = 1; k <= C; k++) nodes += V ** k;
  return nodes * C * d * 2 * 4 * L <= MAX_GATHER_BYTES;
}

/** config.estimate_cost. */
export function estimateCost(V: number, C: number, L: number, nHead: number, d: number, sequenceLength: number): CostEstimate {
  const states = V ** C;
  let nodes = 0;
  for (let k = 1; k <= C; k++) nodes += V ** k;
  const parameters = V * d + C * d + L * (12 * d * d + 4 * d) + 2 * d;
  const windows = Math.min(states, Math.max(1, sequenceLength - C));
  const trie = states >= TRIE_MIN_STATES && trieFits(V, C, L, d);
  let trained: number;
  let forwardOnly: number;
  if (states < TRIE_MIN_STATES) [trained, forwardOnly] = [states * C, 0];
  else if (trie) [trained, forwardOnly] = [nodes - states + windows, states - windows];
  else [trained, forwardOnly] = [windows * C, nodes];
  const batched = ROW_SECONDS + d * ROW_WIDTH_SECONDS + d * d * ROW_MATMUL_SECONDS;
  const trieRow = TRIE_ROW_SECONDS + d * TRIE_ROW_WIDTH_SECONDS + d * d * TRIE_ROW_MATMUL_SECONDS + C * d * TRIE_ATTENTION_SECONDS;
  const throughTrie = (3 * (nodes - states + windows) + states - windows) * trieRow;
  let rows: number;
  if (states < TRIE_MIN_STATES) rows = 3 * trained * batched;
  else if (trie) rows = throughTrie;
  else rows = Math.max(3 * trained * batched + forwardOnly * trieRow, throughTrie);
  const stepSeconds = COST_MARGIN * (L * rows + parameters * SECONDS_PER_PARAMETER + L * SECONDS_PER_LAYER
    + SECONDS_PER_STEP + (states + nodes) * SECONDS_PER_STATE);
  const kept = trained * L * (trie ? 4 * C * d + 24 * d : 24 * d + 2 * nHead * C) * 4;
  const transient = (forwardOnly + (trie ? trained : 0)) * (3 * C * d + 12 * d) * 4 + nodes * (2 * d + 4 * V) * 4;
  const history = 2 * 32 * 2 ** 20;
  const stepBytes = Math.trunc(BASE_BYTES + parameters * (48 + SNAPSHOT_BYTES_PER_PARAMETER) + kept + transient + history);
  return { parameters, states, stepSeconds, stepBytes };
}

export function tooCostly(c: CostEstimate): boolean {
  return c.stepSeconds > MAX_STEP_SECONDS || c.stepBytes > MAX_STEP_BYTES;
}

/** Python's format(x, ".2g"). */
export function formatG2(x: number): string {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(2)))));
  if (exp < -4 || exp >= 2) {
    const [m, e] = x.toExponential(1).split("e");
    const mant = m.replace(/\.?0+$/, "");
    const n = Number(e);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return String(Number(x.toPrecision(2)));
}

/** The refusal message of config._check_cost (null when the settings are affordable). */
export function costRefusal(V: number, C: number, L: number, nHead: number, d: number, sequenceLength: number): string | null {
  const cost = estimateCost(V, C, L, nHead, d, sequenceLength);
  if (!tooCostly(cost)) return null;
  let fits = -1;
  for (let dd = nHead; dd < d; dd += nHead) if (!tooCostly(estimateCost(V, C, L, nHead, dd, sequenceLength))) fits = dd;
  const advice = fits > 0 ? `n_embd at most ${fits}` : "a shorter context or a shorter sequence";
  const describe = `~${formatG2(cost.stepSeconds)} s and ~${formatG2(cost.stepBytes / 1e9)} GB per training step`;
  return `${L} layers of ${d} dims over ${cost.states.toLocaleString("en-US")} states (V=${V}, C=${C}) with a `
    + `${sequenceLength.toLocaleString("en-US")}-token sequence need ${describe}; the limit is ${MAX_STEP_SECONDS} s and `
    + `${MAX_STEP_BYTES / 1e9} GB. At these settings use ${advice}, or fewer layers`;
}
