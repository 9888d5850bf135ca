// The seed ensemble's controls and table: "Seeds k [8] [Train seeds]", progress while the k
// copies train, what the chain shows (the spread as bands; labels: this run's or the seeds'
// median), a summary naming the widest spreads, and the table (ensembleTable.ts) — compact in
// the side panel, or large over the drawing.
import { button, el, errorSlot, fieldInput, labelled, parseInteger, setText, showError } from "../../util/dom";
import { enlargeButton } from "../../ui/largeView";
import type { LargeView } from "../../ui/largeView";
import { spreadSummary, widestSpreads } from "./compareData";
import type { Ensemble, SortKey } from "./compareData";
import { renderEnsembleTable, sortFrom } from "./ensembleTable";

export { MAX_ROWS } from "./ensembleTable";
export const MAX_SEEDS = 64;

const pct = (p: number): string => (Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : "–");

export interface EnsembleActions {
  train(k: number): void;
  setShown(on: boolean): void;
  /** Edge labels: the seeds' median (true) or this run's own (false, the default). */
  setMedianLabels(on: boolean): void;
}

export class EnsembleView {
  readonly el: HTMLDivElement;
  readonly trainBtn: HTMLButtonElement;
  readonly kInput: HTMLInputElement;
  readonly enlargeBtn = enlargeButton("ensemble-large", "the seed table");
  private readonly kError: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly showBox: HTMLInputElement;
  private readonly showRow: HTMLLabelElement;
  private readonly medianBox: HTMLInputElement;
  private readonly medianRow: HTMLLabelElement;
  private readonly table: HTMLTableElement;
  private sort: SortKey = "state";
  private last: { e: Ensemble; states: string[]; tokens: string[] } | null = null;
  private large: LargeView | null = null;
  /** The large form's table and summary, while the large view shows them. */
  private big: { table: HTMLTableElement; summary: HTMLElement } | null = null;

  constructor(private readonly act: EnsembleActions, signal: AbortSignal) {
    this.el = el("div", "bg-ensemble");
    this.kInput = fieldInput("k", "seeds: how many copies to train", "numeric");
    this.kInput.value = "8";
    this.kError = errorSlot("k");
    this.trainBtn = button("train-seeds", "Train seeds", "train k copies of this run that differ only in the seed, for the current step count (in the background; Stop cancels)");
    const row = el("div", "bg-row bg-ensemble-row");
    row.append(labelled("bg-seeds-k", "Seeds k", this.kInput), this.trainBtn, this.enlargeBtn);
    this.progress = el("div", "bg-ensemble-progress bg-idle");
    this.progress.dataset.role = "ensemble-progress";
    this.summary = el("div", "bg-ensemble-summary");
    this.summary.dataset.role = "ensemble-summary";
    this.showBox = el("input");
    this.showBox.type = "checkbox";
    this.showBox.checked = true;
    this.showBox.dataset.field = "ensemble_show";
    this.showRow = labelled("bg-ensemble-show", "show the spread on the chain (bands)", this.showBox);
    this.medianBox = el("input");
    this.medianBox.type = "checkbox";
    this.medianBox.checked = false;
    this.medianBox.dataset.field = "ensemble_median_labels";
    this.medianRow = labelled("bg-ensemble-median", "edge labels: the seeds' median (else this run's)", this.medianBox);
    this.table = el("table", "bg-compare-table bg-ensemble-table");
    this.table.dataset.role = "ensemble-table";
    this.el.append(row, this.kError, this.progress, this.summary, this.showRow, this.medianRow, this.table);

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
    this.medianBox.addEventListener("change", () => this.act.setMedianLabels(this.medianBox.checked), { signal });
    this.enlargeBtn.addEventListener("click", () => this.enlarge(), { signal });
    this.sortable(this.table, signal);
    this.setEnsemble(null, [], []);
  }

  /** Where Enlarge shows the table. */
  setLarge(large: LargeView): void {
    this.large = large;
    this.enlargeBtn.hidden = this.last === null;
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

  setMedianLabels(on: boolean): void {
    this.medianBox.checked = on;
  }

  setEnsemble(e: Ensemble | null, states: string[], tokens: string[]): void {
    this.last = e ? { e, states, tokens } : null;
    this.showRow.hidden = e === null;
    this.medianRow.hidden = e === null;
    this.enlargeBtn.hidden = e === null || this.large === null;
    if (!e) {
      this.summary.replaceChildren();
      this.table.replaceChildren();
      this.large?.current === "ensemble" && this.large.close(false);
      return;
    }
    this.fillSummary(this.summary, e, states, tokens);
    renderEnsembleTable(this.table, e, states, tokens, this.sort, false);
    if (this.big) {
      this.fillSummary(this.big.summary, e, states, tokens);
      renderEnsembleTable(this.big.table, e, states, tokens, this.sort, true);
    }
  }

  /** "8 seeds … at step 50. Widest spreads: 000 44.0–77.5% (unseen), …; median spread …". */
  private fillSummary(box: HTMLElement, e: Ensemble, states: string[], tokens: string[]): void {
    const s = spreadSummary(e);
    const list = el("span", "bg-ensemble-widest");
    list.dataset.role = "ensemble-widest";
    widestSpreads(e, states).forEach((w, k) => {
      const item = el("span", "bg-widest", `${k ? ", " : ""}${w.state} ${pct(w.min)}–${pct(w.max)}${w.seen ? "" : " (unseen)"}`);
      item.dataset.state = w.state;
      list.append(item);
    });
    const tok = tokens[e.V === 2 ? 1 : 0] ?? "?";
    box.replaceChildren(
      `${e.seeds.length} seeds (${e.seeds[0]}…${e.seeds[e.seeds.length - 1]}) at step ${e.steps}. Widest spreads${e.V === 2 ? ` of P(${tok})` : ""}: `,
      list,
      `. Median spread: seen ${pct(s.seen)}, unseen ${pct(s.unseen)}.`,
    );
  }

  private sortable(table: HTMLTableElement, signal: AbortSignal): void {
    const sortBy = (ev: Event): void => {
      const key = sortFrom(ev);
      if (key === null) return;
      this.sort = key;
      if (this.last) this.setEnsemble(this.last.e, this.last.states, this.last.tokens);
      table.querySelector<HTMLElement>(`th[data-sort="${this.sort}"]`)?.focus();
    };
    table.addEventListener("click", sortBy, { signal });
    table.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      ev.stopPropagation(); // Jupyter's command mode must not see it
      sortBy(ev);
    }, { signal });
  }

  /** The table large, over the drawing: the summary, and each state's range on a 0–100% axis. */
  private enlarge(): void {
    const last = this.last;
    if (!this.large || !last) return;
    const wrap = el("div", "bg-ensemble-large");
    wrap.dataset.role = "ensemble-large";
    const summary = el("div", "bg-ensemble-summary");
    const table = el("table", "bg-compare-table bg-ensemble-table bg-ensemble-table-large");
    table.dataset.role = "ensemble-table-large";
    const ctrl = new AbortController();
    this.sortable(table, ctrl.signal);
    wrap.append(summary, table);
    this.big = { table, summary };
    this.large.open({
      id: "ensemble",
      title: `Seed ensemble: ${last.e.seeds.length} seeds at step ${last.e.steps}`,
      body: wrap,
      opener: this.enlargeBtn,
      onClose: () => {
        this.big = null;
        ctrl.abort();
      },
    });
    this.setEnsemble(last.e, last.states, last.tokens);
  }
}
