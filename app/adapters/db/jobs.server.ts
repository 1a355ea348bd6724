import type { Prisma, ScheduledJob } from "@prisma/client";
import { database, db } from "~/db.server";
import { claimRows } from "./claim.server";

export interface NewJob {
  kind: string;
  /** Unique across the table: scheduling the same job twice keeps the first one. */
  dedupeKey: string;
  runAt: Date;
  payload: Prisma.InputJsonValue;
}

export async function scheduleJob(shop: string, job: NewJob): Promise<boolean> {
  const result = await db().scheduledJob.createMany({ data: [{ shop, ...job }], skipDuplicates: true });
  return result.count === 1;
}

/** Claims due jobs; several instances can run this at once (each job runs once). */
export async function claimDueJobs(limit: number, leaseMs: number): Promise<ScheduledJob[]> {
  const ids = await claimRows({
    table: '"ScheduledJob"',
    due: `t.status = 'pending' AND t."runAt" <= now()`,
    orderBy: `t."runAt"`,
    limit,
    leaseMs,
  });
  if (ids.length === 0) return [];
  return db().scheduledJob.findMany({ where: { id: { in: ids } }, orderBy: { runAt: "asc" } });
}

export async function finishJob(
  shop: string,
  id: string,
  status: "done" | "skipped",
  note?: string,
): Promise<void> {
  await db().scheduledJob.updateMany({
    where: { shop, id },
    data: { status, doneAt: new Date(), lockedUntil: null, lastError: note ?? null },
  });
}

export async function retryJob(shop: string, id: string, error: string, at: Date | null): Promise<void> {
  await db().scheduledJob.updateMany({
    where: { shop, id },
    data: at
      ? { lockedUntil: null, runAt: at, lastError: error.slice(0, 1000) }
      : { status: "failed", lockedUntil: null, lastError: error.slice(0, 1000), doneAt: new Date() },
  });
}

/**
 * Retention: deletes at most `limit` jobs that finished (done, skipped or failed) before `before`, in any shop.
 * Pending jobs are never touched, however old. Returns how many went.
 */
export async function deleteFinishedJobs(before: Date, limit: number): Promise<number> {
  return database().raw.execute(
    `DELETE FROM "ScheduledJob" WHERE id IN (
       SELECT id FROM "ScheduledJob"
       WHERE status IN ('done', 'skipped', 'failed') AND "doneAt" < ($1::timestamptz AT TIME ZONE 'UTC')
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     )`,
    [before.toISOString(), limit],
  );
}

export async function listJobs(shop: string, kind?: string) {
  return db().scheduledJob.findMany({
    where: { shop, ...(kind ? { kind } : {}) },
    orderBy: { runAt: "asc" },
  });
}
