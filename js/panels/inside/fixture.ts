// A synthetic Inside for the panel's tests (not part of the bundle).
import type { Inside } from "./insideData";

/** `state` at `step` with L layers, H heads, embedding width d, vocabulary V; values vary with step. */
export function fakeInside(state = "000", step = 50, L = 4, H = 4, d = 16, V = 2): Inside {
  const tokens = Array.from(state);
  const T = tokens.length;
  const s = (step + 1) / 100;
  const causal = (l: number, h: number): number[][] =>
    Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (j > i ? 0 : j === i ? 1 - (i * s * (l + h + 1)) / (T * 10) : (s * (l + h + 1)) / (T * 10))));
  const lens = Array.from({ length: L + 1 }, (_, r) => {
    const p = Math.min(0.95, 0.3 + (0.6 * r) / L + s / 10);
    return V === 2 ? [1 - p, p] : Array.from({ length: V }, (_, t) => (t === V - 1 ? p : (1 - p) / (V - 1)));
  });
  const probs = lens[L];
  return {
    state,
    step,
    tokens,
    token_embeddings: tokens.map((t, i) => Array.from({ length: d }, (_, k) => Math.sin(k + i + Number(t)) * s)),
    position_embeddings: tokens.map((_, i) => Array.from({ length: d }, (_, k) => Math.cos(k * i) * 0.1)),
    attention: Array.from({ length: L }, (_, l) => Array.from({ length: H }, (_, h) => causal(l, h))),
    lens_probs: lens,
    logits: probs.map((p) => Math.log(p)),
    probs,
    decided_at: 0,
  };
}
