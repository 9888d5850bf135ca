// The "Inside" panel: the forward pass behind one state's edges, for the shown history step.
// Pick a state with "Look inside" (the searched state, else the walk's, else the next node
// clicked); a search while the panel is open switches to the found state. With a kernel the
// panel asks for `explain` whenever the state or the shown step changes (throttled: see
// requester.ts); a saved page replays the explanations save_html stored (`inside_replay`).
import { el, errorSlot, setText } from "../../util/dom";
import { enlargeButton } from "../../ui/largeView";
import type { LargeView } from "../../ui/largeView";
import { parseInside, parseReplay, replayAt } from "./insideData";
import type { Inside, InsideReplay } from "./insideData";
import { InsideView } from "./insideView";
import { ExplainRequester } from "./requester";
import type { Clock } from "./requester";

export interface ExplainCommand {
  cmd: "explain";
  state: string | null;
  step: number | null;
}

export interface InsideHost {
  send(c: ExplainCommand): void;
  /** The searched state, else the walk's current state (null: none). */
  suggested(): string | null;
  isState(s: string): boolean;
  /** A kernel-only control: disabled with the usual reason when there is no kernel. */
  setKernelOnly(e: HTMLElement, live: boolean): void;
}

export class InsidePanel {
  readonly el: HTMLDivElement;
  readonly openBtn: HTMLButtonElement;
  readonly closeBtn: HTMLButtonElement;
  readonly enlargeBtn = enlargeButton("inside-large", "the inside view");
  readonly view = new InsideView();
  /** The large form, while the large view shows it. */
  private big: InsideView | null = null;
  private large: LargeView | null = null;
  private temperature = 1;
  private readonly title: HTMLElement;
  private readonly stepLine: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly error: HTMLElement;
  private readonly requester: ExplainRequester;
  private selected: string | null = null;
  private picking = false;
  private trait: Inside | null = null;
  private replay: InsideReplay | null = null;
  private kernel: "unknown" | "live" | "static" = "unknown";
  /** Who answers explain: the kernel, or a page's own engine ("page"). */
  private answerer = "kernel";
  private shown = { step: 0, live: true };
  private drawn: Inside | null = null;
  /** The panel opened on a state (the section scrolls it into view). */
  onOpen: (() => void) | null = null;

  constructor(private readonly host: InsideHost, signal: AbortSignal, clock?: Clock) {
    this.el = el("div", "bg-inside");
    this.el.dataset.role = "inside";
    this.title = el("span", "bg-inside-title", "Inside");
    this.title.dataset.role = "inside-title";
    this.stepLine = el("span", "bg-inside-step");
    this.stepLine.dataset.role = "inside-step";
    this.openBtn = el("button", "bg-btn bg-inside-open", "Look inside");
    this.openBtn.type = "button";
    this.openBtn.dataset.action = "inside";
    this.openBtn.title = "Show the forward pass behind a state's edges: the searched state, the walk's state, or click one";
    this.closeBtn = el("button", "bg-btn bg-inside-close", "Close");
    this.closeBtn.type = "button";
    this.closeBtn.dataset.action = "inside-close";
    this.closeBtn.title = "Close the inside view";
    this.closeBtn.setAttribute("aria-label", "close the inside view");
    const head = el("div", "bg-inside-head");
    head.append(this.title, this.stepLine, this.openBtn, this.enlargeBtn, this.closeBtn);
    this.hint = el("div", "bg-inside-hint");
    this.hint.dataset.role = "inside-hint";
    this.error = errorSlot("inside");
    this.el.append(head, this.error, this.hint, this.view.el);
    this.requester = new ExplainRequester(
      (w) => host.send({ cmd: "explain", state: w.state, step: w.step }),
      (w) => this.trait !== null && this.trait.state === w.state && (this.trait.step === w.expect || this.trait.asked === w.expect || (w.step === null && this.trait.step > w.expect)),
      250,
      clock,
    );
    this.openBtn.addEventListener("click", () => this.lookInside(), { signal });
    this.closeBtn.addEventListener("click", () => this.select(null), { signal });
    this.enlargeBtn.addEventListener("click", () => this.enlarge(), { signal });
    signal.addEventListener("abort", () => this.requester.cancel());
    this.render();
  }

  /** The next node click goes to the panel (instead of marking it). */
  get isPicking(): boolean {
    return this.picking;
  }

  get state(): string | null {
    return this.selected;
  }

  /** A node was clicked while picking. */
  pick(state: string): void {
    this.picking = false;
    this.select(state);
  }

  /** A search found `state`: an open panel follows it. */
  found(state: string | null): void {
    if (state !== null && this.selected !== null && state !== this.selected) this.select(state);
  }

  select(state: string | null): void {
    this.picking = false;
    const was = this.selected;
    this.selected = state;
    this.error.textContent = "";
    if (state === null && was !== null && this.kernel !== "static") this.host.send({ cmd: "explain", state: null, step: null });
    this.update();
    if (was === null && state !== null) this.onOpen?.();
  }

  setTrait(v: unknown): void {
    const next = parseInside(v);
    this.trait = next;
    // An explanation asked from Python (w.explain("101")) opens the panel on that state.
    if (next !== null && next.state !== this.selected && !this.waiting()) this.selected = next.state;
    if (next !== null) this.error.textContent = "";
    this.update();
  }

  setReplay(v: unknown): void {
    this.replay = parseReplay(v);
    this.update();
  }

