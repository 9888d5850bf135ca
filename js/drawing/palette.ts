// One colour per token (edges, node bars, legend). The colours live in CSS variables
// (--bg-tok-0 …) so light and dark themes each get readable shades; here only the classes.

/** Distinct token colours before they repeat (V > PALETTE_SIZE reuses them, in order). */
export const PALETTE_SIZE = 8;

export const tokenSlot = (tokenIndex: number): number => ((tokenIndex % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE;

/** Dash pattern per colour slot (drawing units at the base node size): tokens 3..8 differ by
 *  dash as well as colour; the two-token pair stays solid. widget.css has the same patterns
 *  for SVG edges (palette.test.ts checks they agree); the canvas draws these. */
export const TOKEN_DASHES: readonly (readonly number[] | null)[] = [
  null,
  null,
  [9, 3],
  [2, 3],
  [9, 3, 2, 3],
  [5, 5],
  [1, 2],
  [12, 2, 2, 2, 2, 2],
];

/** Class that gives an element its token's colour (stroke for paths, fill for shapes). */
export const tokenClass = (tokenIndex: number): string => `bg-tok-${tokenSlot(tokenIndex)}`;
