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
  /** Lines under the drawing: what it shows (step, loss, settings). */
  caption?: string[];
  /** Key under the caption: token colours and what the marks mean. */
  legend?: { tokens: { text: string; colour: string }[]; notes: string[]; fg: string; fg2: string };
}

/** What the export's caption says besides the step. */
export interface ExportInfo {
  loss?: number;
  /** e.g. "alphabet 01 · context 3 · 2 layers × 2 heads × 16". */
  settings?: string;
  theme?: "page" | "light";
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
  // Transient marks are not part of the picture (the walk, hover, search and matrix link).
  for (const e of clone.querySelectorAll(".bg-walk-ring, .bg-hover-ring, .bg-found-ring, .bg-found-label, .bg-overlay > *")) e.remove();
  for (const e of clone.querySelectorAll(".bg-edge-hit")) e.remove(); // invisible hover targets
  // XMLSerializer declares the SVG namespace itself (setting "xmlns" by hand can duplicate it).
  clone.removeAttribute("class");
  const extra = addCaption(clone, opts);
  const [, , w, h] = (clone.getAttribute("viewBox") ?? "0 0 600 600").split(/[\s,]+/).map(Number);
  clone.setAttribute("width", String(Math.round(w || 600)));
  clone.setAttribute("height", String(Math.round(h || 600)));
  void extra;
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

/** Caption and legend under the drawing: the viewBox grows downwards to hold them. */
function addCaption(clone: SVGSVGElement, opts: ExportOptions): number {
  const lines = opts.caption ?? [];
  const legend = opts.legend;
  if (!lines.length && !legend) return 0;
  const [x, y, w, h] = (clone.getAttribute("viewBox") ?? "0 0 600 600").split(/[\s,]+/).map(Number);
  const font = Math.max(12, w / 42);
  const g = document.createElementNS(SVGNS, "g");
  g.setAttribute("class", "bg-export-caption");
  g.setAttribute("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
  let at = y + h + font * 0.6;
  const text = (s: string, tx: number, colour: string, size = font, anchor = "start"): SVGTextElement => {
    const t = document.createElementNS(SVGNS, "text");
    t.setAttribute("x", String(Math.round(tx * 10) / 10));
    t.setAttribute("y", String(Math.round(at * 10) / 10));
    t.setAttribute("font-size", String(Math.round(size * 10) / 10));
    t.setAttribute("fill", colour);
    t.setAttribute("text-anchor", anchor);
    t.textContent = s;
    g.appendChild(t);
    return t;
  };
  const fg = legend?.fg ?? "#1f2328";
  const fg2 = legend?.fg2 ?? "#57606a";
  for (const line of lines) {
    at += font * 1.35;
    text(line, x + font, fg);
  }
  if (legend) {
    at += font * 1.5;
    let tx = x + font;
    text("tokens", tx, fg2, font * 0.9);
    tx += font * 4;
    for (const t of legend.tokens) {
      const sw = document.createElementNS(SVGNS, "rect");
      for (const [k, v] of Object.entries({ x: tx, y: at - font * 0.75, width: font * 1.6, height: font * 0.8, rx: font * 0.2 }))
        sw.setAttribute(k, String(Math.round(v * 10) / 10));
      sw.setAttribute("fill", t.colour);
      g.appendChild(sw);
      text(t.text, tx + font * 2, fg, font, "start").setAttribute("font-family", "DejaVu Sans Mono, monospace");
      tx += font * (3 + t.text.length * 0.7);
    }
    for (const note of legend.notes) {
      at += font * 1.3;
      text(note, x + font, fg2, font * 0.9);
    }
  }
  const grow = at + font * 0.8 - (y + h);
  clone.setAttribute("viewBox", `${x} ${y} ${w} ${Math.round((h + grow) * 10) / 10}`);
  clone.appendChild(g);
  return grow;
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

/** The caption's lines for a step, loss, temperature and settings. */
export function captionLines(step: number, temperature: number, info: ExportInfo): string[] {
  const loss = info.loss !== undefined && Number.isFinite(info.loss) ? ` · loss ${info.loss.toFixed(3)}` : "";
  const first = `babyGPT as a Markov chain · step ${formatStep(step)}${loss} · temperature ${temperature}`;
  return info.settings ? [first, info.settings] : [first];
}

/** The key of the drawing as the page shows it: token swatches and the marks in use. */
function legendOf(root: HTMLElement): ExportOptions["legend"] {
  const cs = getComputedStyle(root);
  const tokens = [...root.querySelectorAll<HTMLElement>(".bg-legend-token")].map((e) => ({
    text: e.dataset.token ?? e.textContent ?? "",
    colour: getComputedStyle(e).getPropertyValue("--bg-swatch").trim() || cs.color,
  }));
  const notes = ["edge t(p%): next token t with probability p; thicker = likelier"];
  if (root.querySelector(".bg-graph .bg-node.bg-unseen")) notes.push("dashed ring: state not in the data (the model's own guess)");
  if (root.querySelector(".bg-graph .bg-node.bg-naughty")) notes.push("red ring: marked (naughty) state");
  return { tokens, notes, fg: cs.getPropertyValue("--bg-fg").trim() || "#1f2328", fg2: cs.getPropertyValue("--bg-fg2").trim() || "#57606a" };
}

/** The Export buttons: the chain as drawn (theme colours baked in, or the light theme),
 *  with a caption (step, loss, settings) and a legend, named after step and T. */
export function exportChain(svg: SVGSVGElement, root: HTMLElement, step: number, temperature: number, kind: "svg" | "png", info: ExportInfo = {}): void {
  const light = info.theme === "light";
  if (light) root.classList.add("bg-export-light");
  let text: string;
  try {
    text = serializeSvg(svg, {
      background: light ? "#ffffff" : getComputedStyle(root).backgroundColor || "#ffffff",
      title: `babyGPT as a Markov chain, step ${formatStep(step)}`,
      caption: captionLines(step, temperature, info),
      legend: legendOf(root),
    });
  } finally {
    if (light) root.classList.remove("bg-export-light");
  }
  const name = exportName(step, temperature);
  if (kind === "svg") download(new Blob([text], { type: "image/svg+xml" }), `${name}.svg`, root);
  else
    void svgToPng(text)
      .then((png) => download(png, `${name}.png`, root))
      .catch((e: unknown) => console.warn("babygpt-widget: PNG export failed", e));
}
