// Draws one Inside (a state's forward pass): the context's token + position embeddings, the
// layer × head grid of causal attention maps (bertviz's model view), the logit lens, and the
// output: logits → softmax → temperature → the edge probabilities. Rebuilt only when the shape
// changes (T, d, layers, heads, V); otherwise recoloured in place (scrubbing stays cheap).
import { el, setText } from "../../util/dom";
import { percent1 } from "../../util/format";
import { argmax, maxAbs, temperedProbs } from "./insideData";
import type { Inside } from "./insideData";
import { divergingColor, Heatmap, isDark, weightColorFor } from "./heatmap";
import type { HeatCell } from "./heatmap";
import { ColorScale } from "../../util/colorScale";
import { columnTicks, dimTicks, rowTicks } from "./insideTicks";

/** Tokens listed in the output table (the likeliest first when V is larger). */
export const OUTPUT_ROWS = 8;
/** Up to this V the lens shows each token's probability as text; above, a heat row. */
const LENS_TEXT_V = 4;

const pos = (tokens: string[], i: number): string => `${tokens[i]}@${i}`;
/** Two decimals, with a real minus sign: a colour key's value. */
const signed = (v: number): string => (Math.abs(v) < 5e-3 ? "0" : `${v < 0 ? "−" : "+"}${Math.abs(v).toFixed(2)}`);

export interface InsideViewOptions {
  /** The large form (the large view over the drawing): tick labels on every map, taller strips. */
  large?: boolean;
}

function heading(text: string, note?: string): HTMLElement {
  const h = el("div", "bg-inside-h", text);
  if (note) h.append(el("span", "bg-inside-note", note));
  return h;
}

export class InsideView {
  readonly el: HTMLDivElement;
  /** The run's alphabet: token t of the output is alphabet[t]. */
  alphabet = "";
  /** `[data-role="inside-hover"]`: what the pointer is on (a weight, an embedding value). */
  readonly hoverLine: HTMLDivElement;
  private shape = "";
  private data: Inside | null = null;
  private temperature = 1;
  private embRows: { tok: Heatmap; pos: Heatmap; label: HTMLElement }[] = [];
  private attn: Heatmap[][] = [];
  private lensRows: { row: HTMLElement; cells: HTMLElement[]; heat: Heatmap | null; top: HTMLElement }[] = [];
  private decided!: HTMLElement;
  private table!: HTMLTableSectionElement;
  private tempHead!: HTMLElement;
  private outNote!: HTMLElement;
  private dark = false;
  /** The colour keys: attention weights 0 … 1, embedding values −m … +m. */
  private readonly weightKey = new ColorScale("inside-weight-scale");
  private readonly embKey = new ColorScale("inside-emb-scale");
  private readonly large: boolean;

  constructor(options: InsideViewOptions = {}) {
    this.large = options.large === true;
    this.el = el("div", `bg-inside-body${this.large ? " bg-inside-large" : ""}`);
    this.hoverLine = el("div", "bg-inside-hover");
    this.hoverLine.dataset.role = "inside-hover";
  }

  setTemperature(t: number): void {
    this.temperature = t;
    if (this.data) this.drawOutput(this.data);
  }

  show(data: Inside): void {
    const L = data.attention.length;
    const H = data.attention[0].length;
    const key = `${data.tokens.join("")}|${data.token_embeddings[0]?.length}|${L}|${H}|${data.probs.length}`;
    if (key !== this.shape) {
      this.shape = key;
      this.build(data);
    }
    this.data = data;
    this.recolor(data);
  }

  /** The page's theme changed (JupyterLab light ↔ dark): new weight colours. */
  themeChanged(): void {
    if (this.data) this.recolor(this.data);
  }

  private recolor(data: Inside): void {
    const dark = this.el.isConnected && isDark(this.el);
    if (dark !== this.dark) {
      this.dark = dark;
      const w = weightColorFor(dark);
      for (const row of this.attn) for (const h of row) h.setColor(w);
      this.setWeightKey();
      for (const r of this.lensRows) r.heat?.setColor(w);
    }
    const half = maxAbs([...data.token_embeddings, ...data.position_embeddings]);
    const diverging = divergingColor(half);
    this.embKey.set({ color: diverging, lo: -half, hi: half, ticks: [-half, -half / 2, 0, half / 2, half], format: signed, title: "value" });
    this.embRows.forEach((r, i) => {
      r.tok.setColor(diverging);
      r.pos.setColor(diverging);
      r.tok.update([data.token_embeddings[i]]);
      r.pos.update([data.position_embeddings[i]]);
    });
    this.attn.forEach((row, l) => row.forEach((h, k) => h.update(data.attention[l][k])));
    this.drawLens(data);
    this.drawOutput(data);
  }

