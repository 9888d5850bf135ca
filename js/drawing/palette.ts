// One colour per token (edges, node bars, legend). The colours live in CSS variables
// (--bg-tok-0 …) so light and dark themes each get readable shades; here only the classes.

/** Distinct token colours before they repeat (V > PALETTE_SIZE reuses them, in order). */
export const PALETTE_SIZE = 8;

export const tokenSlot = (tokenIndex: number): number => ((tokenIndex % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE;

/** Class that gives an element its token's colour (stroke for paths, fill for shapes). */
export const tokenClass = (tokenIndex: number): string => `bg-tok-${tokenSlot(tokenIndex)}`;
