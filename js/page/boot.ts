// Starts a saved page: imports the widget's bundle from the page once, as anywidget does (a
// module from a blob: URL; a data: URL where blob: modules are refused), then for each widget
// place in the page (save_html: one; an nbconvert export: one per babyGPT widget) reads its data
// and calls render({model, el}) with a model of the page's own. Any failure is written where the
// widget would be (never a blank page), with what to try.
import { createBackend } from "./engineBackend";
import { EngineHost } from "./engineHost";
import { NoKernelHost } from "./host";
import type { HostFactory } from "./host";
import { decodePage } from "./pageData";
import type { PageInfo, SavedPage } from "./pageData";
import { PageModel } from "./pageModel";
import type { PageUrlPort } from "./pageModel";

/** anywidget's module contract: `export default { initialize?, render }` or a function returning it. */
export interface WidgetDefinition {
  initialize?(props: { model: PageModel }): unknown;
  render(props: { model: PageModel; el: HTMLElement }): unknown;
}
export type WidgetModule = { default: WidgetDefinition | (() => WidgetDefinition | Promise<WidgetDefinition>) };
export type ModuleLoader = (source: string) => Promise<WidgetModule>;

/** A widget's place in the page: holds its loading message and its data until it renders. */
export const ROOT_SELECTOR = "[data-bgp-root]";
export const DATA_SELECTOR = "script.bgp-data";
/** The widget's bundle, once per page (a JSON string). */
export const BUNDLE_ID = "bgp-widget-js";

export interface Booted {
  model: PageModel;
  page: PageInfo;
  /** Unmounts the widget (its render's cleanup) and closes the model. */
  close(): Promise<void>;
}

/** Imports ES module source text the way anywidget loads `_esm`. */
export async function importSource(source: string): Promise<WidgetModule> {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return (await import(/* @vite-ignore */ url)) as WidgetModule;
  } catch (blobError) {
    try {
      // some browsers refuse module scripts from blob: URLs of a file:// page; data: URLs work there
      const data = `data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`;
      return (await import(/* @vite-ignore */ data)) as WidgetModule;
    } catch {
      throw blobError;
    }
  } finally {
    URL.revokeObjectURL(url);
  }
}

function parseScript(el: Element | null, what: string): unknown {
  if (!el || !el.textContent) throw new Error(`the page has no ${what}: it was cut short or edited`);
  return JSON.parse(el.textContent);
}

/** Replaces a widget's loading message with a visible error and what to try. */
export function showError(root: HTMLElement, error: unknown): void {
  const doc = root.ownerDocument;
  const box = doc.createElement("div");
  box.className = "bgp-message bgp-error";
  box.setAttribute("role", "alert");
  box.dataset.role = "page-error";
  const head = doc.createElement("strong");
  head.textContent = "This saved babyGPT chain could not be shown. ";
  const what = doc.createElement("code");
  what.textContent = error instanceof Error ? error.message : String(error);
  const help = doc.createElement("p");
  help.textContent =
    "Try a current browser (Chrome, Edge, Firefox or Safari from 2020 on) with JavaScript on. If it still fails, save the page again from the notebook with w.save_html(...).";
  box.append(head, what, help);
  root.replaceChildren(box);
}

async function definitionOf(doc: Document, load: ModuleLoader): Promise<WidgetDefinition> {
  const source = parseScript(doc.getElementById(BUNDLE_ID), `#${BUNDLE_ID} (the widget's bundle)`);
  if (typeof source !== "string") throw new Error("the widget's bundle in the page is not text");
  const mod = await load(source);
  const def = typeof mod.default === "function" ? await mod.default() : mod.default;
  if (!def || typeof def.render !== "function") throw new Error("the widget's bundle has no render()");
  return def;
}

/** A page that carries the engine's state trains (in a Web Worker); any other says "no kernel".
 *  `root` gets data-engine="worker" | "main thread" | "none" (for tests and the curious). */
export function defaultHost(saved: SavedPage, root?: HTMLElement): HostFactory {
  const state = saved.engine?.state;
  if (!state) {
    if (root) root.dataset.engine = "none";
    return (port) => new NoKernelHost(port);
  }
  return (port) => {
    let backend;
    try {
      backend = createBackend();
    } catch {
      if (root) root.dataset.engine = "none"; // a runtime built without the engine: replay only
      return new NoKernelHost(port);
    }
    if (root) root.dataset.engine = backend.where;
    return new EngineHost(port, backend, state, saved.traits);
  };
}

/** The window's address as the widget's view link: read the # part as the browser keeps it
 *  (escapes stay escaped), rewrite it without a new history entry. */
export function windowUrl(win: Window): PageUrlPort {
  return {
    fragment: () => win.location.hash.replace(/^#/, ""),
    replace(fragment) {
      try {
        win.history.replaceState(win.history.state, "", `#${fragment}`);
      } catch {
        win.location.replace(`#${fragment}`); // replaces the entry too
      }
    },
  };
}

/** Renders one widget into `root` from the data it holds; `url`: the page's address is this
 *  widget's (a page of one widget: its # part is the view link). */
export async function bootRoot(root: HTMLElement, definition: () => Promise<WidgetDefinition>, host?: HostFactory, url?: PageUrlPort): Promise<Booted> {
  const saved = decodePage(parseScript(root.querySelector(DATA_SELECTOR), "widget data"));
  const { traits, page } = saved;
  const model = new PageModel(traits, host ?? defaultHost(saved, root));
  if (url) model.pageUrl = url;
  const def = await definition();
  await def.initialize?.({ model });
  const el = root.ownerDocument.createElement("div");
  el.className = "bgp-widget";
  root.replaceChildren(el);
  const cleanup = await def.render({ model, el });
  return {
    model,
    page,
    async close() {
      if (typeof cleanup === "function") await cleanup();
      model.destroy();
    },
  };
}

/** Boots every widget of the page (the bundle is imported once); a widget that fails shows why
 *  in its place, the others still render. Resolves to the ones that rendered. */
export async function boot(doc: Document, load: ModuleLoader = importSource, host?: HostFactory): Promise<Booted[]> {
  const roots = [...doc.querySelectorAll<HTMLElement>(ROOT_SELECTOR)];
  let def: Promise<WidgetDefinition> | null = null;
  const definition = (): Promise<WidgetDefinition> => (def ??= definitionOf(doc, load));
  // save_html's page (one widget in main.bgp-page) gives its address to the widget; a notebook
  // export's anchors stay the notebook's
  const win = doc.defaultView;
  const url = win && roots.length === 1 && roots[0].closest(".bgp-page") ? windowUrl(win) : undefined;
  const results = await Promise.allSettled(roots.map((root) => bootRoot(root, definition, host, url)));
  const booted: Booted[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") booted.push(r.value);
    else {
      console.error("babyGPT saved page:", r.reason);
      showError(roots[i], r.reason);
    }
  });
  return booted;
}
