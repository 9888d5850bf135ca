// Starts a saved page: reads its data and the widget's bundle from the page, imports the bundle
// as anywidget does (a module from a blob: URL; a data: URL where blob: modules are refused),
// and calls its render({model, el}) with the page's own model. Any failure is written into the
// page (never a blank page), with what to try.
import { NoKernelHost } from "./host";
import type { HostFactory } from "./host";
import { decodePage } from "./pageData";
import type { PageInfo } from "./pageData";
import { PageModel } from "./pageModel";

/** anywidget's module contract: `export default { initialize?, render }` or a function returning it. */
export interface WidgetDefinition {
  initialize?(props: { model: PageModel }): unknown;
  render(props: { model: PageModel; el: HTMLElement }): unknown;
}
export type WidgetModule = { default: WidgetDefinition | (() => WidgetDefinition | Promise<WidgetDefinition>) };
export type ModuleLoader = (source: string) => Promise<WidgetModule>;

export const DATA_ID = "bgp-data";
export const BUNDLE_ID = "bgp-widget-js";
export const ROOT_ID = "bgp-root";

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

function readJson(doc: Document, id: string): unknown {
  const el = doc.getElementById(id);
  if (!el || !el.textContent) throw new Error(`the page has no #${id} element: it was cut short or edited`);
  return JSON.parse(el.textContent);
}

/** Replaces the page's loading message with a visible error and what to try. */
export function showError(doc: Document, error: unknown): void {
  const root = doc.getElementById(ROOT_ID) ?? doc.body;
  const box = doc.createElement("div");
  box.className = "bgp-message bgp-error";
  box.setAttribute("role", "alert");
  box.dataset.role = "page-error";
  const head = doc.createElement("strong");
  head.textContent = "This saved babyGPT page could not start. ";
  const what = doc.createElement("code");
  what.textContent = error instanceof Error ? error.message : String(error);
  const help = doc.createElement("p");
  help.textContent =
    "Try a current browser (Chrome, Edge, Firefox or Safari from 2020 on) with JavaScript on. If it still fails, save the page again from the notebook with w.save_html(...).";
  box.append(head, what, help);
  root.replaceChildren(box);
}

/** Boots the page in `doc`. `load` imports the bundle (tests pass the module directly). */
export async function boot(doc: Document, load: ModuleLoader = importSource, host?: HostFactory): Promise<Booted> {
  const { traits, page } = decodePage(readJson(doc, DATA_ID));
  const source = readJson(doc, BUNDLE_ID);
  if (typeof source !== "string") throw new Error("the widget's bundle in the page is not text");
  const model = new PageModel(traits, host ?? ((port) => new NoKernelHost(port)));
  const mod = await load(source);
  const def = typeof mod.default === "function" ? await mod.default() : mod.default;
  if (!def || typeof def.render !== "function") throw new Error("the widget's bundle has no render()");
  await def.initialize?.({ model });
  const root = doc.getElementById(ROOT_ID);
  if (!root) throw new Error(`the page has no #${ROOT_ID} element`);
  const el = doc.createElement("div");
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
