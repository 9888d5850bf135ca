// Inline SVG icons: Debian's fonts lack glyphs like ⏸ (U+23F8), so no icon depends on a font.
const SVG = "http://www.w3.org/2000/svg";

/** Icon paths in a 16×16 box, filled with currentColor. */
const PATHS = {
  play: "M4 2.5v11l9.5-5.5z",
  pause: "M3.5 2.5h3.2v11H3.5zM9.3 2.5h3.2v11H9.3z",
  stop: "M3 3h10v10H3z",
  step: "M3 2.5v11l7-5.5zM11 2.5h2.2v11H11z",
  reset: "M8 2.2a5.8 5.8 0 1 0 5.6 7.3h-2a3.9 3.9 0 1 1-1-4.1L8.3 7.6H14V1.9l-2.1 2.1A5.8 5.8 0 0 0 8 2.2z",
  undo: "M6.2 3.2 1.8 7.2l4.4 4V8.6h3.3a2.7 2.7 0 0 1 0 5.4H8v1.8h1.5a4.5 4.5 0 0 0 0-9H6.2z",
  fullscreen: "M2 2h5v1.8H3.8V7H2zM9 2h5v5h-1.8V3.8H9zM2 9h1.8v3.2H7V14H2zM12.2 9H14v5H9v-1.8h3.2z",
  exitFullscreen: "M5.2 2H7v5H2V5.2h3.2zM9 2h1.8v3.2H14V7H9zM2 9h5v5H5.2v-3.2H2zM9 9h5v1.8h-3.2V14H9z",
  present: "M1.5 2h13v1.6h-1v6.9H9l2.2 3.5H9.4L8 11.8l-1.4 2.2H4.8L7 10.5H2.5V3.6h-1zm2.6 1.6v5.3h7.8V3.6z",
  chevron: "M5 3.5 9.5 8 5 12.5 6.3 13.8 12 8 6.3 2.2z",
  copy: "M5 1.5h7.5A1.5 1.5 0 0 1 14 3v8.5h-1.8V3.3H5zM2 5a1.5 1.5 0 0 1 1.5-1.5h6A1.5 1.5 0 0 1 11 5v8.5A1.5 1.5 0 0 1 9.5 15h-6A1.5 1.5 0 0 1 2 13.5zm1.8.3v7.9h5.4V5.3z",
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", `bg-icon bg-icon-${name}`);
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", PATHS[name]);
  svg.appendChild(path);
  return svg;
}

/** Set a button's content to an icon and a text label (the label is what tests and readers see). */
export function setIconLabel(b: HTMLElement, name: IconName, label: string): void {
  const current = b.querySelector("svg.bg-icon");
  const text = b.querySelector(".bg-btn-text");
  if (current?.classList.contains(`bg-icon-${name}`) && text?.textContent === label) return;
  const span = document.createElement("span");
  span.className = "bg-btn-text";
  span.textContent = label;
  b.replaceChildren(icon(name), span);
}
