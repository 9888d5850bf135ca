// Dragging an edge's label on the chain (drawing/labelDrag.ts) is a nudge of that edge through
// Push the chain (panels/push): while dragging, its Nudge form shows what will be sent; on
// release the form is sent as its Nudge button sends it (steps from the form); Escape puts the
// form back. The edge's hover box says the label drags — or, on a big chain's canvas, where to
// nudge instead.
import type { LabelDragHooks } from "../drawing/labelDrag";
import type { ChainEdge } from "../model/chain";
import type { NudgeForm, PushView } from "../panels/push/pushView";
import { el } from "../util/dom";

export function labelNudge(push: PushView): LabelDragHooks {
  let before: NudgeForm | null = null;
  return {
    can: (state) => push.canNudge && push.offers(state),
    preview(state, token, pct) {
      if (pct !== null) {
        before ??= push.nudgeForm;
        return push.setNudgeForm({ state, token, p: String(pct) });
      }
      if (before) push.setNudgeForm(before);
      before = null;
    },
    commit(state, token, pct) {
      push.setNudgeForm({ state, token, p: String(pct) });
      push.nudge();
    },
  };
}

/** The line the edge's hover box gets while this edge can be nudged (null: it can't now). */
export function nudgeHint(push: PushView, edge: ChainEdge | undefined, canvas: boolean): HTMLElement | null {
  if (!edge || !push.canNudge || !push.offers(edge.from)) return null;
  const hint = el("div", "bg-tt-note", canvas
    ? "nudge it in Push the chain (a chain this big is painted on a canvas: its labels don't drag)"
    : "drag its label up or down to nudge this edge");
  hint.dataset.role = "nudge-hint";
  return hint;
}
