import { cache } from "~/cache.server";
import { database } from "~/db.server";
import { env } from "~/env.server";

/**
 * The workers' thread as scripts/serve.ts reports it (ADR 011), on the global object the build shares with the
 * server script: absent when no thread was started.
 */
export interface WorkerThreadStatus {
  running: boolean;
  restarts: number;
}

function workerThreadStatus(): WorkerThreadStatus | undefined {
  return (globalThis as { __halaWorkerThread?: WorkerThreadStatus }).__halaWorkerThread;
}

export interface Health {
  ok: boolean;
  database: "ok" | "down";
  cache: "ok" | "down";
  cacheKind: "redis" | "memory";
  databaseKind: "postgres" | "pglite";
  /**
   * Where this process's background workers run: in this thread, in their own thread (running, or being
   * started again after it died: see the log), or nowhere (HALA_WORKERS=false). Informational: the web side
   * answers either way.
   */
  workers: "in-process" | "thread" | "thread-restarting" | "off";
  workerThreadRestarts?: number;
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
  const thread = workerThreadStatus();
  return {
    ok: dbOk,
    database: dbOk ? "ok" : "down",
    cache: cacheOk ? "ok" : "down",
    cacheKind: c.kind,
    databaseKind: raw.kind,
    ...(thread
      ? { workers: thread.running ? "thread" : "thread-restarting", workerThreadRestarts: thread.restarts }
      : { workers: env().HALA_WORKERS ? "in-process" : "off" }),
  };
}
