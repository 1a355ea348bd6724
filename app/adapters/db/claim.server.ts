import { database } from "~/db.server";

/**
 * Claims up to `limit` rows of a work table for `leaseMs`: rows that are due, not leased by another
 * worker (or whose lease expired: that worker died), skipping rows other transactions hold
 * (FOR UPDATE SKIP LOCKED), so any number of instances can claim at once. `lockedUntil` is the lease and
 * `attempts` counts claims. Table, conditions and order are fixed strings of this module's callers.
 */
export async function claimRows(options: {
  table: '"InboundEvent"' | '"Message"' | '"ScheduledJob"';
  /** SQL conditions on the alias `t` (besides the lease), e.g. `t.status = 'pending' AND t."runAt" <= now()`. */
  due: string;
  orderBy: string;
  limit: number;
  leaseMs: number;
  /** Extra assignments, e.g. `status = 'sending'`. */
  set?: string;
}): Promise<string[]> {
  const rows = await database().raw.query<{ id: string }>(
    `WITH candidates AS (
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
     RETURNING id`,
    [options.limit, String(options.leaseMs)],
    // The callers' fixed strings: a handful of texts, each prepared once per connection.
    { prepare: true },
  );
  return rows.map((r) => r.id);
}
