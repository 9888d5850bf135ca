// Node positions: circular (graphviz circo-like, lexicographic, stable) and force (d3-force).
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY } from "d3-force";
import type { Simulation, SimulationLinkDatum, SimulationNodeDatum } from "d3-force";
import type { Chain } from "./chain";
import type { Point } from "./geometry";

/** Sizes in drawing units; the SVG viewBox scales them to the cell. */
export interface Frame {
  /** Radius of the circle the nodes sit on (the force layout fills the same square). */
  radius: number;
  /** Node circle radius. */
  nodeRadius: number;
  /** Half the viewBox side: circle + loops + labels. */
  half: number;
}

export function frameFor(n: number): Frame {
  const nodeRadius = n <= 16 ? 26 : Math.max(5, 26 * Math.sqrt(16 / n));
  // Room along the circle for each node plus the edge labels between neighbours.
  const radius = Math.max(190, (n * (2 * nodeRadius + Math.max(4, nodeRadius * 2.2))) / (2 * Math.PI));
  return { radius, nodeRadius, half: radius + nodeRadius * 3.6 };
}

/** Node i at angle 2πi/n, clockwise from the top: lexicographic order reads like a clock. */
export function circularPositions(n: number, radius: number): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return { x: radius * Math.cos(a), y: radius * Math.sin(a) };
  });
}

export interface ForceNode extends SimulationNodeDatum {
  index: number;
}

/**
 * A d3-force simulation over the chain's nodes. It runs in its own "natural" units;
 * `scale` maps them into the frame's square so both layouts share one viewBox.
 */
export class ForceLayout {
  readonly nodes: ForceNode[];
  readonly simulation: Simulation<ForceNode, SimulationLinkDatum<ForceNode>>;
  scale = 1;
  private cx = 0;
  private cy = 0;

  constructor(chain: Chain, frame: Frame) {
    const start = circularPositions(chain.states.length, frame.radius);
    this.nodes = start.map((p, index) => ({ index, x: p.x, y: p.y }));
    const links = chain.edges
      .filter((e) => e.kind !== "loop")
      .map((e) => ({ source: e.fromIndex, target: e.toIndex }));
    const r = frame.nodeRadius;
    this.simulation = forceSimulation<ForceNode>(this.nodes)
      .force("link", forceLink<ForceNode, SimulationLinkDatum<ForceNode>>(links).distance(r * 5).strength(0.6))
      .force("charge", forceManyBody<ForceNode>().strength(-r * 30))
      .force("collide", forceCollide<ForceNode>(r * 2.4))
      .force("x", forceX<ForceNode>(0).strength(0.04))
      .force("y", forceY<ForceNode>(0).strength(0.04))
      .stop(); // ticked by hand: deterministic and no timer unless the user drags
  }

  /** Run to rest synchronously and fit into the frame. */
  settle(frame: Frame, ticks = 300): Point[] {
    this.simulation.alpha(1);
    this.simulation.tick(ticks);
    this.fit(frame.radius);
    return this.positions();
  }

  /** Centre the bounding box and scale it to fill the square of half-side `radius`. */
  fit(radius: number): void {
    const xs = this.nodes.map((d) => d.x ?? 0);
    const ys = this.nodes.map((d) => d.y ?? 0);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    this.cx = (x0 + x1) / 2;
    this.cy = (y0 + y1) / 2;
    this.scale = radius / Math.max((x1 - x0) / 2, (y1 - y0) / 2, 1e-9);
  }

  positions(): Point[] {
    return this.nodes.map((d) => this.toDrawing(d.x ?? 0, d.y ?? 0));
  }

  toDrawing(x: number, y: number): Point {
    return { x: (x - this.cx) * this.scale, y: (y - this.cy) * this.scale };
  }

  /** Pin node i at a drawing-space point (d3-drag hands us drawing coordinates). */
  pin(i: number, p: Point): void {
    const d = this.nodes[i];
    d.fx = p.x / this.scale + this.cx;
    d.fy = p.y / this.scale + this.cy;
  }

  stop(): void {
    this.simulation.stop();
    this.simulation.on("tick", null);
  }
}
