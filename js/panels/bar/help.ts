// The "?" popover: keyboard shortcuts of the lecture hall.
import { el } from "../../util/dom";

export const SHORTCUTS: [string, string][] = [
  ["Space", "play / stop training (Play or Train ×N)"],
  ["→", "one training step (returns to live first)"],
  ["← →", "scrub the history (when the slider has focus)"],
  ["S", "sample a walk"],
  ["R", "reset the model (Undo reset brings it back)"],
  ["?", "show / hide this help"],
  ["Esc", "close this help"],
];

export class HelpPopover {
  readonly el: HTMLDivElement;

  constructor() {
    this.el = el("div", "bg-help");
    this.el.setAttribute("role", "dialog");
    this.el.setAttribute("aria-label", "keyboard shortcuts");
    this.el.hidden = true;
    this.el.append(el("div", "bg-help-title", "Keyboard shortcuts (click the widget first)"));
    const table = el("table");
    for (const [key, what] of SHORTCUTS) {
      const row = el("tr");
      const k = el("td");
      k.append(el("kbd", undefined, key));
      row.append(k, el("td", undefined, what));
      table.append(row);
    }
    this.el.append(table);
    this.el.append(el("div", "bg-help-note", "Click a node to mark it naughty (red). Hover an edge for its history."));
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(open = !this.open): void {
    this.el.hidden = !open;
  }
}
