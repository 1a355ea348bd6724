/**
 * `npm run demo`: Hala with a seeded demo store, no Shopify or Meta account needed (HOUSE.md, "Demo contract").
 *
 * One process: the production build served by scripts/serve.ts, the embedded PGlite database (or
 * DATABASE_URL), the in-process cache (or REDIS_URL), the background workers, and msw faking the Shopify Admin
 * API (a 38-product store) and the WhatsApp Cloud API. The WhatsApp simulator is at /simulator.
 *
 * Order matters: migrations run in a child process first (PGlite must not be opened twice), msw starts before
 * the build is imported (Shopify's client captures `fetch` on import), seeding uses the app's model functions.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { banner, DemoConfigError, resolveDemoConfig } from "./demo/config";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = resolveDemoConfig(process.env);
  } catch (error) {
    if (error instanceof DemoConfigError) {
      console.error(`npm run demo: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  for (const [key, value] of Object.entries(config.env)) {
    // The demo's own switches always win; the rest are defaults the caller may have set.
    if (
      ["HALA_DEMO", "HALA_WORKERS", "SHOPIFY_APP_URL", "PORT", "HALA_FEEDBACK_DELAY_SECONDS"].includes(key) ||
      !process.env[key]
    )
      process.env[key] = value;
  }
  if (!config.databaseUrl) delete process.env.DATABASE_URL;
  if (!config.redisUrl) delete process.env.REDIS_URL;
  process.chdir(ROOT);

  // 1. The build (made or refreshed when needed).
  const { ensureFreshBuild } = await import("./demo/build");
  const phases: Record<string, number> = {};
  let mark = Date.now();
  const phase = (name: string) => {
    phases[name] = Date.now() - mark;
    mark = Date.now();
  };
  phase("setup");
  const building = await ensureFreshBuild(ROOT);
  phase("build");
  if (building.built) console.log(`Built in ${(building.ms / 1000).toFixed(1)} s`);

  // 2. Migrations, in a child process so that PGlite's data folder is opened by one process at a time.
  const migrated = spawnSync("npx", ["tsx", "scripts/migrate.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: process.env,
    cwd: ROOT,
  });
  if (migrated.status !== 0) {
    console.error(`Migrations failed (exit ${migrated.status}).`);
    process.exit(1);
  }
  phase("migrations");

  // 3. Product pictures (written once).
  const { writeDemoImages } = await import("./demo/images");
  const { demoProducts } = await import("../tests/mocks/demo-catalog");
  writeDemoImages(demoProducts, path.join(ROOT, "public/demo-images"));

  // 4. The fakes, before anything imports Shopify's client.
  const { startFakes } = await import("./demo/fakes");
  const fakes = startFakes(config, { graphApiUrl: process.env.GRAPH_API_URL });
  phase("fakes");

  // 5. Seed the shop, its session and its WhatsApp number.
  const { seedDemo } = await import("./demo/seed");
  await seedDemo(config);
  phase("seed");

  // 6. The simulator's view of the fakes, then the app.
  const simulator = await import("../app/services/simulator.server");
  simulator.setSimulatorBackends({
    graph: fakes.graph,
    store: fakes.store,
    shop: config.shop,
    origin: config.selfOrigin,
  });
  const { serve } = await import("./serve");
  const { createRequestHandler } = await import("@remix-run/node");
  const { isAdminDocumentRequest, withDemoAppBridge } = await import("./demo/admin");
  // The same module serve() imports (one instance): used here to post-process admin documents.
  const build = (await import(pathToFileURL(path.join(ROOT, "build/server/index.js")).href)) as ServerBuild;
  const handle = createRequestHandler(build, "production");
  // A copy of the client assets this process serves: a rebuild elsewhere (another demo, `npm run build`) empties
  // build/client for a while and may rename assets, and the running server must keep serving its own.
  const clientCopy = mkdtempSync(path.join(tmpdir(), "hala-demo-client-"));
  cpSync(path.join(ROOT, "build/client"), clientCopy, { recursive: true });
  process.on("exit", () => rmSync(clientCopy, { recursive: true, force: true }));
  const server = await serve({
    port: config.port,
    host: config.host,
    root: ROOT,
    staticDirs: [clientCopy, path.join(ROOT, "public")],
    async before(request) {
      // App Bridge's part outside Shopify: a session token on the admin's own requests (see simulator.server).
      const authorization = simulator.demoAdminAuthorization(request);
      if (authorization) request.headers.set("authorization", authorization);
      if (simulator.simulatorEnabled() && isAdminDocumentRequest(request))
        return withDemoAppBridge(await handle(request));
      return null;
    },
  });

  phase("app");
  console.log(banner(config, { startMs: Date.now() - started, phases }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the demo…`);
    rmSync(clientCopy, { recursive: true, force: true });
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    server.close();
    server.closeAllConnections?.();
    try {
      const { stopBackgroundWork } = await import("../app/services/background.server");
      await stopBackgroundWork();
    } catch {
      // the build's workers stop with the process
    }
    fakes.server.close();
    const { closeDatabase } = await import("../app/db.server");
    await closeDatabase().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error("npm run demo failed:", error);
    process.exit(1);
  });
}
