// Which part of the render path each trait change dirties (one redraw per frame does them all).
import type { Traits } from "../model/types";

export type Dirty =
  | "structure"
  | "counts"
  | "history"
  | "probs"
  | "shown"
  | "layout"
  | "controls"
  | "derived"
  | "walk"
  | "sample"
  | "visibility"
  | "presentation"
  | "runstring"
  | "longrun"
  | "compare";

export const TRAIT_EFFECTS: Record<keyof Traits, Dirty[]> = {
  config: ["structure", "controls", "sample"],
  states: ["structure"],
  probs: ["probs"],
  data_counts: ["counts"],
  global_step: ["probs"],
  loss: ["probs"],
  history_steps: ["history"],
  history_losses: ["history"],
  history_probs: ["history"],
  shown_index: ["shown"],
  graph_layout: ["layout"],
  playing: ["controls", "longrun"],
  train_n: ["controls"],
  errors: ["controls"],
  prefix_states: ["structure"],
  prefix_probs: ["probs"],
  history_prefix_probs: ["history"],
  prefix_data_counts: ["counts"],
  show_prefixes: ["structure"],
  temperature: ["derived"],
  walk: ["walk"],
  sample_n: ["sample"],
  sample_start: ["sample", "derived"],
  sample_seed: ["sample"],
  naughty: ["derived"],
  reach_k: ["derived"],
  controls: ["visibility"],
  presentation: ["presentation"],
  open_sections: [], // applied by app.ts as it changes (the sections are not redrawn)
  selected_state: [],
  run_string: ["runstring"],
  play_speed: ["longrun"],
  progress: ["longrun"],
  training: ["longrun"],
  can_undo_reset: ["longrun"],
  ensemble: ["compare", "derived"],
  comparison: ["compare", "derived"],
  hitting: ["compare"],
  inside: [], // js/panels/inside listens itself
  inside_replay: [],
  one_step: [], // js/panels/step listens to it itself
  taught: [], // js/panels/push listens to it itself
  can_undo: ["longrun"],
  lesson_pages: ["controls"], // the card follows every redraw (js/app/lesson.ts)
  lesson_page: ["controls"],
};
export const ALL_DIRTY = [...new Set(Object.values(TRAIT_EFFECTS).flat()), "layout"] as Dirty[];
