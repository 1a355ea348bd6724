/**
 * The HTTP server for the built app (build/): production (`npm start` → scripts/start.ts, the Docker image),
 * `npm run dev:local`, `npm run demo` and the benchmarks. The build's fast path first (`fastPath`, exported by
 * app/entry.server.tsx: `POST /webhooks/whatsapp` answered from node:http without Remix), then static files
 * from build/client, then everything else through Remix's request handler.
 */
// First: V8's flags must be set before the code they concern runs (./v8-flags.ts).
import "./v8-flags";
import { randomUUID } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { parseTuning } from "../app/env.server";
import type { WorkerThreadStatus } from "../app/services/health.server";

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

type WarmUpThread = typeof import("../app/services/warm-up.server").warmUpThread;
type FastPath = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export async function ensureBuilt(root = process.cwd()): Promise<void> {
  if (existsSync(path.join(root, "build/server/index.js"))) return;
  const { execFileSync } = await import("node:child_process");
  console.log("Building the app (first start)…");
  execFileSync("npx", ["remix", "vite:build"], { stdio: "inherit", cwd: root });
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const url = new URL(req.url ?? "/", origin);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
    else if (value !== undefined) headers.set(key, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: hasBody ? "half" : undefined,
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    res.setHeader(key, value);
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length) res.setHeader("set-cookie", cookies);
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  clientDir: string,
  extraDirs: string[],
): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  for (const dir of [clientDir, ...extraDirs]) {
    const file = path.join(dir, pathname);
    if (!file.startsWith(dir + path.sep)) continue;
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    res.setHeader("Content-Type", TYPES[path.extname(file)] ?? "application/octet-stream");
    res.setHeader(
      "Cache-Control",
      pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
    );
    createReadStream(file).pipe(res);
    return true;
  }
  return false;
}

/**
 * Whether the workers run in a thread of their own (HALA_WORKER_THREAD: `auto`, the default, `true` or `false`;
 * docs/decisions/011-worker-thread.md). Only with a server database: PGlite, the embedded default, lives in one
 * thread's memory, so without DATABASE_URL the workers stay in the web thread, as they do when the setting is
 * `false`. No thread when the workers are off (HALA_WORKERS=false: a web-only process).
 */
export function workerThreadWanted(env: Record<string, string | undefined> = process.env): boolean {
  const { HALA_WORKERS: workers, HALA_WORKER_THREAD: setting } = parseTuning(env);
  if (!workers || setting === false) return false;
  if (!env.DATABASE_URL) {
    if (setting === true)
      console.warn(
        "HALA_WORKER_THREAD needs DATABASE_URL (PGlite cannot be shared): workers run in the web thread",
      );
    return false;
  }
  return true;
}

let workerThread: Worker | undefined;
let workerThreadStopping = false;

/** Starts the workers' thread, and starts it again (backing off) if it dies. */
function startWorkerThread(buildUrl: string): void {
  workerThreadStopping = false;
  let failures = 0;
  // Read by /healthz (app/services/health.server.ts), which runs in this thread.
  const status: WorkerThreadStatus = { running: false, restarts: 0 };
  (globalThis as { __halaWorkerThread?: WorkerThreadStatus }).__halaWorkerThread = status;
  const { HALA_WORKER_THREAD_NICE: nice, HALA_WORKER_THREAD_SEMI_SPACE_MB: semiSpaceMb } = parseTuning(
    process.env,
  );
  const spawn = () => {
    const thread = new Worker(new URL("./worker-thread.mjs", import.meta.url), {
      // The thread's CPU priority, validated here (HALA_WORKER_THREAD_NICE); the thread is plain JavaScript.
      workerData: { buildUrl, nice },
      env: { ...process.env, HALA_WORKERS: "true" },
      // A young generation is two semi-spaces and a large-object space of the same size (V8).
      ...(semiSpaceMb > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: 3 * semiSpaceMb } } : {}),
    });
    workerThread = thread;
    thread.on("message", (message: { type?: string }) => {
      if (message?.type !== "started") return;
      failures = 0;
      status.running = true;
    });
    thread.on("error", (error) => console.error("worker thread failed:", error));
    thread.on("exit", (code) => {
      if (workerThread === thread) workerThread = undefined;
      status.running = false;
      if (workerThreadStopping) return;
      status.restarts++;
      const delay = Math.min(30_000, 1_000 * 2 ** failures++);
      console.error(`worker thread exited (code ${code}); starting it again in ${delay} ms`);
      setTimeout(spawn, delay).unref();
    });
  };
  spawn();
}

