// The seed ensemble's controls and table: "Seeds k [8] [Train seeds]", progress while the k
// copies train, whether the chain shows the ensemble, and per state: seen?, median P, min–max.
import { button, el, errorSlot, fieldInput, labelled, parseInteger, setText, showError } from "../../util/dom";
import { ensembleRows, spreadSummary } from "./compareData";
import type { Ensemble, SortKey } from "./compareData";

export const MAX_SEEDS = 64;
/** Rows the table lists at most (a big chain: the widest spreads first). */
export const MAX_ROWS = 200;

const pct = (p: number): string => (Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : "–");

export interface EnsembleActions {
  train(k: number): void;
  setShown(on: boolean): void;
}

export class EnsembleView {
  readonly el: HTMLDivElement;
  readonly trainBtn: HTMLButtonElement;
  readonly kInput: HTMLInputElement;
  private readonly kError: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly showBox: HTMLInputElement;
  private readonly showRow: HTMLLabelElement;
  private readonly table: HTMLTableElement;
  private sort: SortKey = "state";
  private last: { e: Ensemble; states: string[]; token: string[] } | null = null;

  constructor(private readonly act: EnsembleActions, signal: AbortSignal) {
    this.el = el("div", "bg-ensemble");
    this.kInput = fieldInput("k", "seeds: how many copies to train", "numeric");
    this.kInput.value = "8";
    this.kError = errorSlot("k");
    this.trainBtn = button("train-seeds", "Train seeds", "train k copies of this run that differ only in the seed, for the current step count (in the background; Stop cancels)");
    const row = el("div", "bg-row bg-ensemble-row");
    row.append(labelled("bg-seeds-k", "Seeds k", this.kInput), this.trainBtn);
    this.progress = el("div", "bg-ensemble-progress bg-idle");
    this.progress.dataset.role = "ensemble-progress";
    this.summary = el("div", "bg-ensemble-summary");
    this.summary.dataset.role = "ensemble-summary";
    this.showBox = el("input");
    this.showBox.type = "checkbox";
    this.showBox.checked = true;
    this.showBox.dataset.field = "ensemble_show";
    this.showRow = labelled("bg-ensemble-show", "show spread on the chain", this.showBox);
    this.table = el("table", "bg-compare-table bg-ensemble-table");
    this.table.dataset.role = "ensemble-table";
    this.el.append(row, this.kError, this.progress, this.summary, this.showRow, this.table);

    const commit = (): void => {
      const k = parseInteger(this.kInput.value, 1, MAX_SEEDS);
      showError(this.kError, this.kInput, k === null ? `k: must be a whole number from 1 to ${MAX_SEEDS}` : "");
      if (k !== null) this.act.train(k);
    };
    this.trainBtn.addEventListener("click", commit, { signal });
    this.kInput.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter") return;
      ev.stopPropagation();
      commit();
    }, { signal });
    this.showBox.addEventListener("change", () => this.act.setShown(this.showBox.checked), { signal });
    const sortBy = (ev: Event): void => {
      const th = (ev.target as Element).closest("th[data-sort]");
      if (!(th instanceof HTMLElement)) return;
      this.sort = th.dataset.sort === "spread" ? "spread" : "state";
      if (this.last) this.setEnsemble(this.last.e, this.last.states, this.last.token);
      this.table.querySelector<HTMLElement>(`th[data-sort="${this.sort}"]`)?.focus();
    };
    this.table.addEventListener("click", sortBy, { signal });
    this.table.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      ev.stopPropagation(); // Jupyter's command mode must not see it
      sortBy(ev);
    }, { signal });
    this.setEnsemble(null, [], []);
  }

  setError(message: string | undefined): void {
    showError(this.kError, this.kInput, message ?? "");
  }

  /** Progress of the k copies (steps done of total) while they train; null: idle. */
  setProgress(p: { done: number; total: number; k: number } | null): void {
    this.progress.classList.toggle("bg-idle", p === null);
    setText(this.progress, p ? `training ${p.k} seeds: ${p.done} / ${p.total} steps` : "");
  }

  setShown(on: boolean): void {
    this.showBox.checked = on;
  }

  /** The table for `tokens`' last token (P(1) for the default alphabet). */
  setEnsemble(e: Ensemble | null, states: string[], tokens: string[]): void {
    this.last = e ? { e, states, token: tokens } : null;
    this.showRow.hidden = e === null;
    if (!e) {
      setText(this.summary, "");
      this.table.replaceChildren();
      return;
    }
    const t = Math.max(0, tokens.length - 1);
    const tok = tokens[t] ?? "?";
    const s = spreadSummary(e);
    setText(
      this.summary,
      `${e.seeds.length} seeds (${e.seeds[0]}…${e.seeds[e.seeds.length - 1]}) at step ${e.steps}: ` +
        `median spread (max − min) seen ${pct(s.seen)}, unseen ${pct(s.unseen)}`,
    );
    const head = el("tr");
    const th = (text: string, sort?: SortKey): HTMLTableCellElement => {
      const c = el("th", sort ? "bg-sortable" : "", text);
      if (sort) {
        c.dataset.sort = sort;
        c.tabIndex = 0; // sortable from the keyboard too (Enter / Space)
        c.title = `sort by ${sort}`;
        c.setAttribute("aria-sort", this.sort === sort ? (sort === "spread" ? "descending" : "ascending") : "none");
      }
      return c;
    };
    head.append(th("state", "state"), th("seen?"), th(`median P(${tok})`), th("min–max", "spread"));
    const body = el("tbody");
    const rows = ensembleRows(e, states, t, this.sort);
    for (const r of rows.slice(0, MAX_ROWS)) {
      const tr = el("tr", r.seen ? "" : "bg-unseen-row");
      tr.dataset.state = r.state;
      tr.append(
        el("td", "bg-mono", r.state),
        el("td", "", r.seen ? "yes" : "no"),
        el("td", "bg-num", pct(r.median)),
        el("td", "bg-num", `${pct(r.min)}–${pct(r.max)}`),
      );
      body.append(tr);
    }
    const thead = el("thead");
    thead.append(head);
    this.table.replaceChildren(thead, body);
    if (rows.length > MAX_ROWS) {
      const cap = el("caption", "", `widest ${MAX_ROWS} of ${rows.length} states (sort by min–max)`);
      this.table.prepend(cap);
    }
  }
}
