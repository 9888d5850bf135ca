// Python's text for the values a page sends, so the page's messages are Python's to the letter:
// what json.loads makes of a value (the front end sends JSON), repr / str of it, core/checks.py's
// `echo` and the widget's `clip` (300 characters).

/** A value as Python holds it after json.loads of what the page sends. */
export type PyValue =
  | { kind: "int"; value: bigint }
  | { kind: "float"; value: number }
  | { kind: "str"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "none" }
  | { kind: "other"; repr: string; type: string };

/** JSON.stringify writes integers below 1e21 as digits (Python: int, that exact decimal), the rest
 *  with a point or an exponent (Python: float). */
export function pyValue(v: unknown): PyValue {
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return { kind: "int", value: BigInt(JSON.stringify(v)) };
    return { kind: "float", value: v };
  }
  if (typeof v === "bigint") return { kind: "int", value: v };
  if (typeof v === "string") return { kind: "str", value: v };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (v === null || v === undefined) return { kind: "none" };
  if (Array.isArray(v)) return { kind: "other", repr: `[${v.map((x) => pyRepr(pyValue(x))).join(", ")}]`, type: "list" };
  const entries = Object.entries(v as Record<string, unknown>);
  return { kind: "other", repr: `{${entries.map(([k, x]) => `${strRepr(k)}: ${pyRepr(pyValue(x))}`).join(", ")}}`, type: "dict" };
}

/** Python's repr(float) (= str(float)): shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, e] = x.toExponential().split("e");
  const exp = Number(e);
  const sign = mant.startsWith("-") ? "-" : "";
  const digits = mant.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function printable(ch: string): boolean {
  return ch === " " || !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u.test(ch);
}

/** Python's repr(str). */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (printable(ch)) out += ch;
    else if (c < 0x100) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += `\\U${c.toString(16).padStart(8, "0")}`;
  }
  return out + quote;
}

export function pyRepr(v: PyValue): string {
  switch (v.kind) {
    case "int":
      return v.value.toString();
    case "float":
      return floatRepr(v.value);
    case "str":
      return strRepr(v.value);
    case "bool":
      return v.value ? "True" : "False";
    case "none":
      return "None";
    default:
      return v.repr;
  }
}

export function pyTypeName(v: PyValue): string {
  return v.kind === "none" ? "NoneType" : v.kind === "other" ? v.type : v.kind;
}

/** Python's len() of a str: code points. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's "{:,}" of an integer. */
export function commas(n: number | bigint): string {
  return BigInt(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const ECHO_CHARS = 120;

/** core/checks.py's echo: a short quote of a value for an error message. */
export function echo(v: PyValue): string {
  if (v.kind === "str" && pyLen(v.value) > ECHO_CHARS) {
    const head = Array.from(v.value).slice(0, ECHO_CHARS - 20).join("");
    return `${strRepr(head)}… (${commas(pyLen(v.value))} characters)`;
  }
  const text = pyRepr(v);
  if (pyLen(text) > ECHO_CHARS) return `${Array.from(text).slice(0, ECHO_CHARS - 1).join("")}… (a ${pyTypeName(v)})`;
  return text;
}

const MAX_MESSAGE = 300;

/** field_checks.clip: messages shown inline are at most 300 characters. */
export function clip(message: string): string {
  const chars = Array.from(message);
  return chars.length <= MAX_MESSAGE ? message : chars.slice(0, MAX_MESSAGE - 1).join("") + "…";
}