  setKernel(state: "unknown" | "live" | "static", answerer = "kernel"): void {
    this.kernel = state;
    this.answerer = answerer;
    this.update();
  }

  /** The shown history step (live: the newest step). */
  setShown(step: number, live: boolean): void {
    if (step === this.shown.step && live === this.shown.live) return;
    this.shown = { step, live };
    this.update();
  }

  setTemperature(t: number): void {
    this.temperature = t;
    this.view.setTemperature(t);
    this.big?.setTemperature(t);
  }

  setAlphabet(alphabet: string): void {
    if (alphabet === this.view.alphabet) return;
    this.view.alphabet = alphabet;
    if (this.big) this.big.alphabet = alphabet;
    this.drawn = null; // token names changed: redraw
  }

  /** Where Enlarge shows the panel (the large view over the drawing). */
  setLarge(large: LargeView): void {
    this.large = large;
    this.render();
  }

  /** The page's theme changed: new weight colours, in both forms. */
  themeChanged(): void {
    this.view.themeChanged();
    this.big?.themeChanged();
  }

  /** Show the panel large, over the drawing: tick labels, colour keys with values, big text. */
  private enlarge(): void {
    const data = this.current();
    if (!this.large || data === null) return;
    const big = new InsideView({ large: true });
    big.alphabet = this.view.alphabet;
    big.setTemperature(this.temperature);
    this.big = big;
    const wrap = el("div", "bg-inside-bigwrap");
    wrap.dataset.role = "inside-large";
    wrap.append(big.el);
    this.large.open({
      id: "inside",
      title: this.largeTitle(data),
      body: wrap,
      opener: this.enlargeBtn,
      onClose: () => (this.big = null),
    });
    big.show(data);
  }

  private largeTitle(d: Inside): string {
    return `Inside ${d.state} · step ${d.step}`;
  }

  /** The structure changed: a state that no longer exists closes the panel. */
  checkState(): void {
    if (this.selected !== null && !this.host.isState(this.selected)) this.select(null);
  }

  /** A reply to our explain command. */
  onReply(content: unknown): void {
    if (typeof content !== "object" || content === null || (content as { reply?: unknown }).reply !== "explain") return;
    const r = content as { ok?: boolean; error?: string };
    if (r.ok === false) setText(this.error, r.error ?? "explain failed");
    this.requester.answered(r.ok !== false);
  }

  private waiting(): boolean {
    return this.selected !== null && this.kernel !== "static" && (this.trait === null || this.trait.state !== this.selected);
  }

  private lookInside(): void {
    const s = this.host.suggested();
    if (s !== null && this.host.isState(s)) return this.select(s);
    this.picking = !this.picking;
    this.render();
  }

  /** What to show now, and what to ask the kernel for. */
  private update(): void {
    const s = this.selected;
    if (s === null || this.kernel === "static") this.requester.request(null);
    else this.requester.request({ state: s, step: this.shown.live ? null : this.shown.step, expect: this.shown.step });
    this.render();
  }

  /** The explanation to draw: the kernel's, else (no kernel) the saved one nearest the shown step. */
  private current(): Inside | null {
    const s = this.selected;
    if (s === null) return null;
    const t = this.trait !== null && this.trait.state === s ? this.trait : null;
    if (this.kernel !== "static") return t;
    if (t !== null && t.step === this.shown.step) return t;
    return replayAt(this.replay, s, this.shown.step) ?? t;
  }

  private render(): void {
    const s = this.selected;
    const data = this.current();
    const staticPage = this.kernel === "static";
    this.el.classList.toggle("bg-inside-open", s !== null);
    this.el.dataset.state = s ?? "";
    setText(this.title, s === null ? "Inside the model" : `Inside ${s}`);
    this.closeBtn.hidden = s === null;
    setText(this.openBtn, this.picking ? "Click a state…" : s === null ? "Look inside" : "Another state");
    this.openBtn.setAttribute("aria-pressed", String(this.picking));
    // Without a kernel only the saved states can be shown: picking others needs one.
    const savedAll = this.replay !== null && this.replay.states.length > 0 && this.replay.steps.length > 0;
    this.host.setKernelOnly(this.openBtn, !staticPage || savedAll);
    let hint = "";
    if (this.picking) hint = "click a state in the drawing to look inside it";
    else if (s === null) hint = "the forward pass behind a state's edges: search a state, sample a walk, or click Look inside, then a state";
    else if (data === null) hint = staticPage ? `no saved data for ${s}: needs a running Python kernel` : `computing ${s}…`;
    else if (staticPage && data.step !== this.shown.step) hint = `saved page: nearest saved step ${data.step} (the slider shows ${this.shown.step})`;
    else if (data.step !== this.shown.step && data.asked === this.shown.step) hint = `nearest step the ${this.answerer} rebuilds quickly: ${data.step} (the slider shows ${this.shown.step})`;
    setText(this.hint, hint);
    this.hint.hidden = hint === "";
    setText(this.stepLine, data ? `step ${data.step}` : "");
    this.el.dataset.step = data ? String(data.step) : "";
    this.view.el.hidden = data === null;
    this.enlargeBtn.hidden = data === null || this.large === null;
    if (data !== null && data !== this.drawn) {
      this.view.show(data);
      this.big?.show(data);
    }
    this.drawn = data;
    if (this.big && this.large) {
      if (data === null) this.large.close(false);
      else this.large.setTitle("inside", this.largeTitle(data));
    }
  }
}
