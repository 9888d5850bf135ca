// Push the chain: a Nudge form (one edge toward a probability), a Teach form (rows set by hand,
// prefilled with the model's current row), Undo, and what the last push did — the taught rows
// before → after against their targets, the edges that moved most elsewhere, and the states the
// data never visits that moved with them (the lesson: pushing one edge moves the others).
import type { EdgeDecor } from "../../drawing/edgeOverlays";
import type { Chain } from "../../model/chain";
import { highlightRowsOnHover, moverRows } from "../../ui/movers";
import { el } from "../../util/dom";
import { pushDecor } from "./pushMarks";
import { parseTaught, rowTargets } from "./pushData";
import type { TaughtData } from "./pushData";

export type PushCommand =
  | { cmd: "nudge"; state: string; token: string; p: number; steps: number }
  | { cmd: "teach"; targets: Record<string, Record<string, number>>; steps: number }
  | { cmd: "undo" };

export interface PushHost {
  send(c: PushCommand): void;
  /** A kernel-only control: disabled with the usual reason when there is no kernel. */
  setKernelOnly(e: HTMLElement, live: boolean): void;
  /** Emphasise a state on the chain while its row is hovered (null: none). */
  highlight(state: string | null): void;
  /** The push's marks on the chain's edges (null: none). */
  setEdgeDecor(items: EdgeDecor[] | null): void;
  /** Nudging became possible or impossible (the chain's labels drag only while it is). */
  nudgeChanged?(): void;
}

/** What the Nudge form says: the edge and its target (percent text, as typed). */
export interface NudgeForm {
  state: string;
  token: string;
  p: string;
}

export interface PushInputs {
  states: string[];
  tokens: string[];
  kernelLive: boolean;
  training: boolean;
  canUndo: string;
  error: string;
  /** The live chain: states × tokens probabilities, row-major. */
  probs: ArrayLike<number>;
  /** The drawn chain (its edges carry the marks); null before the first draw. */
  chain: Chain | null;
}

const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;
const PUSH_ROWS = { rows: "bg-push-rows", row: "bg-push-line", edge: "bg-push-state", num: "bg-push-num", note: "bg-push-note", digits: 1 };

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = el("label", "bg-push-label", text);
  label.append(control);
  return label;
}

function numberInput(field: string, value: string, width: string, aria: string): HTMLInputElement {
  const input = el("input", "bg-push-num");
  input.type = "text";
  input.inputMode = "decimal";
  input.dataset.field = field;
  input.value = value;
  input.style.width = width;
  input.setAttribute("aria-label", aria);
  return input;
}

function fillSelect(select: HTMLSelectElement, values: string[]): void {
  const keep = select.value;
  if (select.options.length === values.length && [...select.options].every((o, i) => o.value === values[i])) return;
  select.replaceChildren(...values.map((v) => Object.assign(el("option"), { value: v, textContent: v })));
  if (values.includes(keep)) select.value = keep;
}

export class PushView {
  readonly el: HTMLDivElement;
  readonly nudgeButton: HTMLButtonElement;
  readonly teachButton: HTMLButtonElement;
  readonly undoButton: HTMLButtonElement;
  private readonly nudgeState = el("select", "bg-push-select");
  private readonly nudgeToken = el("select", "bg-push-select");
  private readonly nudgeP = numberInput("nudge_p", "95", "3.5em", "target probability, %");
  private readonly nudgeSteps = numberInput("nudge_steps", "20", "3em", "nudge steps");
  private readonly teachSteps = numberInput("teach_steps", "60", "3em", "teach steps");
  private readonly rowsEl = el("div", "bg-push-rows");
  private readonly addState = el("select", "bg-push-select");
  private readonly errorEl = el("div", "bg-error");
  private readonly result = el("div", "bg-push-result");
  private inputs: PushInputs = { states: [], tokens: [], kernelLive: false, training: false, canUndo: "", error: "", probs: [], chain: null };
  private taught: TaughtData | null = null;
  private replyError = "";

