// The lesson, wired (js/panels/lesson draws the card): which page the traits say is open, its
// figures from the chain as shown, its highlight, whether its wait is done, and what Back / Next /
// Leave / Do it for me send. With a kernel, Python applies a page's `set` (the `lesson` command);
// without one (a saved page) the page's view part is applied here and its training is disabled
// with the usual reason. Leave also puts back which side sections were open.
import { parsePages, fillFigures } from "../model/lesson";
import type { LessonPage, LessonPanel } from "../model/lesson";
import { nearestIndex } from "../model/history";
import { defaultStart } from "../model/space";
import type { Traits } from "../model/types";
import { applyHighlight } from "../panels/lesson/highlight";
import { LessonCard } from "../panels/lesson/lessonCard";
import { waitDone, waitPrompt } from "../panels/lesson/waits";
import type { Section } from "../ui/sections";
import { button } from "../util/dom";
import type { TraitGetter, ViewState } from "../state/viewState";
import type { AppState } from "./appState";
import type { Commands } from "./commands";
import type { Views } from "./views";

export interface LessonRunner {
  /** After each redraw: the card, its figures, highlight and wait follow what is shown. */
  update(s: ViewState): void;
  /** A node click: true when the page was waiting for it (it is the lesson's, not a mark). */
  clickNode(state: string): boolean;
  /** A view link moves the card to `page` (-1: closed): the link's view stands, so that page's
   *  `set` is not applied and Leave does not put back older sections. */
  restore(page: number): void;
}

const KERNEL_ACTIONS = new Set(["train", "compare_seeds"]);

