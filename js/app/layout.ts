// The lecture screen: a top bar (buttons, progress, step/loss readout), the drawing with the
// loss curve and history slider under it, and a side panel of collapsible sections. On a wide
// cell the side panel sits beside the drawing and scrolls on its own; on a narrow one
// everything stacks. The drawing's box gets a definite size that fits the visible notebook
// area (or the screen in full screen), so chain, slider and buttons are on screen together.

/** Narrower than this, the side panel goes under the drawing (one column). */
export const WIDE_MIN = 760;
/** Width the legend takes beside the drawing. */
export const LEGEND_COLUMN = 200;
/** The drawing is never shorter than this (a tiny cell scrolls instead). */
export const STAGE_MIN = 220;

export interface StageInput {
  /** Height the widget may use: the notebook's visible area, or the screen. */
  avail: number;
  /** Height of what must share the screen with it: two columns, the bar, the timeline,
   *  paddings and gaps; one column, the bar (the page scrolls to the rest). */
  rest: number;
  /** Width of the drawing's column. */
  width: number;
  /** One column: the height is the drawing's alone (the legend goes under it), and the chain
   *  is square, so no taller than wide. */
  oneColumn: boolean;
}

/** Height of the drawing's box (two columns) or of the drawing (one column): what is left of
 *  the visible height, at least STAGE_MIN. */
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

/** Legend beside the chain when the box is wide enough for a square drawing and a column. */
export function legendBeside(width: number, height: number): boolean {
  return width - LEGEND_COLUMN >= 0.85 * height;
}

/** The notebook's scroll area (JupyterLab 4 / Notebook 7), or the nearest ancestor that scrolls
 *  vertically — not an output area, which takes its height from the widget. Null: the page. */
export function scrollParent(e: HTMLElement): HTMLElement | null {
  const known = e.closest<HTMLElement>(".jp-WindowedPanel-outer, .jp-Notebook");
  if (known && known.clientHeight > 0) return known;
  for (let n = e.parentElement; n; n = n.parentElement) {
    if (n.classList.contains("jp-OutputArea-output") || n.classList.contains("jp-OutputArea")) continue;
    const oy = getComputedStyle(n).overflowY;
    if ((oy === "auto" || oy === "scroll" || oy === "overlay") && n.clientHeight > 0) return n;
  }
  return null;
}

export interface ShellParts {
  root: HTMLElement;
  frame: HTMLElement;
  header: HTMLElement;
  stage: HTMLElement;
  timeline: HTMLElement;
  side: HTMLElement;
  /** The timeline resized: width and height for the loss chart. */
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
    for (const e of [p.root, p.header, p.timeline]) this.ro.observe(e);
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
    const { root, frame, header, stage, timeline } = this.p;
    if (!root.isConnected || root.clientWidth === 0) return;
    const wide = root.clientWidth >= WIDE_MIN;
    root.classList.toggle("bg-wide", wide);
    const full = document.fullscreenElement === root;
    if (!full && this.scroller === null) this.scroller = scrollParent(root);
    if (this.scroller && !this.scroller.isConnected) this.scroller = scrollParent(root);
    const view = window.innerHeight || 800;
    // a few pixels of margin: a cell's own padding and the notebook's scroll shadow
    const avail = full ? view : Math.min(view, this.scroller ? this.scroller.clientHeight : view) - 12;
    const rs = getComputedStyle(root);
    const fs = getComputedStyle(frame);
    const gap = parseFloat(fs.rowGap) || 0;
    const pad = (parseFloat(rs.paddingTop) || 0) + (parseFloat(rs.paddingBottom) || 0);
    const beside = timelineBeside(root.classList.contains("bg-presentation"), wide, avail, header.offsetHeight);
    root.classList.toggle("bg-time-side", beside);
    const under = wide && !beside ? timeline.offsetHeight + gap : 0;
    const rest = header.offsetHeight + gap + pad + under;
    const width = stage.clientWidth || root.clientWidth;
    const h = stageHeight({ avail, rest, width, oneColumn: !wide });
    // The chain is square: a box much wider than tall gives the legend the spare width.
    const legendSide = wide && legendBeside(width, h);
    const key = `${h}|${wide}|${legendSide}|${beside}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      root.style.setProperty("--bg-stage-h", `${h}px`);
      root.classList.toggle("bg-legend-side", legendSide);
    }
    this.p.onTimeline(timeline.clientWidth);
  }
}

/** Full screen on the widget (Esc leaves: the browser does it). */
export function toggleFullscreen(root: HTMLElement): void {
  if (document.fullscreenElement === root) void document.exitFullscreen?.();
  else void root.requestFullscreen?.().catch(() => undefined);
}
