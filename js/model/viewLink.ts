// View links: the run (its exact run string) plus what is on screen, in one line that is safe as
// a URL's # part. The same format as babygpt_widget/widget/view_link.py (the Python formatter
// writes tests/golden/view_links.json; viewLink.test.ts checks this one writes the same text):
//   babygpt-view1:run=<run string, escaped>;step=20;layout=force;T=0.5;marked=000,101;hide=compare
// Parsing is bounded and checks every value; nothing in a link is executed.
import { CONTROL_NAMES } from "./types";

export const LINK_PREFIX = "babygpt-view1:";
export const LINK_KEYS = ["run", "step", "layout", "T", "marked", "select", "open", "hide", "lesson"] as const;
export type LinkKey = (typeof LINK_KEYS)[number];
const RUN_MAX_LENGTH = 3 * 100_000 + 2_000; // runstring.MAX_LENGTH
export const LINK_MAX_LENGTH = 3 * RUN_MAX_LENGTH + 200_000;
export const MAX_MARKED = 4096;
const MAX_STEPS = 10_000_000;
/** babygpt_widget/lesson/schema.py MAX_PAGES: a lesson has at most 50 pages. */
export const MAX_LESSON_PAGES = 50;
const LAYOUTS = ["circular", "force"];
/** The side panel's sections, top to bottom (traits.SECTIONS); all open at first but This step and Push the chain. */
export const SECTIONS = ["view", "inside", "step", "push", "sample", "analysis", "compare", "settings", "run"] as const;
export const DEFAULT_OPEN: string[] = SECTIONS.filter((s) => s !== "step" && s !== "push");

export interface LinkView {
  run: string;
  /** The training step shown; null = live. */
  step: number | null;
  layout: string;
  temperature: number;
  marked: string[];
  /** Controls not shown, in CONTROL_NAMES order. */
  hide: string[];
  /** The selected state ("" = none). */
  select: string;
  /** The side panel's open sections, in SECTIONS order. */
  open: string[];
  /** The lesson page on the card (0-based, like the lesson_page trait); null = no lesson open. */
  lesson: number | null;
}

export type LinkParse = { ok: true; view: LinkView } | { ok: false; key: LinkKey | "link"; message: string };

const SAFE = /^[A-Za-z0-9\-._~:@/]$/;
const utf8 = new TextEncoder();

