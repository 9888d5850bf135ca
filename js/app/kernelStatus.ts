// What the widget says and switches off when no kernel answers (kernelProbe.ts finds out).
// No answer to `hello` means a saved page — or a kernel still busy with other cells (Run All):
// say both, and the controls come back the moment the kernel answers. A kernel that answered
// and then stopped (or closed the widget's comm) restarted or died: say what to do.
import { setKernelOnly } from "../panels/bar/controls";
import { noKernelTexts } from "./kernelProbe";
import type { KernelState, StaticCause } from "./kernelProbe";
import type { AppState } from "./appState";
import type { Views } from "./views";

export const STATIC_REASON = "needs a running Python kernel — none is answering (a saved page, or the kernel is busy)";
export const STATIC_BADGE = "no Python kernel answering (a saved page, or the kernel is busy): scrub, hover and sample work; training needs the kernel";
export const RESTARTED_BADGE = "kernel restarted — run the cell again to train; scrub, hover and sample still work";
export const LOST_BADGE = "kernel restarted or not answering — run the cell again to train; scrub, hover and sample still work";

/** The badge and the kernel-only controls follow the probe's verdict. */
export function showKernelState(
  st: AppState,
  v: Views,
  state: KernelState,
  cause: StaticCause | null,
  hostName: string | null,
  wasLive: boolean,
  local: readonly string[] = [],
): void {
  st.local = new Set(state === "static" ? local : []);
  st.kernel = state;
  const liveKernel = state !== "static";
  // a host that knows there is no kernel (a saved page) says so instead of "saved page or busy
  // kernel"; a kernel that answered before and went quiet (or closed the comm) restarted or
  // died: say what to do
  const texts =
    cause === "no-kernel" && hostName
      ? noKernelTexts(hostName, st.local.size > 0)
      : { reason: STATIC_REASON, badge: cause === "closed" ? RESTARTED_BADGE : wasLive ? LOST_BADGE : STATIC_BADGE };
  const reason = (st.staticReason = texts.reason);
  v.badge.textContent = v.badge.title = texts.badge;
  v.controls.setKernel(liveKernel, reason, st.local);
  for (const e of v.runView.kernelOnly) setKernelOnly(e, liveKernel, reason);
  for (const e of v.longRun.kernelOnly) setKernelOnly(e, liveKernel || (e === v.longRun.undoBtn && st.local.has("undo_reset")), reason);
  v.compare.setKernel(liveKernel, (e, on) => setKernelOnly(e, on, st.staticReason));
  st.dirty.add("compare");
  st.dirty.add("controls"); // the panels that read the kernel's state at render (This step, Push the chain)
  v.badge.hidden = liveKernel;
  // a page whose own engine answers explain asks it as it would a kernel
  if (st.local.has("explain")) v.inside.setKernel("live", "page");
  else v.inside.setKernel(state);
  // a page that trains by itself keeps its training buttons in the bar (beside the badge)
  v.root.classList.toggle("bg-static", !liveKernel && st.local.size === 0);
  v.root.classList.toggle("bg-local-engine", !liveKernel && st.local.size > 0);
}
