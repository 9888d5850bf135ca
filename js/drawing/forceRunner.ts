// Running the force layout for the drawing: small chains settle at once, big ones over several
// frames (drawn as they go); the user can drag nodes of an SVG drawing, which re-heats it.
import { drag } from "d3-drag";
import { select } from "d3-selection";
import type { Chain } from "../model/chain";
import { cancelFrame, nextFrame } from "./canvasView";
import type { Point } from "./edgeShapes";
import { ForceLayout } from "./nodePositions";
import type { Frame } from "./nodePositions";
import type { NodeDatum } from "./svgScene";

/** Above this many states the force layout settles over several frames, drawn as it goes. */
export const ASYNC_FORCE_STATES = 64;
/** Time per frame the force layout may take while settling (ms). */
const FORCE_BUDGET_MS = 12;
const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

export class ForceRunner {
  force: ForceLayout | null = null;
  private handle: unknown = null;

  constructor(private readonly apply: (pos: Point[]) => void) {}

  get settling(): boolean {
    return this.handle !== null;
  }

  /** Positions now (the ring it starts from, for a big chain that then settles). */
  positions(chain: Chain, frame: Frame): Point[] {
    if (this.force) return this.force.positions(); // keep where the user dragged things
    const force = (this.force = new ForceLayout(chain, frame));
    if (chain.states.length <= ASYNC_FORCE_STATES) return force.settle(frame);
    this.stopSettling();
    force.fit(frame.radius);
    const steps = force.settleSteps(frame);
    const run = (): void => {
      this.handle = null;
      if (this.force !== force) return;
      const t0 = now();
      let done = false;
      while (!done && now() - t0 < FORCE_BUDGET_MS) done = steps.next().done === true;
      if (!done) force.fit(frame.radius);
      this.apply(force.positions());
      if (!done) this.handle = nextFrame(run);
    };
    this.handle = nextFrame(run);
    return force.positions();
  }

  stopSettling(): void {
    if (this.handle !== null) cancelFrame(this.handle);
    this.handle = null;
  }

  reset(): void {
    this.stopSettling();
    this.force?.stop();
    this.force = null;
  }

  /** Nodes of an SVG force drawing can be dragged (null: dragging off). */
  bindDrag(nodeLayer: SVGGElement, on: boolean, positions: () => Point[], svg: SVGSVGElement): void {
    const nodes = select(nodeLayer).selectAll<SVGGElement, NodeDatum>("g.bg-node");
    const force = this.force;
    if (!on || !force) {
      nodes.on(".drag", null);
      return;
    }
    nodes.call(
      drag<SVGGElement, NodeDatum, Point>()
        .subject((_ev, d) => ({ ...positions()[d.index] }))
        .on("start", (ev: { active: number; x: number; y: number }, d) => {
          select(svg).interrupt("layout");
          this.stopSettling();
          force.simulation.on("tick", () => this.apply(force.positions()));
          if (!ev.active) force.simulation.alphaTarget(0.3).restart();
          force.pin(d.index, ev);
        })
        .on("drag", (ev: { x: number; y: number }, d) => force.pin(d.index, ev))
        .on("end", (ev: { active: number }) => {
          if (!ev.active) force.simulation.alphaTarget(0); // cools down and stops by itself
        }),
    );
  }
}