export function createLesson(
  st: AppState,
  v: Views,
  commands: Commands,
  get: TraitGetter,
  kernelOk: (cmd?: string) => boolean,
  refit: () => void,
  /** Ask for a redraw (a click the lesson took changes no trait). */
  redraw: () => void,
  signal: AbortSignal,
): LessonRunner {
  let pages: LessonPage[] = [];
  let page = -1;
  let clicked = new Set<string>();
  let walkAtOpen = "";
  let latched = false;
  let scrolledFor = -1;
  let layoutFor = "";
  let sectionsBefore: Map<Section, boolean> | null = null;
  let restoring = false; // the next page change comes from a view link (restore)
  const local = (): boolean => st.kernel === "static";

  const sectionOf = (p: LessonPanel): Section =>
    p === "inside" ? v.insideSection : p === "step" ? v.stepSection : p === "compare" ? v.compareSection : v.sections[p];
  const allSections = (): Section[] => [...Object.values(v.sections), v.insideSection, v.stepSection, v.compareSection];
  const walkKey = (): string => JSON.stringify(get("walk") ?? null);

  const go = (k: number): void => {
    if (local()) commands.save({ lesson_page: k } as Partial<Traits>);
    else commands.send({ cmd: "lesson", page: k });
  };
  const card = new LessonCard(
    {
      back: () => go(Math.max(0, page - 1)),
      next: () => go(Math.min(pages.length - 1, page + 1)),
      leave: () => go(-1),
      doIt: () => doIt(),
    },
    signal,
  );
  v.side.prepend(card.el);
  // at the head of the side column (the bar has no room to spare in presentation); the open card
  // takes its place there
  const lessonBtn = button("lesson", "Lesson ▸ the seed's story, page by page", "open the lesson: a card beside the chain, page by page", "bg-lesson-open-btn");
  lessonBtn.addEventListener("click", () => go(page >= 0 ? -1 : 0), { signal });
  (v.side.querySelector(".bg-side-scroll") ?? v.side).prepend(lessonBtn);

  /** Bring an element into view: inside the side column only that column scrolls (its head on
   *  top), so the card and the drawing stay where they are. */
  function reveal(t: Element): void {
    const scroller = t.closest(".bg-side-scroll");
    if (scroller instanceof HTMLElement && v.root.classList.contains("bg-wide")) {
      const s = scroller.getBoundingClientRect();
      const r = t.getBoundingClientRect();
      if (r.top < s.top || r.bottom > s.bottom) scroller.scrollTop += r.top - s.top - 4;
    } else t.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }

  function openInside(state: string): void {
    v.insideSection.setOpen(true);
    v.inside.select(state);
  }

  function doIt(): void {
    const w = pages[page]?.wait;
    if (!w) return;
    switch (w.action) {
      case "train": {
        const n = w.step - st.live.step;
        if (n > 0) commands.act({ cmd: "train", n });
        break;
      }
      case "slider":
        commands.save({ shown_index: nearestIndex(st.history.steps, w.step, st.history.length) });
        break;
      case "click":
        clickNode(w.state);
        break;
      case "temperature":
        commands.save({ temperature: w.value });
        break;
      case "sample":
        v.sampler.requestSample();
        break;
      case "prefixes":
        commands.save({ show_prefixes: true });
        break;
      case "inside":
        openInside(w.state);
        break;
      case "compare_seeds":
        commands.send({ cmd: "compare_seeds", k: 8 });
        break;
    }
  }

  function clickNode(state: string): boolean {
    const w = pages[page]?.wait;
    if (!w || w.action !== "click") return false;
    clicked.add(state);
    if (state === w.state) openInside(state); // the page's click looks inside that state
    redraw();
    return true;
  }

  /** A new page: its panel opens; without a kernel its view settings apply here. */
  function entered(p: LessonPage): void {
    clicked = new Set();
    walkAtOpen = walkKey();
    latched = false;
    const set = p.set ?? {};
    if (set.panel) {
      const section = sectionOf(set.panel);
      section.setOpen(true);
      reveal(section.el);
    }
    if (!local()) return;
    const view: Partial<Traits> = {};
    if (set.temperature !== undefined) view.temperature = set.temperature;
    if (set.layout) view.graph_layout = set.layout;
    if (set.marks) view.naughty = set.marks.filter((m) => st.space.index.has(m));
    if (set.prefixes !== undefined) view.show_prefixes = set.prefixes;
    if (set.shown_step === "live") view.shown_index = -1;
    else if (typeof set.shown_step === "number") view.shown_index = nearestIndex(st.history.steps, set.shown_step, st.history.length);
    if (Object.keys(view).length) commands.save(view);
  }

  function follow(): void {
    const nextPages = parsePages(get("lesson_pages" as keyof Traits));
    const raw = get("lesson_page" as keyof Traits);
    const nextPage = typeof raw === "number" && raw >= 0 && raw < nextPages.length ? raw : -1;
    const pagesChanged = nextPages.length !== pages.length || nextPages.some((p, i) => p !== pages[i]);
    pages = nextPages;
    if (nextPage === page && !pagesChanged) return;
    const linked = restoring;
    restoring = false;
    if (page < 0 && nextPage >= 0) sectionsBefore = new Map(allSections().map((x) => [x, x.open]));
    if (nextPage < 0 && linked) sectionsBefore = null;
    if (nextPage < 0 && sectionsBefore) {
      for (const [x, open] of sectionsBefore) x.setOpen(open);
      sectionsBefore = null;
    }
    page = nextPage;
    if (page >= 0 && linked) {
      clicked = new Set();
      walkAtOpen = walkKey();
      latched = false;
    } else if (page >= 0) entered(pages[page]);
    v.root.classList.toggle("bg-lesson-open", page >= 0);
    refit();
  }

  return {
    clickNode,
    restore(k) {
      const raw = get("lesson_page" as keyof Traits);
      restoring = (typeof raw === "number" ? raw : -1) !== k;
    },
    update(s) {
      follow();
      lessonBtn.classList.toggle("bg-off", !s.visible.has("lesson"));
      lessonBtn.hidden = pages.length === 0 || page >= 0;
      lessonBtn.setAttribute("aria-pressed", String(page >= 0));
      if (page < 0) {
        scrolledFor = -1;
        card.show(null);
        applyHighlight(v.root, undefined);
        return;
      }
      const p = pages[page];
      const input = {
        space: st.space,
        tempered: st.derived.tempered,
        counts: st.counts,
        shares: st.derived.shares,
        historySteps: st.history.steps,
        historyLosses: st.history.losses,
        step: st.shown.step,
        loss: st.shown.loss,
        sequence: s.sequence,
        start: s.sampleStart || defaultStart(st.space),
        walk: walkTokens(get("walk")),
      };
      const w = p.wait;
      const ensemble = get("ensemble");
      latched =
        latched ||
        (w !== undefined &&
          waitDone(w, {
            liveStep: st.live.step,
            shownIndex: st.shown.index,
            shownStep: st.shown.step,
            temperature: s.temperature,
            showPrefixes: s.showPrefixes,
            clicked,
            sampled: walkKey() !== walkAtOpen,
            insideState: v.inside.state,
            ensemble: typeof ensemble === "object" && ensemble !== null && Object.keys(ensemble).length > 0,
          }));
      card.show({
        title: fillFigures(p.title, input),
        text: fillFigures(p.text, input),
        page,
        pages: pages.length,
        prompt: w ? waitPrompt(w, s.trainN) : "",
        done: latched,
        doItBlocked: w && KERNEL_ACTIONS.has(w.action) && !kernelOk(w.action) ? st.staticReason : "",
      });
      const lit = applyHighlight(v.root, p.highlight);
      // once a page and once a layout (presentation, wide): the learner may scroll away afterwards
      const layout = `${s.presentation} ${v.root.classList.contains("bg-wide")} ${v.root.classList.contains("bg-time-side")}`;
      if (lit.target && (scrolledFor !== page || layout !== layoutFor)) {
        scrolledFor = page;
        layoutFor = layout;
        const target = lit.target;
        requestAnimationFrame(() => reveal(target)); // after the refit this redraw asked for
      }
    },
  };
}

function walkTokens(w: unknown): string {
  const t = (w as { tokens?: unknown } | null)?.tokens;
  return typeof t === "string" ? t : Array.isArray(t) ? t.join("") : "";
}
