// "Find state": type a state's label, press Enter — the node is marked and brought into view,
// and a readout shows its next-token distribution. Useful at 8 states, essential at 4,096.
import { el, errorSlot, setText, showError } from "../../util/dom";
import { percent1 } from "../../util/format";

export interface SearchSpace {
  /** States drawn now (the search finds these). */
  drawn: Map<string, number>;
  /** Every state of the chain, drawn or not (shorter contexts may be hidden). */
  all: ReadonlySet<string> | Map<string, number>;
  tokens: string[];
  contextLength: number;
}

export type SearchResult = { kind: "clear" } | { kind: "found"; state: string; index: number } | { kind: "error"; message: string };

/** What a search for `text` finds (an empty box clears the search). */
export function resolveSearch(text: string, space: SearchSpace): SearchResult {
  const q = text.trim();
  if (q === "") return { kind: "clear" };
  const index = space.drawn.get(q);
  if (index !== undefined) return { kind: "found", state: q, index };
  const chars = Array.from(q);
  const alphabet = new Set(space.tokens);
  const bad = [...new Set(chars.filter((c) => !alphabet.has(c)))];
  if (bad.length) return { kind: "error", message: `"${q}": ${bad.map((c) => `"${c}"`).join(", ")} not in the alphabet ${space.tokens.join(" ")}` };
  if (space.all.has(q)) return { kind: "error", message: `"${q}" is a shorter context: show shorter contexts to find it` };
  if (chars.length !== space.contextLength)
    return { kind: "error", message: `no state "${q}": states are ${space.contextLength} tokens long` };
  return { kind: "error", message: `no state "${q}" in this chain` };
}

export interface FoundInfo {
  state: string;
  tokens: string[];
  /** Next-token probabilities as shown (NaN: unknown). */
  probs: number[];
  /** Data counts of the next tokens, or null when unknown. */
  counts: number[] | null;
  /** Long-run share of time (NaN/undefined: not known yet). */
  share?: number;
}

/** One line about the found state: its next-token distribution, the data, its long-run share. */
export function foundText(info: FoundInfo): string {
  const next = info.tokens.map((t, k) => `${t} ${percent1(info.probs[k])}`).join(" · ");
  const total = info.counts ? info.counts.reduce((a, b) => a + b, 0) : 0;
  const parts = [`state ${info.state}`, `next: ${next}`];
  if (info.counts) parts.push(total > 0 ? `data: ${info.tokens.map((t, k) => `${t} ${info.counts![k]}`).join(" · ")}` : "not in the data");
  if (info.share !== undefined && Number.isFinite(info.share)) parts.push(`long-run share ${percent1(info.share)}`);
  return parts.join("  —  ");
}

export class SearchBox {
  /** The input with its label and error slot (sits next to the layout switch). */
  readonly el: HTMLLabelElement;
  /** `[data-role="found"]`: the found state's distribution (empty when none). */
  readonly readout: HTMLDivElement;
  readonly input: HTMLInputElement;
  private readonly error: HTMLElement;

  constructor(search: (text: string) => void, signal: AbortSignal) {
    this.input = el("input");
    this.input.type = "search";
    this.input.dataset.field = "search_state";
    this.input.spellcheck = false;
    this.input.autocomplete = "off";
    this.input.placeholder = "state";
    this.input.setAttribute("aria-label", "find a state by its label (Enter)");
    this.error = errorSlot("search_state");
    this.el = el("label", "bg-inline bg-group bg-search");
    this.el.title = "type a state's label and press Enter: it is marked and brought into view";
    this.el.append(el("span", "bg-field-label", "find"), this.input, this.error);
    this.readout = el("div", "bg-found-readout");
    this.readout.dataset.role = "found";
    this.readout.setAttribute("aria-live", "polite");
    this.input.addEventListener(
      "keydown",
      (ev) => {
        if (ev.key === "Enter") {
          ev.preventDefault();
          search(this.input.value);
        } else if (ev.key === "Escape" && this.input.value !== "") {
          ev.preventDefault();
          ev.stopPropagation();
          this.input.value = "";
          search("");
        }
      },
      { signal },
    );
    // The search box's own clear button (type=search) empties it: clear the search too.
    this.input.addEventListener("search", () => this.input.value === "" && search(""), { signal });
  }

  /** The placeholder names a real state of this chain (`state, e.g. 101` / `ACG`). */
  setExample(state: string): void {
    const p = state ? `state, e.g. ${state}` : "state";
    if (this.input.placeholder !== p) this.input.placeholder = p;
  }

  setError(message: string): void {
    showError(this.error, this.input, message);
  }

  setFound(info: FoundInfo | null): void {
    setText(this.readout, info ? foundText(info) : "");
    this.readout.hidden = info === null;
  }
}
