// Zoom and pan of the drawing, clipped to its box. Convention (as in embedded web maps and
// Plotly's default in notebooks): the plain wheel scrolls the NOTEBOOK; Ctrl/⌘ + wheel (or a
// trackpad pinch, which browsers send as Ctrl + wheel) zooms. A plain wheel over the drawing
// shows a short hint instead. Drag pans; double-click (or the fit button) fits the chain.
import { select } from "d3-selection";
import "d3-transition";
import { zoom, zoomIdentity } from "d3-zoom";
import type { D3ZoomEvent, ZoomBehavior } from "d3-zoom";
import type { ZoomState } from "./canvasGeometry";

export const ZOOM_HINT = "Ctrl + scroll to zoom";
const HINT_MS = 1400;

export const isMac = (): boolean => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || "");

/** d3-zoom's wheel step, tamed for a mouse wheel held with Ctrl (d3 multiplies Ctrl by 10 for
 *  pinches; a mouse notch then zoomed 4× at once). Pinches (small deltas) keep the boost. */
export function wheelDelta(ev: WheelEvent): number {
  const unit = ev.deltaMode === 1 ? 0.05 : ev.deltaMode ? 1 : 0.002;
  const pinch = ev.ctrlKey && ev.deltaMode === 0 && Math.abs(ev.deltaY) < 40;
  return -ev.deltaY * unit * (pinch ? 10 : 1);
}

/** Which events start a zoom/pan: Ctrl/⌘ + wheel, a primary-button drag; never a plain wheel. */
export function zoomFilter(ev: Event): boolean {
  if (ev.type === "wheel") return (ev as WheelEvent).ctrlKey || (ev as WheelEvent).metaKey;
  if (ev.type === "dblclick") return false; // ours: fit
  const m = ev as MouseEvent;
  return !m.ctrlKey && !m.button;
}

export class Viewport {
  readonly behavior: ZoomBehavior<SVGSVGElement, unknown>;
  readonly hint: HTMLDivElement;
  state: ZoomState = { k: 1, x: 0, y: 0 };
  private hintTimer: ReturnType<typeof setTimeout> | null = null;
  private endTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly target: SVGGElement,
    private readonly onZoom: (t: ZoomState) => void,
    /** After zooming stops (debounced): labels are re-placed for the new scale. */
    private readonly onZoomEnd: (t: ZoomState) => void,
  ) {
    this.hint = document.createElement("div");
    this.hint.className = "bg-zoom-hint";
    this.hint.textContent = isMac() ? "⌘ + scroll to zoom" : ZOOM_HINT;
    this.hint.setAttribute("aria-hidden", "true");
    this.behavior = zoom<SVGSVGElement, unknown>()
      .filter(zoomFilter)
      .wheelDelta(wheelDelta)
      .scaleExtent([0.5, 8])
      .on("zoom", (ev: D3ZoomEvent<SVGSVGElement, unknown>) => {
        const t = ev.transform;
        this.target.setAttribute("transform", t.toString());
        this.state = { k: t.k, x: t.x, y: t.y };
        this.onZoom(this.state);
        if (this.endTimer !== null) clearTimeout(this.endTimer);
        this.endTimer = setTimeout(() => {
          this.endTimer = null;
          this.onZoomEnd(this.state);
        }, 120);
      });
    select(this.svg).call(this.behavior).on("dblclick.zoom", null);
    // A plain wheel is the notebook's: let it scroll, say how to zoom.
    this.svg.addEventListener("wheel", (ev) => {
      if (!ev.ctrlKey && !ev.metaKey) this.showHint();
    }, { passive: true });
    this.svg.addEventListener("dblclick", (ev) => {
      ev.preventDefault();
      this.fit(true);
    });
  }

  /** Zoom range for the current drawing; the pan keeps part of it in the box. */
  setExtent(scale: [number, number], half: number): void {
    this.behavior.scaleExtent(scale).translateExtent([
      [-2 * half, -2 * half],
      [2 * half, 2 * half],
    ]);
  }

  /** The whole drawing in the box (the viewBox already fits it: zoom = identity). */
  fit(animate = false): void {
    this.set({ k: 1, x: 0, y: 0 }, animate);
  }

  set(z: ZoomState, animate = false): void {
    const t = zoomIdentity.translate(z.x, z.y).scale(z.k);
    const svg = select(this.svg);
    svg.interrupt("focus");
    if (animate) svg.transition("focus").duration(450).call(this.behavior.transform, t);
    else svg.call(this.behavior.transform, t);
  }

  showHint(): void {
    this.hint.classList.add("bg-show");
    if (this.hintTimer !== null) clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => this.hint.classList.remove("bg-show"), HINT_MS);
  }

  destroy(): void {
    if (this.hintTimer !== null) clearTimeout(this.hintTimer);
    if (this.endTimer !== null) clearTimeout(this.endTimer);
    select(this.svg).interrupt("focus").on(".zoom", null);
  }
}
