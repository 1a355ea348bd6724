import { cache } from "~/cache.server";
import { database } from "~/db.server";

export interface Health {
  ok: boolean;
  database: "ok" | "down";
  cache: "ok" | "down";
  cacheKind: "redis" | "memory";
  databaseKind: "postgres" | "pglite";
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref()),
  ]);
}

/** Database and cache reachability. The database is required (503 without it); the cache degrades. */
export async function checkHealth(timeoutMs = 2_000): Promise<Health> {
  const { raw } = database();
  const c = cache();
  const [dbOk, cacheOk] = await Promise.all([
    withTimeout(raw.query("SELECT 1 AS ok"), timeoutMs).then(
      () => true,
      () => false,
    ),
    withTimeout(c.ping(), timeoutMs).catch(() => false),
  ]);
  return {
    ok: dbOk,
    database: dbOk ? "ok" : "down",
    cache: cacheOk ? "ok" : "down",
    cacheKind: c.kind,
    databaseKind: raw.kind,
  };
}
