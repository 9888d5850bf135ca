// Lecture-hall shortcuts on the widget root (tabindex=0): Space play/pause, → step, S sample,
// R reset, ? help, Esc closes help. Keys typed into inputs, and keys with Ctrl/Alt/Meta, pass.
// JupyterLab and Notebook 7 bind keys (arrows, letters) in command mode on the document —
// JupyterLab in the bubbling phase, Notebook 7 in the capture phase, before the widget sees the
// key. For every key the widget handles — its shortcuts, and the keys a focused control uses
// itself (arrows on a slider, Space on a button, typing in a box) — the target carries Lumino's
// `data-lm-suppress-shortcuts` while the event is dispatched (set in the window's capture phase,
// the very first listener), so no Jupyter binding matches; the root also stops the key.

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
/** Keys the root's shortcuts use. */
const SHORTCUT_KEYS = new Set([" ", "Spacebar", "ArrowRight", "s", "S", "r", "R", "?"]);
const NAV = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);
const TEXT_TYPES = new Set(["text", "search", "number", "email", "url", "tel", "password", ""]);

/** True when a key event comes from something that uses keys itself (text, sliders, menus). */
function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** Does the focused element itself use this key (so Jupyter must not see it)? */
export function nativeKey(target: EventTarget | null, ev: Pick<KeyboardEvent, "key" | "shiftKey">): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const key = ev.key;
  if (key === "Tab" || key === "Escape") return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA") return !(key === "Enter" && ev.shiftKey);
  if (target instanceof HTMLInputElement) {
    const type = target.type.toLowerCase();
    if (type === "range") return NAV.has(key);
    if (type === "checkbox" || type === "radio") return key === " " || NAV.has(key);
    if (TEXT_TYPES.has(type)) return !(key === "Enter" && ev.shiftKey);
    return false;
  }
  if (target instanceof HTMLSelectElement) return NAV.has(key) || key === " " || key === "Enter" || key.length === 1;
  if (target instanceof HTMLButtonElement) return key === " " || (key === "Enter" && !ev.shiftKey);
  return false;
}

/** Is this key the widget's (a shortcut on a non-input, or the focused control's own key)? */
export function widgetKey(target: EventTarget | null, ev: Pick<KeyboardEvent, "key" | "shiftKey">): boolean {
  if (nativeKey(target, ev)) return true;
  return !ownsKeys(target) && !(target instanceof HTMLButtonElement && ev.key === "Enter") && SHORTCUT_KEYS.has(ev.key);
}

export function bindShortcuts(root: HTMLElement, actions: ShortcutActions, signal: AbortSignal): void {
  root.tabIndex = 0;
  // First listener of every key press on the page: mark the widget's own keys for Lumino.
  window.addEventListener(
    "keydown",
    (ev) => {
      const t = ev.target;
      if (ev.ctrlKey || ev.metaKey || ev.altKey || !(t instanceof HTMLElement) || !root.contains(t)) return;
      if (!widgetKey(t, ev) || t.hasAttribute(SUPPRESS)) return;
      t.setAttribute(SUPPRESS, "");
      setTimeout(() => t.removeAttribute(SUPPRESS), 0); // after this event's dispatch
    },
    { capture: true, signal },
  );
  root.addEventListener(
    "keydown",
    (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.defaultPrevented || ownsKeys(ev.target)) {
        if (nativeKey(ev.target, ev)) ev.stopPropagation(); // the control's own key: not Jupyter's
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
      } else if (nativeKey(ev.target, ev)) {
        ev.stopPropagation();
      }
    },
    { signal },
  );
}
