import { database } from "~/db.server";
import { logger } from "~/logger.server";

type WorkTable = '"InboundEvent"' | '"Message"' | '"ScheduledJob"';

/** A claim slower than this means the planner is probably working from statistics older than the backlog. */
const SLOW_CLAIM_MS = 25;

export interface AnalyzeSchedule {
  /** When this instance last re-analyzed the table (0: never). */
  lastAt: number;
  /** The least time between two re-analyzes. */
  intervalMs: number;
}

export const ANALYZE_MIN_INTERVAL_MS = 10_000;
export const ANALYZE_MAX_INTERVAL_MS = 300_000;

/**
 * Whether a slow claim at `now` re-analyzes the table, and the schedule after it (pure). At most one
 * re-analyze per table per instance per interval. A claim still slow soon after a re-analyze (within two
 * intervals) says the statistics were not the cause — a busy machine makes claims slow too, and an ANALYZE
 * costs PostgreSQL hundreds of ms of CPU — so the interval doubles, up to five minutes; slow claims after a
 * quiet spell start again from ten seconds.
 */
export function analyzeDecision(
  schedule: AnalyzeSchedule,
  now: number,
): { analyze: boolean; schedule: AnalyzeSchedule } {
  if (schedule.lastAt && now - schedule.lastAt < schedule.intervalMs) return { analyze: false, schedule };
  const soonAgain = schedule.lastAt > 0 && now - schedule.lastAt < 2 * schedule.intervalMs;
  const intervalMs = soonAgain
    ? Math.min(schedule.intervalMs * 2, ANALYZE_MAX_INTERVAL_MS)
    : ANALYZE_MIN_INTERVAL_MS;
  return { analyze: true, schedule: { lastAt: now, intervalMs } };
}

const schedules = new Map<WorkTable, AnalyzeSchedule>();

/**
 * A work table's backlog can grow by thousands of rows a second, faster than autovacuum re-analyzes it (it looks
 * once a minute; migration 20261205075054_claim_plans). The claims' plans no longer depend on the statistics
 * for their per-row probe, but with "nothing is pending" estimates the planner still sorts every pending row
 * instead of walking the ordered index to the LIMIT (measured: 25-45 ms a claim at a 5-7k backlog, against
 * ~1 ms). A slow claim therefore refreshes the table's statistics, in the background (tens of ms on PostgreSQL;
 * cached plans are re-planned afterwards), so the next claims are fast again — as often as analyzeDecision allows.
 */
function refreshStatisticsIfSlow(table: WorkTable, elapsedMs: number): void {
  if (elapsedMs < SLOW_CLAIM_MS) return;
  const decision = analyzeDecision(
    schedules.get(table) ?? { lastAt: 0, intervalMs: ANALYZE_MIN_INTERVAL_MS },
    Date.now(),
  );
  schedules.set(table, decision.schedule);
  if (!decision.analyze) return;
  logger.info({ table, claimMs: Math.round(elapsedMs) }, "slow claim: refreshing planner statistics");
  database()
    .raw.exec(`ANALYZE ${table}`)
    .catch((error: unknown) => logger.warn({ err: error, table }, "ANALYZE failed"));
}

/** Test hook: forget when the tables were last analyzed. */
export function resetClaimStatistics(): void {
  schedules.clear();
}

/**
 * Claims up to `limit` rows of a work table for `leaseMs`: rows that are due, not leased by another
 * worker (or whose lease expired: that worker died), skipping rows other transactions hold
 * (FOR UPDATE SKIP LOCKED), so any number of instances can claim at once. `lockedUntil` is the lease and
 * `attempts` counts claims. Table, conditions and order are fixed strings of this module's callers.
 */
export interface ClaimOptions {
  table: WorkTable;
  /** SQL conditions on the alias `t` (besides the lease), e.g. `t.status = 'pending' AND t."runAt" <= now()`. */
  due: string;
  orderBy: string;
  limit: number;
  leaseMs: number;
  /** Extra assignments, e.g. `status = 'sending'`. */
  set?: string;
}

export async function claimRows(options: ClaimOptions): Promise<string[]> {
  const rows = await runClaim<{ id: string }>(options, claimSql(options));
  return rows.map((r) => r.id);
}

/**
 * The same claim, and in the same statement a read of what the caller needs: `select` reads the CTE `claimed`
 * (the claimed rows, every column as updated) — one round trip instead of a claim and then reads by id.
 * `select` is a fixed string of this module's callers.
 */
export async function claimRowsSelect<T>(options: ClaimOptions, select: string): Promise<T[]> {
  return runClaim<T>(options, `WITH claimed AS (${claimSql({ ...options, returning: "*" })}) ${select}`);
}

async function runClaim<T>(options: ClaimOptions, sql: string): Promise<T[]> {
  const started = performance.now();
  const rows = await database().raw.query<T>(
    sql,
    [options.limit, String(options.leaseMs)],
    // The callers' fixed strings: a handful of texts, each prepared once per connection.
    { prepare: true },
  );
  refreshStatisticsIfSlow(options.table, performance.now() - started);
  return rows;
}

/** The claim statement ($1 limit, $2 lease in ms); exported for the plan tests. */
export function claimSql(options: {
  table: WorkTable;
  due: string;
  orderBy: string;
  set?: string;
  /** What the UPDATE returns (default: the ids). */
  returning?: string;
}): string {
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
     RETURNING ${options.returning ?? "id"}`;
}
