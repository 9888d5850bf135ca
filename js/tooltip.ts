// The hover box (.bg-tooltip): a node's next-token distribution vs. the data, or one edge.
import type { TrainingWindow } from "./chain";
import { percent1 } from "./format";

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
}

const MAX_WINDOWS = 12;

export function nodeTooltip(info: NodeInfo): HTMLElement {
  const box = h("div");
  const total = info.counts ? info.counts.reduce((a, b) => a + b, 0) : 0;
  box.appendChild(h("div", `state ${info.state}`, "bg-tt-title"));
  const table = h("table");
  const head = h("tr");
  for (const t of ["next", `model (step ${info.step})`, "data"]) head.appendChild(h("th", t));
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
}

export function edgeTooltip(info: EdgeInfo): HTMLElement {
  const box = h("div");
  box.appendChild(h("div", `${info.from} → ${info.to} on ${info.token}`, "bg-tt-title"));
  box.appendChild(h("div", `model: ${percent1(info.p)}`));
  if (info.count !== null && info.total !== null) {
    const freq = info.total > 0 ? ` (${percent1(info.count / info.total)})` : " (state not in the data)";
    box.appendChild(h("div", `data: ${info.count} of ${info.total}${freq}`));
  }
  return box;
}
