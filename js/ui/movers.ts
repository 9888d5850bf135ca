// The "edges that moved" rows This step and Push the chain both list (state → token and its
// change in points), and the hover that shows a row's state on the chain: one way for both.
import { el } from "../util/dom";

/** A change of probability in points, signed: `+0.69 pts`, `−18.2 pts`. */
export function pts(change: number, digits: number): string {
  return `${change >= 0 ? "+" : "−"}${Math.abs(change * 100).toFixed(digits)} pts`;
}

export interface Mover {
  state: string;
  token: string;
  change: number;
  /** A remark after the number (e.g. "not in the data"); none when empty. */
  note?: string;
}

/** The panel's own class names for the rows' parts, and the points' decimals. */
export interface MoverLook {
  rows: string;
  row: string;
  edge: string;
  num: string;
  note: string;
  digits: number;
}

/** The rows, each with `data-state` (what the hover shows), in a container marked `role`. */
export function moverRows(movers: readonly Mover[], role: string, look: MoverLook): HTMLDivElement {
  const rows = el("div", look.rows);
  rows.dataset.role = role;
  for (const m of movers) {
    const row = el("div", look.row);
    row.dataset.state = m.state;
    row.append(el("span", look.edge, `${m.state} → ${m.token}`), el("span", look.num, pts(m.change, look.digits)));
    if (m.note) row.append(el("span", look.note, m.note));
    rows.append(row);
  }
  return rows;
}

/** While the pointer is over a row (`selector`, carrying `data-state` and maybe `data-token`)
 *  inside `area`, `highlight` gets its state and token; leaving the area ends it (null). */
export function highlightRowsOnHover(area: HTMLElement, selector: string,
  highlight: (state: string | null, token: string | null) => void, signal: AbortSignal): void {
  area.addEventListener("mouseover", (ev) => {
    const row = ev.target instanceof Element ? ev.target.closest<HTMLElement>(selector) : null;
    highlight(row?.dataset.state ?? null, row?.dataset.token ?? null);
  }, { signal });
  area.addEventListener("mouseleave", () => highlight(null, null), { signal });
}
