/**
 * The long resilience run (`npm run bench:resilience` → `tsx bench/resilience/soak.ts`): the same suite as
 * `npm run test:resilience`, turned up —
 * - a fresh private build of the current sources (not build/);
 * - crash safety: ≥ 20 SIGKILLs over 12,000 webhooks at 40/s, the dead process's leases left to expire as
 *   in production (the control: 3,000 webhooks, no kill); duplicate replies must stay ≤ 0.1%;
 * - dependency faults: PostgreSQL and Redis (private instances) stopped 20 s mid-load; 1,000 replies against
 *   a Graph API failing 30% of the time with no bound on faults in a row;
 * - fuzzing scaled per target where a request is cheap: the WhatsApp webhook ×90 (RES_FUZZ_SCALE_WHATSAPP; its
 *   mutated-payload property ×12, RES_FUZZ_SCALE_WHATSAPP_MUTATED),
 *   admin forms ×3 (RES_FUZZ_SCALE_ADMIN), Shopify webhooks ×2 plus every edge string on every topic
 *   (RES_FUZZ_SCALE_SHOPIFY) — ≥ 100,000 hostile requests in all; abuse and isolation with longer sessions.
 * Sized for ≈ 30–40 min on a 2-core machine (the fuzz of the WhatsApp webhook runs beside the process
 * scenarios from the start).
 * It writes bench/results/resilience.md and .json (the report), and keeps the children's logs in
 * bench/results/logs/resilience/. Everything talks to 127.0.0.1 only; every loop is bounded; a watchdog
 * (RES_SOAK_TIMEOUT_MIN, default 60) ends the run; the vitest child runs in its own process group, which
 * is killed by its id when the run ends, fails or is interrupted (the test files kill their own children
 * and remove their private PostgreSQL / Redis in `finally`).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./lib/app";

const need = ["psql", "redis-cli", "redis-server", "runuser"];
const missing = need.filter((c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0);
if (missing.length) {
  console.error(
    `bench:resilience needs ${missing.join(", ")} (PostgreSQL client and server binaries, Redis).`,
  );
  process.exit(2);
}

const results = path.join(ROOT, "bench/results");
const logs = path.join(results, "logs/resilience");
mkdirSync(logs, { recursive: true });
const figures = mkdtempSync(path.join(tmpdir(), "hala-resilience-soak-"));
const timeoutMin = Number(process.env.RES_SOAK_TIMEOUT_MIN ?? 60);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  RES_LONG: "1",
  RES_BUILD: process.env.RES_BUILD ?? "private",
  RES_FUZZ_SCALE: process.env.RES_FUZZ_SCALE ?? "2",
  // The cheap WhatsApp properties (typed text, repeated keys: ≈ 20 ms a case) ×90; the mutated real payloads
  // (≈ 150 ms a case on this 2-core machine: up to 4 MB bodies, a table snapshot before and after) ×12.
  RES_FUZZ_SCALE_WHATSAPP: process.env.RES_FUZZ_SCALE_WHATSAPP ?? "90",
  RES_FUZZ_SCALE_WHATSAPP_MUTATED: process.env.RES_FUZZ_SCALE_WHATSAPP_MUTATED ?? "12",
  RES_FUZZ_SCALE_ADMIN: process.env.RES_FUZZ_SCALE_ADMIN ?? "3",
  RES_FUZZ_SCALE_SHOPIFY: process.env.RES_FUZZ_SCALE_SHOPIFY ?? "2",
  RES_REPORT: process.env.RES_REPORT ?? path.join(results, "resilience.md"),
  RES_FIGURES_DIR: figures,
  RES_WORK_DIR: logs,
  RES_WORKERS: process.env.RES_WORKERS ?? "2",
};
const started = Date.now();
console.log(
  `[soak] ${new Date().toISOString()} — long run: build ${env.RES_BUILD}, fuzz ×${env.RES_FUZZ_SCALE_WHATSAPP} WhatsApp (mutated payloads ×${env.RES_FUZZ_SCALE_WHATSAPP_MUTATED}) / ×${env.RES_FUZZ_SCALE_ADMIN} admin / ×${env.RES_FUZZ_SCALE_SHOPIFY} Shopify, watchdog ${timeoutMin} min`,
);
console.log(`[soak] report → ${env.RES_REPORT}; children's logs → ${logs}`);

const child = spawn(
  "npx",
  ["vitest", "run", "--config", "tests/resilience/vitest.config.ts", ...process.argv.slice(2)],
  {
    cwd: ROOT,
    env,
    stdio: "inherit",
    detached: true, // its own process group: the app children it starts go with it
  },
);
const killGroup = (signal: NodeJS.Signals) => {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
const watchdog = setTimeout(() => {
  console.error(`[soak] watchdog: still running after ${timeoutMin} min — stopping it`);
  killGroup("SIGTERM");
  setTimeout(() => killGroup("SIGKILL"), 15_000).unref();
}, timeoutMin * 60_000);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    killGroup("SIGTERM");
    setTimeout(() => {
      killGroup("SIGKILL");
      process.exit(130);
    }, 10_000).unref();
  });

const code = await new Promise<number>((resolve) => child.once("exit", (c, s) => resolve(c ?? (s ? 1 : 0))));
clearTimeout(watchdog);
killGroup("SIGKILL"); // anything the run left behind in its group
rmSync(figures, { recursive: true, force: true });
console.log(
  `[soak] done in ${Math.round((Date.now() - started) / 60_000)} min, exit ${code}; report: ${env.RES_REPORT}`,
);
process.exit(code);
