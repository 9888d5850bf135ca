// The small traits as the views use them: one pure decode from the synced traits (defaults for
// missing or malformed values, stale errors dropped) into a ViewState. The big binary traits
// (probabilities, counts, history) are decoded where they are needed, only when they change
// (js/app/chainUpdates.ts), so this one runs on every redraw for free.
import { CONTROL_NAMES } from "../model/types";
import type { Config, ControlName, LayoutKind, Traits } from "../model/types";

export interface ViewState {
  config: Partial<Config> | null;
  /** The training sequence ("" while config lags behind). */
  sequence: string;
  layout: LayoutKind;
  showPrefixes: boolean;
  shownIndex: number;
  globalStep: number;
  loss: number;
  /** As set (any finite number; 1 when unset) ... */
  temperature: number;
  /** ... and as drawn (a negative one draws as 1). */
  drawnTemperature: number;
  naughty: string[];
  /** Rounded, at least 0 (the compared runs' hitting plot) ... */
  reachK: number;
  /** ... and at most 1000 (the Analysis section's reach probability). */
  analysisK: number;
  /** "" = the chain's default start. */
  sampleStart: string;
  sampleN: number;
  sampleSeed: number;
  playing: boolean;
  training: boolean;
  trainN: number;
  /** Errors from Python, without those the saved state carried when the view opened. */
  errors: Record<string, string>;
  visible: Set<ControlName>;
  presentation: boolean;
  /** null: a kernel without the trait (sections as remembered). */
  openSections: string[] | null;
  selectedState: string;
  runString: string;
  progress: Traits["progress"];
  canUndoReset: boolean;
  /** What undo would take back ("reset", "nudge", "teach"); "" for nothing. */
  canUndo: string;
  playSpeed: number | undefined;
}

/** Read access to the traits (a widget model, or a plain record in tests). */
export type TraitGetter = <K extends keyof Traits>(key: K) => Traits[K];

export const numberOr = (v: unknown, d: number): number => (typeof v === "number" && Number.isFinite(v) ? v : d);
const layoutOf = (v: unknown): LayoutKind => (v === "force" ? "force" : "circular");

/** `staleErrors`: the errors object the model held when the view opened (an earlier session's). */
export function decodeView(get: TraitGetter, staleErrors: unknown = undefined): ViewState {
  const config = get("config") ?? null;
  const temperature = numberOr(get("temperature"), 1);
  const reachK = Math.max(0, Math.round(numberOr(get("reach_k"), 10)));
  const errors = get("errors");
  const list = get("controls");
  const speed = get("play_speed");
  return {
    config,
    sequence: config?.sequence ?? "",
    layout: layoutOf(get("graph_layout")),
    showPrefixes: get("show_prefixes") === true,
    shownIndex: get("shown_index") ?? -1,
    globalStep: get("global_step") ?? 0,
    loss: numberOr(get("loss"), NaN),
    temperature,
    drawnTemperature: temperature >= 0 ? temperature : 1,
    naughty: get("naughty") ?? [],
    reachK,
    analysisK: Math.min(1000, reachK),
    sampleStart: get("sample_start") ?? "",
    sampleN: numberOr(get("sample_n"), 20),
    sampleSeed: numberOr(get("sample_seed"), 0),
    playing: get("playing") === true,
    training: get("training") === true,
    trainN: get("train_n") ?? 50,
    errors: (errors === staleErrors ? null : errors) ?? {},
    visible: new Set(Array.isArray(list) ? (list as ControlName[]) : CONTROL_NAMES),
    presentation: get("presentation") === true,
    openSections: Array.isArray(get("open_sections")) ? (get("open_sections") as string[]) : null,
    selectedState: get("selected_state") ?? "",
    runString: get("run_string") ?? "",
    progress: get("progress"),
    canUndoReset: get("can_undo_reset") === true,
    canUndo: typeof get("can_undo") === "string" ? (get("can_undo") as string) : "",
    playSpeed: typeof speed === "number" ? speed : undefined,
  };
}