  constructor(private readonly host: PushHost, signal: AbortSignal) {
    this.el = el("div", "bg-push");
    this.el.dataset.role = "push";
    this.nudgeState.dataset.field = "nudge_state";
    this.nudgeState.setAttribute("aria-label", "state to nudge");
    this.nudgeToken.dataset.field = "nudge_token";
    this.nudgeToken.setAttribute("aria-label", "next token");
    this.addState.dataset.field = "teach_add";
    this.addState.setAttribute("aria-label", "add a row for this state");
    this.nudgeButton = this.button("nudge", "Nudge", "train toward this edge's probability for a few steps; every other edge moves too");
    this.teachButton = this.button("teach", "Teach", "train toward the rows you set (each replaces that state's examples) for these steps");
    this.undoButton = this.button("undo", "Undo", "go back to before the last nudge, teach or reset, exactly");
    const addButton = this.button("teach-add", "+ row", "set this state's row by hand (prefilled with the model's row now)");
    this.errorEl.dataset.errorFor = "teach";
    this.errorEl.setAttribute("role", "alert");

    const nudge = el("div", "bg-push-line");
    nudge.append(el("span", "bg-push-title", "Nudge"), this.nudgeState, el("span", "", "→"), this.nudgeToken,
      labelled("to", this.nudgeP), el("span", "", "%"), labelled("for", this.nudgeSteps), el("span", "", "steps"), this.nudgeButton);
    const teachHead = el("div", "bg-push-line");
    teachHead.append(el("span", "bg-push-title", "Teach rows"), this.addState, addButton);
    const teachFoot = el("div", "bg-push-line");
    teachFoot.append(labelled("for", this.teachSteps), el("span", "", "steps"), this.teachButton, this.undoButton);
    this.el.append(nudge, teachHead, this.rowsEl, teachFoot, this.errorEl, this.result);

    this.nudgeButton.addEventListener("click", () => this.sendNudge(), { signal });
    this.teachButton.addEventListener("click", () => this.sendTeach(), { signal });
    this.undoButton.addEventListener("click", () => this.host.send({ cmd: "undo" }), { signal });
    addButton.addEventListener("click", () => this.addRow(this.addState.value), { signal });
    highlightRowsOnHover(this.result, "[data-state]", (state) => this.host.highlight(state), signal);
  }

  private button(action: string, label: string, title: string): HTMLButtonElement {
    const b = el("button", `bg-btn bg-btn-${action}`, label);
    b.type = "button";
    b.dataset.action = action;
    b.title = title;
    return b;
  }

  update(inputs: PushInputs): void {
    const could = this.canNudge;
    const structure = inputs.states.join("\n") !== this.inputs.states.join("\n") || inputs.tokens.join("") !== this.inputs.tokens.join("");
    this.inputs = inputs;
    if (structure) {
      fillSelect(this.nudgeState, inputs.states);
      fillSelect(this.addState, inputs.states);
      fillSelect(this.nudgeToken, inputs.tokens);
      if (inputs.states.includes("101") && this.nudgeState.dataset.touched !== "1") this.nudgeState.value = "101";
      if (inputs.tokens.includes("1") && this.nudgeToken.dataset.touched !== "1") this.nudgeToken.value = "1";
      this.rowsEl.replaceChildren(); // rows of another state space mean nothing here
    }
    for (const b of [this.nudgeButton, this.teachButton, this.undoButton]) this.host.setKernelOnly(b, inputs.kernelLive);
    if (inputs.kernelLive) {
      this.nudgeButton.disabled = inputs.training;
      this.teachButton.disabled = inputs.training || this.rowsEl.children.length === 0;
      this.undoButton.disabled = inputs.canUndo === "";
    }
    this.undoButton.textContent = inputs.canUndo ? `Undo ${inputs.canUndo}` : "Undo";
    this.errorEl.textContent = this.replyError || inputs.error;
    this.showNow();
    this.mark();
    if (this.canNudge !== could || structure) this.host.nudgeChanged?.(); // which labels drag
  }

  /** Can an edge be nudged now (a kernel or the page's engine answers, nothing is training)? */
  get canNudge(): boolean {
    return this.inputs.kernelLive && !this.inputs.training;
  }

  /** Is `state` one the Nudge form offers (a full context, not a shorter prefix)? */
  offers(state: string): boolean {
    return this.inputs.states.includes(state);
  }

  get nudgeForm(): NudgeForm {
    return { state: this.nudgeState.value, token: this.nudgeToken.value, p: this.nudgeP.value };
  }

  /** Fill the Nudge form (a label dragged on the chain shows here what it will send). */
  setNudgeForm(f: NudgeForm): void {
    if (!this.offers(f.state) || !this.inputs.tokens.includes(f.token)) return;
    this.nudgeState.value = f.state;
    this.nudgeToken.value = f.token;
    this.nudgeP.value = f.p;
  }

  /** Send the Nudge form, as its button does. */
  nudge(): void {
    this.sendNudge();
  }

  /** The edges that moved since the chain before the push, drawn on the chain. */
  private mark(): void {
    const t = this.taught;
    const { chain, states, probs } = this.inputs;
    this.host.setEdgeDecor(t && chain ? pushDecor(chain, states.length, t.before, probs) : null);
  }

  /** The live row of a state (probabilities in token order). */
  private current(state: string): number[] | null {
    const i = this.inputs.states.indexOf(state);
    const V = this.inputs.tokens.length;
    if (i < 0 || this.inputs.probs.length < (i + 1) * V) return null;
    return Array.from({ length: V }, (_, j) => this.inputs.probs[i * V + j]);
  }

  setTrait(trait: unknown): void {
    this.taught = parseTaught(trait);
    this.render();
  }

