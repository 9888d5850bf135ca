// The drawing's own toolbar, inside its box, on one row: fit, focus view (k = 1–3, back, the
// focused state), matrix view. Plain buttons with text (no font-dependent glyphs). The theme
// exports use is a select the app puts next to the export buttons (`exportTheme`).

export interface ToolbarActions {
  fit(): void;
  focus(): void;
  back(): void;
  setK(k: number): void;
  toggleMatrix(): void;
}

function button(action: string, text: string, title: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "bg-btn bg-tool";
  b.dataset.action = action;
  b.textContent = text;
  b.title = title;
  return b;
}

export class DrawingToolbar {
  readonly el: HTMLDivElement;
  readonly fit = button("fit", "Fit", "Fit the whole chain in the box (or double-click the drawing)");
  readonly focus = button("focus", "Focus", "Show one state's neighbourhood: the searched state, the walk's state, or click one");
  readonly back = button("focus-back", "Back", "Back to the whole chain (Esc)");
  readonly matrix = button("matrix", "Matrix", "Show the transition matrix beside the drawing");
  readonly k: HTMLSelectElement;
  readonly exportTheme: HTMLSelectElement;
  readonly status: HTMLSpanElement;

  constructor(actions: ToolbarActions, signal?: AbortSignal) {
    this.el = document.createElement("div");
    this.el.className = "bg-drawing-toolbar";
    this.el.setAttribute("role", "toolbar");
    this.el.setAttribute("aria-label", "drawing");
    this.k = document.createElement("select");
    this.k.dataset.field = "focus-k";
    this.k.title = "Steps around the focused state (in and out)";
    this.k.setAttribute("aria-label", "focus steps");
    for (const k of [1, 2, 3]) this.k.append(new Option(`${k} step${k > 1 ? "s" : ""}`, String(k)));
    this.k.value = "2";
    this.exportTheme = document.createElement("select");
    this.exportTheme.dataset.field = "export-theme";
    this.exportTheme.title = "Colours of the SVG/PNG exports";
    this.exportTheme.setAttribute("aria-label", "export theme");
    this.exportTheme.append(new Option("export: as shown", "page"), new Option("export: light", "light"));
    this.status = document.createElement("span");
    this.status.className = "bg-tool-status";
    this.status.dataset.role = "focus-status";
    this.matrix.setAttribute("aria-pressed", "false");
    this.back.hidden = true;
    this.el.append(this.fit, this.focus, this.k, this.back, this.matrix, this.status);
    const on = (e: HTMLElement, type: string, fn: () => void): void => e.addEventListener(type, fn, { signal });
    on(this.fit, "click", () => actions.fit());
    on(this.focus, "click", () => actions.focus());
    on(this.back, "click", () => actions.back());
    on(this.matrix, "click", () => actions.toggleMatrix());
    on(this.k, "change", () => actions.setK(Number(this.k.value)));
    // The toolbar's clicks are not the drawing's (no pan, no fit on double-click).
    for (const t of ["mousedown", "dblclick", "wheel", "pointerdown"]) this.el.addEventListener(t, (ev) => ev.stopPropagation(), { signal });
  }

  setFocus(state: string | null, picking: boolean): void {
    this.back.hidden = state === null && !picking;
    this.focus.setAttribute("aria-pressed", String(state !== null || picking));
    this.status.textContent = picking ? "click a state" : state !== null ? `around ${state}` : "";
    this.status.title = this.status.textContent;
  }

  setMatrix(on: boolean): void {
    this.matrix.setAttribute("aria-pressed", String(on));
  }
}
