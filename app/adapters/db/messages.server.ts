import type { Message, Prisma } from "@prisma/client";
import { database, db } from "~/db.server";
import { claimRows } from "./claim.server";
import { isUniqueViolation } from "./errors";

type Tx = Prisma.TransactionClient;

export interface InboundMessageInput {
  conversationId: string;
  contactId: string;
  wamid: string;
  type: string;
  body: Prisma.InputJsonValue;
  text: string | null;
  createdAt: Date;
}

/** Stores a shopper's message; false when it was stored before (a reprocessed event). */
export async function recordInboundMessage(
  shop: string,
  input: InboundMessageInput,
  tx: Tx = db(),
): Promise<boolean> {
  try {
    await tx.message.create({
      data: { shop, ...input, direction: "in", author: "shopper", status: "received" },
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function inboundMessageExists(shop: string, wamid: string): Promise<boolean> {
  return (await db().message.count({ where: { shop, wamid } })) > 0;
}

export interface OutboundMessageInput {
  conversationId: string;
  contactId: string;
  accountId: string | null;
  toWaId: string;
  author: "bot" | "merchant" | "system";
  type: string;
  /** The domain OutboundMessage (the Graph request is built when it is sent). */
  body: Prisma.InputJsonValue;
  text: string | null;
  idempotencyKey: string;
}

/** Queues replies (the outbox). Rows with a known idempotency key are skipped. */
export async function queueOutboundMessages(
  shop: string,
  messages: OutboundMessageInput[],
  tx: Tx = db(),
): Promise<number> {
  if (messages.length === 0) return 0;
  const now = Date.now();
  const result = await tx.message.createMany({
    // Distinct createdAt per row keeps the order of one batch.
    data: messages.map((m, i) => ({
      shop,
      ...m,
      direction: "out",
      status: "queued",
      nextAttemptAt: new Date(now),
      createdAt: new Date(now + i),
    })),
    skipDuplicates: true,
  });
  return result.count;
}

/**
 * What the sender may claim; shaped like INBOX_DUE (app/adapters/db/inbound-events.server.ts) so that its plan
 * holds with stale statistics: `Message_outbox_due_idx` for the outer scan, the conversation's index for the
 * per-candidate probe.
 */
export const OUTBOX_DUE = `t.direction = 'out' AND t.status IN ('queued', 'sending') AND t."nextAttemptAt" <= now()
      AND NOT EXISTS (
        SELECT 1 FROM "Message" p
        WHERE p."conversationId" = t."conversationId" AND p.direction = 'out'
          AND p.status IN ('queued', 'sending') AND (p."createdAt", p.id) < (t."createdAt", t.id)
        OFFSET 0
      )`;

/**
 * Claims queued outbound messages that are due, only the oldest unsent one per conversation (replies to a
 * shopper leave in order), skipping rows another sender holds.
 */
export async function claimOutboundMessages(limit: number, leaseMs: number): Promise<Message[]> {
  const ids = await claimRows({
    table: '"Message"',
    due: OUTBOX_DUE,
    orderBy: `t."nextAttemptAt", t."createdAt"`,
    limit,
    leaseMs,
    set: "status = 'sending'",
  });
  if (ids.length === 0) return [];
  return db().message.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: "asc" } });
}

/**
 * A reply the Graph API accepted: its wamid and the sent status, as one plain UPDATE (the sender runs it
 * for every reply; docs/decisions/010-hot-path-sql.md). Scoped by shop.
 */
export async function markOutboundSent(shop: string, id: string, wamid: string, at: Date): Promise<void> {
  await database().raw.execute(
    // A status webhook may have got here first (reconciled through biz_opaque_callback_data, see
    // applyMessageStatus): never step back from delivered, read or failed.
    `UPDATE "Message"
     SET status = CASE WHEN status IN ('delivered', 'read', 'failed') THEN status ELSE 'sent' END,
         wamid = $3, "sentAt" = ($4::timestamptz AT TIME ZONE 'UTC'), "lockedUntil" = NULL,
         "errorCode" = CASE WHEN status = 'failed' THEN "errorCode" END,
         "errorTitle" = CASE WHEN status = 'failed' THEN "errorTitle" END
     WHERE shop = $1 AND id = $2`,
    [shop, id, wamid, at.toISOString()],
    { prepare: true },
  );
}

/**
 * Puts a claimed message back in the queue for `at`: after a retryable error (which counts as an attempt
 * and is recorded), or for pacing (`error` null: the attempt is given back).
 */
export async function rescheduleOutbound(
  shop: string,
  id: string,
  at: Date,
  error: { code?: number; title: string } | null,
) {
  await db().message.updateMany({
    where: { shop, id },
    data: error
      ? {
          status: "queued",
          nextAttemptAt: at,
          lockedUntil: null,
          errorCode: error.code ?? null,
          errorTitle: error.title,
        }
      : { status: "queued", nextAttemptAt: at, lockedUntil: null, attempts: { decrement: 1 } },
  });
}

/**
 * A sandbox reply ("Test your bot") completed without the Graph API: recorded as delivered to the sandbox,
 * with a `sandbox.` id in place of a WhatsApp id.
 */
export async function markOutboundSandboxDelivered(shop: string, id: string, at: Date): Promise<void> {
  await db().message.updateMany({
    where: { shop, id },
    data: {
      status: "delivered",
      wamid: `sandbox.${id}`,
      sentAt: at,
      deliveredAt: at,
      lockedUntil: null,
      errorCode: null,
      errorTitle: null,
    },
  });
}

export async function markOutboundFailed(
  shop: string,
  id: string,
  error: { code?: number | null; title: string },
  at: Date,
) {
  await db().message.updateMany({
    where: { shop, id },
    data: {
      status: "failed",
      failedAt: at,
      lockedUntil: null,
      errorCode: error.code ?? null,
      errorTitle: error.title.slice(0, 500),
    },
  });
}

/** Status order: a late "delivered" never downgrades "read"; "failed" only replaces sent/queued. */
const STATUS_RANK: Record<string, number> = { queued: 0, sending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Applies a Graph status webhook to our message, monotonically. Returns "applied", "stale" (older than
 * what we have) or "unknown" (no message with that wamid yet).
 *
 * `callbackRef` is the status's `biz_opaque_callback_data`, which the sender sets to our Message id. When no
 * message has the wamid yet but the referenced one was never recorded as sent (the process died between the
 * Graph call and its bookkeeping, or the call timed out after Meta had accepted it), the status proves Meta
 * took it: the wamid is attached and the message counts as sent, so its expired lease does not send it twice.
 */
export async function applyMessageStatus(
  shop: string,
  wamid: string,
  status: string,
  at: Date,
  error?: { code?: number; title?: string },
  callbackRef?: string,
): Promise<"applied" | "stale" | "unknown"> {
  let message = await db().message.findFirst({
    where: { shop, wamid },
    select: { id: true, status: true },
  });
  if (!message && callbackRef) {
    const attached = await db().message.updateMany({
      where: { shop, id: callbackRef, direction: "out", wamid: null, status: { in: ["queued", "sending"] } },
      data: { wamid, status: "sent", sentAt: at, lockedUntil: null, errorCode: null, errorTitle: null },
    });
    if (attached.count > 0) {
      if (status === "sent") return "applied";
      message = { id: callbackRef, status: "sent" };
    }
  }
  if (!message) return "unknown";
  if (status === "failed") {
    if ((STATUS_RANK[message.status] ?? 9) > STATUS_RANK.sent) return "stale";
    await db().message.updateMany({
      where: { shop, id: message.id, status: { in: ["queued", "sending", "sent"] } },
      data: {
        status: "failed",
        failedAt: at,
        errorCode: error?.code ?? null,
        errorTitle: error?.title ?? "failed",
      },
    });
    return "applied";
  }
  const rank = STATUS_RANK[status];
  if (rank === undefined) return "stale";
  const lower = Object.entries(STATUS_RANK)
    .filter(([, r]) => r < rank)
    .map(([s]) => s);
  const timestamps =
    status === "read" ? { readAt: at } : status === "delivered" ? { deliveredAt: at } : { sentAt: at };
  const updated = await db().message.updateMany({
    where: { shop, id: message.id, status: { in: lower } },
    data: { status, ...timestamps },
  });
  if (updated.count === 0) {
    // Still record the timestamp of a late "delivered" after "read".
    if (status === "delivered") {
      await db().message.updateMany({
        where: { shop, id: message.id, deliveredAt: null },
        data: { deliveredAt: at },
      });
    }
    return "stale";
  }
  return "applied";
}

export async function listConversationMessages(shop: string, conversationId: string, take = 100) {
  return db().message.findMany({
    where: { shop, conversationId },
    orderBy: { createdAt: "desc" },
    take,
  });
}

/** Everything one processed inbound message changes, written at once by `commitInboundTurn`. */
export interface InboundTurnWrite {
  eventId: string;
  conversationId: string;
  contactId: string;
  inbound: Omit<InboundMessageInput, "conversationId" | "contactId">;
  /** The engine's new state (and a handoff's status); absent when the bot did not run. */
  state?: { state: Prisma.InputJsonValue; stateVersion: number; status?: string; needsAttention?: boolean };
  /** The feedback flow's new value (`null` clears it); absent when no feedback turn ran. */
  feedback?: Prisma.InputJsonValue | null;
  /** The language the shopper chose during the turn. */
  language?: string;
  /** The replies to queue; they belong to this turn's conversation and contact. */
  replies: Omit<OutboundMessageInput, "conversationId" | "contactId">[];
}

/**
 * The inbox worker's write of one turn, as ONE plain SQL statement (data-modifying CTEs, so atomic by
 * itself; docs/decisions/010-hot-path-sql.md): the shopper's message (skipped if stored before), the
 * contact's last inbound time (and language), the conversation (24-hour window, unread count, engine state,
 * feedback), the queued replies (skipped when their idempotency key exists) and the event marked done. All
 * rows are scoped by `shop`. Given a Prisma transaction it joins it (for the rarer writes of a turn that
 * must commit together with it: a checkout, a feedback answer).
 */
export async function commitInboundTurn(
  shop: string,
  turn: InboundTurnWrite,
  tx?: Tx,
): Promise<{ inboundStored: boolean; queued: number; eventDone: boolean }> {
  const now = Date.now();
  const r = turn.replies;
  const params: unknown[] = [
    shop, // $1
    turn.conversationId, // $2
    turn.contactId, // $3
    turn.inbound.wamid, // $4
    turn.inbound.type, // $5
    JSON.stringify(turn.inbound.body), // $6
    turn.inbound.text, // $7
    turn.inbound.createdAt.toISOString(), // $8
    new Date(now).toISOString(), // $9
    turn.language ?? null, // $10
    turn.state ? JSON.stringify(turn.state.state) : null, // $11
    turn.state?.stateVersion ?? null, // $12
    turn.state?.status ?? null, // $13
    turn.state?.needsAttention ?? null, // $14
    turn.feedback !== undefined, // $15
    turn.feedback === undefined || turn.feedback === null ? null : JSON.stringify(turn.feedback), // $16
    r.map((m) => m.accountId), // $17
    r.map((m) => m.toWaId), // $18
    r.map((m) => m.author), // $19
    r.map((m) => m.type), // $20
    r.map((m) => JSON.stringify(m.body)), // $21
    r.map((m) => m.text), // $22
    r.map((m) => m.idempotencyKey), // $23
    turn.eventId, // $24
  ];
  const [row] = tx
    ? await tx.$queryRawUnsafe<TurnCounts[]>(COMMIT_TURN_SQL, ...params)
    : await database().raw.query<TurnCounts>(COMMIT_TURN_SQL, params, { prepare: true });
  return { inboundStored: row.inbound > 0, queued: row.outbound, eventDone: row.done > 0 };
}

type TurnCounts = { inbound: number; outbound: number; done: number };

// Timestamps travel as ISO strings and are stored as UTC (`timestamp(3)` columns without zone, as Prisma
// writes them). Replies get distinct createdAt (now + 1 ms each) so one batch keeps its order.
const COMMIT_TURN_SQL = `WITH
  inbound AS (
    INSERT INTO "Message" (id, shop, "conversationId", "contactId", direction, author, wamid, type, body, text, status, "createdAt")
    VALUES (gen_random_uuid()::text, $1, $2, $3, 'in', 'shopper', $4, $5, $6::jsonb, $7, 'received',
            ($8::timestamptz AT TIME ZONE 'UTC'))
    ON CONFLICT DO NOTHING
    RETURNING 1
  ),
  contact AS (
    UPDATE "Contact"
    SET "lastInboundAt" = ($8::timestamptz AT TIME ZONE 'UTC'), language = COALESCE($10::text, language),
        "updatedAt" = ($9::timestamptz AT TIME ZONE 'UTC')
    WHERE shop = $1 AND id = $3
    RETURNING 1
  ),
  conversation AS (
    UPDATE "Conversation"
    SET "lastInboundAt" = ($8::timestamptz AT TIME ZONE 'UTC'),
        "unreadCount" = "unreadCount" + 1,
        state = COALESCE($11::jsonb, state),
        "stateVersion" = COALESCE($12::int, "stateVersion"),
        status = COALESCE($13::text, status),
        "needsAttention" = COALESCE($14::boolean, "needsAttention"),
        feedback = CASE WHEN $15::boolean THEN $16::jsonb ELSE feedback END,
        "lastMessageAt" = CASE WHEN $11::jsonb IS NULL THEN ($8::timestamptz AT TIME ZONE 'UTC')
                               ELSE ($9::timestamptz AT TIME ZONE 'UTC') END,
        "updatedAt" = ($9::timestamptz AT TIME ZONE 'UTC')
    WHERE shop = $1 AND id = $2
    RETURNING 1
  ),
  outbound AS (
    INSERT INTO "Message" (id, shop, "conversationId", "contactId", "accountId", "toWaId", direction, author, type,
                           body, text, status, "idempotencyKey", "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid()::text, $1, $2, $3, ac, tw, 'out', au, ty, bo::jsonb, tx, 'queued', ik,
           ($9::timestamptz AT TIME ZONE 'UTC'),
           ($9::timestamptz AT TIME ZONE 'UTC') + (n - 1) * interval '1 millisecond'
    FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
         WITH ORDINALITY AS r(ac, tw, au, ty, bo, tx, ik, n)
    ON CONFLICT DO NOTHING
    RETURNING 1
  ),
  done AS (
    UPDATE "InboundEvent"
    SET status = 'done', "processedAt" = ($9::timestamptz AT TIME ZONE 'UTC'), "lockedUntil" = NULL
    WHERE shop = $1 AND id = $24
    RETURNING 1
  )
SELECT (SELECT count(*) FROM inbound)::int AS inbound, (SELECT count(*) FROM outbound)::int AS outbound,
       (SELECT count(*) FROM done)::int AS done,
       (SELECT count(*) FROM contact)::int + (SELECT count(*) FROM conversation)::int AS touched`;
