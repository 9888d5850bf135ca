// The history a saved page keeps while it trains: Python's rule (babygpt_widget/core/history.py)
// — every step until `capacity` rows, then every other row is dropped and the stride doubles; the
// newest row always stays as an off-stride "tip" — over the rows the page was saved with.

/** Python's MAX_CAPACITY: the widget's history never holds more rows. */
export const HISTORY_CAPACITY = 2048;

export interface HistoryRow {
  step: number;
  loss: number;
  /** Full contexts' probabilities (states x V). */
  probs: Float32Array;
  /** Shorter contexts' probabilities, when the history records them. */
  prefix: Float32Array | null;
}

export class PageHistory {
  rows: HistoryRow[];
  private stride = 1;

  constructor(rows: HistoryRow[], readonly capacity = HISTORY_CAPACITY) {
    this.rows = rows.slice(-Math.max(capacity, 1));
    this.capacity = Math.max(capacity, this.rows.length, 2);
  }

  record(row: HistoryRow): void {
    let rows = this.rows;
    const last = rows[rows.length - 1];
    if (last && (last.step === row.step || last.step % this.stride !== 0)) rows.pop(); // same step, or the old tip
    while (rows.length >= this.capacity) {
      this.stride *= 2;
      rows = rows.filter((r) => r.step % this.stride === 0);
    }
    rows.push(row);
    this.rows = rows;
  }

  /** A copy that keeps this one's rows and stride (Undo reset brings it back). */
  copy(): PageHistory {
    const h = new PageHistory(this.rows, this.capacity);
    h.stride = this.stride;
    return h;
  }

  clear(row: HistoryRow): void {
    this.rows = [row];
    this.stride = 1;
  }

  /** The history traits as Python sends them (little-endian int32 / float32 bytes). */
  traits(): Record<string, DataView> {
    const n = this.rows.length;
    const steps = new Int32Array(n);
    const losses = new Float32Array(n);
    const width = n ? this.rows[0].probs.length : 0;
    const pWidth = n && this.rows[0].prefix ? this.rows[0].prefix.length : 0;
    const probs = new Float32Array(n * width);
    const prefix = new Float32Array(n * pWidth);
    this.rows.forEach((r, i) => {
      steps[i] = r.step;
      losses[i] = r.loss;
      probs.set(r.probs, i * width);
      if (pWidth && r.prefix) prefix.set(r.prefix, i * pWidth);
    });
    const view = (a: Int32Array | Float32Array) => new DataView(a.buffer);
    return { history_steps: view(steps), history_losses: view(losses), history_probs: view(probs), history_prefix_probs: view(prefix) };
  }
}

/** Little-endian float32 / int32 bytes of a trait (DataView as anywidget gives it). */
export function floats(v: unknown): Float32Array {
  if (!(v instanceof DataView)) return new Float32Array(0);
  const out = new Float32Array(v.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(i * 4, true);
  return out;
}

export function ints(v: unknown): Int32Array {
  if (!(v instanceof DataView)) return new Int32Array(0);
  const out = new Int32Array(v.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = v.getInt32(i * 4, true);
  return out;
}

/** The rows of the history traits a page was saved with. */
export function savedRows(traits: Record<string, unknown>): HistoryRow[] {
  const steps = ints(traits.history_steps);
  const losses = floats(traits.history_losses);
  const probs = floats(traits.history_probs);
  const prefix = floats(traits.history_prefix_probs);
  const n = steps.length;
  if (!n) return [];
  const w = probs.length / n;
  const pw = prefix.length / n;
  return Array.from(steps, (step, i) => ({
    step,
    loss: losses[i],
    probs: probs.slice(i * w, (i + 1) * w),
    prefix: pw ? prefix.slice(i * pw, (i + 1) * pw) : null,
  }));
}
