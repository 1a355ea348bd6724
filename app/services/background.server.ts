import { migrate } from "~/adapters/db/migrate.server";
import { database } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { warmUpThread } from "./warm-up.server";

/**
 * Work that runs beside the HTTP server: the migration step, then the background workers. Every worker
 * claims its rows in PostgreSQL (FOR UPDATE SKIP LOCKED), so any number of instances can run them.
 */
export interface Worker {
  name: string;
  start(): void;
  stop(): Promise<void>;
}

const workerFactories: (() => Worker)[] = [];

/** Registers a worker to start with the server (called by the worker's module). */
export function registerWorker(factory: () => Worker): void {
  workerFactories.push(factory);
}

const globalForBackground = globalThis as unknown as { __halaBackground?: Promise<Worker[]> };

export function startBackgroundWork(): Promise<Worker[]> {
  globalForBackground.__halaBackground ??= (async () => {
    const result = await migrate(database().raw);
    if (result.applied.length) logger.info({ applied: result.applied }, "migrations applied");
    // The pool's kept connections (DATABASE_POOL_MIN), before the workers and the first burst need them.
    const connections = await database().raw.warm();
    if (connections > 0) logger.info({ connections }, "database connections opened");
    if (!env().HALA_WORKERS) return [];
    // Before the workers take their first batch (the backlog a restart finds, or a burst): their code warmed up.
    warmUpThread("workers");
    const workers = workerFactories.map((factory) => factory());
    for (const worker of workers) worker.start();
    logger.info({ workers: workers.map((w) => w.name) }, "background workers started");
    return workers;
  })().catch((error) => {
    logger.fatal({ err: error }, "start-up failed");
    globalForBackground.__halaBackground = undefined;
    throw error;
  });
  // Keep an unhandled rejection from crashing the server; /healthz reports the database state.
  globalForBackground.__halaBackground.catch(() => undefined);
  return globalForBackground.__halaBackground;
}

export async function stopBackgroundWork(): Promise<void> {
  const workers = await globalForBackground.__halaBackground?.catch(() => []);
  globalForBackground.__halaBackground = undefined;
  await Promise.all((workers ?? []).map((w) => w.stop()));
}
