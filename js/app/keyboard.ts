// Lecture-hall shortcuts on the widget root (tabindex=0): Space play/pause, → step, S sample,
// R reset, ? help, Esc closes help. While focus is anywhere in the widget, no other single key
// reaches the notebook either: JupyterLab and Notebook 7 bind plain keys in command mode (a, b,
// d d, x, v, m, y, z, j, k, 0 0, Enter, arrows, Shift+…) on the document — JupyterLab in the
// bubbling phase, Notebook 7 in the capture phase, before the widget sees the key. So for every
// key but the notebook's own run and leave keys (Shift+Enter; Ctrl/Alt/⌘ combinations such as
// Ctrl+Enter; Esc; Tab) the target carries Lumino's `data-lm-suppress-shortcuts` while the event
// is dispatched (set in the window's capture phase, the very first listener), so no Jupyter
// binding matches, and the root stops the key. Keys a focused control uses itself (arrows on a
// slider, Space on a button, typing in a box) keep their default action.

export interface ShortcutActions {
  playPause(): void;
  step(): void;
  sample(): void;
  reset(): void;
  toggleHelp(): void;
  closeHelp(): boolean;
}

/** Lumino (JupyterLab, Notebook 7) matches no key binding on an element with this attribute. */
export const SUPPRESS = "data-lm-suppress-shortcuts";
const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock", "Fn", "OS"]);

/** True when a key event comes from something that uses keys itself (text, sliders, menus). */
function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

type KeyInfo = Pick<KeyboardEvent, "key" | "shiftKey"> & Partial<Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "altKey">>;

/** Keys that keep their notebook job while the widget has focus: Shift+Enter (run the cell),
 *  Ctrl/Alt/⌘ combinations (Ctrl+Enter, Alt+Enter, Ctrl+S, copy…), Esc, Tab, and a lone
 *  modifier (no shortcut of its own). */
export function notebookKey(ev: KeyInfo): boolean {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return true;
  if (ev.key === "Enter") return ev.shiftKey;
  return ev.key === "Escape" || ev.key === "Tab" || MODIFIERS.has(ev.key);
}

export function bindShortcuts(root: HTMLElement, actions: ShortcutActions, signal: AbortSignal): void {
  root.tabIndex = 0;
  let marked: Element | null = null;
  const unmark = (): void => {
    marked?.removeAttribute(SUPPRESS);
    marked = null;
  };
  // First listener of every key press on the page: mark the widget's own keys for Lumino.
  window.addEventListener(
    "keydown",
    (ev) => {
      unmark(); // the previous key's dispatch is over (a quick Shift+Enter after a letter runs)
      const t = ev.target;
      if (!(t instanceof Element) || !root.contains(t) || notebookKey(ev) || t.hasAttribute(SUPPRESS)) return;
      t.setAttribute(SUPPRESS, "");
      marked = t;
      setTimeout(() => t === marked && unmark(), 0); // after this event's dispatch
    },
    { capture: true, signal },
  );
  signal.addEventListener("abort", unmark);
  root.addEventListener(
    "keydown",
    (ev) => {
      if (notebookKey(ev) && ev.key !== "Escape") return;
      if (ev.defaultPrevented || ownsKeys(ev.target)) {
        if (!notebookKey(ev)) ev.stopPropagation(); // the control's own key (or none): not Jupyter's
        return;
      }
      const onButton = ev.target instanceof HTMLButtonElement;
      let handled = true;
      switch (ev.key) {
        case " ":
        case "Spacebar":
          if (onButton) {
            ev.stopPropagation(); // Space presses the focused button
            return;
          }
          actions.playPause();
          break;
        case "ArrowRight":
          actions.step();
          break;
        case "s":
        case "S":
          actions.sample();
          break;
        case "r":
        case "R":
          actions.reset();
          break;
        case "?":
          actions.toggleHelp();
          break;
        case "Escape":
          handled = actions.closeHelp();
          break;
        default:
          handled = false;
      }
      if (handled) {
        // JupyterLab listens in the bubbling phase: stopping here keeps e.g. "r" (raw cell in
        // command mode) from changing the notebook while the lecturer drives the widget.
        ev.preventDefault();
        ev.stopPropagation();
      } else if (!notebookKey(ev)) {
        ev.stopPropagation(); // any other plain key: the notebook's command mode must not see it
      }
    },
    { signal },
  );
}
