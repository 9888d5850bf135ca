// The transition matrix's header: filter (state prefix or pattern; seen / unseen), sort, the
// Enlarge button, the colour key with values, how many rows match, and what the pointer is on.
import { el } from "../../util/dom";
import { ColorScale } from "../../util/colorScale";
import type { MatrixQuery, MatrixSort, SeenFilter } from "./matrixOrder";

export class MatrixControls {
  readonly el: HTMLDivElement;
  readonly filter: HTMLInputElement;
  readonly seen: HTMLSelectElement;
  readonly sort: HTMLSelectElement;
  readonly enlarge: HTMLButtonElement;
  readonly scale = new ColorScale("matrix-scale");
  readonly count: HTMLElement;
  readonly hover: HTMLElement;
  private tokens: string[] = [];

  constructor(onQuery: (q: MatrixQuery) => void, onEnlarge: () => void) {
    this.el = el("div", "bg-matrix-head");
    this.filter = el("input", "bg-matrix-filter");
    this.filter.type = "search";
    this.filter.dataset.field = "matrix-filter";
    this.filter.placeholder = "filter: prefix, or * ?";
    this.filter.title = "Show states starting with this text; * and ? make it a pattern (e.g. ??01*)";
    this.filter.setAttribute("aria-label", "filter states: a prefix, or a pattern with * and ?");
    this.filter.spellcheck = false;
    this.filter.autocomplete = "off";
    this.seen = el("select", "bg-matrix-seen");
    this.seen.dataset.field = "matrix-seen";
    this.seen.setAttribute("aria-label", "show seen or unseen states");
    this.seen.append(new Option("all states", "all"), new Option("seen in data", "seen"), new Option("unseen", "unseen"));
    this.sort = el("select", "bg-matrix-sort");
    this.sort.dataset.field = "matrix-sort";
    this.sort.setAttribute("aria-label", "sort rows");
    this.enlarge = el("button", "bg-btn bg-enlarge", "Enlarge");
    this.enlarge.type = "button";
    this.enlarge.dataset.action = "matrix-large";
    this.enlarge.title = "Show the matrix large, over the drawing (Esc goes back)";
    this.enlarge.setAttribute("aria-label", "enlarge the transition matrix");
    const row = el("div", "bg-matrix-controls");
    row.append(this.filter, this.seen, this.sort, this.enlarge);
    this.count = el("div", "bg-matrix-count");
    this.count.dataset.role = "matrix-count";
    this.hover = el("div", "bg-matrix-hover bg-idle", "hover a cell for its value");
    this.hover.dataset.role = "matrix-hover";
    const info = el("div", "bg-matrix-info");
    info.append(this.count, this.hover);
    this.el.append(row, this.scale.el, info);
    const query = (): void => onQuery(this.query());
    this.filter.addEventListener("input", query);
    this.seen.addEventListener("change", query);
    this.sort.addEventListener("change", query);
    this.enlarge.addEventListener("click", () => onEnlarge());
    // typing in the filter is the filter's: not the drawing's or Jupyter's shortcuts
    this.filter.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && this.filter.value !== "") {
        this.filter.value = "";
        query();
        ev.stopPropagation();
      }
    });
    this.setTokens([]);
  }

  query(): MatrixQuery {
    return { text: this.filter.value, seen: this.seen.value as SeenFilter, sort: this.sort.value as MatrixSort };
  }

  setTokens(tokens: string[]): void {
    const key = tokens.join("\u0000");
    if (key === this.tokens.join("\u0000") && this.sort.options.length) return;
    this.tokens = tokens;
    const was = this.sort.value;
    this.sort.replaceChildren(
      new Option("sort: state", "state"),
      ...tokens.map((t, k) => new Option(`sort: P(${t}) ↓`, `p:${k}`)),
      new Option("sort: uncertainty ↓", "entropy"),
      new Option("sort: unseen first", "unseen"),
      new Option("sort: seen first", "seen"),
    );
    this.sort.value = [...this.sort.options].some((o) => o.value === was) ? was : "state";
  }

  setCount(shown: number, total: number): void {
    this.count.textContent = shown === total ? `${total.toLocaleString("en-US")} states` : `${shown.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} states`;
    this.count.dataset.shown = String(shown);
  }

  setHover(text: string | null): void {
    this.hover.textContent = text ?? "hover a cell for its value";
    this.hover.classList.toggle("bg-idle", text === null);
  }
}