  private setWeightKey(): void {
    this.weightKey.set({ color: weightColorFor(this.dark), lo: 0, hi: 1, ticks: [0, 0.25, 0.5, 0.75, 1], format: (v) => String(v), title: "weight" });
  }

  private hover(text: string | null): void {
    setText(this.hoverLine, text ?? "hover a cell for its value");
    this.hoverLine.classList.toggle("bg-idle", text === null);
  }

  private build(d: Inside): void {
    const T = d.tokens.length;
    const dim = d.token_embeddings[0]?.length ?? 0;
    const L = d.attention.length;
    const H = d.attention[0].length;
    const V = d.probs.length;
    this.el.replaceChildren();
    this.hover(null);

    // Embeddings: one row per position, token row | position row.
    const emb = el("div", "bg-inside-emb");
    emb.dataset.role = "inside-embeddings";
    emb.append(el("span", "bg-inside-axis", "token@pos"), el("span", "bg-inside-axis", `token emb. (${dim})`), el("span", "bg-inside-axis", "+ position emb."));
    this.embRows = [];
    for (let i = 0; i < T; i++) {
      const label = el("span", "bg-inside-tok", pos(d.tokens, i));
      const mk = (what: string): Heatmap =>
        new Heatmap(1, dim, { color: divergingColor(1), height: this.large ? "1.4em" : "14px", label: `${what} of ${pos(d.tokens, i)}`, className: `bg-emb-${what}` }, (c) =>
          this.hover(c ? `${what} embedding of ${pos(d.tokens, i)}, dim ${c.col}: ${c.value.toFixed(3)}` : null),
        );
      const r = { tok: mk("token"), pos: mk("position"), label };
      emb.append(label, r.tok.svg, r.pos.svg);
      this.embRows.push(r);
    }
    if (this.large) emb.append(el("span", "bg-inside-axis", "dim"), dimTicks(dim), dimTicks(dim));

    // Attention: layers down, heads across (large: each map's rows and columns named).
    const grid = el("div", `bg-inside-attn${this.large ? " bg-attn-large" : ""}`);
    grid.dataset.role = "inside-attention";
    grid.style.setProperty("--bg-heads", String(H));
    grid.append(el("span", "bg-inside-axis bg-inside-corner", "layer \\ head"));
    if (this.large) grid.append(el("span", "bg-inside-axis", "from \\ to"));
    for (let h = 0; h < H; h++) grid.append(el("span", "bg-inside-axis bg-inside-headlabel", `H${h + 1}`));
    if (this.large) {
      grid.append(el("span"), el("span"));
      for (let h = 0; h < H; h++) grid.append(columnTicks(d.tokens));
    }
    this.attn = [];
    this.setWeightKey();
    for (let l = 0; l < L; l++) {
      grid.append(el("span", "bg-inside-axis bg-inside-layerlabel", `L${l + 1}`));
      if (this.large) grid.append(rowTicks(d.tokens));
      const row: Heatmap[] = [];
      for (let h = 0; h < H; h++) {
        const m = new Heatmap(T, T, { color: weightColorFor(this.dark), masked: (i, j) => j > i, label: `layer ${l + 1} head ${h + 1} attention`, className: "bg-attn" }, (c) =>
          this.hover(c ? this.attnText(l, h, c) : null),
        );
        m.svg.dataset.layer = String(l);
        m.svg.dataset.head = String(h);
        row.push(m);
        grid.append(m.svg);
      }
      this.attn.push(row);
    }

    // Logit lens: one row per point in the residual stream.
    const lens = el("div", "bg-inside-lens");
    lens.dataset.role = "lens";
    lens.style.setProperty("--bg-lens-cols", String(V <= LENS_TEXT_V ? V : 1));
    this.lensRows = [];
    for (let r = 0; r <= L; r++) {
      const row = el("div", "bg-lens-row");
      row.dataset.layer = String(r);
      const name = el("span", "bg-inside-axis", r === 0 ? "embed." : `block ${r}`);
      name.title = r === 0 ? "after the embeddings (before block 1)" : `after block ${r}`;
      const cells: HTMLElement[] = [];
      let heat: Heatmap | null = null;
      const wrap = el("span", "bg-lens-cells");
      if (V <= LENS_TEXT_V) {
        for (let t = 0; t < V; t++) {
          const c = el("span", "bg-lens-cell");
          c.dataset.token = String(t);
          cells.push(c);
          wrap.append(c);
        }
      } else {
        heat = new Heatmap(1, V, { color: weightColorFor(this.dark), height: "14px", label: `next-token probabilities after block ${r}` }, (c) =>
          this.hover(c ? `after ${r === 0 ? "the embeddings" : `block ${r}`}: P(next = ${this.tokenName(c.col)}) = ${percent1(c.value)}` : null),
        );
        wrap.append(heat.svg);
      }
      const top = el("span", "bg-lens-top");
      top.hidden = V <= LENS_TEXT_V; // the cells say it (bold); a heat row needs it in words
      row.append(name, wrap, top);
      lens.append(row);
      this.lensRows.push({ row, cells, heat, top });
    }
    this.decided = el("div", "bg-inside-decided");
    this.decided.dataset.role = "decided-at";

    // Output: logits → softmax → temperature.
    const table = el("table", "bg-inside-out");
    table.dataset.role = "inside-output";
    const head = el("thead");
    const tr = el("tr");
    this.tempHead = el("th", "", "at T");
    tr.append(el("th", "", "next"), el("th", "", "logit"), el("th", "", "softmax"), this.tempHead);
    head.append(tr);
    this.table = el("tbody");
    table.append(head, this.table);
    this.outNote = el("div", "bg-inside-note bg-inside-outnote");

    this.el.append(
      heading("Context: token + position embeddings", "red < 0 < blue"),
      this.embKey.el,
      emb,
      heading("Attention", "rows: from position · columns: to position (causal)"),
      this.weightKey.el,
      grid,
      this.hoverLine,
      heading("Logit lens", "the next-token distribution read after each block"),
      lens,
      this.decided,
      heading("Output", "logits → softmax → temperature = the edges"),
      table,
      this.outNote,
    );
  }

