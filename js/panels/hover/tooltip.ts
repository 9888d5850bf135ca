// The hover box (.bg-tooltip): a node's next-token distribution vs. the data, or one edge.
import type { TrainingWindow } from "../../model/chain";
import { percent1 } from "../../util/format";

export class Tooltip {
  readonly el: HTMLDivElement;

  constructor(private readonly host: HTMLElement) {
    this.el = document.createElement("div");
    this.el.className = "bg-tooltip";
    this.el.hidden = true;
    this.el.setAttribute("role", "tooltip");
    host.appendChild(this.el);
  }

  show(content: Node, clientX: number, clientY: number): void {
    this.el.replaceChildren(content);
    this.el.hidden = false;
    this.move(clientX, clientY);
  }

  /** Keep the box next to the pointer and inside the widget. */
  move(clientX: number, clientY: number): void {
    const box = this.host.getBoundingClientRect();
    let left = clientX - box.left + 16;
    const top = clientY - box.top + 16;
    const w = this.el.offsetWidth;
    if (w > 0 && left + w > box.width) left = Math.max(0, clientX - box.left - 16 - w);
    this.el.style.left = `${left}px`;
    this.el.style.top = `${top}px`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

export interface NodeInfo {
  state: string;
  tokens: string[];
  /** Model's next-token distribution (length V; NaN when unknown). */
  probs: number[];
  /** The data's next-token counts (length V), or null when unknown. */
  counts: number[] | null;
  windows: TrainingWindow[];
  /** Shown step, so the reader knows which snapshot the numbers are from. */
  step: string;
  /** Long-run share of time in this state (stationary distribution); NaN/undefined: none. */
  share?: number;
  /** Total variation distance between model and data rows (NaN: not in the data). */
  tv?: number;
  /** "model" column title extra, e.g. "T=0.5". */
  temperature?: number;
}

const MAX_WINDOWS = 12;

export function nodeTooltip(info: NodeInfo): HTMLElement {
  const box = h("div");
  const total = info.counts ? info.counts.reduce((a, b) => a + b, 0) : 0;
  box.appendChild(h("div", `state ${info.state}`, "bg-tt-title"));
  const table = h("table");
  const head = h("tr");
  const tNote = info.temperature !== undefined && info.temperature !== 1 ? `, T=${info.temperature}` : "";
  for (const t of ["next", `model (step ${info.step}${tNote})`, "data"]) head.appendChild(h("th", t));
  table.appendChild(head);
  info.tokens.forEach((tok, t) => {
    const row = h("tr");
    row.appendChild(h("td", tok, "bg-tt-token"));
    row.appendChild(h("td", percent1(info.probs[t])));
    const c = info.counts?.[t];
    row.appendChild(h("td", c === undefined ? "?" : total > 0 ? `${c} (${percent1(c / total)})` : "0"));
    table.appendChild(row);
  });
  box.appendChild(table);
  const stats: string[] = [];
  if (info.tv !== undefined && Number.isFinite(info.tv)) stats.push(`model vs data: TV ${info.tv.toFixed(3)}`);
  if (info.share !== undefined && Number.isFinite(info.share)) stats.push(`long-run share of time: ${percent1(info.share)} (${info.share.toFixed(4)})`);
  for (const s of stats) box.appendChild(h("div", s, "bg-tt-stat"));
  if (info.counts && total === 0) {
    box.appendChild(h("div", "not in the data: the model's own guess", "bg-tt-note"));
  } else if (info.windows.length > 0) {
    const shown = info.windows.slice(0, MAX_WINDOWS).map((w) => `i=${w.i}→${w.next}`);
    if (info.windows.length > MAX_WINDOWS) shown.push(`… ${info.windows.length - MAX_WINDOWS} more`);
    box.appendChild(h("div", `training windows: ${shown.join(", ")}`, "bg-tt-note"));
  }
  return box;
}

export interface EdgeInfo {
  from: string;
  to: string;
  token: string;
  p: number;
  /** Data count of this transition and of all transitions out of `from`; null if unknown. */
  count: number | null;
  total: number | null;
  /** Sparkline of this edge's probability over the history. */
  spark?: Element | null;
}

export function edgeTooltip(info: EdgeInfo): HTMLElement {
  const box = h("div");
  box.appendChild(h("div", `${info.from} → ${info.to} on ${info.token}`, "bg-tt-title"));
  box.appendChild(h("div", `model: ${percent1(info.p)}`));
  if (info.count !== null && info.total !== null) {
    const freq = info.total > 0 ? ` (${percent1(info.count / info.total)})` : " (state not in the data)";
    box.appendChild(h("div", `data: ${info.count} of ${info.total}${freq}`));
  }
  if (info.spark) {
    box.appendChild(h("div", "over training (dashed: data)", "bg-tt-note"));
    box.appendChild(info.spark);
  }
  return box;
}
