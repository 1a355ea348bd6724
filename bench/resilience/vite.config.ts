/**
 * A private build of the app for the resilience runs: the same Vite/Remix configuration as vite.config.ts,
 * written to RES_BUILD_DIR (a temporary directory) so that a concurrent `npm run build` in the repository
 * cannot change the app under test, and the test never changes the repository's build/.
 * Used by bench/resilience/lib/app.ts: `npx remix vite:build --config bench/resilience/vite.config.ts`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import remixOptions from "../../remix.config.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const out = process.env.RES_BUILD_DIR;
if (!out) throw new Error("RES_BUILD_DIR must name the directory to build into");

export default defineConfig({
  root,
  plugins: [
    remix({ ...remixOptions, appDirectory: path.join(root, "app"), buildDirectory: out }),
    tsconfigPaths({ root }),
  ],
  build: { assetsInlineLimit: 0 },
  logLevel: "warn",
});
