import { database } from "~/db.server";
import { logger } from "~/logger.server";

type WorkTable = '"InboundEvent"' | '"Message"' | '"ScheduledJob"';

/** A claim slower than this means the planner is probably working from statistics older than the backlog. */
const SLOW_CLAIM_MS = 25;
/** At most one re-analyze per table per instance in this window (a slow claim is fixed by the next analyze). */
const ANALYZE_EVERY_MS = 10_000;
const lastAnalyze = new Map<WorkTable, number>();

/**
 * A work table's backlog can grow by thousands of rows a second, faster than autovacuum re-analyzes it (it looks
 * once a minute; migration 20261205075054_claim_plans). The claims' plans no longer depend on the statistics
 * for their per-row probe, but with "nothing is pending" estimates the planner still sorts every pending row
 * instead of walking the ordered index to the LIMIT (measured: 25-45 ms a claim at a 5-7k backlog, against
 * ~1 ms). A slow claim therefore refreshes the table's statistics, in the background (tens of ms on PostgreSQL;
 * cached plans are re-planned afterwards), so the next claims are fast again.
 */
function refreshStatisticsIfSlow(table: WorkTable, elapsedMs: number): void {
  if (elapsedMs < SLOW_CLAIM_MS) return;
  const now = Date.now();
  if (now - (lastAnalyze.get(table) ?? 0) < ANALYZE_EVERY_MS) return;
  lastAnalyze.set(table, now);
  logger.info({ table, claimMs: Math.round(elapsedMs) }, "slow claim: refreshing planner statistics");
  database()
    .raw.exec(`ANALYZE ${table}`)
    .catch((error: unknown) => logger.warn({ err: error, table }, "ANALYZE failed"));
}

/** Test hook: forget when the tables were last analyzed. */
export function resetClaimStatistics(): void {
  lastAnalyze.clear();
}

/**
 * Claims up to `limit` rows of a work table for `leaseMs`: rows that are due, not leased by another
 * worker (or whose lease expired: that worker died), skipping rows other transactions hold
 * (FOR UPDATE SKIP LOCKED), so any number of instances can claim at once. `lockedUntil` is the lease and
 * `attempts` counts claims. Table, conditions and order are fixed strings of this module's callers.
 */
export async function claimRows(options: {
  table: WorkTable;
  /** SQL conditions on the alias `t` (besides the lease), e.g. `t.status = 'pending' AND t."runAt" <= now()`. */
  due: string;
  orderBy: string;
  limit: number;
  leaseMs: number;
  /** Extra assignments, e.g. `status = 'sending'`. */
  set?: string;
}): Promise<string[]> {
  const started = performance.now();
  const rows = await database().raw.query<{ id: string }>(
    claimSql(options),
    [options.limit, String(options.leaseMs)],
    // The callers' fixed strings: a handful of texts, each prepared once per connection.
    { prepare: true },
  );
  refreshStatisticsIfSlow(options.table, performance.now() - started);
  return rows.map((r) => r.id);
}

/** The claim statement ($1 limit, $2 lease in ms); exported for the plan tests. */
export function claimSql(options: { table: WorkTable; due: string; orderBy: string; set?: string }): string {
  return `WITH candidates AS (
       SELECT t.id FROM ${options.table} t
       WHERE ${options.due}
         AND (t."lockedUntil" IS NULL OR t."lockedUntil" < now())
       ORDER BY ${options.orderBy}
       LIMIT $1
       FOR UPDATE SKIP LOCKED
     )
     UPDATE ${options.table}
     SET "lockedUntil" = now() + ($2 || ' milliseconds')::interval, attempts = attempts + 1${options.set ? `, ${options.set}` : ""}
     WHERE id IN (SELECT id FROM candidates)
     RETURNING id`;
}
