// Lecture-hall shortcuts on the widget root (tabindex=0): Space play/pause, → step, S sample,
// R reset, ? help, Esc closes help. Keys typed into inputs, and keys with Ctrl/Alt/Meta, pass.

export interface ShortcutActions {
  playPause(): void;
  step(): void;
  sample(): void;
  reset(): void;
  toggleHelp(): void;
  closeHelp(): boolean;
}

/** True when a key event comes from something that uses keys itself (text, sliders, menus). */
function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function bindShortcuts(root: HTMLElement, actions: ShortcutActions, signal: AbortSignal): void {
  root.tabIndex = 0;
  root.addEventListener(
    "keydown",
    (ev) => {
      if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || ownsKeys(ev.target)) return;
      const onButton = ev.target instanceof HTMLButtonElement;
      let handled = true;
      switch (ev.key) {
        case " ":
        case "Spacebar":
          if (onButton) return; // Space presses the focused button
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
      }
    },
    { signal },
  );
}
