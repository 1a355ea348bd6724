/**
 * Headers of the BUILT app (a child process on 127.0.0.1, NODE_ENV=production, PGlite in a temp dir): the
 * embedded admin's document carries the frame-ancestors policy Shopify requires (the shop's admin and
 * admin.shopify.com); pages outside the admin (/, /simulator, /auth/login) are not framable
 * (frame-ancestors 'none', X-Frame-Options DENY). And the demo refuses to start in production.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppProcess, prepareBuild, type AppSnapshot } from "../../bench/resilience/lib/app";
import { makeTenants } from "../../bench/resilience/lib/driver";
import { startFakeGraph, type FakeGraph } from "../../bench/resilience/lib/fake-graph";
import { ENCRYPTION_KEY, seedTenants, workDir } from "../../bench/resilience/lib/scenarios";
import { freePort, tempDir } from "../../bench/resilience/lib/services";
import { demoEnv, runDemoToExit } from "../e2e/demo-process";
import { sessionToken } from "../helpers/session-token";
import { recordFigures } from "./support/figures";

const API_KEY = "res-api-key";
const BROWSER =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const API_SECRET = "res-api-secret";
let snapshot: AppSnapshot | undefined;
let app: AppProcess | undefined;
let graph: FakeGraph | undefined;
let dataDir = "";
const shop = makeTenants(1, 80, "hdr")[0];
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  snapshot = await prepareBuild();
  graph = await startFakeGraph();
  dataDir = tempDir("pglite");
  const key = ENCRYPTION_KEY();
  const dir = workDir("headers");
  await seedTenants(undefined, key, [shop], dir, { PGLITE_DATA_DIR: dataDir, RES_SESSIONS: "1" });
  app = new AppProcess({
    snapshot,
    port: await freePort(),
    graphUrl: graph.url,
    logFile: path.join(dir, "app.log"),
    encryptionKey: key,
    shopifyApiSecret: API_SECRET,
    extraEnv: { PGLITE_DATA_DIR: dataDir, HALA_WORKERS: "false" },
  });
  await app.start();
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await graph?.close();
  snapshot?.cleanup();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  recordFigures("headers", {
    title: "Headers and production safety",
    stale: snapshot?.stale ?? null,
    ...figures,
  });
});

async function get(pathname: string) {
  const response = await fetch(`${app!.url}${pathname}`, {
    redirect: "manual",
    headers: { "User-Agent": BROWSER },
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    csp: response.headers.get("content-security-policy") ?? "",
    xfo: response.headers.get("x-frame-options"),
  };
}

describe("framing policy of the built app", () => {
  it("an embedded admin document sends frame-ancestors https://<shop> https://admin.shopify.com", async () => {
    const token = sessionToken({ shop: shop.shop, apiKey: API_KEY, secret: API_SECRET });
    const host = Buffer.from(`admin.shopify.com/store/${shop.shop.replace(".myshopify.com", "")}`).toString(
      "base64url",
    );
    const r = await get(`/app?shop=${shop.shop}&host=${host}&embedded=1&id_token=${token}`);
    figures.embedded = r;
    expect(r.status).toBe(200);
    expect(r.csp).toMatch(/frame-ancestors/);
    expect(r.csp).toContain(`https://${shop.shop}`);
    expect(r.csp).toContain("https://admin.shopify.com");
    expect(r.csp).not.toContain("'none'");
    expect(r.xfo).toBeNull();
  });

  it.each(["/", "/simulator", "/auth/login"])(
    "%s is not framable (frame-ancestors 'none')",
    async (pathname) => {
      const r = await get(pathname);
      figures[`page ${pathname}`] = r;
      expect(r.status).toBeLessThan(500);
      expect(r.csp).toContain("frame-ancestors 'none'");
      expect(r.xfo).toBe("DENY");
    },
  );
});

describe("production safety", () => {
  it("the demo refuses to start with NODE_ENV=production (non-zero exit, a message naming it)", async () => {
    const { code, output } = await runDemoToExit(demoEnv({ NODE_ENV: "production", PORT: "0" }), 90_000);
    figures.demoInProduction = {
      exitCode: code,
      message: output
        .split("\n")
        .find((l) => /production/i.test(l))
        ?.slice(0, 200),
    };
    expect(code).not.toBe(0);
    expect(output).toMatch(/NODE_ENV=production/);
  }, 100_000);
});
