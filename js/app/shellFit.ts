// The lecture screen: a top bar (buttons, progress, step/loss readout), the drawing with the
// loss curve and history slider under it, and a side panel of collapsible sections. On a wide
// cell the side panel sits beside the drawing and scrolls on its own; on a narrow one
// everything stacks. The drawing's box gets a definite size that fits the visible notebook
// area (or the screen in full screen, or the first screen of a page such as Voila's), so bar,
// chain, slider and readout are on screen together. The drawing's key (legend) is a one-line
// strip: in the toolbar's row when both fit, else a row at the foot of the box; its full text
// opens on demand (legend.ts), never as a column that takes the chain's width.

/** Narrower than this, the side panel goes under the drawing (one column). */
export const WIDE_MIN = 760;
/** The drawing is never shorter than this (a tiny cell scrolls instead). */
export const STAGE_MIN = 260;
/** A page (not a notebook area) that scrolls: a widget whose top is within this share of the
 *  window's height fits the first screen from there (Voila, a plain page); further down it gets
 *  the whole window (the reader scrolls to it). */
export const PAGE_TOP_SHARE = 0.4;

export interface StageInput {
  /** Height the widget may use: the notebook's visible area, or the screen. */
  avail: number;
  /** Height of what must share the screen with it: the bar, the timeline (unless it is
   *  beside the chain), paddings and gaps. */
  rest: number;
  /** Width of the drawing's column. */
  width: number;
  /** One column: the chain is no taller than wide. */
  oneColumn: boolean;
}

/** Height of the drawing's box: what is left of the visible height, at least STAGE_MIN. */
export function stageHeight(s: StageInput): number {
  let h = Math.floor(s.avail - s.rest);
  if (s.oneColumn) h = Math.min(h, Math.floor(s.width));
  return Math.max(STAGE_MIN, h);
}

/** Presentation on a short screen (a 1280×720 projector inside JupyterLab): the loss curve and
 *  slider move to the top of the side column, so the chain gets the whole height under the bar.
 *  Decided from what does not move with the choice (the visible height and the bar's). */
export const TIMELINE_BESIDE_BELOW = 700;

export function timelineBeside(presentation: boolean, wide: boolean, avail: number, header: number): boolean {
  return presentation && wide && avail - header < TIMELINE_BESIDE_BELOW;
}

/** The key strip shares the toolbar's row when both fit side by side (with a gap), else it
 *  gets a row at the foot of the box. */
export function keyInToolbarRow(box: number, toolbar: number, key: number, gap = 16): boolean {
  return toolbar + gap + key <= box;
}

export interface VisibleInput {
  full: boolean;
  /** The window's height. */
  view: number;
  /** The height of the scroll area's part inside the window (null: the page scrolls). */
  scroller: number | null;
  /** The scroll area is a notebook's (JupyterLab, Notebook 7): the lecturer scrolls the widget
   *  to its top, so the widget gets all of it. */
  notebook: boolean;
  /** The widget's top within its scroll area (or page) scrolled to the top. */
  top: number;
}

/** Height the widget may use (px): the screen in full screen; in a notebook the visible part
 *  of its scroll area; on a page (Voila, marimo's app, a plain page) the first screen from the
 *  widget's top when that top is near the page's top (Voila's header puts it ~130 px down),
 *  else the whole visible height (the reader scrolls to it). */
export function visibleHeight(o: VisibleInput): number {
  if (o.full) return o.view;
  const area = o.scroller === null ? o.view : Math.min(o.view, o.scroller);
  const top = !o.notebook && o.top > 0 && o.top < PAGE_TOP_SHARE * area ? o.top : 0;
  return area - top - 12; // a cell's padding, the scroll shadow
}

/** The notebook's scroll area (JupyterLab 4 / Notebook 7), or the nearest ancestor that scrolls
 *  vertically — not an output area, which takes its height from the widget. Null: the page. */
export function scrollParent(e: HTMLElement): HTMLElement | null {
  const known = notebookArea(e);
  if (known) return known;
  for (let n = e.parentElement; n; n = n.parentElement) {
    if (n === document.documentElement) break; // the page itself
    if (n.classList.contains("jp-OutputArea-output") || n.classList.contains("jp-OutputArea")) continue;
    const oy = getComputedStyle(n).overflowY;
    if ((oy === "auto" || oy === "scroll" || oy === "overlay") && n.clientHeight > 0) return n;
  }
  return null;
}

/** A JupyterLab / Notebook 7 notebook's scroll area (not Voila's page, whose body is also a
 *  `.jp-Notebook`), or null. */
function notebookArea(e: HTMLElement): HTMLElement | null {
  const a = e.closest<HTMLElement>(".jp-NotebookPanel .jp-WindowedPanel-outer, .jp-NotebookPanel .jp-Notebook");
  return a && a.clientHeight > 0 ? a : null;
}

