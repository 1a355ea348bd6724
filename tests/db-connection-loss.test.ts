/**
 * PostgreSQL ending connections (a restart, a failover, an idle timeout): the pg pool must survive it — no
 * unhandled 'error' event crashing the process, whether the client was idle in the pool or checked out
 * between two queries — and the next queries must work again (issue 9.2). Runs in the services project
 * (DATABASE_URL set); the embedded project has no connections to lose. Only this test's own connections
 * (by application_name) are terminated.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "~/db.server";

const url = process.env.DATABASE_URL;
const appName = `hala-connloss-${process.pid}`;

describe.skipIf(!url)("PostgreSQL ends the app's connections", () => {
  const withName = url ? `${url}${url.includes("?") ? "&" : "?"}application_name=${appName}` : "";
  const d = url ? createDatabase({ databaseUrl: withName, pgliteDataDir: "memory://" }) : undefined;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on("uncaughtException", onUncaught);

  afterAll(async () => {
    process.off("uncaughtException", onUncaught);
    await d?.close();
  });

  async function terminateOurs(): Promise<number> {
    const killer = new pg.Client({ connectionString: url });
    await killer.connect();
    try {
      const { rows } = await killer.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`,
        [appName],
      );
      return rows[0].n;
    } finally {
      await killer.end();
    }
  }

  it("idle pooled clients and a checked-out one are terminated: no crash, and the pool serves again", async () => {
    // Warm the pool (idle clients), then terminate them all while one is checked out between two queries.
    await Promise.all(Array.from({ length: 3 }, () => d!.raw.query("SELECT pg_sleep(0.05)")));
    let terminated = 0;
    const held = d!.raw.withLock(900_000 + (process.pid % 10_000), async () => {
      terminated = await terminateOurs();
      await new Promise((r) => setTimeout(r, 300)); // the holder is idle: its 'error' event fires now
    });
    // The unlock on the dead connection fails: withLock reports it, nothing crashes.
    await expect(held).rejects.toThrow();
    expect(terminated).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(uncaught).toEqual([]);
    // The pool serves again, on new connections.
    expect(await d!.raw.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(await d!.prisma.$queryRawUnsafe("SELECT 2 AS n")).toEqual([{ n: 2 }]);
  });
});
