// Tick labels for the inside view's large form: which position (and token) each row and column
// of an attention map is, which dimension a column of the embeddings is.
import { el } from "../../util/dom";

/** Column ticks of a T×T map: the token on top, its position under it. */
export function columnTicks(tokens: string[]): HTMLElement {
  const row = el("div", "bg-ticks-x");
  row.setAttribute("aria-hidden", "true");
  tokens.forEach((t, i) => {
    const c = el("span", "bg-tick");
    c.append(el("b", "bg-tick-tok", t), el("span", "bg-tick-pos", `@${i}`));
    row.append(c);
  });
  return row;
}

/** Row ticks of a T×T map: token@position, one per row, as tall as the map's rows. */
export function rowTicks(tokens: string[]): HTMLElement {
  const col = el("div", "bg-ticks-y");
  col.setAttribute("aria-hidden", "true");
  tokens.forEach((t, i) => col.append(el("span", "bg-tick", `${t}@${i}`)));
  return col;
}

/** Dimension ticks under a strip of d columns: 0, ¼, ½, ¾ of the way and the last. */
export function dimTicks(d: number): HTMLElement {
  const row = el("div", "bg-ticks-dim");
  row.setAttribute("aria-hidden", "true");
  const marks = [...new Set([0, Math.floor(d / 4), Math.floor(d / 2), Math.floor((3 * d) / 4), d - 1])].filter((k) => k >= 0);
  for (const k of marks) {
    const t = el("span", "bg-tick", String(k));
    t.style.left = `${(((k + 0.5) / d) * 100).toFixed(2)}%`;
    row.append(t);
  }
  return row;
}
