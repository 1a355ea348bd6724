/**
 * Global set-up of the resilience suite: an empty figures directory, and the build the process tests start
 * (`npm run build` when build/ is missing, once, before the test files run in parallel). Teardown writes
 * the Markdown report of the run (RES_REPORT; the CI form writes to the temp dir).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { readAllFigures } from "./figures";
import { writeReport } from "./report";

const root = path.resolve(__dirname, "../../..");

let privateBuild: string | undefined;

export function setup() {
  const dir = process.env.RES_FIGURES_DIR!;
  if (!process.env.RES_KEEP_FIGURES) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (process.env.RES_BUILD === "private" && !process.env.RES_SHARED_BUILD) {
    // One fresh build of the current sources for every process test of the run (bench/resilience/vite.config.ts).
    privateBuild = mkdtempSync(`${process.env.RES_TMP_PREFIX ?? path.join(tmpdir(), "hala-res")}-build-`);
    console.log(`[resilience] building the current sources into ${privateBuild}`);
    const result = spawnSync("npx", ["remix", "vite:build", "--config", "bench/resilience/vite.config.ts"], {
      cwd: root,
      stdio: "inherit",
      timeout: 300_000,
      env: { ...process.env, RES_BUILD_DIR: path.join(privateBuild, "build"), NODE_ENV: "production" },
    });
    if (result.status !== 0) throw new Error("the private build failed");
    process.env.RES_SHARED_BUILD = privateBuild;
  } else if (process.env.RES_SKIP_BUILD !== "1" && !existsSync(path.join(root, "build/server/index.js"))) {
    console.log("[resilience] build/ is missing: npm run build");
    const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", timeout: 300_000 });
    if (result.status !== 0) throw new Error("npm run build failed");
  }
}

export function teardown() {
  if (privateBuild) rmSync(privateBuild, { recursive: true, force: true });
  const dir = process.env.RES_FIGURES_DIR!;
  if (process.env.RES_NO_REPORT === "1") return;
  const figures = readAllFigures(dir);
  if (!Object.keys(figures).length) return;
  const file = process.env.RES_REPORT!;
  writeReport(file, figures, {
    mode: process.env.RES_LONG === "1" ? "long" : "ci",
    durationS: Math.round(process.uptime()),
    fuzzScale: Number(process.env.RES_FUZZ_SCALE ?? 1),
    ...(process.env.RES_LONG === "1"
      ? {
          fuzzScales: Object.fromEntries(
            ["WHATSAPP", "WHATSAPP_MUTATED", "SHOPIFY", "ADMIN"].map((t) => [
              t.toLowerCase(),
              Number(
                process.env[`RES_FUZZ_SCALE_${t}`] ||
                  (t === "WHATSAPP_MUTATED" && process.env.RES_FUZZ_SCALE_WHATSAPP) ||
                  process.env.RES_FUZZ_SCALE ||
                  1,
              ),
            ]),
          ),
        }
      : {}),
  });
  console.log(`[resilience] report: ${file}`);
}
