// Text metrics the label placement works with (monospace labels), in ems.

/** Monospace advance and line box. */
export const CHAR_EM = 0.6;
export const LINE_EM = 1.2;
/** Least gap between two labels' text boxes: a quarter em keeps `301` and `011` two names, not
 *  one `301011`. */
export const LABEL_GAP_EM = 0.25;
