// The view link of what a widget shows now (Copy link; a saved page's # part): the run string
// plus the shown step, layout, temperature, marked states, hidden controls and the lesson page. The same text as
// Python's `w.link` for the same traits (js/model/viewLink.ts, golden-tested against Python's).
import { DEFAULT_OPEN, formatLink, hiddenControls } from "../model/viewLink";
import type { LinkView } from "../model/viewLink";
import type { ViewState } from "../state/viewState";
import type { AppState } from "./appState";

/** `lessonPage`: the lesson_page trait (-1 = no lesson open). */
export function currentView(st: AppState, s: ViewState, lessonPage: unknown = -1): LinkView {
  return {
    run: s.runString,
    step: st.shown.index >= 0 ? st.shown.step : null,
    layout: s.layout,
    temperature: s.temperature,
    marked: [...s.naughty],
    hide: hiddenControls([...s.visible]),
    select: st.found ?? "",
    open: s.openSections ?? [...DEFAULT_OPEN],
    lesson: typeof lessonPage === "number" && lessonPage >= 0 ? lessonPage : null,
  };
}

export function currentLink(st: AppState, s: ViewState, lessonPage: unknown = -1): string {
  return formatLink(currentView(st, s, lessonPage));
}
