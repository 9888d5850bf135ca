// Token colours stay distinguishable for colour-blind viewers: each theme's palette (the
// --bg-tok-N variables in widget.css) is passed through culori's Machado et al. (2009) simulation
// of deuteranopia and protanopia (severity 1) and compared with CIEDE2000. ΔE2000 ≥ 10 counts as
// "tells apart at a glance" for thin strokes and small labels (2.3 is the just-noticeable
// difference of large flat patches side by side).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { differenceCiede2000, filterDeficiencyDeuter, filterDeficiencyProt, parse, wcagContrast } from "culori";
import { describe, expect, it } from "vitest";
import { PALETTE_SIZE, TOKEN_DASHES, tokenSlot } from "./palette";

const MIN_DELTA_E = 10;
const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "widget.css"), "utf8");

/** The --bg-tok-N colours declared in the first CSS block whose selector ends with `selector`. */
function paletteOf(selector: string): string[] {
  const at = css.indexOf(`${selector} {\n  --bg-tok-0`);
  if (at < 0) throw new Error(`no palette block for ${selector}`);
  const block = css.slice(at, css.indexOf("}", at));
  return Array.from({ length: PALETTE_SIZE }, (_, i) => {
    const m = new RegExp(`--bg-tok-${i}:\\s*(#[0-9a-fA-F]{6})`).exec(block);
    if (!m) throw new Error(`--bg-tok-${i} missing for ${selector}`);
    return m[1];
  });
}

const THEMES = { light: paletteOf("\n.babygpt-widget"), dark: paletteOf('body[data-jp-theme-light="false"] .babygpt-widget') };
const VISION = { deuteranopia: filterDeficiencyDeuter(1), protanopia: filterDeficiencyProt(1) };
const deltaE = differenceCiede2000();

interface Pair {
  theme: string;
  vision: string;
  a: string;
  b: string;
  slots: [number, number];
  dE: number;
}

/** Every pair of the first `V` token colours, as each CVD sees them, with their ΔE2000. */
function pairs(V: number): Pair[] {
  const out: Pair[] = [];
  for (const [theme, colours] of Object.entries(THEMES)) {
    for (const [vision, simulate] of Object.entries(VISION)) {
      const seen = Array.from({ length: V }, (_, t) => simulate(parse(colours[tokenSlot(t)])!));
      for (let i = 0; i < V; i++) {
        for (let j = i + 1; j < V; j++) {
          out.push({ theme, vision, a: colours[i], b: colours[j], slots: [i, j], dE: deltaE(seen[i], seen[j]) });
        }
      }
    }
  }
  return out;
}

const tooClose = (ps: Pair[]): string[] =>
  ps
    .filter((p) => p.dE < MIN_DELTA_E)
    .map((p) => `${p.theme} ${p.vision}: tok-${p.slots[0]} ${p.a} vs tok-${p.slots[1]} ${p.b} ΔE ${p.dE.toFixed(1)}`);

describe("token palette under colour-vision deficiency (Machado 2009, CIEDE2000)", () => {
  it("reads a full palette for the light and the dark theme", () => {
    for (const colours of Object.values(THEMES)) {
      expect(colours).toHaveLength(PALETTE_SIZE);
      expect(new Set(colours).size).toBe(PALETTE_SIZE);
    }
  });

  it("the simulation changes colours (a brown-green pair collapses), so the check can fail", () => {
    const brown = parse("#b35900")!;
    const green = parse("#4d8000")!;
    expect(deltaE(brown, green)).toBeGreaterThan(40);
    expect(deltaE(VISION.deuteranopia(brown), VISION.deuteranopia(green))).toBeLessThan(MIN_DELTA_E);
    expect(deltaE(VISION.protanopia(brown), VISION.protanopia(green))).toBeLessThan(MIN_DELTA_E);
  });

  it("two-token palette (V = 2): tokens 0 and 1 stay distinguishable", () => {
    const ps = pairs(2);
    expect(ps).toHaveLength(4); // 2 themes x 2 deficiencies x 1 pair
    expect(tooClose(ps)).toEqual([]);
  });

  it("V > 2 palette: every pair of the first V colours (V = 3..8) stays distinguishable", () => {
    expect(tooClose(pairs(PALETTE_SIZE))).toEqual([]);
  });

  it("every token colour keeps 3:1 contrast on its theme's background (thin edges stay visible)", () => {
    const background = { light: "#ffffff", dark: "#111111" };
    for (const [theme, colours] of Object.entries(THEMES) as [keyof typeof background, string[]][]) {
      const faint = colours.filter((c) => wcagContrast(c, background[theme]) < 3);
      expect(faint, theme).toEqual([]);
    }
  });
});

describe("tokens differ by more than colour", () => {
  const dashOf = (k: number): string | null => {
    const m = new RegExp(`\\.bg-edge-path\\.bg-tok-${k} \\{ stroke-dasharray: ([^;]+);`).exec(css);
    return m ? m[1].trim() : null;
  };

  it("edges of tokens 3..8 each have their own dash pattern; the two-token pair stays solid", () => {
    expect(dashOf(0)).toBeNull();
    expect(dashOf(1)).toBeNull();
    const dashes = Array.from({ length: PALETTE_SIZE - 2 }, (_, i) => dashOf(i + 2));
    expect(dashes.every((d) => d !== null && d !== "none")).toBe(true);
    expect(new Set(dashes).size).toBe(dashes.length);
  });

  it("the canvas (big chains) dashes with the same patterns as the SVG edges", () => {
    for (let k = 0; k < PALETTE_SIZE; k++) expect(TOKEN_DASHES[k]?.join(" ") ?? null).toBe(dashOf(k));
  });
});
