import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { env, tuning } from "./env.server";

/**
 * The Prisma client and a raw SQL executor for the same database.
 * - `DATABASE_URL` set → PostgreSQL through @prisma/adapter-pg (a pg Pool).
 * - otherwise → PGlite (PostgreSQL compiled to WASM) in `PGLITE_DATA_DIR` (default ./data/pglite,
 *   created on first start; `memory://` keeps it in memory, as the tests do).
 * Prisma runs without engine binaries (engineType "client"): docs/decisions/003-prisma-engineless.md.
 */
export interface RawDb {
  kind: "postgres" | "pglite";
  /** Runs one or more statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs one parameterised statement. `prepare`: a fixed statement the app runs all the time (the hot path,
   * ADR 010) — on PostgreSQL it becomes a named prepared statement, parsed once per connection and then sent
   * as its name only. Never for SQL built from varying text.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs one parameterised statement that returns no rows; resolves to the number of rows it changed. */
  execute(sql: string, params?: unknown[], options?: QueryOptions): Promise<number>;
  /**
   * Opens the pool's kept connections (DATABASE_POOL_MIN) now rather than during the first burst; resolves to how
   * many connections the pool then holds (PGlite: 0, it has none).
   */
  warm(): Promise<number>;
  /** Runs `fn` while holding a database-wide lock (a PostgreSQL advisory lock; PGlite has one process). */
  withLock<T>(lockId: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface QueryOptions {
  prepare?: boolean;
}

const statementNames = new Map<string, string>();

/** A stable name for a prepared statement: the same text gets the same name on every connection. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `hala_${createHash("sha1").update(sql).digest("hex").slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

export interface Database {
  prisma: PrismaClient;
  raw: RawDb;
  close(): Promise<void>;
}

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export interface PoolOptions {
  max?: number;
  min?: number;
  idleTimeoutMs?: number;
}

/**
 * Which part of Hala a connection serves, for pg_stat_activity and PostgreSQL's logs: "hala-web" for the web
 * thread when the workers run in a thread of their own (scripts/serve.ts), "hala-workers" for that thread,
 * "hala" for a process that runs both (or the workers alone: `npm run worker`).
 */
export function connectionRole(): string {
  if (!isMainThread) return "hala-workers";
  return process.env.HALA_WORKER_THREAD_RUNNING === "1" ? "hala-web" : "hala";
}

export function createDatabase(options: {
  databaseUrl?: string;
  pgliteDataDir: string;
  /** Overrides DATABASE_POOL_MAX / DATABASE_POOL_MIN and the 30-s idle timeout (tests). */
  pool?: PoolOptions;
  /** Overrides DATABASE_PLAN_REFRESH_ROWS (tests). */
  planRefreshRows?: number;
}): Database {
  if (options.databaseUrl) {
    const max = options.pool?.max ?? tuning().DATABASE_POOL_MAX;
    // Connections kept open while idle (DATABASE_POOL_MIN, ADR 012). Opening one costs PostgreSQL a process start
    // (40–110 ms each when 25 were opened within a second of a burst, on the benchmark's 2 cores) and the query
    // that asked for it waits: with pools grown on demand, a burst's first webhooks waited up to 420 ms.
    const min = Math.min(options.pool?.min ?? tuning().DATABASE_POOL_MIN ?? max, max);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      // What pg_stat_activity shows for these connections; an application_name in DATABASE_URL, or PGAPPNAME,
      // takes its place.
      application_name: process.env.PGAPPNAME || connectionRole(),
      max,
      min,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: options.pool?.idleTimeoutMs ?? 30_000,
    });
    // A dropped connection must not crash the process: the next query reports the failure instead. The
    // pool's listener covers idle clients only; a checked-out client (raw exec / withLock, between two
    // queries) that PostgreSQL ends would emit an unhandled 'error': every client gets its own listener.
    pool.on("error", () => {});
    pool.on("connect", (client) => {
      client.on("error", () => {});
    });
    // Plans made while the tables were small are dropped as the rows written by this pool's prepared statements
    // grow (DATABASE_PLAN_REFRESH_ROWS, ADR 013): each doubling starts a new epoch, and a connection whose plans
    // are from an earlier one discards them (DISCARD PLANS) before its next prepared statement.
    const refreshRows = options.planRefreshRows ?? tuning().DATABASE_PLAN_REFRESH_ROWS;
    let rowsWritten = 0;
    const planEpoch = () => (refreshRows > 0 ? Math.floor(Math.log2(1 + rowsWritten / refreshRows)) : 0);
    const clientEpochs = new WeakMap<pg.PoolClient, number>();
    const prepared = async (sql: string, values: unknown[]) => {
      const client = await pool.connect();
      let failed: Error | undefined;
      try {
        const epoch = planEpoch();
        const held = clientEpochs.get(client);
        if (held !== undefined && held !== epoch) await client.query("DISCARD PLANS");
        clientEpochs.set(client, epoch);
        const result = await client.query({ name: statementName(sql), text: sql, values });
        rowsWritten += result.rowCount ?? 0;
        return result;
      } catch (error) {
        // As pool.query does: a connection that failed a query is closed, not reused.
        failed = error as Error;
        throw error;
      } finally {
        client.release(failed);
      }
    };
    // Workers' transactions wait for a connection rather than fail when webhooks hold the pool.
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
    const raw: RawDb = {
      kind: "postgres",
      async exec(sql) {
        const client = await pool.connect();
        try {
          await client.query(sql);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      async query(sql, params = [], options) {
        const result = options?.prepare ? await prepared(sql, params) : await pool.query(sql, params);
        return result.rows;
      },
      async execute(sql, params = [], options) {
        const result = options?.prepare ? await prepared(sql, params) : await pool.query(sql, params);
        return result.rowCount ?? 0;
      },
      async warm() {
        // `min` checked out together, so that each is a connection of its own (idle ones first, then new ones);
        // then all back in the pool, where `min` keeps them. One that fails to open is left to the next query.
        const clients = await Promise.allSettled(Array.from({ length: min }, () => pool.connect()));
        for (const c of clients) if (c.status === "fulfilled") c.value.release();
        return pool.totalCount;
      },
      async withLock(lockId, fn) {
        const client = await pool.connect();
        try {
          await client.query("SELECT pg_advisory_lock($1)", [lockId]);
          try {
            return await fn();
          } finally {
            await client.query("SELECT pg_advisory_unlock($1)", [lockId]);
          }
        } finally {
          client.release();
        }
      },
      async close() {
        await pool.end();
      },
    };
    return { prisma, raw, close: async () => void (await prisma.$disconnect(), await raw.close()) };
  }

  const dataDir = options.pgliteDataDir;
  if (!dataDir.startsWith("memory://")) {
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = new PGlite(dataDir);
  const prisma = new PrismaClient({
    adapter: new PrismaPGlite(pglite),
    transactionOptions: TRANSACTION_OPTIONS,
  });
  let chain: Promise<unknown> = Promise.resolve();
  const raw: RawDb = {
    kind: "pglite",
    async exec(sql) {
      try {
        await pglite.exec(sql);
      } catch (error) {
        await pglite.exec("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },
    async query(sql, params = []) {
      const result = await pglite.query(sql, params);
      return result.rows as never;
    },
    async execute(sql, params = []) {
      const result = await pglite.query(sql, params);
      return result.affectedRows ?? 0;
    },
    async warm() {
      return 0;
    },
    withLock(_lockId, fn) {
      const run = chain.then(fn, fn);
      chain = run.catch(() => undefined);
      return run;
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
  return { prisma, raw, close: async () => void (await prisma.$disconnect(), await raw.close()) };
}

// One database per process, created on first use. Kept on globalThis so Vite's dev reloads reuse it.
const globalForDb = globalThis as unknown as { __halaDb?: Database };

export function database(): Database {
  if (!globalForDb.__halaDb) {
    const e = env();
    globalForDb.__halaDb = createDatabase({ databaseUrl: e.DATABASE_URL, pgliteDataDir: e.PGLITE_DATA_DIR });
  }
  return globalForDb.__halaDb;
}

/** The Prisma client of this process. */
export function db(): PrismaClient {
  return database().prisma;
}

/** Replace the process database (tests, demo). */
export function setDatabase(value: Database): void {
  globalForDb.__halaDb = value;
}

export async function closeDatabase(): Promise<void> {
  const current = globalForDb.__halaDb;
  globalForDb.__halaDb = undefined;
  await current?.close();
}
