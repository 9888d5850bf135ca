// The seed ensemble's table: per state, seen?, median P, min–max; sortable by state or by
// spread. Its large form (the large view over the drawing) adds each row's range on a shared
// 0–100% axis: the band the chain draws round an edge, as a bar with the median marked.
import { el } from "../../util/dom";
import { ensembleRows } from "./compareData";
import type { Ensemble, SortKey } from "./compareData";

/** Rows the table lists at most (a big chain: the widest spreads first). */
export const MAX_ROWS = 200;
const SVG = "http://www.w3.org/2000/svg";
const pct = (p: number): string => (Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : "–");

/** A row's range on the 0–100% axis: the min–max bar, the median as a tick. */
function rangeBar(min: number, median: number, max: number): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "bg-range");
  svg.setAttribute("viewBox", "0 0 100 10");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `from ${pct(min)} to ${pct(max)}, median ${pct(median)}`);
  const add = (tag: string, attrs: Record<string, number | string>): void => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    svg.append(e);
  };
  for (const x of [25, 50, 75]) add("line", { x1: x, x2: x, y1: 0, y2: 10, class: "bg-range-grid" });
  add("rect", { x: 100 * min, y: 2, width: Math.max(0.6, 100 * (max - min)), height: 6, class: "bg-range-bar" });
  add("line", { x1: 100 * median, x2: 100 * median, y1: 0, y2: 10, class: "bg-range-median" });
  return svg;
}

/** The axis over the range column: 0%, 25%, 50%, 75%, 100%. */
function rangeAxis(): HTMLElement {
  const axis = el("div", "bg-range-axis");
  axis.dataset.role = "ensemble-axis";
  for (const v of [0, 25, 50, 75, 100]) {
    const t = el("span", "bg-range-tick", `${v}%`);
    t.style.left = `${v}%`;
    t.style.transform = v === 0 ? "none" : v === 100 ? "translateX(-100%)" : "translateX(-50%)";
    axis.append(t);
  }
  return axis;
}

/** Fill `table` for the last token (P(1) for the default alphabet). */
export function renderEnsembleTable(table: HTMLTableElement, e: Ensemble, states: string[], tokens: string[], sort: SortKey, large: boolean): void {
  const t = Math.max(0, tokens.length - 1);
  const tok = tokens[t] ?? "?";
  const head = el("tr");
  const th = (text: string, key?: SortKey): HTMLTableCellElement => {
    const c = el("th", key ? "bg-sortable" : "", text);
    if (key) {
      c.dataset.sort = key;
      c.tabIndex = 0; // sortable from the keyboard too (Enter / Space)
      c.title = `sort by ${key}`;
      c.setAttribute("aria-sort", sort === key ? (key === "spread" ? "descending" : "ascending") : "none");
    }
    return c;
  };
  head.append(th("state", "state"), th("seen?"), th(`median P(${tok})`), th("min–max", "spread"));
  if (large) {
    const c = el("th", "bg-range-head");
    c.append(el("span", "bg-range-title", `P(${tok}) across seeds: bar min–max, tick median`), rangeAxis());
    head.append(c);
  }
  const body = el("tbody");
  const rows = ensembleRows(e, states, t, sort);
  for (const r of rows.slice(0, MAX_ROWS)) {
    const tr = el("tr", r.seen ? "" : "bg-unseen-row");
    tr.dataset.state = r.state;
    tr.append(el("td", "bg-mono", r.state), el("td", "", r.seen ? "yes" : "no"), el("td", "bg-num", pct(r.median)), el("td", "bg-num", `${pct(r.min)}–${pct(r.max)}`));
    if (large) {
      const c = el("td", "bg-range-cell");
      c.append(rangeBar(r.min, r.median, r.max));
      tr.append(c);
    }
    body.append(tr);
  }
  const thead = el("thead");
  thead.append(head);
  table.replaceChildren(thead, body);
  if (rows.length > MAX_ROWS) table.prepend(el("caption", "", `widest ${MAX_ROWS} of ${rows.length} states (sort by min–max)`));
}

/** Sort by the header cell an event came from (click, Enter, Space); null: not a header. */
export function sortFrom(ev: Event): SortKey | null {
  const cell = (ev.target as Element).closest("th[data-sort]");
  if (!(cell instanceof HTMLElement)) return null;
  return cell.dataset.sort === "spread" ? "spread" : "state";
}
