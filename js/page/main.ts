// Entry of babygpt_widget/static/page.js, the runtime inlined into every saved page (an IIFE:
// a classic inline script, no module loading and no network). Boots every widget of the page;
// errors while booting are shown in place of the widget that failed (and on the console).
import { boot } from "./boot";

function start(): void {
  void boot(document).then((pages) => {
    (window as unknown as { babygptPages?: unknown }).babygptPages = pages; // for tests and the curious
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
