// One-click export of the chain as drawn: a standalone SVG (computed styles inlined, so it
// needs neither this page's CSS nor its theme) or a PNG drawn from that SVG on a canvas.

import { formatStep } from "../util/format";

const SVGNS = "http://www.w3.org/2000/svg";

/** The presentation properties that make the drawing look the same outside the page. */
export const INLINE_PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-opacity",
  "stroke-dasharray",
  "stroke-linecap",
  "stroke-linejoin",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "dominant-baseline",
  "paint-order",
] as const;

export interface ExportOptions {
  /** Background colour painted behind the drawing ("" for transparent). */
  background: string;
  title: string;
}

function hidden(e: Element, cs: CSSStyleDeclaration): boolean {
  return cs.display === "none" || (e instanceof SVGElement && e.style.display === "none");
}

/** A standalone SVG document of `svg` as currently drawn. */
export function serializeSvg(svg: SVGSVGElement, opts: ExportOptions): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll("*")];
  const dst = [clone, ...clone.querySelectorAll("*")];
  const drop: Element[] = [];
  src.forEach((e, i) => {
    const copy = dst[i];
    if (!copy) return;
    const cs = getComputedStyle(e);
    if (e !== svg && hidden(e, cs) && !(e.closest("defs"))) {
      drop.push(copy);
      return;
    }
    const style: string[] = [];
    for (const p of INLINE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) style.push(`${p}:${v}`);
    }
    if (style.length) copy.setAttribute("style", style.join(";"));
  });
  for (const d of drop) d.remove();
  for (const e of clone.querySelectorAll(".bg-edge-hit")) e.remove(); // invisible hover targets
  // XMLSerializer declares the SVG namespace itself (setting "xmlns" by hand can duplicate it).
  clone.removeAttribute("class");
  const [, , w, h] = (clone.getAttribute("viewBox") ?? "0 0 600 600").split(/[\s,]+/).map(Number);
  clone.setAttribute("width", String(Math.round(w || 600)));
  clone.setAttribute("height", String(Math.round(h || 600)));
  const title = document.createElementNS(SVGNS, "title");
  title.textContent = opts.title;
  clone.insertBefore(title, clone.firstChild);
  if (opts.background) {
    const vb = (clone.getAttribute("viewBox") ?? "0 0 600 600").split(/[\s,]+/).map(Number);
    const bg = document.createElementNS(SVGNS, "rect");
    bg.setAttribute("x", String(vb[0]));
    bg.setAttribute("y", String(vb[1]));
    bg.setAttribute("width", String(vb[2]));
    bg.setAttribute("height", String(vb[3]));
    bg.setAttribute("fill", opts.background);
    title.after(bg);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** Save a blob as a file through a Blob-URL anchor with a `download` attribute. */
export function download(blob: Blob, filename: string, host: HTMLElement): HTMLAnchorElement {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.className = "bg-download";
  a.hidden = true;
  host.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    a.remove();
  }, 30_000);
  return a;
}

/** Render SVG text to a PNG blob, `scale` pixels per drawing unit. */
export function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
    const w = Math.round(Number(doc.getAttribute("width")) * scale) || 1200;
    const h = Math.round(Number(doc.getAttribute("height")) * scale) || 1200;
    const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext("2d");
      if (!ctx) {
        URL.revokeObjectURL(url);
        reject(new Error("no 2D canvas"));
        return;
      }
      ctx.drawImage(img, 0, 0, w, h);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png");
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("the SVG could not be drawn"));
    };
    img.src = url;
  });
}

/** File name stem for the shown chain, e.g. "babygpt-chain-step-49-T1". */
export function exportName(step: number, temperature: number): string {
  const t = Number.isFinite(temperature) && temperature !== 1 ? `-T${temperature}` : "";
  return `babygpt-chain-step-${Number.isFinite(step) ? step : "live"}${t}`;
}

/** The Export buttons: the chain as drawn (theme colours baked in), named after step and T. */
export function exportChain(svg: SVGSVGElement, root: HTMLElement, step: number, temperature: number, kind: "svg" | "png"): void {
  const text = serializeSvg(svg, {
    background: getComputedStyle(root).backgroundColor || "#ffffff",
    title: `babyGPT as a Markov chain, step ${formatStep(step)}`,
  });
  const name = exportName(step, temperature);
  if (kind === "svg") download(new Blob([text], { type: "image/svg+xml" }), `${name}.svg`, root);
  else
    void svgToPng(text)
      .then((png) => download(png, `${name}.png`, root))
      .catch((e: unknown) => console.warn("babygpt-widget: PNG export failed", e));
}
