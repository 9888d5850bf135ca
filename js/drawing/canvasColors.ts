// The canvas drawings' colours: the widget's CSS variables, read once in a while (a canvas
// cannot use var()), with the light theme's values as the fallback.

export interface CanvasColors {
  tokens: string[];
  node: string;
  accent: string;
  fg: string;
  fg2: string;
  bg: string;
  naughty: string;
  naughtySoft: string;
  shade: string;
  mono: string;
}

/** The light theme's colours (widget.css), for when CSS variables cannot be read. */
export const DEFAULT_COLORS: CanvasColors = {
  tokens: ["#1c6fd1", "#e8590c", "#2b8a3e", "#9c36b5", "#0c8599", "#a0522d", "#d6336c", "#5c940d"],
  node: "#e8f1fb",
  accent: "#1a73c8",
  fg: "#1f2328",
  fg2: "#57606a",
  bg: "#ffffff",
  naughty: "#e03131",
  naughtySoft: "rgba(224, 49, 49, 0.16)",
  shade: "#1a73c8",
  mono: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
};

/** The theme's colours from the widget's CSS variables (the canvas cannot use var()). */
export function readColors(el: Element): CanvasColors {
  if (typeof getComputedStyle !== "function") return DEFAULT_COLORS;
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    tokens: DEFAULT_COLORS.tokens.map((c, k) => v(`--bg-tok-${k}`, c)),
    node: v("--bg-node", DEFAULT_COLORS.node),
    accent: v("--bg-accent", DEFAULT_COLORS.accent),
    fg: v("--bg-fg", DEFAULT_COLORS.fg),
    fg2: v("--bg-fg2", DEFAULT_COLORS.fg2),
    bg: v("--bg-bg", DEFAULT_COLORS.bg),
    naughty: v("--bg-naughty", DEFAULT_COLORS.naughty),
    naughtySoft: v("--bg-naughty-soft", DEFAULT_COLORS.naughtySoft),
    shade: v("--bg-shade", DEFAULT_COLORS.shade),
    mono: v("--bg-mono", DEFAULT_COLORS.mono),
  };
}