/**
 * Stops the workers' thread, if one runs: its workers finish their batches (leases keep anything cut short
 * safe) and it closes its pool; at most `timeoutMs`, then it is terminated.
 */
export async function stopWorkerThread(timeoutMs = 8_000): Promise<void> {
  workerThreadStopping = true;
  const thread = workerThread;
  if (!thread) return;
  const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
  thread.postMessage({ type: "stop" });
  const timer = setTimeout(() => void thread.terminate(), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Connections the kernel completes and queues for this server while its thread is busy (listen(2)'s backlog;
 * Linux caps it at net.core.somaxconn, 4096 by default). Node's default, 511, overflowed when a burst of webhooks
 * came on new connections faster than the thread accepted them (a fresh instance under load, a proxy opening
 * connections): the kernel then drops the connection's SYN and the sender tries again only after 1, 3, 7 s.
 * Measured with bench:webhook's open loop (1,000 webhooks/s on a fresh app): 8,773–11,788 overflows a run and
 * up to 784 webhooks unanswered after 10 s with 511; none with 4096 (bench/results/ab-s22/).
 */
export const LISTEN_BACKLOG = 4096;

/**
 * Listens on `port` with `sockets` listening sockets bound to it (SO_REUSEPORT; the kernel spreads new connections
 * across them), all feeding `server`. Why several: libuv, Node's event loop, accepts ONE connection per listening
 * socket per turn of the loop (libuv/libuv#3696, 2022; it used to accept until the queue was empty). A turn of a
 * loaded web thread takes milliseconds, so a burst of new connections (a fresh instance under load, a proxy
 * opening connections) was accepted at a few hundred a second and waited in the kernel's queue meanwhile:
 * 90–220 ms (p50) in the first 0.8 s of bench:webhook's open loop at 1,000 webhooks/s, while requests on
 * connections already open waited 5–50 ms (bench/results/ab-s30/README.md). With `sockets` of them, a turn
 * accepts up to that many.
 *
 * A plain socket is bound first and closed, so a port already in use fails with EADDRINUSE as it would with one
 * socket, instead of a second instance silently sharing the port with the first. A socket of the group that
 * cannot be bound (a platform without SO_REUSEPORT) is left out, logged. `server.close()` closes them all.
 */
export async function listenOn(
  server: Server,
  options: { port: number; host: string; sockets: number },
): Promise<void> {
  const { host, sockets } = options;
  const listen = (target: NetServer, port: number, reusePort: boolean) =>
    new Promise<void>((resolve, reject) => {
      target.once("error", reject);
      target.listen({ port, host, backlog: LISTEN_BACKLOG, ...(reusePort ? { reusePort } : {}) }, () => {
        target.off("error", reject);
        resolve();
      });
    });
  if (sockets <= 1) return listen(server, options.port, false);
  const probe = createNetServer();
  await listen(probe, options.port, false);
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await listen(server, port, true);
  const acceptors: NetServer[] = [];
  for (let i = 1; i < sockets; i++) {
    // The HTTP server takes the connection as if it had accepted it (node:http's documented injection), with
    // the socket options its own accepted connections get: node:http turns Nagle's algorithm off (`noDelay`),
    // net's default leaves it on, which held small answers back (40 ms delayed ACKs).
    const acceptor = createNetServer({ noDelay: true }, (socket) => server.emit("connection", socket));
    try {
      await listen(acceptor, port, true);
      acceptors.push(acceptor);
    } catch (error) {
      console.warn(`listening socket ${i + 1} of ${sockets} on port ${port} left out:`, error);
      break;
    }
  }
  const close = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    for (const acceptor of acceptors) acceptor.close();
    return close(callback);
  }) as Server["close"];
}

