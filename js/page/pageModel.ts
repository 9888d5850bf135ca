// anywidget's front-end model contract over a saved page's traits: get / set / on / off / send /
// save_changes with Backbone's semantics (set fires `change:<key>` then `change` when the value
// differs; save_changes hands the changed keys on), and "msg:custom" for replies. Commands go to
// one PageHost (host.ts): the only place that would answer them.
import type { HostFactory, PageHost } from "./host";

type Listener = (...args: unknown[]) => void;

/** Deep equality of JSON-like values (Backbone compares with _.isEqual); binary values by identity. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || a instanceof ArrayBuffer || b instanceof ArrayBuffer) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The page's address for the widget (js/app/urlView.ts): its # part carries the view link. */
export interface PageUrlPort {
  fragment(): string;
  replace(fragment: string): void;
}

export class PageModel {
  /** Set by boot.ts on a single-widget saved page: the widget may read and rewrite the # part. */
  pageUrl?: PageUrlPort;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly unsaved = new Set<string>();
  private readonly host: PageHost;
  private destroyed = false;

  constructor(
    private readonly traits: Record<string, unknown>,
    host: HostFactory,
  ) {
    this.host = host({
      reply: (content, buffers = []) => this.emit("msg:custom", content, buffers),
      update: (values) => this.assign(values, false),
      get: (key) => this.traits[key],
    });
  }

  get(key: string): unknown {
    return this.traits[key];
  }

  set(key: string | Record<string, unknown>, value?: unknown): void {
    this.assign(typeof key === "string" ? { [key]: value } : key, true);
  }

  save_changes(): void {
    if (this.unsaved.size === 0) return;
    const values: Record<string, unknown> = {};
    for (const k of this.unsaved) values[k] = this.traits[k];
    this.unsaved.clear();
    this.host.viewChanged(values);
  }

  send(content: unknown, _callbacks?: unknown, buffers: ArrayBuffer[] = []): void {
    if (!this.destroyed) this.host.command(content, buffers);
  }

  on(event: string, callback: Listener): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(callback);
  }

  off(event?: string | null, callback?: Listener | null): void {
    if (!event && !callback) return this.listeners.clear();
    for (const [name, set] of this.listeners) {
      if (event && name !== event) continue;
      if (callback) set.delete(callback);
      else set.clear();
    }
  }

  /** The page is closing: tell the views (anywidget's "destroy"), then stop the host. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit("destroy");
    this.host.destroy();
    this.listeners.clear();
  }

  private assign(values: Record<string, unknown>, fromView: boolean): void {
    const changed = Object.keys(values).filter((k) => !sameValue(this.traits[k], values[k]));
    for (const k of changed) {
      this.traits[k] = values[k];
      if (fromView) this.unsaved.add(k);
    }
    for (const k of changed) this.emit(`change:${k}`, this, this.traits[k]);
    if (changed.length > 0) this.emit("change", this);
  }

  private emit(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(...args);
  }
}
