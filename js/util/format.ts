// Number -> text for labels, readouts and tooltips.

/**
 * Whole percent for edge labels. Never says "0%" or "100%" for a probability that is
 * not exactly 0 or 1: a teaching view must not claim certainty the model lacks.
 */
export function percent(p: number): string {
  if (!Number.isFinite(p)) return "?";
  const r = Math.round(p * 100);
  if (r <= 0 && p > 0) return "<1%";
  if (r >= 100 && p < 1) return ">99%";
  return `${r}%`;
}

/** The seed's edge label: token, then probability, e.g. `1(79%)`. */
export function edgeLabel(token: string, p: number): string {
  return `${token}(${percent(p)})`;
}

/** One decimal, for tooltips where 79.6% vs 79.4% matters. */
export function percent1(p: number): string {
  return Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : "?";
}

/** Loss readout; NaN/null (unknown) shows a dash. */
export function formatLoss(loss: number | null | undefined): string {
  return typeof loss === "number" && Number.isFinite(loss) ? loss.toFixed(4) : "–";
}

export function formatStep(step: number | null | undefined): string {
  return typeof step === "number" && Number.isFinite(step) ? String(step) : "–";
}
