import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
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

  it("…_conversation_window keeps every open 24-hour window: the contact's later time moves to its conversation", async () => {
    // A database of its own (PGlite in memory), migrated up to the migration before, with the window on both rows.
    const all = readdirSync("prisma/migrations", { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const index = all.findIndex((name) => name.endsWith("_conversation_window"));
    expect(index).toBeGreaterThan(0);
    const before = mkdtempSync(path.join(os.tmpdir(), "hala-migrations-"));
    for (const name of all.slice(0, index))
      cpSync(path.join("prisma/migrations", name), path.join(before, name), { recursive: true });
    const separate = createDatabase({ pgliteDataDir: "memory://" });
    try {
      await migrate(separate.raw, before);
      await separate.raw.exec(`
        INSERT INTO "Contact" (id, shop, "waId", "lastInboundAt", "updatedAt") VALUES
          ('k1', 's.myshopify.com', '1', '2026-03-01 10:00', now()),
          ('k2', 's.myshopify.com', '2', '2026-03-01 10:00', now()),
          ('k3', 's.myshopify.com', '3', NULL, now()),
          ('k4', 'other.myshopify.com', '4', '2026-03-01 10:00', now());
        INSERT INTO "Conversation" (id, shop, "contactId", state, "lastInboundAt", "updatedAt") VALUES
          ('v1', 's.myshopify.com', 'k1', '{}', NULL, now()),
          ('v2', 's.myshopify.com', 'k2', '{}', '2026-03-01 09:00', now()),
          ('v3', 's.myshopify.com', 'k3', '{}', '2026-03-01 11:00', now()),
          -- the same contact id under another shop is not this conversation's contact
          ('v4', 's.myshopify.com', 'k4', '{}', NULL, now());`);
      const applied = await migrate(separate.raw);
      expect(applied.applied[0]).toMatch(/_conversation_window$/);
      const rows = await separate.raw.query<{ id: string; at: string | null }>(
        `SELECT id, to_char("lastInboundAt", 'YYYY-MM-DD HH24:MI') AS at FROM "Conversation" ORDER BY id`,
      );
      expect(rows).toEqual([
        { id: "v1", at: "2026-03-01 10:00" },
        { id: "v2", at: "2026-03-01 10:00" },
        { id: "v3", at: "2026-03-01 11:00" },
        { id: "v4", at: null },
      ]);
      const columns = await separate.raw.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'Contact' AND column_name = 'lastInboundAt'`,
      );
      expect(columns).toEqual([]);
    } finally {
      await separate.close();
      rmSync(before, { recursive: true });
    }
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
