/**
 * The BUILT app in a child process, as bench/webhook.ts runs it (bench/app-launcher.ts → scripts/serve.ts
 * `serve()`, NODE_ENV=production, workers on), from a private snapshot of the build so that a rebuild in
 * the repository during the run cannot change the app under test:
 * - RES_BUILD=existing (default in the CI form): `npm run build` if build/ is missing, then a copy of build/;
 * - RES_BUILD=private (the long run): a fresh build of the current sources into a temp directory.
 * The snapshot lives in a temp directory with a `node_modules` symlink to the repository's (its bare
 * imports resolve there). Children are started and killed by pid.
 */
import type { ChildProcess } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runAsync, startNode, waitForHttp, httpGet, sleep } from "../../lib/proc";
import { tempDir } from "./services";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface AppSnapshot {
  root: string;
  kind: "existing" | "private";
  /** Whether app/ has files newer than the build it copied (existing mode). */
  stale: boolean;
  cleanup(): void;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** A private build of the current sources into `dir`/build (≈ 20 s). */
export async function buildPrivately(dir: string): Promise<void> {
  await runAsync("npx", ["remix", "vite:build", "--config", "bench/resilience/vite.config.ts"], {
    cwd: ROOT,
    env: { ...process.env, RES_BUILD_DIR: path.join(dir, "build"), NODE_ENV: "production" },
    timeoutMs: 300_000,
  });
}

export async function prepareBuild(
  kind = (process.env.RES_BUILD ?? "existing") as "existing" | "private",
): Promise<AppSnapshot> {
  const dir = tempDir("app");
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    // One private build per run, made by the suite's global set-up (or the soak) and copied here.
    const shared = process.env.RES_SHARED_BUILD;
    if (shared && existsSync(path.join(shared, "build/server/index.js"))) {
      cpSync(path.join(shared, "build"), path.join(dir, "build"), { recursive: true });
      return { root: dir, kind: "private", stale: false, cleanup };
    }
    if (kind === "private") {
      await buildPrivately(dir);
      return { root: dir, kind, stale: false, cleanup };
    }
    const built = path.join(ROOT, "build/server/index.js");
    if (!existsSync(built)) {
      await runAsync("npm", ["run", "build"], { cwd: ROOT, timeoutMs: 300_000 });
    }
    cpSync(path.join(ROOT, "build"), path.join(dir, "build"), { recursive: true });
    const stale = newestMtime(path.join(ROOT, "app")) > statSync(built).mtimeMs;
    return { root: dir, kind, stale, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

export interface AppOptions {
  snapshot: AppSnapshot;
  port: number;
  /** PostgreSQL; without it the app runs on PGlite in `extraEnv.PGLITE_DATA_DIR`. */
  databaseUrl?: string;
  redisUrl?: string;
  graphUrl: string;
  logFile: string;
  encryptionKey: string;
  shopifyApiSecret?: string;
  logLevel?: string;
  extraEnv?: Record<string, string>;
}

export function appEnv(o: AppOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(o.port),
    LOG_LEVEL: o.logLevel ?? process.env.RES_APP_LOG_LEVEL ?? "warn",
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
    SHOPIFY_API_KEY: "res-api-key",
    SHOPIFY_API_SECRET: o.shopifyApiSecret ?? "res-api-secret",
    SHOPIFY_APP_URL: "https://hala-res.example.com",
    ENCRYPTION_KEY: o.encryptionKey,
    GRAPH_API_URL: o.graphUrl,
    // The app's own settings set in the suite's environment reach the app (HALA_WORKER_THREAD=false …).
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("HALA_"))),
    HALA_WORKERS: "true",
    BENCH_APP_ROOT: o.snapshot.root,
    ...(o.extraEnv ?? {}),
  };
}

/** One app process at a time; `restart()` after a SIGKILL starts a new one on the same port. */
export class AppProcess {
  child?: ChildProcess;
  starts = 0;
  kills = 0;
  /** Exits we did not cause (a crash of the app itself: an unhandled rejection, an uncaught exception…). */
  readonly unexpectedExits: { code: number | null; signal: string | null; at: number }[] = [];
  private expectingExit = false;
  readonly startMs: number[] = [];
  constructor(readonly options: AppOptions) {}

  get url() {
    return `http://127.0.0.1:${this.options.port}`;
  }

  alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the app and waits for /healthz (200), or only for the port to answer when `anyStatus`. */
  async start(options: { timeoutMs?: number; anyStatus?: boolean } = {}): Promise<void> {
    const t0 = performance.now();
    const child = startNode("bench/app-launcher.ts", {
      cwd: ROOT,
      env: appEnv(this.options),
      logFile: this.options.logFile,
    });
    this.child = child;
    this.expectingExit = false;
    child.once("exit", (code, signal) => {
      if (!this.expectingExit || child !== this.child)
        this.unexpectedExits.push({ code, signal, at: Date.now() });
    });
    this.starts++;
    if (options.anyStatus) {
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      while (Date.now() < deadline) {
        if (!this.alive()) throw new Error("the app exited before it answered");
        if ((await httpGet(`${this.url}/healthz`)) !== 0) break;
        await sleep(100);
      }
    } else {
      await waitForHttp(`${this.url}/healthz`, options.timeoutMs ?? 60_000, this.child);
    }
    this.startMs.push(performance.now() - t0);
  }

  /** SIGKILL by pid: no shutdown hook, no flush — a crash. Resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive()) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.expectingExit = true;
    child.kill("SIGKILL");
    this.kills++;
    await gone;
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive()) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.expectingExit = true;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await gone;
    clearTimeout(timer);
  }
}