/** The widget's top within `scroller` (or the page) scrolled to its top. */
function topWithin(e: HTMLElement, scroller: HTMLElement | null): number {
  const top = e.getBoundingClientRect().top;
  if (scroller === null) return top + (window.scrollY || document.documentElement.scrollTop || 0);
  return top - scroller.getBoundingClientRect().top + scroller.scrollTop;
}

export interface ShellParts {
  root: HTMLElement;
  frame: HTMLElement;
  header: HTMLElement;
  stage: HTMLElement;
  timeline: HTMLElement;
  side: HTMLElement;
  /** The drawing's toolbar and the key strip (legend) that shares its row when it fits. */
  toolbar: HTMLElement;
  legend: HTMLElement;
  /** The timeline resized: the loss chart's width (px). */
  onTimeline(width: number): void;
}

/** Keeps the grid's sizes right as the cell, the notebook or the screen change. */
export class ShellFit {
  private readonly ro: ResizeObserver | null = null;
  private scroller: HTMLElement | null = null;
  private frameReq = 0;
  private lastKey = "";

  constructor(private readonly p: ShellParts, signal: AbortSignal) {
    if (typeof ResizeObserver === "undefined") return;
    this.ro = new ResizeObserver(() => this.request());
    for (const e of [p.root, p.header, p.timeline, p.toolbar, p.legend]) this.ro.observe(e);
    const onResize = (): void => this.request();
    window.addEventListener("resize", onResize, { signal });
    document.addEventListener("fullscreenchange", onResize, { signal });
    signal.addEventListener("abort", () => {
      this.ro?.disconnect();
      if (this.frameReq) cancelAnimationFrame(this.frameReq);
    });
  }

  request(): void {
    if (this.frameReq || typeof requestAnimationFrame === "undefined") return;
    this.frameReq = requestAnimationFrame(() => {
      this.frameReq = 0;
      this.fit();
    });
  }

  /** Measure and size now. */
  fit(): void {
    const { root, frame, header, stage, timeline, toolbar, legend } = this.p;
    if (!root.isConnected || root.clientWidth === 0) return;
    const wide = root.clientWidth >= WIDE_MIN;
    root.classList.toggle("bg-wide", wide);
    const full = document.fullscreenElement === root;
    if (!full && this.scroller === null) this.scroller = scrollParent(root);
    if (this.scroller && !this.scroller.isConnected) this.scroller = scrollParent(root);
    const view = window.innerHeight || 800;
    const scroller = full ? null : this.scroller;
    // the scroll area's part inside the window (a page's header may push it down)
    const sr = scroller?.getBoundingClientRect();
    const avail = visibleHeight({
      full,
      view,
      scroller: scroller && sr ? Math.max(0, Math.min(view, sr.bottom, sr.top + scroller.clientHeight) - Math.max(0, sr.top)) : null,
      notebook: scroller !== null && scroller === notebookArea(root),
      top: full ? 0 : topWithin(root, scroller),
    });
    const rs = getComputedStyle(root);
    const fs = getComputedStyle(frame);
    const gap = parseFloat(fs.rowGap) || 0;
    const pad = (parseFloat(rs.paddingTop) || 0) + (parseFloat(rs.paddingBottom) || 0);
    // an open lesson card needs the side column's height: the timeline stays under the chain then
    const presenting = root.classList.contains("bg-presentation") && !root.classList.contains("bg-lesson-open");
    const beside = timelineBeside(presenting, wide, avail, header.offsetHeight);
    root.classList.toggle("bg-time-side", beside);
    // The timeline is under the chain unless it is beside it: both on screen at once.
    const under = beside || timeline.classList.contains("bg-off") ? 0 : timeline.offsetHeight + gap;
    const rest = header.offsetHeight + gap + pad + under;
    const width = stage.clientWidth || root.clientWidth;
    const h = stageHeight({ avail, rest, width, oneColumn: !wide });
    // The key strip: in the toolbar's row when both fit, else at the foot of the box.
    const keyTop = keyInToolbarRow(width, toolbar.offsetWidth, legend.offsetWidth);
    const toolbarRow = Math.ceil(toolbar.offsetHeight) + 8;
    const key = `${h}|${wide}|${beside}|${keyTop}|${toolbarRow}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      root.style.setProperty("--bg-stage-h", `${h}px`);
      root.style.setProperty("--bg-toolbar-h", `${toolbarRow}px`);
      root.classList.toggle("bg-key-top", keyTop);
    }
    this.p.onTimeline(timeline.clientWidth);
  }
}

/** Full screen on the widget (Esc leaves: the browser does it). */
export function toggleFullscreen(root: HTMLElement): void {
  if (document.fullscreenElement === root) void document.exitFullscreen?.();
  else void root.requestFullscreen?.().catch(() => undefined);
}
