// How a chain is drawn, from its size: every node and edge as SVG elements (with labels while
// they can be read), or painted on a canvas. The switch counts EDGES as well as states: V=256
// C=1 has only 256 states but 65,536 edges, which as SVG froze the page for seconds.

/** Above this many states edge labels are off (shown on hover only): too many to place. */
export const DENSE_STATES = 64;
/** Above this many states the chain is painted on a canvas. */
export const CANVAS_STATES = 256;
/** Above this many edges too: each SVG edge is ~6 elements (path, hit path, label group with
 *  backdrop and text); ~1,000 edges is what one frame can restyle on the machines we test on. */
export const CANVAS_EDGES = 1024;

export type RenderMode = "svg" | "svg-dense" | "canvas";

export function renderMode(states: number, edges: number): RenderMode {
  if (states > CANVAS_STATES || edges > CANVAS_EDGES) return "canvas";
  return states > DENSE_STATES ? "svg-dense" : "svg";
}
