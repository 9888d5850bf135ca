// This step: what the optimizer step to the shown step did. Asks Python for the shown step's
// report (a button, then it follows the slider and the live step while the section is open and
// nothing trains) and draws it: the edges that moved most, a sentence on the states the data
// never visits (they move too: the point of the view), who pushed, where the update went.
import { highlightRowsOnHover, moverRows } from "../../ui/movers";
import { el } from "../../util/dom";
import { parseStep } from "./stepData";
import type { StepReportData } from "./stepData";

export interface StepHost {
  /** Ask for step k's report (the command goes through app/commands.ts). */
  ask(k: number): void;
  /** A kernel-only control: disabled with the usual reason when there is no kernel. */
  setKernelOnly(e: HTMLElement, live: boolean): void;
  /** Emphasise a state's node and its edges on the chain while its row is hovered (null: none);
   *  with a token, only the edge it takes (an example's context → target). */
  highlight(state: string | null, token?: string | null): void;
}

const STEP_ROWS = { rows: "bg-step-rows", row: "bg-step-row", edge: "bg-step-edge", num: "bg-step-num", note: "bg-step-note", digits: 2 };
const pct = (p: number): string => `${Math.round(p * 100)}%`;

function bar(fraction: number, cls: string): HTMLElement {
  const track = el("span", `bg-step-bar ${cls}`);
  const fill = el("span", "bg-step-fill");
  fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  track.append(fill);
  return track;
}

export class StepView {
  readonly el: HTMLDivElement;
  readonly askButton: HTMLButtonElement;
  private readonly error: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private report: StepReportData | null = null;
  private shown = 0;
  private asked: number | null = null;
  private open = false;
  private idle = true;
  private live = true;

  constructor(private readonly host: StepHost, signal: AbortSignal) {
    this.el = el("div", "bg-step");
    this.el.dataset.role = "one-step";
    this.askButton = el("button", "bg-btn", "What did this step do?");
    this.askButton.type = "button";
    this.askButton.dataset.action = "step-report";
    this.askButton.title = "the update from the step before the shown one: which edges moved, who pushed, where it went";
    this.error = el("div", "bg-error");
    this.error.setAttribute("role", "alert");
    this.body = el("div", "bg-step-body");
    this.el.append(this.askButton, this.error, this.body);
    this.askButton.addEventListener("click", () => this.request(true), { signal });
    // hovering a mover shows its state on the chain, an example its context and target edge
    highlightRowsOnHover(this.body, ".bg-step-row[data-state]", (state, token) => this.host.highlight(state, token), signal);
  }

  /** The section opened or closed, the shown step, whether anything trains, whether a kernel answers. */
  follow(open: boolean, shownStep: number, idle: boolean, kernelLive: boolean): void {
    this.open = open;
    this.shown = shownStep;
    this.idle = idle;
    this.live = kernelLive;
    this.host.setKernelOnly(this.askButton, kernelLive);
    this.askButton.textContent = shownStep >= 1 ? `What did step ${shownStep} do?` : "What did this step do?";
    this.askButton.disabled = !kernelLive || shownStep < 1;
    this.request(false);
  }

  setTrait(trait: unknown): void {
    this.report = parseStep(trait);
    this.render();
  }

  /** The command's reply: a refusal is shown inline. */
  onReply(content: unknown): void {
    if (typeof content !== "object" || content === null || (content as { reply?: unknown }).reply !== "step_report") return;
    const r = content as { ok?: boolean; error?: string };
    this.error.textContent = r.ok === false ? (r.error ?? "step report failed") : "";
    if (r.ok === false) this.asked = null;
  }

  /** Following: once a report is shown, a new shown step (idle, section open) asks again. */
  private request(clicked: boolean): void {
    if (!this.live || this.shown < 1) return;
    const following = this.report !== null && this.open && this.idle && this.report.step !== this.shown;
    if (!clicked && !following) return;
    if (!clicked && this.asked === this.shown) return; // already on its way
    this.asked = this.shown;
    this.host.ask(this.shown);
  }

  private render(): void {
    const r = this.report;
    this.body.replaceChildren();
    if (!r) return;
    if (this.asked === r.step) this.asked = null;
    const head = el("div", "bg-step-head", `step ${r.step - 1} → ${r.step} · loss ${r.loss.toFixed(4)} · lr ${r.lr}`);
    head.dataset.role = "step-head";
    this.body.append(head, el("div", "bg-step-title", "edges that moved most"));
    const movers = r.movers.map((m) => ({ state: m.state, token: m.token, change: m.gain, note: m.seen ? "" : "not in the data" }));
    this.body.append(moverRows(movers, "step-movers", STEP_ROWS));
    if (r.unseenCount > 0) {
      const names = r.unseen.join(", ") + (r.unseenCount > r.unseen.length ? ", …" : "");
      const note = el("p", "bg-step-unseen",
        `${r.unseenCount} state${r.unseenCount === 1 ? "" : "s"} the data never visits moved too (${names}): ` +
        "no example of theirs pushed them; what the model learns from the others carries over.");
      note.dataset.role = "step-unseen";
      this.body.append(note);
    }
    this.body.append(el("div", "bg-step-title", `who pushed (${r.examplesCount} training window${r.examplesCount === 1 ? "" : "s"})`));
    const examples = el("div", "bg-step-rows");
    examples.dataset.role = "step-examples";
    for (const e of r.examples) {
      const row = el("div", "bg-step-row");
      row.dataset.state = e.context;
      row.dataset.token = e.token;
      row.title = `loss −log P(${e.token} | ${e.context}) = ${e.loss.toFixed(3)}, ${e.count} time${e.count === 1 ? "" : "s"} in the data`;
      row.append(el("span", "bg-step-edge", `${e.context} → ${e.token} ×${e.count}`), bar(e.share, "bg-step-share"),
        el("span", "bg-step-num", pct(e.share)));
      examples.append(row);
    }
    this.body.append(examples, el("div", "bg-step-title", "where the update went (size of the change per part)"));
    const most = Math.max(...r.groups.map((g) => g.update), 0) || 1;
    const groups = el("div", "bg-step-rows");
    groups.dataset.role = "step-groups";
    for (const g of r.groups) {
      const row = el("div", "bg-step-row");
      const size = Number.isFinite(g.stepSize)
        ? `; AdamW's step ${g.stepSize.toPrecision(3)} per unit gradient (${(g.stepSize / r.lr).toPrecision(3)} × lr)`
        : "; no gradient reached it";
      row.title = `update ${g.update.toPrecision(3)}, gradient ${g.grad.toPrecision(3)}, weights ${g.weight.toPrecision(3)} (norms)${size}`;
      row.append(el("span", "bg-step-edge", g.name), bar(g.update / most, "bg-step-update"), el("span", "bg-step-num", g.update.toPrecision(2)));
      groups.append(row);
    }
    this.body.append(groups);
    const sizes = r.groups.map((g) => g.stepSize / r.lr).filter(Number.isFinite);
    if (sizes.length) {
      const note = el("p", "bg-step-unseen",
        `AdamW's step per unit gradient: ${Math.min(...sizes).toPrecision(2)}–${Math.max(...sizes).toPrecision(2)} × lr ` +
        "across the parts (plain gradient descent: 1 × lr everywhere): Adam evens out the parts' step sizes.");
      note.dataset.role = "step-size";
      this.body.append(note);
    }
  }
}
