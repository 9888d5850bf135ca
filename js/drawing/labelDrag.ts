// Nudging an edge by dragging its label on the SVG chain (issue 23 §2): up raises, down lowers,
// PX_PER_POINT screen pixels a percentage point, whole percents from 0 to 100. The label itself
// previews the push (`1(79% → 95%)`); release asks for the nudge, Escape cancels. A press that
// moves less than CLICK_PX is a click (on the node under the label, if any). d3-drag on the
// label layer stops the press there: d3-zoom (pan) and the node drags never see it. The canvas
// that draws big chains has no labels to drag.
import { drag } from "d3-drag";
import type { D3DragEvent } from "d3-drag";
import { select } from "d3-selection";
import type { ChainEdge } from "../model/chain";

/** Screen pixels a percentage point. */
export const PX_PER_POINT = 2;
/** A press that moves less than this (screen pixels) is a click. */
export const CLICK_PX = 4;

export interface LabelDragHooks {
  /** Can this edge be nudged now (a kernel or the page's engine answers, not training)? */
  can(state: string, token: string): boolean;
  /** The target while dragging (whole percent); null: the drag ended or was cancelled. */
  preview(state: string, token: string, pct: number | null): void;
  /** Released on a new target: nudge the edge there. */
  commit(state: string, token: string, pct: number): void;
}

/** The whole percent an edge label says (`edgeLabel`: `1(79%)`, `1(<1%)`, `1(>99%)`); null: none. */
export function labelPercent(label: string): number | null {
  const m = /\((<1|>99|\d{1,3})%\)$/.exec(label);
  return !m ? null : m[1] === "<1" ? 0 : m[1] === ">99" ? 100 : Number(m[1]);
}

/** The target (whole percent, 0–100) after a drag of `dy` screen pixels (down: positive) that
 *  started on the label's whole percent. */
export function dragTarget(start: number, dy: number): number {
  return Math.max(0, Math.min(100, Math.round(start - dy / PX_PER_POINT)));
}

/** The label while dragging: the edge's label with the target, `1(79%)` → `1(79% → 95%)`. */
export const previewLabel = (label: string, pct: number): string => `${label.slice(0, -1)} → ${pct}%)`;

/** Has the press moved far enough to be a drag? */
export const isDrag = (dx: number, dy: number): boolean => dx * dx + dy * dy >= CLICK_PX * CLICK_PX;

interface Gesture {
  g: SVGGElement;
  edge: ChainEdge;
  /** The label's text and whole percent when pressed. */
  label: string;
  start: number;
  x0: number;
  y0: number;
  pct: number;
  dragging: boolean;
  /** The label's text before the preview, and the preview written (the scene may rewrite it). */
  saved: string;
  shown: string;
  rect: { x: string; width: string } | null;
  /** The edge's own stroke, lit while dragging. */
  path: Element | null;
}

type Ev = D3DragEvent<SVGGElement, unknown, Gesture | null>;

export class LabelDrag {
  hooks: LabelDragHooks | null = null;
  private gesture: Gesture | null = null;
  private groups: readonly SVGGElement[] = [];
  private readonly onKey = (ev: KeyboardEvent): void => {
    if (ev.key !== "Escape" || !this.gesture) return;
    ev.stopPropagation(); // neither Jupyter's command mode nor the focus view's Esc
    ev.preventDefault();
    this.finish(false);
  };

  constructor(
    private readonly layer: SVGGElement,
    /** A press on a label landed (the drawing takes the keys, as a press elsewhere on it does). */
    pressed: () => void,
  ) {
    const container = (): HTMLElement => layer.ownerSVGElement?.parentElement ?? document.body; // CSS pixels
    select(layer).call(
      drag<SVGGElement, unknown, Gesture | null>()
        .container(container)
        .filter((ev: MouseEvent) => !ev.ctrlKey && !ev.button && this.groupAt(ev.target) !== null)
        .clickDistance(CLICK_PX)
        .subject((ev: Ev) => this.subject(ev))
        .on("start", () => {
          window.addEventListener("keydown", this.onKey, true);
          pressed();
        })
        .on("drag", (ev: Ev) => this.move(ev))
        .on("end", (ev: Ev) => this.finish(true, ev.sourceEvent as Event)),
    );
  }

  /** Is a label being dragged (past the click distance)? */
  get active(): boolean {
    return this.gesture?.dragging === true;
  }

  /** End a drag without nudging (the drawing goes away). */
  cancel(): void {
    this.finish(false);
  }

  /** Mark the labels that can be dragged now (they take the pointer, cursor ns-resize): after a
   *  new drawing (`groups`) or when nudging becomes (un)available. */
  refresh(groups: readonly SVGGElement[] = this.groups, force = true): void {
    if (!force && groups === this.groups) return;
    this.groups = groups;
    for (const g of groups) {
      const e = select<SVGGElement, ChainEdge | undefined>(g).datum();
      g.classList.toggle("bg-nudgeable", e !== undefined && this.hooks !== null && this.hooks.can(e.from, e.token));
    }
  }

