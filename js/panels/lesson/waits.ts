// Whether a lesson page's wait is done, from what the widget shows now (pure: no DOM).
import type { Wait } from "../../model/lesson";

export interface WaitInput {
  /** Optimizer steps of the live run. */
  liveStep: number;
  /** -1 = live, else the history index shown ... */
  shownIndex: number;
  /** ... and its step. */
  shownStep: number;
  temperature: number;
  showPrefixes: boolean;
  /** States clicked on the chain since the page opened. */
  clicked: ReadonlySet<string>;
  /** A walk was sampled since the page opened. */
  sampled: boolean;
  /** The inside panel's state (null: closed). */
  insideState: string | null;
  /** Seeds compared (the ensemble trait is filled). */
  ensemble: boolean;
}

export function waitDone(w: Wait, s: WaitInput): boolean {
  switch (w.action) {
    case "train":
      return s.liveStep >= w.step;
    case "slider":
      return s.shownIndex >= 0 && s.shownStep === w.step;
    case "click":
      return s.clicked.has(w.state);
    case "temperature":
      return Math.abs(s.temperature - w.value) < 1e-9;
    case "sample":
      return s.sampled;
    case "prefixes":
      return s.showPrefixes;
    case "inside":
      return s.insideState === w.state;
    case "compare_seeds":
      return s.ensemble;
  }
}

/** What the card asks the learner to do. */
export function waitPrompt(w: Wait, trainN: number): string {
  switch (w.action) {
    case "train":
      return `Your turn: train to step ${w.step.toLocaleString("en-US")} (Train ×${trainN}).`;
    case "slider":
      return `Your turn: drag the history slider to step ${w.step.toLocaleString("en-US")}.`;
    case "click":
      return `Your turn: click ${w.state} on the chain.`;
    case "temperature":
      return `Your turn: set the temperature to ${w.value}.`;
    case "sample":
      return "Your turn: press Sample.";
    case "prefixes":
      return "Your turn: tick “shorter contexts”.";
    case "inside":
      return `Your turn: look inside ${w.state}.`;
    case "compare_seeds":
      return "Your turn: train the seeds in Compare runs.";
  }
}
