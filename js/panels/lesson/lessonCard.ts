// The lesson card: title, text (figures already filled), what the page waits for with "Do it for
// me", Back / Next, `k / n` and Leave. ←/→ on the card move pages and stop there, so JupyterLab's
// command mode (and the widget's own → = Step) never sees them.
import { button, el } from "../../util/dom";

export interface LessonCardHandlers {
  back(): void;
  next(): void;
  leave(): void;
  doIt(): void;
}

export interface CardContent {
  title: string;
  text: string;
  /** 0-based page and page count. */
  page: number;
  pages: number;
  /** What the learner is asked to do ("" = nothing), whether it is done. */
  prompt: string;
  done: boolean;
  /** Why "Do it for me" cannot run here ("" = it can), e.g. no kernel. */
  doItBlocked: string;
}

export class LessonCard {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly count: HTMLElement;
  private readonly text: HTMLElement;
  private readonly wait: HTMLElement;
  private readonly prompt: HTMLElement;
  private readonly doIt: HTMLButtonElement;
  private readonly back: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly leave: HTMLButtonElement;
  private shownPage = -1;

  constructor(h: LessonCardHandlers, signal: AbortSignal) {
    this.el = el("section", "bg-lesson-card");
    this.el.dataset.role = "lesson";
    this.el.setAttribute("role", "region");
    this.el.setAttribute("aria-label", "lesson");
    this.el.tabIndex = -1;
    this.el.hidden = true;
    const head = el("div", "bg-lesson-head");
    this.title = el("h3", "bg-lesson-title");
    this.title.dataset.role = "lesson-title";
    this.count = el("span", "bg-lesson-count");
    this.count.dataset.role = "lesson-count";
    head.append(this.title, this.count);
    this.text = el("p", "bg-lesson-text");
    this.text.dataset.role = "lesson-text";
    this.text.setAttribute("aria-live", "polite");
    this.wait = el("div", "bg-lesson-wait");
    this.wait.dataset.role = "lesson-wait";
    this.prompt = el("span", "bg-lesson-prompt");
    this.doIt = button("lesson-do", "Do it for me", "do this page's step for me");
    this.wait.append(this.prompt, this.doIt);
    const nav = el("div", "bg-lesson-nav");
    this.back = button("lesson-back", "Back", "previous page (←)");
    this.next = button("lesson-next", "Next", "next page (→)");
    this.leave = button("lesson-leave", "Leave", "close the lesson: your own run and view come back");
    nav.append(this.back, this.next, this.leave);
    this.el.append(head, this.text, this.wait, nav);
    const on = (b: HTMLButtonElement, fn: () => void): void => b.addEventListener("click", fn, { signal });
    on(this.back, () => h.back());
    on(this.next, () => h.next());
    on(this.leave, () => h.leave());
    on(this.doIt, () => h.doIt());
    this.el.addEventListener(
      "keydown",
      (ev) => {
        if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
        if (ev.key === "ArrowLeft" && !this.back.disabled) h.back();
        else if (ev.key === "ArrowRight" && !this.next.disabled) h.next();
        else if (ev.key !== "ArrowLeft" && ev.key !== "ArrowRight") return;
        ev.preventDefault();
        ev.stopPropagation();
      },
      { signal },
    );
  }

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  show(c: CardContent | null): void {
    this.el.hidden = c === null;
    if (c === null) {
      this.shownPage = -1;
      return;
    }
    const moved = c.page !== this.shownPage;
    this.shownPage = c.page;
    setText(this.title, c.title);
    setText(this.text, c.text);
    setText(this.count, `${c.page + 1} / ${c.pages}`);
    this.el.dataset.page = String(c.page);
    this.wait.hidden = c.prompt === "";
    this.wait.classList.toggle("bg-done", c.done);
    setText(this.prompt, c.done ? "✓ done" : c.prompt);
    this.doIt.hidden = c.done;
    this.doIt.disabled = c.doItBlocked !== "";
    this.doIt.title = c.doItBlocked || "do this page's step for me";
    this.back.disabled = c.page <= 0;
    const last = c.page >= c.pages - 1;
    this.next.disabled = last || (c.prompt !== "" && !c.done);
    this.next.title = last ? "the last page" : this.next.disabled ? "do this page's step first (or Do it for me)" : "next page (→)";
    this.el.dataset.done = String(c.prompt === "" || c.done);
    if (moved && this.el.contains(document.activeElement) === false && document.activeElement === document.body) this.el.focus({ preventScroll: true });
  }
}

function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}
