import type { Prisma, ScheduledJob } from "@prisma/client";
import { database, db } from "~/db.server";

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
  const rows = await database().raw.query<{ id: string }>(
    `WITH due AS (
       SELECT id FROM "ScheduledJob"
       WHERE status = 'pending' AND "runAt" <= now() AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
       ORDER BY "runAt"
       LIMIT $1
       FOR UPDATE SKIP LOCKED
     )
     UPDATE "ScheduledJob" SET "lockedUntil" = now() + ($2 || ' milliseconds')::interval, attempts = attempts + 1
     WHERE id IN (SELECT id FROM due)
     RETURNING id`,
    [limit, String(leaseMs)],
  );
  if (rows.length === 0) return [];
  return db().scheduledJob.findMany({
    where: { id: { in: rows.map((r) => r.id) } },
    orderBy: { runAt: "asc" },
  });
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

export async function listJobs(shop: string, kind?: string) {
  return db().scheduledJob.findMany({
    where: { shop, ...(kind ? { kind } : {}) },
    orderBy: { runAt: "asc" },
  });
}
