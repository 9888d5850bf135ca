// The one render path: every trait change marks what it dirties (state/traitEffects.ts); once
// per animation frame `redraw` decodes the traits (state/viewState.ts) and updates only the
// views whose inputs changed.
import type { ControlName } from "../model/types";
import { defaultStart } from "../model/space";
import { parseWalk } from "../panels/sampling/walkView";
import type { Dirty } from "../state/traitEffects";
import type { TraitGetter, ViewState } from "../state/viewState";
import type { AppState } from "./appState";
import type { ChainUpdates } from "./chainUpdates";
import type { Interactions } from "./interactions";
import type { Views } from "./views";

const COMPARE_INPUTS: Dirty[] = ["compare", "shown", "probs", "structure", "derived", "controls", "longrun"];

export interface RenderDeps {
  st: AppState;
  v: Views;
  chain: ChainUpdates;
  ix: Interactions;
  view: () => ViewState;
  /** The raw traits (the walk, the compared runs' results, config: their views check them). */
  get: TraitGetter;
  /** Refit the screen (presentation and visibility change the sizes). */
  refit(): void;
  /** The lesson card follows what is shown (after the views: its figures read them). */
  lesson?: { update(s: ViewState): void };
}

export function createRedraw({ st, v, chain, ix, view, get, refit, lesson }: RenderDeps): () => void {
  const { dirty } = st;
  const { graph, controls } = v;

  function updateCompare(s: ViewState): void {
    v.compare.update({
      chain: st.chain,
      states: st.space.states.slice(0, st.space.nFull),
      tokens: st.space.tokens,
      shownProbs: st.shown.probs,
      shownStep: st.shown.step,
      liveStep: st.live.step,
      temperature: s.temperature,
      naughty: s.naughty,
      reachK: s.reachK,
      start: s.sampleStart || defaultStart(st.space),
      kernelLive: st.kernel !== "static",
      training: s.training,
      progress: s.progress,
      errors: s.errors,
      ensemble: get("ensemble"),
      comparison: get("comparison"),
      hitting: get("hitting"),
    });
  }

  function applyVisibility(s: ViewState): void {
    const visible = (st.visible = s.visible);
    const parts: [ControlName, Element[]][] = [
      ...(Object.entries(controls.parts) as [ControlName, HTMLElement[]][]),
      ["layout", [v.search.el]],
      ["slider", [v.slider.el, v.slider.track]],
      ["loss", [v.chart.svg, v.chart.title]],
      ["config", [controls.form]],
      ["sample", [v.sampler.bar, v.sampler.sequences]],
      ["temperature", [v.viewBar.parts.temperature]],
      ["naughty", [v.analysis.reachPart, v.compare.plot.el]],
      ["prefixes", [v.viewBar.parts.prefixes]],
      ["export", [v.viewBar.parts.export]],
      ["help", [v.viewBar.parts.help]],
      ["presentation", [v.viewBar.parts.presentation]],
      ["runstring", [v.runView.el]],
    ];
    // A class, not `hidden`: Play/Pause use `hidden` for which of the two applies.
    for (const [name, els] of parts) for (const e of els) e.classList.toggle("bg-off", !visible.has(name));
    v.timeline.classList.toggle("bg-off", !visible.has("slider") && !visible.has("loss"));
    v.sections.view.setAvailable(["layout", "temperature", "prefixes", "export"].some((c) => visible.has(c as ControlName)));
    v.sections.sample.setAvailable(visible.has("sample"));
    v.sections.settings.setAvailable(visible.has("config"));
    v.sections.run.setAvailable(visible.has("runstring"));
    v.insideSection.setAvailable(visible.has("inside"));
    v.stepSection.setAvailable(visible.has("inside")); // the model's insides: one switch for both
    v.pushSection.setAvailable(visible.has("inside"));
    v.compareSection.setAvailable(visible.has("compare"));
    refit();
    if (!visible.has("help")) v.help.toggle(false);
    v.root.classList.toggle("bg-no-naughty", !visible.has("naughty"));
    v.legend.setNaughty(visible.has("naughty"));
  }

  return function redraw(): void {
    const t0 = performance.now();
    const s = view();
    if (dirty.has("structure")) chain.structure(s);
    if (dirty.has("counts")) chain.counts();
    if (dirty.has("history")) chain.history();
    if (dirty.has("probs")) chain.live(s);
    if (dirty.has("history") || dirty.has("shown")) chain.followPin(s);
    // followPin may have moved shown_index: the shown step reads it afresh
    if (dirty.has("probs") || dirty.has("history") || dirty.has("shown")) chain.shown(view());
    if (COMPARE_INPUTS.some((d) => dirty.has(d))) updateCompare(s);
    if (["probs", "history", "shown", "controls", "longrun"].some((d) => dirty.has(d as Dirty)))
      v.step.follow(v.stepSection.open, st.shown.step, !s.training, st.kernel !== "static");
    if (["probs", "structure", "controls", "longrun"].some((d) => dirty.has(d as Dirty)))
      v.push.update({
        states: st.space.states.slice(0, st.space.nFull),
        tokens: st.space.tokens,
        kernelLive: st.kernel !== "static" || st.local.has("nudge"), // a page whose engine trains pushes too
        training: s.training,
        canUndo: s.canUndo,
        error: s.errors.teach ?? "",
        probs: st.live.probs,
        chain: st.chain,
      });
    if (dirty.has("derived")) chain.derived(s);
    if (dirty.has("layout")) {
      graph.setLayout(s.layout, st.painted);
      controls.setLayout(s.layout);
    }
    if (dirty.has("controls")) {
      controls.setRunning(s.playing, s.training);
      controls.setTrainN(s.trainN);
      controls.setConfig(get("config"));
      controls.setErrors(s.errors);
      v.runView.setError(s.errors.run_string);
    }
    if (dirty.has("sample")) {
      v.sampler.setSettings(s.sampleN, s.sampleStart, s.sampleSeed, defaultStart(st.space));
      v.sampler.setTrainingSequence(s.sequence);
    }
    if (dirty.has("walk")) {
      const w = parseWalk(get("walk"));
      if (!w) v.walks.clear();
      else if (w.key !== v.walks.key) v.walks.show(w, st.painted); // Python's walks animate too
    }
    if (dirty.has("visibility")) applyVisibility(s);
    if (dirty.has("presentation")) {
      v.root.classList.toggle("bg-presentation", s.presentation);
      graph.setPresentation(s.presentation);
      v.viewBar.setPresentation(s.presentation);
      refit();
    }
    if (dirty.has("runstring")) v.runView.setRunString(s.runString);
    if (dirty.has("longrun")) {
      controls.setRunning(s.playing, s.training);
      v.longRun.setProgress(s.progress);
      v.longRun.setUndo(s.canUndoReset);
      v.longRun.setSpeed(s.playSpeed);
    }
    if (st.hover && (dirty.has("derived") || dirty.has("history"))) ix.showTooltip();
    lesson?.update(s);
    graph.flush(); // a big chain's canvas is painted here, inside the measured redraw
    dirty.clear();
    st.painted = true;
    v.root.dataset.renderMs = (performance.now() - t0).toFixed(2);
  };
}