/** Every character but A-Z a-z 0-9 - . _ ~ : @ / percent-encoded as UTF-8 (Python's quote). */
export function escapeValue(value: string): string {
  let out = "";
  for (const ch of value) {
    if (SAFE.test(ch)) out += ch;
    else for (const b of utf8.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The shortest decimal that reads back as x, no exponent, no trailing ".0" (0.5, 1, 0.00001). */
export function plainNumber(x: number): string {
  let text = String(x);
  const e = text.indexOf("e");
  if (e >= 0) {
    const mantissa = text.slice(0, e);
    const digits = mantissa.replace(".", "").replace("-", "");
    const point = (mantissa.includes(".") ? mantissa.indexOf(".") : mantissa.length) + Number(text.slice(e + 1));
    if (point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
    else text = digits.padEnd(point, "0").slice(0, point) + (digits.length > point ? `.${digits.slice(point)}` : "");
  }
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return text;
}

/** The link's text (same bytes as view_link.format_link). */
export function formatLink(v: LinkView): string {
  const pairs: [string, string][] = [
    ["run", escapeValue(v.run)],
    ["step", v.step === null ? "live" : String(Math.trunc(v.step))],
    ["layout", v.layout],
    ["T", plainNumber(v.temperature)],
  ];
  if (v.marked.length) pairs.push(["marked", v.marked.map(escapeValue).join(",")]);
  if (v.select) pairs.push(["select", escapeValue(v.select)]);
  const opened = SECTIONS.filter((c) => v.open.includes(c));
  if (opened.join(",") !== DEFAULT_OPEN.join(",")) pairs.push(["open", opened.join(",") || "none"]);
  if (v.hide.length) pairs.push(["hide", CONTROL_NAMES.filter((c) => v.hide.includes(c)).join(",")]);
  if (v.lesson !== null) pairs.push(["lesson", String(Math.trunc(v.lesson))]);
  return LINK_PREFIX + pairs.map(([k, x]) => `${k}=${x}`).join(";");
}

/** The controls a `controls` trait leaves out (the link's `hide`). */
export function hiddenControls(shown: readonly string[]): string[] {
  return CONTROL_NAMES.filter((c) => !shown.includes(c));
}

class LinkError extends Error {
  constructor(readonly key: LinkKey | "link", message: string) {
    super(message);
  }
}

const VALUE = /^(?:[^%;=#\s]|%[0-9A-Fa-f]{2})*$/;
const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

function decode(key: LinkKey, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new LinkError(key, `link: ${key}: its escapes are not UTF-8; got ${quote(value)}`);
  }
}

/** A link (or a URL whose # part is one) read and checked: the view, or the key at fault. */
export function parseLink(input: unknown): LinkParse {
  try {
    return { ok: true, view: readLink(input) };
  } catch (e) {
    if (e instanceof LinkError) return { ok: false, key: e.key, message: e.message };
    throw e;
  }
}

function readLink(input: unknown): LinkView {
  if (typeof input !== "string") throw new LinkError("link", `link: must be a string starting "${LINK_PREFIX}"`);
  if (input.length > LINK_MAX_LENGTH)
    throw new LinkError("link", `link: at most ${LINK_MAX_LENGTH.toLocaleString("en")} characters; got ${input.length.toLocaleString("en")}`);
  let text = input.trim();
  const at = text.indexOf(`#${LINK_PREFIX}`);
  if (at >= 0) text = text.slice(at + 1);
  if (!text.startsWith(LINK_PREFIX)) throw new LinkError("link", `link: must start with "${LINK_PREFIX}"; got ${quote(text)}`);
  const items = text.slice(LINK_PREFIX.length).split(";");
  if (items.length && items[items.length - 1] === "") items.pop();
  const raw = new Map<LinkKey, string>();
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)) as LinkKey;
    if (eq < 0 || !LINK_KEYS.includes(key)) throw new LinkError("link", `link: cannot read ${quote(item)}; keys are ${LINK_KEYS.join(", ")}`);
    if (raw.has(key)) throw new LinkError(key, `link: ${key} is given twice`);
    const value = item.slice(eq + 1);
    if (!VALUE.test(value)) throw new LinkError(key, `link: ${key}: '%' must start an escape like %3B (and no spaces or '#'); got ${quote(value)}`);
    raw.set(key, value);
  }
  if (!raw.has("run")) throw new LinkError("run", "link: run is missing (the run string, escaped)");
  const run = decode("run", raw.get("run")!);
  if (!/^babygpt[12]:/.test(run) || run.length > RUN_MAX_LENGTH)
    throw new LinkError("run", `link: run: must be a run string (babygpt2:…) of at most ${RUN_MAX_LENGTH.toLocaleString("en")} characters`);
  return { run, step: readStep(raw.get("step") ?? "live"), layout: readLayout(raw.get("layout") ?? "circular"), temperature: readT(raw.get("T") ?? "1"), marked: readMarked(raw.get("marked") ?? ""), hide: readHide(raw.get("hide") ?? ""), select: readSelect(raw.get("select") ?? ""), open: readOpen(raw.get("open")), lesson: readLesson(raw.get("lesson")) };
}

function readStep(value: string): number | null {
  if (value === "live") return null;
  if (!/^[0-9]{1,8}$/.test(value) || Number(value) > MAX_STEPS)
    throw new LinkError("step", `link: step must be live or a training step from 0 to ${MAX_STEPS.toLocaleString("en")} (ASCII digits); got ${quote(value)}`);
  return Number(value);
}

function readLayout(value: string): string {
  if (!LAYOUTS.includes(value)) throw new LinkError("layout", `link: layout must be one of ${LAYOUTS.join(", ")}; got ${quote(value)}`);
  return value;
}

function readT(value: string): number {
  if (!/^[0-9]{1,3}(?:\.[0-9]{1,400})?$/.test(value) || Number(value) > 2)
    throw new LinkError("T", `link: T (temperature) must be a number from 0 to 2 like 0.5; got ${quote(value)}`);
  return Number(value);
}

function readMarked(value: string): string[] {
  if (value === "") return [];
  const parts = value.split(",");
  if (parts.length > MAX_MARKED) throw new LinkError("marked", `link: marked: at most ${MAX_MARKED.toLocaleString("en")} states; got ${parts.length.toLocaleString("en")}`);
  const states = parts.map((p) => decode("marked", p));
  if (states.some((s) => s === "")) throw new LinkError("marked", "link: marked: an empty state (states are separated by single commas)");
  if (new Set(states).size < states.length) throw new LinkError("marked", "link: marked: a state is given twice");
  return states;
}

function readHide(value: string): string[] {
  if (value === "") return [];
  const names = value.split(",");
  const unknown = names.find((n) => !(CONTROL_NAMES as readonly string[]).includes(n));
  if (unknown !== undefined) throw new LinkError("hide", `link: hide: unknown control ${quote(unknown)}; controls are ${CONTROL_NAMES.join(", ")}`);
  if (new Set(names).size < names.length) throw new LinkError("hide", "link: hide: a control is given twice");
  return CONTROL_NAMES.filter((c) => names.includes(c));
}

function readSelect(value: string): string {
  const state = decode("select", value);
  if ([...state].length > 64) throw new LinkError("select", `link: select: a state of at most 64 characters; got ${[...state].length.toLocaleString("en")}`);
  return state;
}

function readOpen(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_OPEN];
  if (value === "none") return [];
  const names = value.split(",");
  const unknown = names.find((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown !== undefined) throw new LinkError("open", `link: open: unknown section ${quote(unknown)}; sections are ${SECTIONS.join(", ")} (or none)`);
  if (new Set(names).size < names.length) throw new LinkError("open", "link: open: a section is given twice");
  return SECTIONS.filter((c) => names.includes(c));
}

function readLesson(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^(?:0|[1-9][0-9]?)$/.test(value) || Number(value) >= MAX_LESSON_PAGES)
    throw new LinkError("lesson", `link: lesson: must be a lesson page from 0 to ${MAX_LESSON_PAGES - 1} (0-based, ASCII digits, no leading zeros); got ${quote(value)}`);
  return Number(value);
}