export async function serve(options: {
  port: number;
  host?: string;
  root?: string;
  staticDirs?: string[];
  /** Extra routes handled before Remix (the demo's). Return null to fall through. */
  before?: (request: Request) => Promise<Response | null>;
  /**
   * The origin of the web Request given to Remix: a fixed one (default: http://host:port, or SHOPIFY_APP_URL
   * when it is http), or "host-header" — scheme http and the request's Host header, as remix-serve does
   * (production, behind the TLS-terminating proxy).
   */
  origin?: "host-header";
}): Promise<Server> {
  const root = options.root ?? process.cwd();
  const buildPath = path.join(root, "build/server/index.js");
  const buildUrl = pathToFileURL(buildPath).href;
  const threaded = workerThreadWanted();
  if (threaded) {
    // This thread answers requests; the workers' thread runs the workers (and gets this thread's wakes).
    process.env.HALA_WORKERS = "false";
    process.env.HALA_WORKER_THREAD_RUNNING = "1";
    // One instance id for both threads: the thread ignores the cache's echo of the web thread's wake-ups, which
    // reached it over the BroadcastChannel already (app/services/worker.server.ts).
    process.env.HALA_INSTANCE_ID ||= randomUUID();
  }
  const build = (await import(buildUrl)) as ServerBuild;
  if (threaded) startWorkerThread(buildUrl);
  const handle = createRequestHandler(build, "production");
  const fastPath = (build.entry.module as { fastPath?: FastPath }).fastPath;
  // Read after the threaded set-up above, which turns this thread's workers off.
  const tuning = parseTuning(process.env);
  // The intake's code warmed up before the first webhook (app/services/warm-up.server.ts; HALA_WARM_UP_MS);
  // the workers' as well when they run in this thread (their background start then finds it done).
  (build.entry.module as { warmUpThread?: WarmUpThread }).warmUpThread?.(
    tuning.HALA_WORKERS ? "workers" : "intake",
  );
  const clientDir = path.join(root, "build/client");
  const host = options.host ?? "127.0.0.1";
  const origin = `http://${host}:${options.port}`;
  const server = createServer(async (req, res) => {
    try {
      if (fastPath && (await fastPath(req, res))) return;
      if (serveStatic(req, res, clientDir, options.staticDirs ?? [])) return;
      const request = toRequest(
        req,
        options.origin === "host-header"
          ? `http://${req.headers.host ?? `${host}:${options.port}`}`
          : process.env.SHOPIFY_APP_URL?.startsWith("http://")
            ? process.env.SHOPIFY_APP_URL
            : origin,
      );
      const response = (await options.before?.(request)) ?? (await handle(request));
      await send(res, response);
    } catch (error) {
      console.error(error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  });
  await listenOn(server, {
    port: options.port,
    host,
    sockets: tuning.HALA_LISTEN_SOCKETS,
  });
  return server;
}

// `npm run dev:local`: the built app on the embedded default (PGlite + in-process cache), no Shopify needed
// to answer /healthz. Placeholder Shopify credentials are used unless set.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.env.NODE_ENV === "production") {
    console.error("dev:local is for development; use `npm start` in production.");
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3000);
  process.env.SHOPIFY_API_KEY ||= "dev-api-key";
  process.env.SHOPIFY_API_SECRET ||= "dev-api-secret";
  process.env.SHOPIFY_APP_URL ||= `http://localhost:${port}`;
  process.env.ENCRYPTION_KEY ||= "dev:" + Buffer.alloc(32, 1).toString("base64");
  await ensureBuilt();
  const { execFileSync } = await import("node:child_process");
  execFileSync("npx", ["tsx", "scripts/migrate.ts"], { stdio: "inherit" });
  await serve({ port });
  console.log(`Hala on http://localhost:${port} (health: /healthz)`);
}
