// Compare with another run: a field for a step of this run ("step 10") or a run string, the
// banner over the drawing while comparing (what with, mean / max total variation, the colour
// legend, a button to leave), and the per-state total variation table.
import { button, el, errorSlot, fieldInput, setText, showError } from "../../util/dom";
import type { Difference } from "./compareData";
import { DIVERGING } from "./edgeMarks";

export const MAX_TV_ROWS = 200;

export interface OtherRunActions {
  /** The typed text; the panel parses it (and shows its own error). */
  compare(text: string): void;
  leave(): void;
}

export class OtherRunView {
  readonly el: HTMLDivElement;
  readonly banner: HTMLDivElement;
  readonly input: HTMLInputElement;
  readonly compareBtn: HTMLButtonElement;
  readonly leaveBtn: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly bannerText: HTMLElement;
  private readonly legendLo: HTMLElement;
  private readonly legendHi: HTMLElement;

  constructor(act: OtherRunActions, signal: AbortSignal) {
    this.el = el("div", "bg-other-run");
    this.input = fieldInput("other", "compare with: a step of this run (step 10) or a run string", undefined);
    this.input.placeholder = "step 10 or babygpt2:…";
    this.compareBtn = button("compare", "Compare", "compare the chain shown with this run at another step, or with another run (its run string)");
    this.error = errorSlot("other");
    const row = el("div", "bg-row bg-other-row");
    row.append(this.input, this.compareBtn);
    this.summary = el("div", "bg-compare-summary");
    this.summary.dataset.role = "compare-summary";
    this.table = el("table", "bg-compare-table bg-tv-table");
    this.table.dataset.role = "tv-table";
    this.el.append(row, this.error, this.summary, this.table);

    this.banner = el("div", "bg-compare-banner");
    this.banner.dataset.role = "compare-banner";
    this.banner.hidden = true;
    this.bannerText = el("span", "bg-compare-banner-text");
    const legend = el("span", "bg-diff-legend");
    legend.title = "edge colour: probability here minus in the other run";
    this.legendLo = el("span", "bg-diff-legend-end");
    const bar = el("span", "bg-diff-legend-bar");
    bar.style.background = `linear-gradient(to right, ${DIVERGING.join(", ")})`;
    this.legendHi = el("span", "bg-diff-legend-end");
    legend.append(this.legendLo, bar, this.legendHi);
    this.leaveBtn = button("leave-compare", "Leave", "stop comparing: back to this run's chain");
    this.banner.append(this.bannerText, legend, this.leaveBtn);

    const go = (): void => act.compare(this.input.value);
    this.compareBtn.addEventListener("click", go, { signal });
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter") return;
      ev.stopPropagation();
      go();
    }, { signal });
    this.leaveBtn.addEventListener("click", () => act.leave(), { signal });
  }

  setError(message: string | undefined): void {
    showError(this.error, this.input, message ?? "");
  }

  /** Comparing `label` (shown step `step`) with the other run; null: not comparing. */
  show(c: { label: string; step: number; d: Difference } | null, states: string[]): void {
    this.banner.hidden = c === null;
    if (!c) {
      setText(this.summary, "");
      this.table.replaceChildren();
      return;
    }
    const worst = c.d.worst >= 0 ? ` (${states[c.d.worst]})` : "";
    const figures = `mean TV ${c.d.meanTv.toFixed(3)} · max TV ${c.d.maxTv.toFixed(3)}${worst}`;
    setText(this.bannerText, `comparing step ${c.step} with ${shortLabel(c.label)} · ${figures}`);
    this.bannerText.title = c.label;
    const m = Math.max(0.05, c.d.maxAbs);
    setText(this.legendLo, `−${Math.round(m * 100)}%`);
    setText(this.legendHi, `+${Math.round(m * 100)}%`);
    setText(this.summary, `this run at step ${c.step} vs ${shortLabel(c.label)}: ${figures}`);
    this.summary.dataset.meanTv = c.d.meanTv.toFixed(4);
    this.summary.dataset.maxTv = c.d.maxTv.toFixed(4);
    const head = el("tr");
    head.append(el("th", "", "state"), el("th", "", "TV"));
    const order = Array.from(c.d.tv, (tv, i) => ({ tv, i })).sort((a, b) => b.tv - a.tv || a.i - b.i);
    const body = el("tbody");
    for (const { tv, i } of order.slice(0, MAX_TV_ROWS)) {
      const tr = el("tr");
      tr.dataset.state = states[i];
      tr.dataset.tv = tv.toFixed(4);
      tr.append(el("td", "bg-mono", states[i]), el("td", "bg-num", tv.toFixed(3)));
      body.append(tr);
    }
    const thead = el("thead");
    thead.append(head);
    this.table.replaceChildren(thead, body);
  }
}

/** A run string is long: its settings' gist for the banner (the whole string in the title). */
export function shortLabel(label: string): string {
  return label.length > 48 ? `${label.slice(0, 45)}…` : label;
}
