// Geometry of the transition-matrix view: rows = states, columns = next tokens. Only the rows
// in view are painted (4,096 rows scroll through one small canvas); hit-testing is arithmetic.

export interface MatrixGeometry {
  rows: number;
  cols: number;
  /** Text size (CSS pixels) of the labels and values. */
  font: number;
  /** Width of the state-label column and height of the token header (CSS pixels). */
  labelW: number;
  headerH: number;
  cellW: number;
  rowH: number;
}

export interface Cell {
  row: number;
  col: number;
}

/** Column widths that fill `width`, within readable bounds (a cell at most `widest` em), for
 *  text of `font` px. */
export function matrixGeometry(rows: number, cols: number, stateChars: number, width: number, font = 12, widest = 7.5): MatrixGeometry {
  const labelW = Math.max(40, Math.ceil(stateChars * 0.62 * font + 16));
  const cellW = Math.max(Math.round(2.3 * font), Math.min(Math.round(widest * font), Math.floor((width - labelW - 2) / Math.max(1, cols))));
  return { rows, cols, font, labelW, headerH: Math.round(font * 2), cellW, rowH: Math.round(font * 1.5) };
}

/** Does a value like "100%" fit in a cell? */
export const valuesFit = (g: MatrixGeometry): boolean => g.cellW >= 4 * 0.62 * g.font + 8;

/** Total scrollable height. */
export const contentHeight = (g: MatrixGeometry): number => g.headerH + g.rows * g.rowH;

/** Rows [first, last) visible with the view scrolled to `scrollTop` and `height` tall. */
export function visibleRows(g: MatrixGeometry, scrollTop: number, height: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / g.rowH));
  const last = Math.min(g.rows, Math.ceil((scrollTop + Math.max(0, height - g.headerH)) / g.rowH) + 1);
  return [first, Math.max(first, last)];
}

/** The cell under a point of the view (CSS pixels from its top-left corner), or null. The
 *  header stays on top while the rows scroll under it. */
export function cellAt(g: MatrixGeometry, x: number, y: number, scrollTop: number): Cell | null {
  if (y < g.headerH || x < g.labelW) return null;
  const col = Math.floor((x - g.labelW) / g.cellW);
  const row = Math.floor((y - g.headerH + scrollTop) / g.rowH);
  if (col < 0 || col >= g.cols || row < 0 || row >= g.rows) return null;
  return { row, col };
}

/** The row under a point of the label column (hovering a state name), or -1. */
export function rowAt(g: MatrixGeometry, y: number, scrollTop: number): number {
  if (y < g.headerH) return -1;
  const row = Math.floor((y - g.headerH + scrollTop) / g.rowH);
  return row >= 0 && row < g.rows ? row : -1;
}

/** Where a cell is drawn (view pixels), for highlighting it. */
export function cellRect(g: MatrixGeometry, c: Cell, scrollTop: number): { x: number; y: number; w: number; h: number } {
  return { x: g.labelW + c.col * g.cellW, y: g.headerH + c.row * g.rowH - scrollTop, w: g.cellW, h: g.rowH };
}

/** scrollTop that brings `row` into view (unchanged when it already is). */
export function scrollToRow(g: MatrixGeometry, row: number, scrollTop: number, height: number): number {
  const top = row * g.rowH;
  const room = height - g.headerH;
  if (top < scrollTop) return top;
  if (top + g.rowH > scrollTop + room) return Math.max(0, top + g.rowH - room);
  return scrollTop;
}
