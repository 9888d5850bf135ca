// Entry of babygpt_widget/static/page.js, the runtime inlined into every saved page (an IIFE:
// a classic inline script, no module loading and no network). Boots the page; errors while
// booting are shown in the page.
import { boot, showError } from "./boot";

function start(): void {
  const failed = (e: unknown): void => {
    console.error("babyGPT saved page:", e);
    showError(document, e);
  };
  boot(document).then((page) => {
    (window as unknown as { babygptPage?: unknown }).babygptPage = page; // for tests and the curious
  }, failed);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
