import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { migrate } from "~/adapters/db/migrate.server";
import { openSecret, sealSecret } from "~/adapters/crypto/keyring.server";
import { createDatabase, database, db, setDatabase } from "~/db.server";
import * as loggers from "~/logger.server";
import { log, setLogDestination, withRequestId } from "~/logger.server";
import { loader as healthz } from "~/routes/healthz";
import { setupTestDatabase } from "./helpers/db";

setupTestDatabase();

/** Sends every log line (level trace) to the returned array, for the test to read. */
function captureLogs(): string[] {
  const lines: string[] = [];
  setLogDestination(
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return lines;
}

describe("migrations", () => {
  it("are recorded, so a second run applies nothing", async () => {
    const again = await migrate(database().raw);
    expect(again.applied).toEqual([]);
    expect(again.skipped.length).toBeGreaterThan(0);
    const rows = await database().raw.query<{ name: string }>(`SELECT name FROM "_hala_migrations"`);
    expect(rows.map((r) => r.name)).toEqual(again.skipped);
  });
});

describe("/healthz", () => {
  it("answers 503 when the database cannot be reached", async () => {
    const real = database();
    const broken = createDatabase({
      databaseUrl: "postgresql://nobody@127.0.0.1:1/none",
      pgliteDataDir: "memory://",
    });
    setDatabase(broken);
    try {
      const response = await healthz();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ok: false, database: "down" });
    } finally {
      setDatabase(real);
      await broken.close().catch(() => undefined);
    }
  });

  it("reports where the workers run: off here (tests), in-process, or in their own thread and whether it runs", async () => {
    const global = globalThis as { __halaWorkerThread?: { running: boolean; restarts: number } };
    expect(await (await healthz()).json()).toMatchObject({ workers: "off" });
    try {
      global.__halaWorkerThread = { running: true, restarts: 0 };
      expect(await (await healthz()).json()).toMatchObject({ workers: "thread", workerThreadRestarts: 0 });
      global.__halaWorkerThread = { running: false, restarts: 3 };
      const response = await healthz();
      expect(response.status).toBe(200); // the web side answers either way
      expect(await response.json()).toMatchObject({ workers: "thread-restarting", workerThreadRestarts: 3 });
    } finally {
      delete global.__halaWorkerThread;
    }
  });

  it("reports the database and the cache", async () => {
    const response = await healthz();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      ok: true,
      database: "ok",
      databaseKind: process.env.DATABASE_URL ? "postgres" : "pglite",
      cacheKind: process.env.REDIS_URL ? "redis" : "memory",
    });
  });
});

describe("secrets at rest", () => {
  it("the database never holds an access token or app secret in clear, and logs never print them", async () => {
    const token = "EAAGm0PX4ZCpsBAKZCZBsecretTOKEN123456";
    const appSecret = "f00dfacecafe0123456789abcdefapp";
    await db().whatsAppAccount.create({
      data: {
        shop: "secret-shop.myshopify.com",
        phoneNumberId: "1234567890",
        wabaId: "999",
        accessTokenEnc: sealSecret(token),
        appSecretEnc: sealSecret(appSecret),
        verifyToken: "verify-me",
      },
    });
    const dump = JSON.stringify(await database().raw.query(`SELECT * FROM "WhatsAppAccount"`));
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(appSecret);
    const row = await db().whatsAppAccount.findUniqueOrThrow({ where: { phoneNumberId: "1234567890" } });
    expect(openSecret(row.accessTokenEnc)).toBe(token);

    const lines = captureLogs();
    const logger = log({ shop: "secret-shop.myshopify.com" });
    logger.info({ accessToken: token, account: { appSecret, phoneNumberId: "1234567890" } }, "account saved");
    logger.debug({ headers: { authorization: `Bearer ${token}` } }, "graph call");
    logger.error({ apiKey: appSecret }, "llm failed");
    const output = lines.join("");
    expect(output).toContain("account saved");
    expect(output).toContain("1234567890");
    expect(output).not.toContain(token);
    expect(output).not.toContain(appSecret);
  });
});

describe("structured logs", () => {
  it("are JSON lines carrying the shop and the request id", async () => {
    const lines = captureLogs();
    const request = new Request("https://hala.test/webhooks/whatsapp", {
      headers: { "x-request-id": "req-abc-123" },
    });
    await withRequestId(request, async () => log({ shop: "log-shop.myshopify.com" }).info("handled"));
    await withRequestId(new Request("https://hala.test/"), async () =>
      log({ shop: "log-shop.myshopify.com" }).info("second"),
    );
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({
      msg: "handled",
      shop: "log-shop.myshopify.com",
      requestId: "req-abc-123",
      app: "hala",
    });
    expect(second.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a logger makes its child only when it writes, with the fields (and request id) of when it was taken", async () => {
    const lines = captureLogs();
    const child = vi.spyOn(loggers.logger, "child");
    const unused = log({ shop: "quiet-shop.myshopify.com" });
    expect(unused).toBeDefined();
    expect(child).not.toHaveBeenCalled();
    const later = await withRequestId(
      new Request("https://hala.test/", { headers: { "x-request-id": "req-taken-here" } }),
      async () => log({ shop: "late-shop.myshopify.com", eventId: "e1" }),
    );
    later.warn({ attempt: 2 }, "written after the request");
    expect(later.isLevelEnabled("warn")).toBe(true);
    expect(child).toHaveBeenCalledTimes(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      msg: "written after the request",
      shop: "late-shop.myshopify.com",
      eventId: "e1",
      requestId: "req-taken-here",
      attempt: 2,
      level: 40,
    });
    child.mockRestore();
  });
});
