// Bundles the front end into babygpt_widget/static/: widget.js (ESM) and widget.css.
// `node build.mjs --watch` rebuilds on change (unminified, inline source maps).
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");

/** @type {import("esbuild").BuildOptions} */
const options = {
  entryPoints: [
    { in: "js/widget.ts", out: "widget" },
    { in: "js/widget.css", out: "widget" },
  ],
  outdir: "babygpt_widget/static",
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: !watch,
  sourcemap: watch ? "inline" : false,
  legalComments: "none",
  // RequireJS pages (nbconvert HTML exports) define `define.amd`; any UMD wrapper in a
  // dependency would then register as an AMD module instead of running.
  define: { "define.amd": "false" },
  logLevel: "info",
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
