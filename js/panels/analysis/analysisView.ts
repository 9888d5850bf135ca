// Readouts of what the chain means: data vs model (total variation distance), long-run
// behaviour (stationary distribution) and P(reach a marked state within k steps).
import { el, errorSlot, fieldInput, labelled, parseInteger, reflect, setText, showError } from "../../util/dom";

export const MAX_REACH_K = 1000;

/** Probability for the readout: three decimals; tiny non-zero values also in scientific form. */
export function formatProb(p: number): string {
  if (!Number.isFinite(p)) return "–";
  const fixed = p.toFixed(3);
  return p > 0 && p < 0.0005 ? `${fixed} (≈${p.toExponential(1)})` : fixed;
}

export interface ReachInfo {
  p: number;
  k: number;
  start: string;
  marked: number;
  /** Why there is no number (unknown start, no marked states…); "" when p is valid. */
  note: string;
}

export class AnalysisView {
  readonly el: HTMLDivElement;
  readonly reachPart: HTMLElement;
  private readonly tv: HTMLSpanElement;
  private readonly longRun: HTMLSpanElement;
  private readonly reach: HTMLSpanElement;
  private readonly kInput: HTMLInputElement;
  private readonly kError: HTMLElement;

  constructor(setReachK: (k: number) => void, signal: AbortSignal) {
    this.el = el("div", "bg-analysis");
    this.tv = el("span", "bg-value-text");
    this.tv.dataset.role = "tv-distance";
    const tvBox = el("div", "bg-stat bg-stat-tv");
    tvBox.title =
      "total variation distance 0.5·Σ|p−q| between the model's next-token distribution and the data's frequencies, " +
      "averaged over the training windows (states weighted by how often they occur); per state in the node tooltips";
    tvBox.append(el("span", "bg-field-label", "model vs data"), this.tv);

    this.longRun = el("span", "bg-value-text");
    this.longRun.dataset.role = "stationary";
    const lrBox = el("div", "bg-stat bg-stat-longrun");
    lrBox.title = "stationary distribution: the long-run share of time a walk spends in each state (node shade; numbers in tooltips)";
    lrBox.append(el("span", "bg-field-label", "long run"), this.longRun);

    this.kInput = fieldInput("reach_k", "k: steps for the reach probability", "numeric");
    this.kError = errorSlot("reach_k");
    this.reach = el("span", "bg-value-text");
    this.reach.dataset.role = "reach";
    const reachBox = el("div", "bg-stat bg-stat-reach");
    reachBox.title = "click nodes to mark them as naughty (red); this is the chance a walk from the start state hits one within k steps";
    reachBox.append(labelled("bg-reach-k", "within k =", this.kInput), this.reach, this.kError);
    this.reachPart = reachBox;
    this.el.append(tvBox, lrBox, reachBox);

    const commit = (): void => {
      const k = parseInteger(this.kInput.value, 0, MAX_REACH_K);
      showError(this.kError, this.kInput, k === null ? `k must be a whole number from 0 to ${MAX_REACH_K}` : "");
      if (k !== null) setReachK(k);
    };
    this.kInput.addEventListener("change", commit, { signal });
    this.kInput.addEventListener("input", () => this.kInput.value.trim() !== "" && commit(), { signal });
    this.kInput.addEventListener("keydown", (ev) => ev.key === "Enter" && commit(), { signal });
  }

  setDistance(total: number, worstState: string | null, worst: number): void {
    const text = Number.isFinite(total)
      ? `TV ${total.toFixed(3)}${worstState !== null && Number.isFinite(worst) ? ` (worst ${worstState}: ${worst.toFixed(2)})` : ""}`
      : "no data";
    setText(this.tv, text);
  }

  /** The states a walk spends most time in. */
  setLongRun(top: { state: string; share: number }[]): void {
    setText(this.longRun, top.length ? top.map((t) => `${t.state} ${(t.share * 100).toFixed(0)}%`).join(", ") : "–");
  }

  setReach(info: ReachInfo): void {
    reflect(this.kInput, String(info.k));
    const head = `P(reach a marked state within ${info.k} steps from ${info.start || "?"})`;
    const hint = info.marked === 0 ? " — click nodes to mark them" : "";
    setText(this.reach, info.note ? `${head}: ${info.note}` : `${head} = ${formatProb(info.p)}${hint}`);
  }
}
