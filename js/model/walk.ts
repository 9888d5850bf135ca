// The states a walk passes through: start, then each sampled token shifted in.
import { nextState } from "./chain";

export function walkStates(start: string, tokens: string[], contextLength: number): string[] {
  const out = [start];
  let s = start;
  for (const t of tokens) {
    s = nextState(s, t, contextLength);
    out.push(s);
  }
  return out;
}
