// Animates a sampled walk on the graph (current node and edge) and in the ticker.
import type { Chain } from "../../model/chain";
import type { GraphView } from "../../drawing/graph";
import type { SampleView } from "./sampleView";
import { walkStates } from "../../model/walk";
import { WalkPlayer } from "./walkPlayer";
import type { Timer } from "./walkPlayer";

export interface ParsedWalk {
  start: string;
  tokens: string[];
  /** Identity of the walk (start, tokens, temperature, seed): a change means a new walk. */
  key: string;
}

/** The `walk` trait, tolerant of tokens as a string or a list; null when there is none. */
export function parseWalk(v: unknown): ParsedWalk | null {
  if (!v || typeof v !== "object") return null;
  const w = v as { start?: unknown; tokens?: unknown; temperature?: unknown; seed?: unknown };
  if (typeof w.start !== "string") return null;
  const tokens = typeof w.tokens === "string" ? Array.from(w.tokens) : Array.isArray(w.tokens) ? w.tokens.map(String) : [];
  return { start: w.start, tokens, key: JSON.stringify([w.start, tokens.join(""), w.temperature ?? null, w.seed ?? null]) };
}

export class WalkView {
  readonly player: WalkPlayer;
  private walk: (ParsedWalk & { states: string[] }) | null = null;
  private contextLength = 0;
  private nodeIndex = new Map<string, number>();
  private edgeIndex = new Map<string, number>();

  constructor(
    private readonly graph: GraphView,
    private readonly sampler: SampleView,
    private readonly root: HTMLElement,
    timer?: Timer,
  ) {
    this.player = new WalkPlayer((i, total) => this.frame(i, total), timer);
  }

  get key(): string | null {
    return this.walk?.key ?? null;
  }

  /** The state the walk is at now (the inside panel looks inside it); null without a walk. */
  current: string | null = null;

  /** A new drawn chain: re-map the walk onto its nodes and edges. */
  setChain(chain: Chain): void {
    this.contextLength = chain.contextLength;
    this.nodeIndex = new Map(chain.states.map((s, i) => [s, i] as const));
    this.edgeIndex = new Map(chain.edges.map((e, i) => [e.id, i] as const));
    if (!this.walk) return;
    this.walk.states = walkStates(this.walk.start, this.walk.tokens, this.contextLength);
    if (!this.player.running) this.frame(this.walk.tokens.length, this.walk.tokens.length);
  }

  /** Show a walk: animated step by step, or (first paint) complete at once. */
  show(w: ParsedWalk, animate: boolean): void {
    this.walk = { ...w, states: walkStates(w.start, w.tokens, this.contextLength) };
    if (animate) this.player.play(w.tokens.length);
    else {
      this.player.stop();
      this.frame(w.tokens.length, w.tokens.length);
    }
  }

  clear(): void {
    this.walk = null;
    this.current = null;
    this.player.stop();
    this.sampler.setTicker("", [], 0);
    this.graph.setWalk(-1, -1);
    this.root.classList.remove("bg-walking");
  }

  stop(): void {
    this.player.stop();
  }

  private frame(i: number, total: number): void {
    const w = this.walk;
    if (!w) return;
    this.sampler.setTicker(w.start, w.tokens, i);
    const state = w.states[i];
    this.current = state ?? null;
    const node = state === undefined ? -1 : (this.nodeIndex.get(state) ?? -1);
    const edge = i > 0 && i < total ? (this.edgeIndex.get(`${w.states[i - 1]}|${w.tokens[i - 1]}|${state}`) ?? -1) : -1;
    this.graph.setWalk(node, edge);
    this.root.classList.toggle("bg-walking", i < total);
  }
}
