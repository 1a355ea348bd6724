import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

/**
 * The resilience suite (`npm run test:resilience`): faults, duplicates, bad input, tenant isolation, abuse,
 * secrets and headers. The main vitest config excludes tests/resilience/**; this one reuses its set-up files
 * (msw that refuses outside traffic, the test environment).
 *
 * In-process tests run on the embedded default (PGlite in memory + in-process cache) whatever the caller's
 * DATABASE_URL/REDIS_URL; the process tests (crash, dependency faults) start the BUILT app in a child
 * process with their own PostgreSQL database, Redis db and fake Graph API on 127.0.0.1.
 *
 * Bounded CI form by default. RES_LONG=1 (set by bench/resilience/soak.ts) turns the counts up.
 * Figures go to RES_FIGURES_DIR (JSON per test file); tests/resilience/support/report.ts writes the Markdown
 * report at the end to RES_REPORT (default: <tmp>/hala-resilience-ci.md).
 */
/**
 * The longest file first, so that two workers finish together (a fresh CI clone has no timing cache) — but the
 * crash test last: it boots the app again and again (≈ 1.3 cores for seconds each time), and beside the
 * dependency test's first phase it starved that app's sender. That phase measures each number's send rate at the
 * fake Graph API, where a sender stalled for more than the token window's 0.2-s margin shows as a 6th or 7th
 * request in one second (seen in 2 of 3 runs on a slow machine, 2026-12-06; alone it passed 4 of 4).
 */
const ORDER = [
  "dependencies",
  "fuzz-whatsapp",
  "fuzz-shopify-webhooks",
  "shopify-faults",
  "fuzz-admin",
  "abuse",
  "isolation",
  "headers",
  "secrets",
  "crash",
];
/** The long run: the WhatsApp fuzz (the bulk of its ≥ 100,000 requests) beside the process scenarios. */
const LONG_ORDER = ["fuzz-whatsapp", ...ORDER.filter((f) => f !== "fuzz-whatsapp")];
class LongestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const order = process.env.RES_LONG === "1" ? LONG_ORDER : ORDER;
    const rank = (f: TestSpecification) => {
      const i = order.indexOf(path.basename(f.moduleId).replace(/\.test\.ts$/, ""));
      return i < 0 ? order.length : i;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.env.RES_FIGURES_DIR ||= path.join(tmpdir(), `hala-resilience-figures-${process.pid}`);
process.env.RES_REPORT ||= path.join(tmpdir(), "hala-resilience-ci.md");

export default defineConfig({
  root,
  plugins: [tsconfigPaths({ root })],
  test: {
    name: "resilience",
    root,
    include: ["tests/resilience/**/*.test.ts"],
    environment: "node",
    env: {
      DATABASE_URL: "",
      REDIS_URL: "",
      PGLITE_DATA_DIR: "memory://",
      RES_FIGURES_DIR: process.env.RES_FIGURES_DIR,
    },
    setupFiles: ["tests/setup/msw.ts", "tests/setup/env.ts", "tests/resilience/support/guard.ts"],
    globalSetup: ["tests/resilience/support/global.ts"],
    // The long run (RES_LONG=1) scales the fuzzers and the scenarios up: hours, not minutes.
    testTimeout: process.env.RES_LONG === "1" ? 4 * 3_600_000 : 120_000,
    hookTimeout: process.env.RES_LONG === "1" ? 3_600_000 : 180_000,
    // Two files at a time: the in-process files (own PGlite each) run beside the child-process ones.
    fileParallelism: true,
    sequence: { sequencer: LongestFirst },
    maxWorkers: Number(process.env.RES_WORKERS ?? 2),
  },
});
