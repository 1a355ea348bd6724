import type { InboundEvent, Prisma } from "@prisma/client";
import { database, db } from "~/db.server";
import { tuning } from "~/env.server";
import { claimRowsSelect } from "./claim.server";
import { isDatabaseUnavailable } from "./errors";
import { groupCommit } from "./group-commit";
import { withDates, type JsonRow } from "./json-row";

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
 * Resolves to how many were new, once they are committed: this runs before the webhook's 200. Concurrent
 * webhooks share statements (group commit, ./group-commit.ts): under load one INSERT carries the items of
 * every webhook that arrived while the previous ones were being written.
 */
export async function storeInboundEvents(events: NewInboundEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  return storeGrouped(events);
}

/** INSERT statements in flight at once from the webhook intake of one instance. */
const storeGrouped = groupCommit<NewInboundEvent[], number>({
  concurrency: tuning().HALA_INTAKE_STATEMENTS,
  lingerMs: tuning().HALA_INTAKE_LINGER_MS,
  lingerUntil: 16,
  maxBatch: 2_000,
  size: (events) => events.length,
  run: insertInboundEvents,
  // The database being away concerns every webhook of the batch: each answers 503 at once.
  retryAlone: (error) => !isDatabaseUnavailable(error),
});

/**
 * One plain INSERT … ON CONFLICT DO NOTHING for several webhooks' items (no ORM round trips). The rows travel
 * as six arrays, so the statement has six parameters however many items it holds. An item is credited to
 * the first webhook of the batch that carries its key (a re-delivery in the same batch stores nothing).
 */
export async function insertInboundEvents(batches: NewInboundEvent[][]): Promise<number[]> {
  const rows: NewInboundEvent[] = [];
  const owner = new Map<string, number>();
  batches.forEach((events, i) => {
    for (const e of events) {
      if (owner.has(e.dedupeKey)) continue;
      owner.set(e.dedupeKey, i);
      rows.push(e);
    }
  });
  const counts = batches.map(() => 0);
  if (rows.length === 0) return counts;
  const inserted = await database().raw.query<{ dedupeKey: string }>(
    // Rows are inserted in dedupe-key order, so that two statements carrying the same keys (concurrent
    // re-deliveries) wait for each other in one order and never deadlock (PostgreSQL would break the cycle
    // only after deadlock_timeout, 1 s). `seq`, the processing order, is still drawn in arrival order.
    `WITH input AS MATERIALIZED (
       SELECT s, p, k, d, w, j, nextval('"InboundEvent_seq_seq"') AS q
       FROM (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
               WITH ORDINALITY AS t(s, p, k, d, w, j, n) ORDER BY n) arrived
     )
     INSERT INTO "InboundEvent" (id, seq, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload)
     SELECT gen_random_uuid()::text, q, s, p, k, d, w, j::jsonb FROM input ORDER BY d
     ON CONFLICT ("dedupeKey") DO NOTHING
     RETURNING "dedupeKey"`,
    [
      rows.map((e) => e.shop),
      rows.map((e) => e.phoneNumberId),
      rows.map((e) => e.kind),
      rows.map((e) => e.dedupeKey),
      rows.map((e) => e.waId),
      rows.map((e) => JSON.stringify(e.payload)),
    ],
    { prepare: true },
  );
  for (const { dedupeKey } of inserted) counts[owner.get(dedupeKey)!]++;
  return counts;
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
  // The claimed rows come back from the claim's own statement (one round trip, no read by id through Prisma).
  const rows = await claimRowsSelect<{ event: JsonRow | string; seq: string }>(
    { table: '"InboundEvent"', due: INBOX_DUE, orderBy: "t.seq", limit, leaseMs },
    `SELECT to_jsonb(e.*) AS event, e.seq::text AS seq FROM claimed e ORDER BY e.seq`,
  );
  return rows.map((row) => ({
    ...(withDates(row.event, INBOUND_EVENT_DATES) as unknown as InboundEvent),
    seq: BigInt(row.seq),
  }));
}

const INBOUND_EVENT_DATES = ["availableAt", "lockedUntil", "receivedAt", "processedAt"] as const;

export async function completeInboundEvent(
  shop: string,
  id: string,
  status: "done" | "ignored" = "done",
): Promise<void> {
  // One plain UPDATE (a status webhook ends here: one for every reply sent, delivered and read).
  await database().raw.execute(
    `UPDATE "InboundEvent" SET status = $3, "processedAt" = ($4::timestamptz AT TIME ZONE 'UTC'), "lockedUntil" = NULL
     WHERE shop = $1 AND id = $2`,
    [shop, id, status, new Date().toISOString()],
    { prepare: true },
  );
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

/**
 * Retention: deletes up to `limit` webhook items that were processed (done or ignored) before `before`, any shop
 * (one sweep for the whole app; failed items stay for investigation). Rows other sweeps hold are skipped, so
 * several instances may sweep at once. Old rows sit first in the table, so the scan stops early while there
 * is work; when nothing is due it reads the table once (the sweep runs hourly).
 */
export async function deleteProcessedInboundEvents(before: Date, limit: number): Promise<number> {
  return database().raw.execute(
    `DELETE FROM "InboundEvent" WHERE id IN (
       SELECT id FROM "InboundEvent"
       WHERE status IN ('done', 'ignored') AND "processedAt" < ($1::timestamptz AT TIME ZONE 'UTC')
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     )`,
    [before.toISOString(), limit],
    { prepare: true },
  );
}
