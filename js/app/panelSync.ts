// The side panel's open sections and the selected (found) state follow their traits both ways
// (`open_sections`, `selected_state`: what a view link carries besides the drawing's traits).
// A kernel without them (older) keeps the sections as remembered and saves nothing.
import type { Traits } from "../model/types";
import { SECTIONS } from "../model/viewLink";
import type { Section } from "../ui/sections";
import type { AppState } from "./appState";
import type { Commands } from "./commands";
import type { Interactions } from "./interactions";
import type { Views } from "./views";

/** The section memory (ui/sections.ts) that also says when a section was opened or closed. */
export class WatchedMemory extends Map<string, boolean> {
  private readonly base?: Map<string, boolean>;
  private readonly changed?: (key: string, value: boolean) => void;

  constructor(base: Map<string, boolean>, changed: (key: string, value: boolean) => void) {
    super(base);
    this.base = base;
    this.changed = changed;
  }

  override set(key: string, value: boolean): this {
    super.set(key, value);
    this.base?.set(key, value); // the Map constructor calls set before the fields exist
    this.changed?.(key, value); // before the section applies it (Section.setOpen)
    return this;
  }
}

export function allSections(v: Views): Section[] {
  return [...Object.values(v.sections), v.insideSection, v.stepSection, v.pushSection, v.compareSection];
}

export interface PanelSync {
  /** A section is being opened or closed (by the reader or a panel): save the trait. */
  sectionToggled(name: string, open: boolean): void;
  /** The found state changed (search): save the trait. */
  foundChanged(): void;
  /** Apply the traits (at mount and on their changes). */
  applySections(): void;
  applySelected(): void;
}

export function panelSync(st: AppState, views: () => Views, commands: Commands, get: <K extends keyof Traits>(k: K) => Traits[K], ix: () => Interactions): PanelSync {
  let applying = false;
  const has = (k: "open_sections" | "selected_state"): boolean => get(k) !== undefined && get(k) !== null;
  /** The open sections in the panel's order, with `name` about to be `open`. */
  const openNow = (name: string, open: boolean): string[] => {
    const now = new Set(allSections(views()).filter((s) => s.open).map((s) => s.name));
    if (open) now.add(name);
    else now.delete(name);
    return SECTIONS.filter((s) => now.has(s));
  };
  return {
    sectionToggled(name, open) {
      if (applying || !has("open_sections") || !(SECTIONS as readonly string[]).includes(name)) return;
      const now = openNow(name, open);
      const trait = get("open_sections") ?? [];
      if (now.length !== trait.length || now.some((s) => !trait.includes(s))) commands.save({ open_sections: now });
    },
    foundChanged() {
      if (applying || !has("selected_state")) return;
      const now = st.found ?? "";
      if (get("selected_state") !== now) commands.save({ selected_state: now });
    },
    applySections() {
      const want = get("open_sections");
      if (!Array.isArray(want)) return;
      applying = true;
      try {
        for (const s of allSections(views())) if (s.open !== want.includes(s.name)) s.setOpen(want.includes(s.name));
      } finally {
        applying = false;
      }
    },
    applySelected() {
      const want = get("selected_state");
      if (typeof want !== "string" || want === (st.found ?? "")) return;
      applying = true;
      try {
        const v = views();
        if (want && st.space.index.has(want)) ix().search(want);
        else if (!want) {
          st.found = null;
          v.graph.setFound(-1);
          v.search.setFound(null);
        }
      } finally {
        applying = false;
      }
    },
  };
}
