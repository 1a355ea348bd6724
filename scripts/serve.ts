/**
 * The HTTP server for the built app (build/): production (`npm start` → scripts/start.ts, the Docker image),
 * `npm run dev:local`, `npm run demo` and the benchmarks. The build's fast path first (`fastPath`, exported by
 * app/entry.server.tsx: `POST /webhooks/whatsapp` answered from node:http without Remix), then static files
 * from build/client, then everything else through Remix's request handler.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";

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
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const handle = createRequestHandler(build, "production");
  const fastPath = (build.entry.module as { fastPath?: FastPath }).fastPath;
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
  await new Promise<void>((resolve) => server.listen(options.port, host, resolve));
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
