// Where the focus view puts its states: a d3-force layout of the neighbourhood, the focused
// state pinned in the middle and each distance pulled onto its own ring (forceRadial); forceCollide
// keeps nodes (with their labels) apart and the forces of focusForces.ts keep them off edges and
// loops and the edges apart from each other. Rings alone put 010, 001, 000 and 100 of the
// 8-state chain on one vertical line, edges over each other and labels over nodes.
import { forceCollide, forceLink, forceManyBody, forceRadial, forceSimulation } from "d3-force";
import type { SimulationLinkDatum } from "d3-force";
import { BEND_PAIR, BEND_SINGLE } from "../edgeShapes";
import type { Point } from "../edgeShapes";
import { collideBoxes, keepOffEdges, keepOffLoops, keepParallelApart, limitSpeed, loopDirection, spreadAngles } from "./focusForces";
import type { CountingForce, Link, Node } from "./focusForces";
import { focusProblems } from "./focusCheck";
import type { Neighbourhood } from "./neighbourhood";

export { curvePoints, loopDirection, nearestOn } from "./focusForces";

export interface FocusLayout {
  positions: Point[];
  /** Per node: the way its self-loop points (the widest gap between its edges). */
  loops: Point[];
  /** Half the side of the square round every node centre (the layout's box is centred on 0,0). */
  radius: number;
  /** Problems (focusCheck.ts) the layout could not clear. */
  conflicts: number;
}

export interface FocusSizes {
  /** Node circle radius (drawing units). */
  r: number;
  /** Width and height of a state label drawn beside its node (labelW 0: they fit inside). */
  labelW: number;
  labelH?: number;
}

/** Half the width and height of the box a node keeps to itself when its label sits outside: the
 *  node with its label above or below it (the label placement's reach, 11 units off the rim),
 *  and a gap. */
export function focusBox(sizes: FocusSizes): { hw: number; hh: number } {
  const h = sizes.labelH ?? sizes.labelW / 5;
  return { hw: Math.max(sizes.r, sizes.labelW / 2) + sizes.r / 2, hh: sizes.r + 11 + h + sizes.r / 2 };
}

/** Ticks of the layout proper, then at most REPAIR_ROUNDS × 10 while conflicts remain (as the
 *  forces count them: about what focusCheck.ts would find). */
const TICKS = 200;
const REPAIR_ROUNDS = 30;
/** The layout checks itself half again as strictly as the tests do (focusCheck.ts `margin`). */
const CHECK_MARGIN = 1.5;
/** How much each ring is turned against the one inside it, per start. */
const STARTS = [0.6, 1.9, 3.3, 4.4];

