// The front end's floors, checked on the import graph of every module in js/ (tests excluded:
// they may reach anywhere). Fails on an import circle, on an import against the layering below,
// on a write to the model outside js/app/commands.ts, on a folder without its README and on a
// module over the size limit. The layering is the one js/README.md describes.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const JS = dirname(new URL(import.meta.url).pathname);

/** Top-level room -> the rooms it may import from (a room always imports itself). */
const MAY_IMPORT: Record<string, string[]> = {
  util: [],
  engine: [],
  model: ["util"],
  state: ["model", "util"],
  ui: ["util"],
  drawing: ["model", "util", "ui"],
  panels: ["model", "util", "ui", "drawing"],
  app: ["model", "util", "ui", "drawing", "panels", "state"],
  // the saved-page runtime talks to the widget's bundle at run time, never by import; it trains
  // with the local engine
  page: ["engine"],
  testing: ["app", "drawing", "model", "panels", "state", "ui", "util"],
  "widget.ts": ["app", "model", "page"], // page: an html-manager export trains (page/exportedPage.ts)
};
/** Longest module (lines): one job a file. */
const MAX_LINES = 400;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const all = walk(JS);
const modules = all.filter((p) => p.endsWith(".ts") && !p.endsWith(".test.ts")).map((p) => relative(JS, p));
const source = new Map(modules.map((m) => [m, readFileSync(join(JS, m), "utf8")]));

/** Relative imports (static, dynamic, type-only and re-exports) of one module, resolved to modules. */
function importsOf(m: string): string[] {
  const found: string[] = [];
  const spec = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of source.get(m)!.matchAll(spec)) {
    const base = normalize(join(dirname(m), match[1]));
    const hit = [`${base}.ts`, join(base, "index.ts")].find((c) => source.has(c));
    if (!hit) throw new Error(`${m}: cannot resolve import ${match[1]}`);
    found.push(hit);
  }
  return found;
}

const graph = new Map(modules.map((m) => [m, importsOf(m)]));
const room = (m: string): string => m.split("/")[0];
/** panels/<feature>/…: the feature folder (panels' features do not import each other). */
const feature = (m: string): string | null => (m.startsWith("panels/") && m.split("/").length > 2 ? m.split("/")[1] : null);

/** Every import circle (strongly connected components of more than one module, or a self-import). */
function circles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || graph.get(v)!.includes(v)) out.push(comp.sort());
    }
  };
  for (const m of modules) if (!index.has(m)) visit(m);
  return out;
}

describe("the layering of js/", () => {
  it("reads the whole graph (sanity: the rooms and their imports are there)", () => {
    expect(modules.length).toBeGreaterThan(100);
    expect(graph.get("app/app.ts")).toContain("app/commands.ts");
    expect(new Set(modules.map(room))).toEqual(new Set(Object.keys(MAY_IMPORT)));
  });

  it("has no import circle", () => {
    expect(circles()).toEqual([]);
  });

  it("imports only down the floors", () => {
    const wrong: string[] = [];
    for (const [m, deps] of graph) {
      const allowed = MAY_IMPORT[room(m)];
      for (const d of deps) {
        if (room(d) !== room(m) && !allowed.includes(room(d))) wrong.push(`${m} -> ${d}`);
        if (feature(m) && feature(d) && feature(m) !== feature(d)) wrong.push(`${m} -> ${d} (another panel)`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("writes to the model only in app/commands.ts", () => {
    // the model's side (js/page: the saved page's model and host) and the test fakes are exempt
    const writes = /\.save_changes\s*\(|\bmodel\s*\.\s*(?:set|send)\s*\(/;
    const offenders = modules.filter(
      (m) => !m.startsWith("page/") && !m.startsWith("testing/") && m !== "app/commands.ts" && writes.test(source.get(m)!),
    );
    expect(offenders).toEqual([]);
    expect(writes.test(source.get("app/commands.ts")!)).toBe(true);
  });

  it("opens every folder with a README that says its job and what it may import", () => {
    const dirs = [...new Set(modules.map((m) => dirname(m)))];
    const missing = dirs.filter((d) => !existsSync(join(JS, d, "README.md")));
    expect(missing).toEqual([]);
    for (const d of dirs) expect(readFileSync(join(JS, d, "README.md"), "utf8"), d).toMatch(/May import/i);
  });

  it(`keeps every module under ${MAX_LINES} lines`, () => {
    const long = modules.filter((m) => source.get(m)!.split("\n").length > MAX_LINES + 1);
    expect(long).toEqual([]);
  });

  it("catches a circle and a wrong floor when there is one (the checks bite)", () => {
    graph.set("model/space.ts", [...graph.get("model/space.ts")!, "app/app.ts"]);
    try {
      expect(circles().length).toBeGreaterThan(0);
      expect(MAY_IMPORT.model.includes(room("app/app.ts"))).toBe(false);
    } finally {
      graph.set("model/space.ts", importsOf("model/space.ts"));
    }
  });
});
