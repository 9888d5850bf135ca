// The data a saved page carries (babygpt_widget/page_data.py writes it) turned back into trait
// values exactly as anywidget hands them to the front end: JSON values as they are, bytes traits
// as DataView. 16-bit probability fractions ("u16p") become float32 again; list leaves inside a
// dict trait (a seed ensemble's bands) become nested number lists, as JSON would give them.

export const PAGE_FORMAT = "babygpt-saved-page";
export const PAGE_VERSION = 1;

export interface BinaryLeaf {
  /** [trait] for a bytes trait; [trait, key] for a number list inside a dict trait. */
  path: string[];
  enc: "raw" | "u16p" | "f32";
  data: string;
  shape?: number[];
}

/** What the page says about itself (written by Python; shown in the page's note). */
export interface PageInfo {
  recorded: number;
  kept: number;
  first_step: number;
  last_step: number;
  quantised: boolean;
  left_out: string[];
  saved_by: string;
}

/** What the page's local engine needs to continue the run (babygpt_widget/render/page_engine.py):
 *  the state blob of js/engine/state_io.ts, or why this run cannot train in the page. */
export interface PageEngine {
  state: Uint8Array | null;
  why: string | null;
}

export interface SavedPage {
  traits: Record<string, unknown>;
  page: PageInfo;
  /** Absent in pages saved before issue 21. */
  engine: PageEngine | null;
}

export class PageDataError extends Error {}

export function base64Bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** 16-bit fractions of 65,535 (little-endian) as float32 probabilities. */
export function fromFractions(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint16(i * 2, true) / 65535;
  return out;
}

function float32s(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** A flat array as nested lists of `shape` (row-major), like JSON's nested arrays. */
export function nest(flat: ArrayLike<number>, shape: number[]): unknown {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== flat.length) throw new PageDataError(`a list of shape [${shape}] needs ${size} numbers, got ${flat.length}`);
  const build = (dim: number, offset: number): unknown => {
    const n = shape[dim];
    if (dim === shape.length - 1) return Array.from({ length: n }, (_, i) => flat[offset + i]);
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return shape.length === 0 ? Array.from(flat) : build(0, 0);
}

function leafValue(leaf: BinaryLeaf): unknown {
  const bytes = base64Bytes(leaf.data);
  if (leaf.path.length === 1) {
    const data = leaf.enc === "u16p" ? new Uint8Array(fromFractions(bytes).buffer) : bytes;
    return new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  const numbers = leaf.enc === "u16p" ? fromFractions(bytes) : float32s(bytes);
  return nest(numbers, leaf.shape ?? [numbers.length]);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The traits and page info of a saved page's data (throws PageDataError when it is not one). */
export function decodePage(raw: unknown): SavedPage {
  if (!isRecord(raw) || raw.format !== PAGE_FORMAT) throw new PageDataError("this is not a babyGPT saved page's data");
  if (raw.version !== PAGE_VERSION)
    throw new PageDataError(`saved with page format ${String(raw.version)}; this page reads format ${PAGE_VERSION}`);
  if (!isRecord(raw.traits) || !Array.isArray(raw.binary) || !isRecord(raw.page)) throw new PageDataError("the page's data is incomplete");
  const traits: Record<string, unknown> = { ...raw.traits };
  for (const leaf of raw.binary as BinaryLeaf[]) {
    const [name, key] = leaf.path;
    const value = leafValue(leaf);
    if (key === undefined) traits[name] = value;
    else traits[name] = { ...(isRecord(traits[name]) ? traits[name] : {}), [key]: value };
  }
  const e = raw.engine;
  const engine = isRecord(e)
    ? { state: typeof e.state === "string" ? base64Bytes(e.state) : null, why: typeof e.why === "string" ? e.why : null }
    : null;
  return { traits, page: raw.page as unknown as PageInfo, engine };
}
