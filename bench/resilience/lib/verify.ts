/**
 * What a resilience run must prove, read from the database and the fake Graph API afterwards:
 * every acknowledged webhook was processed exactly once (one InboundEvent done, one inbound Message row per
 * wamid), every reply reached the Graph API, and how many replies reached it more than once.
 */
import type pg from "pg";
import type { FakeGraph } from "./fake-graph";
import type { Webhook } from "./driver";

export interface DeliveryFigures {
  webhooks: number;
  acknowledged: number;
  /** Webhooks that never got a 200 by the deadline (the redelivering client gave up). */
  neverAcknowledged: number;
  /** Acknowledged, but no InboundEvent row: a 200 for something not stored (the worst failure). */
  lostAfterAck: number;
  /** Acknowledged and stored, but not processed (status other than done). */
  notProcessed: number;
  notProcessedStatuses: Record<string, number>;
  /** Acknowledged, processed, but no inbound Message row / more than one. */
  inboundRowsMissing: number;
  inboundRowsDuplicated: number;
  /** Processed messages that queued no reply at all. */
  unanswered: number;
  replies: number;
  /** Outbound rows not in a sent state, by status. */
  repliesNotSent: Record<string, number>;
  /** Outbound rows the fake Graph API never received successfully. */
  repliesNeverDelivered: number;
  /** Successful Graph sends beyond the first of one Message (a reply the shopper got twice). */
  duplicateReplies: number;
  duplicateReplyRate: number;
  /** Graph sends of ids the database does not know. */
  phantomSends: number;
  graphAttempts: number;
}

export async function pendingWork(client: pg.Client, shops: string[]) {
  const { rows } = await client.query<{ events: string; outbound: string }>(
    `SELECT (SELECT count(*) FROM "InboundEvent" WHERE shop = ANY($1) AND status = 'pending') AS events,
            (SELECT count(*) FROM "Message" WHERE shop = ANY($1) AND direction = 'out' AND status IN ('queued', 'sending')) AS outbound`,
    [shops],
  );
  return { events: Number(rows[0].events), outbound: Number(rows[0].outbound) };
}

/** Polls until no event is pending and no reply is queued or sending (or the deadline). */
export async function waitForDrain(
  client: pg.Client,
  shops: string[],
  deadline: number,
): Promise<{ drained: boolean; ms: number }> {
  const t0 = Date.now();
  while (Date.now() < deadline) {
    try {
      const p = await pendingWork(client, shops);
      if (p.events === 0 && p.outbound === 0) return { drained: true, ms: Date.now() - t0 };
    } catch {
      // the database may be restarting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { drained: false, ms: Date.now() - t0 };
}

/**
 * After a SIGKILL the dead process's leases would only expire after the lease time (60 s). The CI form
 * expires them at once — the same as waiting, since no live worker holds them — to stay within its budget.
 * Replies the dead process had claimed (`sending`) keep `sendingGraceMs` of their lease: as if the kill had come
 * later in the lease, but never with less time than Meta's "sent" status needs to arrive and reconcile a send
 * that went out before the kill (in production that time is the rest of the 60 s lease).
 */
export async function expireLeases(client: pg.Client, shops: string[], sendingGraceMs = 0): Promise<void> {
  await client.query(
    `UPDATE "InboundEvent" SET "lockedUntil" = NULL WHERE shop = ANY($1) AND status = 'pending' AND "lockedUntil" IS NOT NULL`,
    [shops],
  );
  await client.query(
    `UPDATE "Message" SET "lockedUntil" = CASE WHEN status = 'sending' AND $2::int > 0
                                             THEN now() + ($2::int * interval '1 millisecond') END
     WHERE shop = ANY($1) AND direction = 'out' AND status IN ('queued', 'sending') AND "lockedUntil" IS NOT NULL`,
    [shops, sendingGraceMs],
  );
}

export async function verifyDelivery(
  client: pg.Client,
  webhooks: Webhook[],
  graph: FakeGraph,
  shops: string[],
): Promise<DeliveryFigures> {
  const events = new Map<string, { id: string; status: string }>();
  for (const r of (
    await client.query<{ dedupeKey: string; id: string; status: string }>(
      `SELECT "dedupeKey", id, status FROM "InboundEvent" WHERE shop = ANY($1) AND kind = 'message'`,
      [shops],
    )
  ).rows)
    events.set(r.dedupeKey, { id: r.id, status: r.status });
  const inboundRows = new Map<string, number>();
  for (const r of (
    await client.query<{ wamid: string; n: string }>(
      `SELECT wamid, count(*) AS n FROM "Message" WHERE shop = ANY($1) AND direction = 'in' GROUP BY wamid`,
      [shops],
    )
  ).rows)
    inboundRows.set(r.wamid, Number(r.n));
  const outbound = (
    await client.query<{ id: string; status: string; idempotencyKey: string | null }>(
      `SELECT id, status, "idempotencyKey" FROM "Message" WHERE shop = ANY($1) AND direction = 'out'`,
      [shops],
    )
  ).rows;
  const repliesByEvent = new Map<string, number>();
  for (const m of outbound) {
    const eventId = m.idempotencyKey?.split(":")[0];
    if (eventId) repliesByEvent.set(eventId, (repliesByEvent.get(eventId) ?? 0) + 1);
  }

  const f: DeliveryFigures = {
    webhooks: webhooks.length,
    acknowledged: 0,
    neverAcknowledged: 0,
    lostAfterAck: 0,
    notProcessed: 0,
    notProcessedStatuses: {},
    inboundRowsMissing: 0,
    inboundRowsDuplicated: 0,
    unanswered: 0,
    replies: outbound.length,
    repliesNotSent: {},
    repliesNeverDelivered: 0,
    duplicateReplies: 0,
    duplicateReplyRate: 0,
    phantomSends: 0,
    graphAttempts: graph.attempts.length,
  };
  for (const w of webhooks) {
    if (!w.acked) {
      f.neverAcknowledged++;
      continue;
    }
    f.acknowledged++;
    const event = events.get(`msg:${w.wamid}`);
    if (!event) {
      f.lostAfterAck++;
      continue;
    }
    if (event.status !== "done") {
      f.notProcessed++;
      f.notProcessedStatuses[event.status] = (f.notProcessedStatuses[event.status] ?? 0) + 1;
      continue;
    }
    const rows = inboundRows.get(w.wamid) ?? 0;
    if (rows === 0) f.inboundRowsMissing++;
    if (rows > 1) f.inboundRowsDuplicated++;
    if (!repliesByEvent.get(event.id)) f.unanswered++;
  }
  const delivered = graph.deliveredByRef();
  const known = new Set(outbound.map((m) => m.id));
  for (const m of outbound) {
    if (!["sent", "delivered", "read"].includes(m.status))
      f.repliesNotSent[m.status] = (f.repliesNotSent[m.status] ?? 0) + 1;
    const n = delivered.get(m.id) ?? 0;
    if (n === 0) f.repliesNeverDelivered++;
    if (n > 1) f.duplicateReplies += n - 1;
  }
  for (const ref of delivered.keys()) if (!known.has(ref)) f.phantomSends++;
  f.duplicateReplyRate = f.replies ? f.duplicateReplies / f.replies : 0;
  return f;
}