  /** A nudge / teach / undo reply: a refusal shows inline, success clears it. */
  onReply(content: unknown): void {
    if (typeof content !== "object" || content === null) return;
    const r = content as { reply?: unknown; ok?: boolean; error?: string };
    if (r.reply !== "nudge" && r.reply !== "teach" && r.reply !== "undo") return;
    this.replyError = r.ok === false ? (r.error ?? `${r.reply} failed`) : "";
    this.update(this.inputs);
  }

  private steps(input: HTMLInputElement): number {
    return Number(input.value.trim());
  }

  private sendNudge(): void {
    this.nudgeState.dataset.touched = "1";
    this.nudgeToken.dataset.touched = "1";
    const p = Number(this.nudgeP.value.trim()) / 100;
    this.host.send({ cmd: "nudge", state: this.nudgeState.value, token: this.nudgeToken.value, p, steps: this.steps(this.nudgeSteps) });
  }

  private addRow(state: string): void {
    if (!state || [...this.rowsEl.children].some((r) => (r as HTMLElement).dataset.state === state)) return;
    const row = el("div", "bg-push-row");
    row.dataset.state = state;
    row.append(el("span", "bg-push-state", state));
    const now = this.current(state);
    this.inputs.tokens.forEach((t, j) => {
      const value = now ? String(Math.round(now[j] * 1000) / 10) : "";
      row.append(labelled(t, numberInput(`teach_${t}`, value, "3.5em", `${state} → ${t}, %`)), el("span", "", "%"));
    });
    const remove = this.button("teach-remove", "×", `stop setting ${state}'s row`);
    remove.addEventListener("click", () => {
      row.remove();
      this.update(this.inputs);
    });
    row.append(remove);
    this.rowsEl.append(row);
    this.update(this.inputs);
  }

  private sendTeach(): void {
    const targets: Record<string, Record<string, number>> = {};
    for (const row of this.rowsEl.querySelectorAll<HTMLElement>(".bg-push-row")) {
      const values = [...row.querySelectorAll<HTMLInputElement>("input")].map((i) => i.value);
      const parsed = rowTargets(this.inputs.tokens, values);
      const state = row.dataset.state ?? "";
      if (!parsed) {
        this.replyError = `targets['${state}']: each value must be a percentage from 0 to 100`;
        this.update(this.inputs);
        return;
      }
      targets[state] = parsed;
    }
    this.host.send({ cmd: "teach", targets, steps: this.steps(this.teachSteps) });
  }

  private render(): void {
    const t = this.taught;
    this.result.replaceChildren();
    if (!t) {
      this.mark();
      return;
    }
    const { states, tokens } = this.inputs;
    const head = el("div", "bg-push-head", `taught for ${t.steps} step${t.steps === 1 ? "" : "s"} (step ${t.startStep} → ${t.startStep + t.steps}, lr ${t.lr})`);
    head.dataset.role = "push-head";
    const key = el("div", "bg-push-note", "on the chain: dashed edges rose, dotted ones fell (thicker: further)");
    key.dataset.role = "push-key";
    this.result.append(head, key);
    const taught = el("div", "bg-push-rows");
    taught.dataset.role = "push-taught";
    for (const [state, row] of Object.entries(t.targets)) {
      const i = states.indexOf(state);
      for (const [token, target] of Object.entries(row)) {
        const j = tokens.indexOf(token);
        const before = i >= 0 && j >= 0 ? t.before[i]?.[j] : NaN;
        const line = el("div", "bg-push-line bg-push-edge");
        line.dataset.state = state;
        line.dataset.token = token;
        line.append(el("span", "bg-push-state", `${state} → ${token}`),
          el("span", "bg-push-ghost", Number.isFinite(before) ? pct(before) : "?"), el("span", "", "→"),
          el("span", "bg-push-now", "…"), el("span", "bg-push-note", `target ${pct(target)}`));
        taught.append(line);
      }
    }
    this.result.append(taught, el("div", "bg-push-title", "moved most elsewhere"));
    this.result.append(moverRows(t.movers, "push-movers", PUSH_ROWS));
    if (t.unseen.length) {
      const note = el("p", "bg-push-unseen",
        `States the data never visits moved too (${t.unseen.join(", ")}): nothing taught them; they share the model's weights.`);
      note.dataset.role = "push-unseen";
      this.result.append(note);
    }
    this.showNow();
    this.mark();
  }

  /** The taught edges' live values (the chain after the push, until the next training step). */
  showNow(): void {
    for (const line of this.result.querySelectorAll<HTMLElement>(".bg-push-edge")) {
      const now = this.current(line.dataset.state ?? "");
      const j = this.inputs.tokens.indexOf(line.dataset.token ?? "");
      const slot = line.querySelector(".bg-push-now");
      if (slot && now && j >= 0) slot.textContent = pct(now[j]);
    }
  }
}