  private attnText(l: number, h: number, c: HeatCell): string {
    const tokens = this.data?.tokens ?? [];
    return `layer ${l + 1}, head ${h + 1}: ${pos(tokens, c.row)} attends to ${pos(tokens, c.col)} with weight ${c.value.toFixed(3)}`;
  }

  private drawLens(d: Inside): void {
    const final = argmax(d.probs);
    this.lensRows.forEach((r, i) => {
      const p = d.lens_probs[i];
      r.cells.forEach((c, t) => {
        setText(c, `${t < d.probs.length ? this.tokenName(t) : ""} ${percent1(p[t])}`);
        c.dataset.prob = String(p[t]);
        c.style.setProperty("--bg-p", String(p[t]));
        c.classList.toggle("bg-top", t === argmax(p));
      });
      r.heat?.update([p]);
      const top = argmax(p);
      setText(r.top, `top ${this.tokenName(top)}`);
      r.top.classList.toggle("bg-final", top === final);
      r.row.classList.toggle("bg-decided", i === d.decided_at);
    });
    const where = d.decided_at === 0 ? "already at the embeddings" : `at block ${d.decided_at}`;
    setText(this.decided, `decides ${where}: from there on the top token is ${this.tokenName(final)}, as at the end`);
    this.decided.dataset.block = String(d.decided_at);
  }

  private tokenName(t: number): string {
    return this.alphabet[t] ?? `#${t}`;
  }

  private drawOutput(d: Inside): void {
    const T = this.temperature;
    const shown = temperedProbs(d.logits, T);
    const top = argmax(d.logits);
    const order = d.probs.map((_, t) => t).sort((a, b) => d.probs[b] - d.probs[a] || a - b).slice(0, OUTPUT_ROWS);
    setText(this.tempHead, T === 0 ? "T = 0 (greedy)" : `T = ${T}`);
    const rows = order.map((t) => {
      const tr = el("tr");
      tr.dataset.token = String(t);
      tr.dataset.prob = String(shown[t]);
      tr.classList.toggle("bg-argmax", t === top);
      tr.append(el("td", "bg-inside-tok", this.tokenName(t)), el("td", "", d.logits[t].toFixed(3)), el("td", "", percent1(d.probs[t])), el("td", "bg-inside-edge", percent1(shown[t])));
      return tr;
    });
    this.table.replaceChildren(...rows);
    const more = d.probs.length - order.length;
    setText(
      this.outNote,
      `${T === 0 ? `greedy: always ${this.tokenName(top)} (the argmax)` : `argmax ${this.tokenName(top)} (greedy picks it)`}${more > 0 ? ` · ${more} less likely tokens not listed` : ""}`,
    );
  }
}
