// A saved page's address carries the view: opening `page.html#babygpt-view1:…` shows that view
// (shown step, layout, temperature, marks, selected state, open sections, hidden controls, the
// lesson page on the card), and changing the view rewrites the
// # part with history.replaceState (never pushState: Back leaves the page, it does not replay
// every slider move), at most every URL_WRITE_MS. Only on a page whose runtime hands the model a
// `pageUrl` port (js/page/boot.ts: a single-widget saved page); in Jupyter there is none.
import { parseLink } from "../model/viewLink";
import type { LinkView } from "../model/viewLink";
import { CONTROL_NAMES } from "../model/types";
import type { Traits } from "../model/types";
import type { AppState } from "./appState";
import type { Commands } from "./commands";

export const URL_WRITE_MS = 300;

/** The page's address, as the page runtime offers it. */
export interface PageUrl {
  /** The # part without '#', decoded as the browser keeps it. */
  fragment(): string;
  /** Replace the # part (history.replaceState: no new history entry). */
  replace(fragment: string): void;
}

export const VIEW_TRAITS = ["shown_index", "graph_layout", "temperature", "naughty", "controls", "run_string", "open_sections", "selected_state", "lesson_page"] as const;

/** The newest history index at or before `step` (Python's History.at_step). */
export function indexAtStep(steps: Int32Array, length: number, step: number): number {
  let i = 0;
  while (i + 1 < length && steps[i + 1] <= step) i++;
  return i;
}

/** What a link changes (the traits to save) and what to tell the reader (run differs, marks
 *  that are not states here). */
export function linkTraits(v: LinkView, st: AppState, runString: string, lessonPages?: number): { values: Partial<Traits>; note: string } {
  const notes: string[] = [];
  if (v.run !== runString)
    notes.push("this link was made from another run than the one this page holds: its view (step, layout, temperature, marks, controls) is applied to this page's run");
  const marked = v.marked.filter((s) => st.space.index.has(s));
  const unknown = v.marked.filter((s) => !st.space.index.has(s));
  if (unknown.length) notes.push(`marked ${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? "…" : ""}: not states of this chain, left unmarked`);
  const h = st.history;
  const shown = v.step === null || h.length === 0 ? -1 : indexAtStep(h.steps, h.length, v.step);
  if (shown >= 0 && h.steps[shown] !== v.step) notes.push(`step ${v.step} is not kept in this page: showing step ${h.steps[shown]}, the nearest before it`);
  const controls = CONTROL_NAMES.filter((c) => !v.hide.includes(c));
  const select = v.select && st.space.index.has(v.select) ? v.select : "";
  if (v.select && !select) notes.push(`selected ${v.select}: not a state of this chain`);
  const pages = lessonPages === undefined ? 0 : lessonPages;
  const lesson = v.lesson !== null && v.lesson < pages ? v.lesson : -1;
  if (v.lesson !== null && lesson < 0)
    notes.push(pages ? `lesson page ${v.lesson}: this page's lesson has pages 0 to ${pages - 1}, the card stays closed` : `lesson page ${v.lesson}: this page has no lesson`);
  return {
    values: {
      graph_layout: v.layout,
      temperature: v.temperature,
      naughty: marked,
      controls: [...controls],
      shown_index: shown,
      open_sections: v.open,
      selected_state: select,
      lesson_page: lesson,
    },
    note: notes.join("; "),
  };
}

/** Applies the address's link once the chain is drawn, then keeps the address following the view. */
export function bindPageUrl(
  url: PageUrl,
  st: AppState,
  commands: Commands,
  get: (key: keyof Traits) => unknown,
  link: () => string,
  showNote: (text: string) => void,
  on: (event: string, fn: () => void) => void,
  signal: AbortSignal,
  /** Open the lesson card at a page (or close it: -1) over the linked view, without the page's own `set`. */
  restoreLesson: (page: number) => void = () => {},
): void {
  const fragment = url.fragment();
  if (fragment) {
    const r = parseLink(fragment);
    if (!r.ok) showNote(`the address's view link could not be read (${r.message}); the saved view is shown`);
    else {
      const pages = get("lesson_pages");
      const { values, note } = linkTraits(r.view, st, String(get("run_string") ?? ""), Array.isArray(pages) ? pages.length : 0);
      restoreLesson(values.lesson_page ?? -1);
      commands.save(values);
      showNote(note);
    }
  }
  // the link was applied before these listeners: every change from here on is the reader's (or
  // the page's training: run_string), and the note has done its job once the reader moves on
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = (): void => {
    timer = null;
    if (signal.aborted) return;
    const text = link();
    if (url.fragment() !== text) url.replace(text);
  };
  for (const t of VIEW_TRAITS)
    on(`change:${t}`, () => {
      if (t !== "run_string" && t !== "controls") showNote("");
      if (timer === null) timer = setTimeout(write, URL_WRITE_MS);
    });
  signal.addEventListener("abort", () => timer !== null && clearTimeout(timer));
}
