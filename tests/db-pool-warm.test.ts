/**
 * The pool's kept connections (DATABASE_POOL_MIN, app/db.server.ts): the server opens them when it starts
 * (`raw.warm()`, called by the background start), and the pool keeps them while idle, so that a burst finds them
 * open. PostgreSQL only (the services project); PGlite has no connections. Only this test's own connections are
 * counted (by application_name). Also the application_name the connections carry.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { connectionRole, createDatabase, type Database, type PoolOptions } from "~/db.server";

const url = process.env.DATABASE_URL;

async function connectionsNamed(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
      [name],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

const opened: Database[] = [];
function named(name: string, pool: PoolOptions) {
  const d = createDatabase({
    databaseUrl: `${url}${url!.includes("?") ? "&" : "?"}application_name=${name}`,
    pgliteDataDir: "memory://",
    pool,
  });
  opened.push(d);
  return d;
}

describe.skipIf(!url)("the database pool's kept connections", () => {
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.close()));
  });

  it("warm() opens `min` connections at once; a burst adds more; idle, the pool shrinks back to `min`, not below", async () => {
    const name = `hala-warm-${process.pid}`;
    const d = named(name, { max: 6, min: 4, idleTimeoutMs: 200 });
    expect(await connectionsNamed(name)).toBe(0);

    expect(await d.raw.warm()).toBe(4);
    expect(await connectionsNamed(name)).toBe(4);
    // Warming again opens nothing more: the kept connections are idle in the pool.
    expect(await d.raw.warm()).toBe(4);
    expect(await connectionsNamed(name)).toBe(4);

    await Promise.all(Array.from({ length: 6 }, () => d.raw.query("SELECT pg_sleep(0.05)")));
    expect(await connectionsNamed(name)).toBe(6);

    // The two above `min` close after the idle timeout; the kept four stay open and serve.
    await expect.poll(() => connectionsNamed(name), { timeout: 3_000, interval: 100 }).toBe(4);
    await new Promise((r) => setTimeout(r, 400));
    expect(await connectionsNamed(name)).toBe(4);
    expect(await d.raw.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("`min` is capped at `max`, and 0 opens nothing until a query needs it", async () => {
    const capped = `hala-warm-cap-${process.pid}`;
    expect(await named(capped, { max: 3, min: 10 }).raw.warm()).toBe(3);
    expect(await connectionsNamed(capped)).toBe(3);

    const none = `hala-warm-none-${process.pid}`;
    const d = named(none, { max: 3, min: 0 });
    expect(await d.raw.warm()).toBe(0);
    expect(await connectionsNamed(none)).toBe(0);
    await d.raw.query("SELECT 1");
    expect(await connectionsNamed(none)).toBe(1);
  });
});

describe.skipIf(!url)("the connections' application_name", () => {
  const appName = async (d: Database) =>
    (await d.raw.query<{ name: string }>("SELECT current_setting('application_name') AS name"))[0].name;

  it("names the part of Hala they serve; PGAPPNAME and an application_name in DATABASE_URL take its place", async () => {
    // vitest runs this file in a child process's main thread, without a workers' thread: the plain name.
    expect(connectionRole()).toBe("hala");
    const plain = createDatabase({ databaseUrl: url, pgliteDataDir: "memory://", pool: { max: 1 } });
    opened.push(plain);
    expect(await appName(plain)).toBe("hala");

    const before = process.env.PGAPPNAME;
    process.env.PGAPPNAME = "hala-ops";
    try {
      const fromEnv = createDatabase({ databaseUrl: url, pgliteDataDir: "memory://", pool: { max: 1 } });
      opened.push(fromEnv);
      expect(await appName(fromEnv)).toBe("hala-ops");
    } finally {
      if (before === undefined) delete process.env.PGAPPNAME;
      else process.env.PGAPPNAME = before;
    }
    const inUrl = named(`hala-url-${process.pid}`, { max: 1 });
    expect(await appName(inUrl)).toBe(`hala-url-${process.pid}`);
  });

  it("the web thread is told apart when the workers run in a thread of their own", () => {
    const before = process.env.HALA_WORKER_THREAD_RUNNING;
    process.env.HALA_WORKER_THREAD_RUNNING = "1";
    try {
      expect(connectionRole()).toBe("hala-web");
    } finally {
      if (before === undefined) delete process.env.HALA_WORKER_THREAD_RUNNING;
      else process.env.HALA_WORKER_THREAD_RUNNING = before;
    }
  });
});

describe.skipIf(!!url)("the embedded database", () => {
  it("has no connections to open: warm() resolves to 0", async () => {
    const d = createDatabase({ pgliteDataDir: "memory://" });
    try {
      expect(await d.raw.warm()).toBe(0);
    } finally {
      await d.close();
    }
  });
});
