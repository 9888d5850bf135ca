// Bundles the front end into babygpt_widget/static/:
//   widget.js (ESM) + widget.css — the anywidget bundle (`_esm`, `_css`);
//   page.js (IIFE) — the runtime save_html inlines into a saved page (js/page/): it imports the
//   widget's bundle from the page and drives render({model, el}) with no kernel and no network.
// `node build.mjs --watch` rebuilds on change (unminified, inline source maps).
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");

/** @type {import("esbuild").BuildOptions} */
const common = {
  outdir: "babygpt_widget/static",
  bundle: true,
  target: ["es2020"],
  minify: !watch,
  sourcemap: watch ? "inline" : false,
  legalComments: "none",
  // RequireJS pages (nbconvert HTML exports) define `define.amd`; any UMD wrapper in a
  // dependency would then register as an AMD module instead of running.
  define: { "define.amd": "false" },
  logLevel: "info",
};

// the page's training engine runs in a Web Worker started from this source (js/page/engineBackend.ts)
const worker = await esbuild.build({
  ...common, entryPoints: ["js/page/engineWorker.ts"], format: "iife", write: false, outdir: undefined, logLevel: "warning",
});
const workerSource = worker.outputFiles[0].text;

/** @type {import("esbuild").BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: [
      { in: "js/widget.ts", out: "widget" },
      { in: "js/widget.css", out: "widget" },
    ],
    format: "esm",
  },
  // a classic script: it is inlined into the page, so it must not close its <script> element
  {
    ...common,
    entryPoints: [{ in: "js/page/main.ts", out: "page" }],
    format: "iife",
    define: { ...common.define, __BABYGPT_ENGINE_WORKER__: JSON.stringify(workerSource) },
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
