/**
 * Starts `npm run demo` (scripts/demo.ts) as a child process on a free port with a throw-away PGlite data
 * folder, waits for its banner, and parses what it printed. Shared by tests/demo.test.ts and the browser test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface RunningDemo {
  url: string;
  port: number;
  printed: Record<string, string>;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  shop: string;
  apiKey: string;
  apiSecret: string;
  output(): string;
  stop(): Promise<void>;
  /** Time from spawn to the banner. */
  startMs: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a demo child: the caller's, minus what test set-ups put there for the app under test. */
export function demoEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [
    "NODE_ENV",
    "SHOPIFY_API_KEY",
    "SHOPIFY_API_SECRET",
    "SHOPIFY_APP_URL",
    "ENCRYPTION_KEY",
    "HALA_WORKERS",
    "HALA_DEMO",
    "LOG_LEVEL",
    "DATABASE_URL",
    "REDIS_URL",
    "PGLITE_DATA_DIR",
    "VITEST",
    "VITEST_POOL_ID",
    "VITEST_WORKER_ID",
    "TEST",
  ])
    delete env[key];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `npx tsx scripts/demo.ts` to completion (for start-up failures); returns its exit code and output. */
export async function runDemoToExit(
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn("npx", ["tsx", "scripts/demo.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Parses the banner's `  key  value` lines. */
export function parseBanner(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = line.match(/^ {2}(\S.*?) {2,}(\S.*)$/);
    if (m) out[m[1].trim()] = m[2].trim();
  }
  return out;
}

export async function startDemo(
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; log?: boolean } = {},
): Promise<RunningDemo> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "hala-demo-"));
  const started = Date.now();
  const child = spawn("npx", ["tsx", "scripts/demo.ts"], {
    cwd: ROOT,
    env: demoEnv({ PORT: String(port), PGLITE_DATA_DIR: path.join(dataDir, "pglite"), ...options.env }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const onData = (d: Buffer) => {
    output += d.toString();
    if (options.log) process.stdout.write(d);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      exited = code;
      resolve();
    }),
  );

  const stop = async () => {
    if (exited === undefined) {
      killGroup(child, "SIGTERM");
      const killed = await Promise.race([
        exitPromise.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 8_000)),
      ]);
      if (!killed) killGroup(child, "SIGKILL");
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 2_000))]);
    }
    // The tsx child of npx may outlive it: make sure the whole group is gone.
    killGroup(child, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  while (!/Hala demo ready/.test(output) || !/Ctrl-C to stop/.test(output)) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`The demo exited (${exited}) before it was ready:\n${output.slice(-4000)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `The demo was not ready within ${options.timeoutMs ?? 180_000} ms:\n${output.slice(-4000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const startMs = Date.now() - started;
  const printed = parseBanner(output);
  const need = (key: string) => {
    const value = printed[key];
    if (!value) throw new Error(`The demo did not print "${key}":\n${output}`);
    return value;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    printed,
    phoneNumberId: need("phone_number_id (DEMO_PHONE_NUMBER_ID)"),
    appSecret: need("app secret (DEMO_APP_SECRET)"),
    verifyToken: need("verify token (DEMO_VERIFY_TOKEN)"),
    shop: need("Shop domain (DEMO_SHOP)"),
    apiKey: need("SHOPIFY_API_KEY"),
    apiSecret: need("SHOPIFY_API_SECRET"),
    output: () => output,
    stop,
    startMs,
  };
}
