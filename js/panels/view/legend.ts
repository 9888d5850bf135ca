// Key to the drawing: token colours, what edges and node marks mean, unseen and marked states,
// the walk's gold ring and the search mark (a solid blue halo: unlike the naughty red ring and
// the unseen grey dashed one). On screen it is a one-line strip (the token colours and a "key"
// button, shellFit.ts places it) whose button opens the full key over the drawing's corner.
import { el } from "../../util/dom";
import { tokenClass } from "../../drawing/palette";

let keys = 0;

export class Legend {
  readonly el: HTMLDivElement;
  private readonly tokens: HTMLSpanElement;
  private readonly unseen: HTMLSpanElement;
  private readonly bars: HTMLSpanElement;
  private readonly naughty: HTMLSpanElement;
  private tokenKey = "";
  /** The "key" button and the full key it opens. */
  readonly toggle: HTMLButtonElement;
  readonly panel: HTMLDivElement;

  /** `remember(open)`: the key was opened or closed (kept with the widget's view state). */
  constructor(open = false, private readonly remember: (open: boolean) => void = () => {}, signal?: AbortSignal) {
    this.el = el("div", "bg-legend");
    this.tokens = el("span", "bg-legend-tokens");
    const edges = el("span", "bg-legend-edges", "edge t(p%): next token t with probability p; thicker = likelier");
    this.bars = el("span", "bg-legend-bars");
    const barMark = el("span", "bg-legend-barmark");
    barMark.setAttribute("aria-hidden", "true");
    this.bars.append(barMark, document.createTextNode("in each node: model (upper bar) vs data (lower); shade = long-run share"));
    this.unseen = el("span", "bg-legend-unseen");
    const mark = el("span", "bg-legend-mark");
    mark.setAttribute("aria-hidden", "true");
    this.unseen.append(mark, document.createTextNode("not in the data: the model's own guess"));
    this.naughty = el("span", "bg-legend-naughty");
    const red = el("span", "bg-legend-mark bg-legend-mark-naughty");
    red.setAttribute("aria-hidden", "true");
    this.naughty.append(red, document.createTextNode("marked (naughty): click a node to toggle"));
    const walk = el("span", "bg-legend-walk");
    const gold = el("span", "bg-legend-mark bg-legend-mark-walk");
    gold.setAttribute("aria-hidden", "true");
    walk.append(gold, document.createTextNode("gold ring: where a sampled walk is"));
    const found = el("span", "bg-legend-found");
    const halo = el("span", "bg-legend-mark bg-legend-mark-found");
    halo.setAttribute("aria-hidden", "true");
    found.append(halo, document.createTextNode("blue halo: the state you searched for"));
    // Runs compared (panels/compare): shown only while the chain carries them (compare.css).
    const bands = el("span", "bg-legend-bands");
    bands.dataset.role = "legend-bands";
    const band = el("span", "bg-legend-band");
    band.setAttribute("aria-hidden", "true");
    bands.append(band, el("span", "bg-legend-text", "band round an edge: P from the lowest to the highest seed"));
    bands.title = "band round an edge: its P from the lowest to the highest seed (wide = the seeds disagree)";
    const diff = el("span", "bg-legend-diff");
    diff.dataset.role = "legend-diff";
    const ramp = el("span", "bg-legend-diffmark");
    ramp.setAttribute("aria-hidden", "true");
    diff.append(ramp, el("span", "bg-legend-text", "edge colour: this run − the other (green: this run likelier)"));
    diff.title = "edge colour: this run − the other (green: this run likelier, purple: the other)";
    this.toggle = el("button", "bg-btn bg-key-toggle", "key");
    this.toggle.type = "button";
    this.toggle.dataset.action = "legend";
    this.toggle.title = "what the colours, edges, rings and bars mean";
    this.panel = el("div", "bg-legend-key");
    this.panel.id = `bg-legend-key-${++keys}`;
    this.panel.setAttribute("role", "note");
    this.toggle.setAttribute("aria-controls", this.panel.id);
    this.panel.append(edges, this.bars, this.unseen, this.naughty, walk, found);
    // the keys to what is drawn over the chain right now stay in the strip, not behind the button
    this.el.append(this.tokens, bands, diff, this.toggle, this.panel);
    this.toggle.addEventListener("click", () => {
      this.setOpen(!this.open);
      this.remember(this.open);
    }, { signal });
    this.setOpen(open);
    this.setUnseen(false);
  }

  get open(): boolean {
    return !this.panel.hidden;
  }

  /** Esc: close the full key if it is open (remembered, as a click would); true if it was. */
  close(): boolean {
    if (!this.open) return false;
    const inside = this.panel.contains(document.activeElement);
    this.setOpen(false);
    this.remember(false);
    if (inside) this.toggle.focus({ preventScroll: true });
    return true;
  }

  /** Show or hide the full key. */
  setOpen(open: boolean): void {
    this.panel.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    this.el.classList.toggle("bg-key-open", open);
  }

  /** token → colour swatches. */
  setTokens(tokens: string[]): void {
    const key = tokens.join("\u0000");
    if (key === this.tokenKey) return;
    this.tokenKey = key;
    this.tokens.replaceChildren(
      el("span", "bg-field-label", "tokens"),
      ...tokens.map((t, k) => {
        const item = el("span", `bg-legend-token ${tokenClass(k)}`);
        item.dataset.token = t;
        const sw = el("span", "bg-swatch");
        sw.setAttribute("aria-hidden", "true");
        item.append(sw, el("code", undefined, t));
        return item;
      }),
    );
  }

  /** The unseen-state note only appears when some state is unseen. */
  setUnseen(any: boolean): void {
    this.unseen.hidden = !any;
  }

  /** The marked-state key stays put (no jump when the first node is marked); off in classroom mode without it. */
  setNaughty(available: boolean): void {
    this.naughty.hidden = !available;
  }

  setBars(shown: boolean): void {
    this.bars.hidden = !shown;
  }
}
