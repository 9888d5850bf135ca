// The large view: an overlay over the drawing's box (the lecture screen's .bg-graph-box: the
// drawing and its legend; else the drawing itself) showing one panel big (the inside view, the
// transition matrix, the seed table) for a projector. It is a dialog: focus moves into it, Tab
// stays in it, Esc or Close leaves and gives focus back to the button that opened it.
import { el } from "../util/dom";

export interface LargeContent {
  /** Which panel (`data-large` on the overlay). */
  id: string;
  title: string;
  body: HTMLElement;
  /** Gets focus back on close. */
  opener?: HTMLElement | null;
  onClose?(): void;
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, [tabindex]:not([tabindex="-1"])';

export class LargeView {
  readonly el: HTMLDivElement;
  readonly closeBtn: HTMLButtonElement;
  private readonly titleEl: HTMLElement;
  private readonly body: HTMLDivElement;
  private content: LargeContent | null = null;
  /** Esc anywhere in the widget (e.g. after pressing Presentation) leaves the large view too. */
  private readonly onRootKey = (ev: KeyboardEvent): void => {
    if (ev.key === "Escape" && this.content && !ev.defaultPrevented) {
      ev.preventDefault();
      this.close();
    }
  };
  private root: HTMLElement | null = null;

  constructor(private readonly host: HTMLElement, signal?: AbortSignal) {
    this.el = el("div", "bg-large");
    this.el.dataset.role = "large-view";
    this.el.setAttribute("role", "dialog");
    this.el.setAttribute("aria-modal", "true");
    this.el.tabIndex = -1;
    this.el.hidden = true;
    const head = el("div", "bg-large-head");
    this.titleEl = el("h3", "bg-large-title");
    this.titleEl.id = `bg-large-title-${Math.random().toString(36).slice(2, 9)}`;
    this.el.setAttribute("aria-labelledby", this.titleEl.id);
    this.closeBtn = el("button", "bg-btn bg-large-close", "Close (Esc)");
    this.closeBtn.type = "button";
    this.closeBtn.dataset.action = "large-close";
    this.closeBtn.title = "Back to the drawing (Esc)";
    head.append(this.titleEl, this.closeBtn);
    this.body = el("div", "bg-large-body");
    this.el.append(head, this.body);
    host.append(this.el); // moved into the drawing's box on open (it may not be placed yet)
    const opts = signal ? { signal } : undefined;
    this.closeBtn.addEventListener("click", () => this.close(), opts);
    this.el.addEventListener("keydown", (ev) => this.onKey(ev), opts);
    // the drawing under it must not pan, zoom or fit from these pointer events
    for (const t of ["mousedown", "dblclick", "wheel", "pointerdown"]) this.el.addEventListener(t, (ev) => ev.stopPropagation(), opts);
  }

  /** The panel shown (null: closed). */
  get current(): string | null {
    return this.content?.id ?? null;
  }

  open(c: LargeContent): void {
    if (this.content && this.content.id !== c.id) this.close(false);
    this.content = c;
    const box = this.host.closest<HTMLElement>(".bg-graph-box") ?? this.host;
    if (this.el.parentElement !== box) box.append(this.el);
    this.root = this.host.closest<HTMLElement>(".babygpt-widget");
    this.root?.addEventListener("keydown", this.onRootKey);
    this.el.dataset.large = c.id;
    this.titleEl.textContent = c.title;
    this.body.replaceChildren(c.body);
    this.el.hidden = false;
    this.closeBtn.focus({ preventScroll: true });
  }

  /** A new title for the open panel (e.g. the inside view's state and step). */
  setTitle(id: string, title: string): void {
    if (this.content?.id === id && this.titleEl.textContent !== title) this.titleEl.textContent = title;
  }

  close(refocus = true): void {
    const c = this.content;
    if (!c) return;
    this.content = null;
    this.root?.removeEventListener("keydown", this.onRootKey);
    this.root = null;
    this.el.hidden = true;
    delete this.el.dataset.large;
    this.body.replaceChildren();
    c.onClose?.();
    if (refocus && c.opener?.isConnected) c.opener.focus({ preventScroll: true });
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation(); // neither the drawing (focus view) nor Jupyter acts on it
      this.close();
      return;
    }
    if (ev.key !== "Tab") return;
    const items = [...this.el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => e.offsetParent !== null || e === this.closeBtn);
    if (items.length === 0) return;
    const [first, last] = [items[0], items[items.length - 1]];
    const active = document.activeElement;
    if (ev.shiftKey && (active === first || active === this.el)) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && active === last) {
      ev.preventDefault();
      first.focus();
    }
  }
}

/** An "Enlarge" button for a panel's compact form. */
export function enlargeButton(action: string, what: string): HTMLButtonElement {
  const b = el("button", "bg-btn bg-enlarge", "Enlarge");
  b.type = "button";
  b.dataset.action = action;
  b.title = `Show ${what} large, over the drawing (Esc goes back)`;
  b.setAttribute("aria-label", `enlarge ${what}`);
  return b;
}
