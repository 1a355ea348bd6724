import type { InboundEvent, Prisma } from "@prisma/client";
import { database, db } from "~/db.server";
import { claimRows } from "./claim.server";

export interface NewInboundEvent {
  shop: string;
  phoneNumberId: string;
  kind: "message" | "status";
  dedupeKey: string;
  waId: string | null;
  payload: Prisma.InputJsonValue;
}

/**
 * Stores webhook items, once each (unique dedupe key: WhatsApp message id, or message id + status).
 * Returns how many were new. One statement: this runs before the webhook's 200.
 */
export async function storeInboundEvents(events: NewInboundEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  // One plain INSERT … ON CONFLICT DO NOTHING: this is the webhook's hot path (no ORM round trips). The rows
  // travel as six arrays, so the statement has six parameters however many items a delivery holds.
  const inserted = await database().raw.query<{ id: string }>(
    `INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload)
     SELECT gen_random_uuid()::text, s, p, k, d, w, j::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(s, p, k, d, w, j)
     ON CONFLICT ("dedupeKey") DO NOTHING
     RETURNING id`,
    [
      events.map((e) => e.shop),
      events.map((e) => e.phoneNumberId),
      events.map((e) => e.kind),
      events.map((e) => e.dedupeKey),
      events.map((e) => e.waId),
      events.map((e) => JSON.stringify(e.payload)),
    ],
    { prepare: true },
  );
  return inserted.length;
}

/**
 * What the inbox claim may take. Written so that the plan holds whatever the statistics say (migration
 * 20261205075054_claim_plans, tests/claim-plans.test.ts): the outer scan walks `InboundEvent_pending_seq_idx`
 * in arrival order (its predicate needs the `availableAt` condition, which only this scan has), and the
 * "older pending event of the same contact?" probe is a subquery kept apart by `OFFSET 0`, so it runs per
 * candidate on the contact's index instead of being joined against a full index scan.
 */
export const INBOX_DUE = `t.status = 'pending' AND t."availableAt" <= now()
      AND NOT EXISTS (
        SELECT 1 FROM "InboundEvent" p
        WHERE p.shop = t.shop AND p."waId" = t."waId" AND p.status = 'pending' AND p.seq < t.seq
        OFFSET 0
      )`;

/**
 * Claims up to `limit` pending events whose time has come, at most the oldest pending one per contact (so
 * one contact's messages are processed in order, by one worker at a time), skipping rows other workers
 * hold. The lease (`lockedUntil`) makes a crashed worker's rows claimable again.
 */
export async function claimInboundEvents(limit: number, leaseMs: number): Promise<InboundEvent[]> {
  const ids = await claimRows({
    table: '"InboundEvent"',
    due: INBOX_DUE,
    orderBy: "t.seq",
    limit,
    leaseMs,
  });
  if (ids.length === 0) return [];
  const events = await db().inboundEvent.findMany({ where: { id: { in: ids } } });
  return events.sort((a, b) => (a.seq < b.seq ? -1 : 1));
}

export async function completeInboundEvent(
  shop: string,
  id: string,
  status: "done" | "ignored" = "done",
  tx: Prisma.TransactionClient = db(),
): Promise<void> {
  await tx.inboundEvent.updateMany({
    where: { shop, id },
    data: { status, processedAt: new Date(), lockedUntil: null },
  });
}

/** A failed attempt: retried after `delayMs`, or marked failed after the last attempt. */
export async function failInboundEvent(
  shop: string,
  id: string,
  error: string,
  options: { delayMs: number; final: boolean },
): Promise<void> {
  await db().inboundEvent.updateMany({
    where: { shop, id },
    data: options.final
      ? { status: "failed", lastError: error.slice(0, 1000), lockedUntil: null, processedAt: new Date() }
      : {
          lastError: error.slice(0, 1000),
          lockedUntil: null,
          availableAt: new Date(Date.now() + options.delayMs),
        },
  });
}

export async function countInboundEvents(shop: string, status?: string): Promise<number> {
  return db().inboundEvent.count({ where: { shop, ...(status ? { status } : {}) } });
}
