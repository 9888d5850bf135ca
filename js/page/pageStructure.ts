// The traits that change with a run's settings (BabyGPTWidget._push_structure): config, state
// labels, data counts, and the view traits that must stay valid for them (marked states, the
// sampler's start, a walk; the inside / This step views of a model that was replaced).
import { configTrait } from "./pageConfig";
import type { PageConfig } from "./pageConfig";

export interface Structure {
  /** Full contexts (V**C), in StateSpace order. */
  states: string[];
  /** Shorter contexts, shorter first. */
  prefixStates: string[];
  /** Values of the shorter contexts at the start of an every-context probabilities row. */
  split: number;
  /** Python's History capacity for this chain (core/history.py capacity_for). */
  capacity: number;
}

export function structureOf(c: PageConfig): Structure {
  const tokens = Array.from(c.alphabet);
  const V = tokens.length;
  const labels = (L: number): string[] =>
    Array.from({ length: V ** L }, (_, i) => {
      let s = "";
      for (let k = L - 1; k >= 0; k--) s += tokens[Math.floor(i / V ** k) % V];
      return s;
    });
  const prefixStates: string[] = [];
  for (let L = 1; L < c.context_length; L++) prefixStates.push(...labels(L));
  const states = labels(c.context_length);
  const nodes = states.length + prefixStates.length;
  const capacity = Math.trunc(Math.max(16, Math.min(2048, Math.floor((32 * 2 ** 20) / (4 * nodes * V + 8)))));
  return { states, prefixStates, split: prefixStates.length * V, capacity };
}

/** The structure traits after a settings change; `current` reads the page's traits now. */
export function structureTraits(
  c: PageConfig,
  s: Structure,
  counts: Float32Array,
  current: (key: string) => unknown,
  rebuilt: boolean,
): Record<string, unknown> {
  const ints = Int32Array.from(counts);
  const valid = new Set([...s.prefixStates, ...s.states]);
  const out: Record<string, unknown> = {
    config: configTrait(c),
    states: s.states,
    prefix_states: s.prefixStates,
    data_counts: new DataView(ints.slice(s.split).buffer),
    prefix_data_counts: new DataView(ints.slice(0, s.split).buffer),
  };
  const naughty = current("naughty");
  if (Array.isArray(naughty)) out.naughty = naughty.filter((x) => valid.has(x as string));
  if (!valid.has(current("sample_start") as string)) out.sample_start = Array.from(c.alphabet).at(-1)!.repeat(c.context_length);
  const walk = current("walk") as { start?: unknown } | null | undefined;
  if (walk && typeof walk === "object" && Object.keys(walk).length && !valid.has(walk.start as string)) out.walk = {};
  if (rebuilt) Object.assign(out, { inside: {}, one_step: {}, inside_replay: null }); // another model's forward passes
  return out;
}