/** The edges of the sub-chain as drawn: one per ordered pair, bent like the drawing's. */
function linksOf(nb: Neighbourhood): Link[] {
  const out: Link[] = [];
  const seen = new Set<string>();
  for (const e of nb.chain.edges) {
    if (e.fromIndex === e.toIndex) continue;
    const key = `${e.fromIndex},${e.toIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ a: e.fromIndex, b: e.toIndex, bend: e.kind === "pair" ? BEND_PAIR : BEND_SINGLE });
  }
  return out;
}

/** Lay out a focus view: positions (sub-chain order; the focused state in the middle), loop
 *  directions. A few starts (rings turned differently); the first with no problem, else the one
 *  with fewest (focusCheck.ts). Binary chains' neighbourhoods come out clean; with three or more
 *  tokens (every state has 2V edges) some edges may still run close to a node. */
export function focusLayout(nb: Neighbourhood, sizes: FocusSizes): FocusLayout {
  let best: FocusLayout | null = null;
  // three or more tokens: a dense neighbourhood, one start and a short repair (time bounded)
  const dense = nb.chain.tokens.length > 2;
  for (const turn of dense ? STARTS.slice(0, 1) : STARTS) {
    const got = layoutFrom(nb, sizes, turn, dense ? 10 : REPAIR_ROUNDS);
    if (best === null || got.conflicts < best.conflicts) best = got;
    if (best.conflicts === 0) break;
  }
  return centred(best!);
}

/** The layout moved so its bounding box is centred on 0,0 (the drawing's viewBox is). */
function centred(l: FocusLayout): FocusLayout {
  const xs = l.positions.map((p) => p.x);
  const ys = l.positions.map((p) => p.y);
  const [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  const positions = l.positions.map((p) => ({ x: p.x - cx, y: p.y - cy }));
  return { ...l, positions, radius: Math.max(1, ...positions.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y)))) };
}

function layoutFrom(nb: Neighbourhood, sizes: FocusSizes, turn: number, rounds: number): FocusLayout {
  const n = nb.nodes.length;
  const { r, labelW } = sizes;
  const box = labelW > 0 ? focusBox(sizes) : null; // labels outside: each node keeps a box
  const ring = box ? Math.max(5 * r, 2 * box.hh + 2 * r, box.hw + 2 * r) : 5 * r;
  const links = linksOf(nb);
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (const l of links) {
    if (!neighbours[l.a].includes(l.b)) neighbours[l.a].push(l.b);
    if (!neighbours[l.b].includes(l.a)) neighbours[l.b].push(l.a);
  }
  // Start on rings by distance, each ring turned a little (no ring's nodes in line with another's).
  const byDist = new Map<number, number[]>();
  nb.dist.forEach((d, i) => byDist.set(d, [...(byDist.get(d) ?? []), i]));
  const nodes: Node[] = nb.dist.map((d, i) => {
    const members = byDist.get(d) ?? [i];
    const a = -Math.PI / 2 + turn * d + (2 * Math.PI * members.indexOf(i)) / members.length;
    return { index: i, x: d * ring * Math.cos(a), y: d * ring * Math.sin(a) };
  });
  nodes[0].fx = 0; // the focused state stays in the middle
  nodes[0].fy = 0;
  const looped = [...new Set(nb.chain.edges.filter((e) => e.fromIndex === e.toIndex).map((e) => e.fromIndex))];
  let push = 1;
  const strength = (): number => push;
  const link = forceLink<Node, SimulationLinkDatum<Node>>(links.map((l) => ({ source: l.a, target: l.b }))).distance(ring).strength(0.4);
  const counted: CountingForce[] = [
    keepOffEdges(links, 2 * r + 6, strength, r + 6),
    keepOffLoops(looped, neighbours, r),
    spreadAngles(neighbours, strength),
    keepParallelApart(links, 0.6 * r, 2 * r, strength, 8),
  ];
  const rings = forceRadial<Node>((d) => nb.dist[d.index] * ring).strength(0.25);
  const sim = forceSimulation<Node>(nodes)
    .force("link", link)
    .force("charge", forceManyBody<Node>().strength(-ring * 6))
    .force("collide", box ? collideBoxes(box.hw, box.hh) : forceCollide<Node>(2 * r).strength(1))
    .force("rings", rings)
    .stop();
  counted.forEach((f, k) => sim.force(`keep${k}`, f));
  let speed = ring;
  sim.force("speed", limitSpeed(() => speed));
  sim.tick(TICKS);
  // Then, kept warm, the layout clears what is left: the keeping forces push harder, links give.
  const left = (): number => counted.reduce((s, f) => s + f.conflicts, 0) + overlapping(nodes, 2 * r + 6, box);
  push = 3;
  speed = r / 2;
  link.strength(0.05);
  rings.strength(0.05);
  sim.alpha(0.2).alphaDecay(0);
  for (let round = 0; round < rounds && left() > 0; round++) sim.tick(10);
  const positions = nodes.map((d) => ({ x: d.x ?? 0, y: d.y ?? 0 }));
  const loops = positions.map((p, i) => loopDirection(p, neighbours[i].map((j) => positions[j])));
  const radius = Math.max(r, ...positions.map((p) => Math.hypot(p.x, p.y)));
  return { positions, loops, radius, conflicts: focusProblems(nb.chain, positions, loops, r, CHECK_MARGIN).length };
}

/** Pairs of nodes closer than `gap` (centre to centre), or whose boxes overlap. */
function overlapping(nodes: Node[], gap: number, box: { hw: number; hh: number } | null): number {
  let n = 0;
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) {
      const dx = Math.abs((nodes[i].x ?? 0) - (nodes[j].x ?? 0));
      const dy = Math.abs((nodes[i].y ?? 0) - (nodes[j].y ?? 0));
      if (Math.hypot(dx, dy) < gap || (box && dx < 2 * box.hw - 1 && dy < 2 * box.hh - 1)) n++;
    }
  return n;
}
