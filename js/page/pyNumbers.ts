// Python's and numpy's arithmetic where a page must give their digits exactly: round(x, n) and
// format(x, ".nf" / ".ng" / ".n%") round the exact binary value half to even (JS's toFixed rounds
// ties up), math.fsum is exactly rounded, numpy's float64 sum is pairwise.

/** |x|'s exact decimal digits (integer part, 100 fraction digits): enough to see every tie. */
function exactDigits(abs: number): { int: string; frac: string } {
  if (abs >= 1e21) return { int: BigInt(abs).toString(), frac: "0".repeat(100) }; // an integer; toFixed goes exponential
  const [int, frac] = abs.toFixed(100).split(".");
  return { int, frac };
}

/** Digits `digits` (a decimal integer string) rounded half to even given what follows (`rest`). */
function roundedUp(digits: string, rest: string): boolean {
  if (rest[0] > "5") return true;
  if (rest[0] < "5") return false;
  if (/[1-9]/.test(rest.slice(1))) return true;
  return Number(digits[digits.length - 1]) % 2 === 1; // an exact tie: to even
}

/** format(|x|, f".{d}f") without the sign. */
function fixedAbs(abs: number, d: number): string {
  const { int, frac } = exactDigits(abs);
  const digits = int + frac.slice(0, d);
  let n = BigInt(digits);
  if (roundedUp(digits, frac.slice(d))) n += 1n;
  const text = n.toString().padStart(d + 1, "0");
  return d === 0 ? text : `${text.slice(0, -d)}.${text.slice(-d)}`;
}

const negative = (x: number): boolean => x < 0 || Object.is(x, -0);

/** Python's format(x, f".{d}f"). */
export function pyFixed(x: number, d: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return (negative(x) ? "-" : "") + fixedAbs(Math.abs(x), d);
}

/** Python's format(x, f".{d}%") (x * 100 in double, then fixed); `plus`: the "+" flag. */
export function pyPercent(x: number, d: number, plus = false): string {
  const text = `${pyFixed(x * 100, d)}%`;
  return plus && !text.startsWith("-") ? `+${text}` : text;
}

/** Python's round(x, n) of a float (n >= 0). */
export function pyRound(x: number, n: number): number {
  if (!Number.isFinite(x)) return x;
  const v = Number(pyFixed(x, n));
  return negative(x) && v === 0 ? -0 : v;
}

/** Python's format(x, f".{p}g"). */
export function pyG(x: number, p: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = negative(x) ? "-" : "";
  const abs = Math.abs(x);
  if (abs === 0) return `${sign}0`;
  let mant: string; // p significant digits, rounded half to even
  let exp: number;
  if (abs >= 1e-80) {
    const { int, frac } = exactDigits(abs);
    const all = (int === "0" ? "" : int) + frac;
    const lead = all.search(/[1-9]/);
    exp = int === "0" ? -(lead + 1) : int.length - 1;
    const digits = all.slice(lead, lead + p).padEnd(p, "0");
    let n = BigInt(digits);
    if (roundedUp(digits, all.slice(lead + p).padEnd(1, "0"))) n += 1n;
    mant = n.toString();
    if (mant.length > p) {
      mant = mant.slice(0, p);
      exp += 1;
    }
  } else {
    const [m, e] = abs.toExponential(p - 1).split("e");
    mant = m.replace(".", "");
    exp = Number(e);
  }
  const strip = (s: string): string => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp >= -4 && exp < p) {
    const text = exp >= 0 ? `${mant.slice(0, exp + 1).padEnd(exp + 1, "0")}.${mant.slice(exp + 1)}` : `0.${"0".repeat(-exp - 1)}${mant}`;
    return sign + strip(text);
  }
  return `${sign}${strip(`${mant[0]}.${mant.slice(1)}`)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** numpy's float64 sum of a 1-d array (pairwise: 8 accumulators in blocks of up to 128). */
export function numpySum(a: readonly number[]): number {
  const n = a.length;
  if (n < 8) {
    let res = 0;
    for (const x of a) res += x;
    return res;
  }
  if (n <= 128) {
    const r = a.slice(0, 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[i + j];
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a.slice(0, n2)) + numpySum(a.slice(n2));
}

/** math.fsum: the exactly rounded sum (Shewchuk's partials, CPython's final correction). */
export function fsum(xs: readonly number[]): number {
  const partials: number[] = [];
  for (let x of xs) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
