// The synced traits (docs/state-contract.md) as the front end sees them.

/** A bytes trait: anywidget hands these over as DataView; tests may pass typed arrays. */
export type Binary = DataView | ArrayBuffer | ArrayBufferView | ArrayLike<number> | null | undefined;

export interface Config {
  sequence: string;
  alphabet: string;
  context_length: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
  seed: number;
  lr: number;
  weight_decay: number;
}

export type LayoutKind = "circular" | "force";

export interface Traits {
  config: Config;
  states: string[];
  probs: Binary;
  data_counts: Binary;
  /** Optimizer steps so far (not `step`: that is a Python method). */
  global_step: number;
  /** NaN when unknown; JSON may turn NaN into null. */
  loss: number | null;
  history_steps: Binary;
  history_losses: Binary;
  history_probs: Binary;
  shown_index: number;
  /** "circular" | "force"; not `layout`, which ipywidgets' DOMWidget owns (a Layout model). */
  graph_layout: string;
  playing: boolean;
  train_n: number;
  errors: Record<string, string>;
  // ---- the actual state space (shorter contexts) ----
  prefix_states: string[];
  prefix_probs: Binary;
  history_prefix_probs: Binary;
  prefix_data_counts: Binary;
  show_prefixes: boolean;
  // ---- lecture view state (computed in the front end; works without a kernel) ----
  /** 0 … 2; 0 = greedy. */
  temperature: number;
  walk: Partial<WalkTrait> | null;
  sample_n: number;
  /** "" = the default start (last token repeated C times). */
  sample_start: string;
  sample_seed: number;
  naughty: string[];
  reach_k: number;
  controls: string[];
  presentation: boolean;
  run_string: string;
  /** The side panel's open sections (view link); absent on an older kernel. */
  open_sections?: string[];
  /** The selected (found) state, "" for none (view link); absent on an older kernel. */
  selected_state?: string;
  // ---- long runs and undo (newer kernels; absent on an older kernel: the UI degrades) ----
  /** Play's target steps per second; 0 = full speed. */
  play_speed?: number;
  /** {done, total} while a Train ×N runs in the background; {} when idle. */
  progress?: { done?: number; total?: number } | null;
  /** True while anything trains in the background (Play or Train ×N). */
  training?: boolean;
  /** True after a reset until the next training step or config change. */
  can_undo_reset?: boolean;
  // ---- runs compared (js/panels/compare; {} until computed) ----
  ensemble?: unknown;
  comparison?: unknown;
  hitting?: unknown;
  // ---- the inside panel (js/panels/inside; Python-owned, read there defensively) ----
  inside?: unknown;
  inside_replay?: unknown;
  // ---- This step (js/panels/step; Python-owned) ----
  one_step?: unknown;
  // ---- Push the chain (js/panels/push; Python-owned) ----
  /** The last nudge / teach: the chain before and what moved; {} otherwise. */
  taught?: unknown;
  /** What undo would take back: "reset", "nudge", "teach"; "" for nothing. */
  can_undo?: string;
  // ---- the lesson (js/app/lesson.ts; Python-owned, moved by the `lesson` command) ----
  lesson_pages?: unknown;
  /** The page on the card; -1 = closed. */
  lesson_page?: number;
}

/** A sampled walk: the start state and the sampled characters after it. */
export interface WalkTrait {
  start: string;
  /** The sampled characters (a string; a list of characters is accepted too). */
  tokens: string | string[];
  temperature: number;
  seed: number | null;
}

/** Names of the `controls` trait, in display order. */
export const CONTROL_NAMES = [
  "step",
  "train",
  "play",
  "reset",
  "slider",
  "loss",
  "config",
  "layout",
  "sample",
  "temperature",
  "naughty",
  "prefixes",
  "export",
  "help",
  "presentation",
  "runstring",
  "inside",
  "compare",
  "lesson",
] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];

/** Commands to Python, exactly as listed in the contract. */
export type Command =
  | { cmd: "step" }
  | { cmd: "train"; n: number }
  | { cmd: "play" }
  | { cmd: "pause" }
  | { cmd: "stop" }
  | { cmd: "reset" }
  | { cmd: "undo_reset" }
  | { cmd: "configure"; values: Partial<Config> }
  | { cmd: "load_run"; value: string }
  | { cmd: "hello" }
  | { cmd: "seen"; step: number }
  // runs compared (js/panels/compare)
  | { cmd: "compare_seeds"; k: number }
  | { cmd: "compare"; other: number | string }
  | { cmd: "clear_compare" }
  | { cmd: "hitting"; k: number; start: string }
  | { cmd: "explain"; state: string | null; step: number | null }
  // what one step did (js/panels/step)
  | { cmd: "step_report"; k: number }
  // push the chain yourself (js/panels/push)
  | { cmd: "nudge"; state: string; token: string; p: number; steps: number }
  | { cmd: "teach"; targets: Record<string, Record<string, number>>; steps: number }
  | { cmd: "undo" }
  // the lesson card's Back / Next / Leave (js/app/lesson.ts); -1 leaves
  | { cmd: "lesson"; page: number };

/** The part of anywidget's AnyModel this front end uses (keeps fakes small). */
export interface WidgetModel {
  get<K extends keyof Traits>(key: K): Traits[K];
  set<K extends keyof Traits>(key: K, value: Traits[K]): void;
  on(event: string, callback: (...args: unknown[]) => void): void;
  off(event?: string | null, callback?: ((...args: unknown[]) => void) | null): void;
  send(content: Command): void;
  save_changes(): void;
}

export const CONFIG_FIELDS = [
  "sequence",
  "alphabet",
  "context_length",
  "n_layer",
  "n_head",
  "n_embd",
  "seed",
  "lr",
  "weight_decay",
] as const;
export type ConfigField = (typeof CONFIG_FIELDS)[number];