  private groupAt(target: EventTarget | null): SVGGElement | null {
    const g = target instanceof Element ? target.closest<SVGGElement>("g.bg-edge.bg-nudgeable") : null;
    return g && this.layer.contains(g) ? g : null;
  }

  private subject(ev: Ev): Gesture | null {
    const g = this.groupAt((ev.sourceEvent as Event).target);
    const edge = g ? select<SVGGElement, ChainEdge | undefined>(g).datum() : undefined;
    const label = g?.querySelector("text")?.textContent ?? "";
    const start = labelPercent(label);
    if (!g || !edge || start === null || !this.hooks?.can(edge.from, edge.token)) return null;
    return (this.gesture = { g, edge, label, start, x0: ev.x, y0: ev.y, pct: start, dragging: false, saved: label, shown: "", rect: null, path: null });
  }

  private move(ev: Ev): void {
    const s = this.gesture;
    if (!s) return;
    if (!s.g.isConnected) return this.finish(false); // the drawing was rebuilt under the drag
    if (!s.dragging) {
      if (!isDrag(ev.x - s.x0, ev.y - s.y0)) return;
      s.dragging = true;
      s.g.classList.add("bg-dragging");
      s.path = this.strokeOf(s.edge);
      s.path?.classList.add("bg-dragging");
      this.layer.ownerSVGElement?.classList.add("bg-label-dragging"); // CSS: nothing else hovers meanwhile
    }
    s.pct = dragTarget(s.start, ev.y - s.y0);
    this.show(s);
    this.hooks?.preview(s.edge.from, s.edge.token, s.pct);
  }

  /** The preview on the label, its backdrop widened to the longer text (monospace). */
  private show(s: Gesture): void {
    const text = s.g.querySelector("text");
    const rect = s.g.querySelector("rect");
    if (!text) return;
    if (text.textContent !== s.shown) s.saved = text.textContent ?? ""; // first time, or the scene rewrote it
    s.shown = previewLabel(s.label, s.pct);
    text.textContent = s.shown;
    if (!rect) return;
    s.rect ??= { x: rect.getAttribute("x") ?? "0", width: rect.getAttribute("width") ?? "0" };
    const [x, w] = [Number(s.rect.x), Number(s.rect.width)];
    const chars = Math.max(1, Array.from(s.saved).length);
    const wide = ((w - 4) / chars) * Array.from(s.shown).length + 4;
    rect.setAttribute("x", String(Math.round((x + w / 2 - wide / 2) * 10) / 10));
    rect.setAttribute("width", String(Math.round(wide * 10) / 10));
  }

  /** The drag ends: released (`done`) or cancelled. The label gets its text back; a release on
   *  a new target nudges, a release without a drag is a click. */
  private finish(done: boolean, up?: Event): void {
    const s = this.gesture;
    this.gesture = null;
    window.removeEventListener("keydown", this.onKey, true);
    if (!s) return;
    const text = s.g.querySelector("text");
    const rect = s.g.querySelector("rect");
    if (text && s.shown && text.textContent === s.shown) text.textContent = s.saved;
    if (rect && s.rect) for (const [a, v] of Object.entries(s.rect)) rect.setAttribute(a, v);
    s.g.classList.remove("bg-dragging");
    s.path?.classList.remove("bg-dragging");
    this.layer.ownerSVGElement?.classList.remove("bg-label-dragging");
    if (!s.dragging) return done && up instanceof MouseEvent ? this.clickThrough(up) : undefined;
    const { from, token } = s.edge;
    this.hooks?.preview(from, token, null);
    if (done && s.pct !== s.start && this.hooks?.can(from, token)) this.hooks.commit(from, token, s.pct);
  }

  private strokeOf(edge: ChainEdge): Element | null {
    const lines = this.layer.ownerSVGElement?.querySelectorAll<SVGGElement>("g.bg-edge-line") ?? [];
    const g = [...lines].find((l) => select<SVGGElement, ChainEdge | undefined>(l).datum()?.id === edge.id);
    return g?.querySelector("path.bg-edge-path") ?? null;
  }

  /** A click on a label is a click on the node under it (labels used to let the pointer through). */
  private clickThrough(up: MouseEvent): void {
    if (typeof document.elementsFromPoint !== "function") return;
    const under = document.elementsFromPoint(up.clientX, up.clientY).find((e) => !this.layer.contains(e));
    const node = under?.closest("g.bg-node");
    if (node) node.dispatchEvent(new MouseEvent("click", { clientX: up.clientX, clientY: up.clientY }));
  }
}
