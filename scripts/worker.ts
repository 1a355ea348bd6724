/**
 * `npm run worker`: the background workers (inbox processor, outbox sender, scheduler) without the HTTP
 * server. One app process runs both by default; to scale, run web processes with HALA_WORKERS=false and as
 * many of these as needed — they share the work through PostgreSQL (FOR UPDATE SKIP LOCKED) and Redis.
 */
// First: V8's flags must be set before the code they concern runs (./v8-flags.ts).
import "./v8-flags";
import { closeCache } from "../app/cache.server";
import { closeDatabase } from "../app/db.server";
import { logger } from "../app/logger.server";
import { startBackgroundWork, stopBackgroundWork } from "../app/services/background.server";
import "../app/services/workers.server";

process.env.HALA_WORKERS = "true";
const workers = await startBackgroundWork();
logger.info({ workers: workers.map((w) => w.name) }, "worker process started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "worker process stopping");
  await stopBackgroundWork();
  await closeCache();
  await closeDatabase();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
