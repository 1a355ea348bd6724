import type { Message, Prisma } from "@prisma/client";
import { database, db } from "~/db.server";
import { claimRowsSelect } from "./claim.server";
import { isDatabaseUnavailable, isUniqueViolation } from "./errors";
import { groupCommit, inDistinctRounds } from "./group-commit";
import { withDates, type JsonRow } from "./json-row";

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
export type ClaimedOutbound = Message & {
  /** The recipient's 24-hour window and whether it is a sandbox shopper, read in the same statement. */
  recipient: { lastInboundAt: Date | null; sandbox: boolean } | null;
};

export async function claimOutboundMessages(limit: number, leaseMs: number): Promise<ClaimedOutbound[]> {
  const rows = await claimRowsSelect<{ message: JsonRow; recipient: JsonRow | null }>(
    {
      table: '"Message"',
      due: OUTBOX_DUE,
      orderBy: `t."nextAttemptAt", t."createdAt"`,
      limit,
      leaseMs,
      set: "status = 'sending'",
    },
    `SELECT to_jsonb(m.*) AS message,
            CASE WHEN k.id IS NULL THEN NULL
                 ELSE jsonb_build_object('lastInboundAt', v."lastInboundAt", 'sandbox', k.sandbox) END AS recipient
     FROM claimed m LEFT JOIN "Contact" k ON k.shop = m.shop AND k.id = m."contactId"
     LEFT JOIN "Conversation" v ON v.shop = m.shop AND v.id = m."conversationId"
     ORDER BY m."createdAt", m.id`,
  );
  return rows.map((row) => {
    const message = withDates(row.message, MESSAGE_DATES) as unknown as Message;
    const recipient = row.recipient ? withDates(row.recipient, ["lastInboundAt"]) : null;
    return {
      ...message,
      recipient: recipient
        ? { lastInboundAt: (recipient.lastInboundAt as Date | null) ?? null, sandbox: !!recipient.sandbox }
        : null,
    };
  });
}

const MESSAGE_DATES = [
  "nextAttemptAt",
  "lockedUntil",
  "sentAt",
  "deliveredAt",
  "readAt",
  "failedAt",
  "createdAt",
] as const;

export interface SentMark {
  shop: string;
  id: string;
  wamid: string;
  at: Date;
}

/**
 * Records a send the Graph API accepted: the wamid, the sent time, the lease cleared. Concurrent senders share
 * statements (group commit, ./group-commit.ts): under load one UPDATE marks every message whose Graph call
 * returned while the previous marks were being written. Resolves once this message's row is committed.
 */
export async function markOutboundSent(shop: string, id: string, wamid: string, at: Date): Promise<void> {
  await markSentGrouped({ shop, id, wamid, at });
}

/** Mark-sent statements in flight at once from one instance's senders. */
const SENT_MARK_STATEMENTS = 2;

const markSentGrouped = groupCommit<SentMark, void>({
  concurrency: SENT_MARK_STATEMENTS,
  maxBatch: 500,
  size: () => 1,
  run: async (marks) => {
    await markOutboundSentRows(marks);
    return marks.map(() => undefined);
  },
  retryAlone: (error) => !isDatabaseUnavailable(error),
});

/**
 * One plain UPDATE for several sends (docs/decisions/010-hot-path-sql.md), each row matched by shop and id, in
 * id order. A status webhook may have got here first (reconciled through biz_opaque_callback_data, see
 * applyMessageStatus): never step back from delivered, read or failed.
 */
export async function markOutboundSentRows(marks: SentMark[]): Promise<void> {
  if (marks.length === 0) return;
  const sorted = [...marks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await database().raw.execute(
    `UPDATE "Message" m
     SET status = CASE WHEN m.status IN ('delivered', 'read', 'failed') THEN m.status ELSE 'sent' END,
         wamid = v.wamid, "sentAt" = (v.at::timestamptz AT TIME ZONE 'UTC'), "lockedUntil" = NULL,
         "errorCode" = CASE WHEN m.status = 'failed' THEN m."errorCode" END,
         "errorTitle" = CASE WHEN m.status = 'failed' THEN m."errorTitle" END
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(shop, id, wamid, at)
     WHERE m.shop = v.shop AND m.id = v.id`,
    [
      sorted.map((m) => m.shop),
      sorted.map((m) => m.id),
      sorted.map((m) => m.wamid),
      sorted.map((m) => m.at.toISOString()),
    ],
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

/**
 * Status order: a late "delivered" never downgrades "read"; "failed" only replaces queued/sending/sent. Any other
 * status (received, failed, cancelled, one Meta adds) has no rank: it is never upgraded and never upgrades.
 */
const STATUS_RANK_SQL = (value: string) =>
  `(CASE ${value} WHEN 'queued' THEN 0 WHEN 'sending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 END)`;

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
  const [row] = await database().raw.query<{ found: boolean; applied: boolean }>(
    APPLY_STATUS_SQL,
    [
      shop,
      wamid,
      status,
      at.toISOString(),
      error?.code ?? null,
      error?.title ?? "failed",
      callbackRef ?? null,
    ],
    { prepare: true },
  );
  if (!row?.found) return "unknown";
  return row.applied ? "applied" : "stale";
}

// ONE statement (ADR 010; a status webhook comes for every reply sent, delivered and read — more events than the
// shoppers' messages). $1 shop, $2 wamid, $3 status, $4 time, $5/$6 error code/title, $7 callbackRef.
// - `found`: our message with that wamid. `upgrade`: a rank above its own (sent < delivered < read) or `failed`
//   over queued/sending/sent; a late `delivered` that changes nothing else still records its time. `found` holds
//   the row's lock, so `upgraded` (run whether or not the result reads it) applies exactly what `found` decided.
// - `attach`: no message has the wamid, but the callbackRef names one of the shop's never recorded as sent: it
//   takes the wamid and counts as sent, then as the status says (one row version, the status applied at once).
const APPLY_STATUS_SQL = `WITH
  found AS MATERIALIZED (
    SELECT m.id,
           CASE WHEN $3::text = 'failed' THEN m.status IN ('queued', 'sending', 'sent')
                ELSE coalesce(${STATUS_RANK_SQL("$3::text")} > ${STATUS_RANK_SQL("m.status")}, false)
           END AS upgrade,
           ($3::text = 'delivered' AND m."deliveredAt" IS NULL) AS "lateDelivered"
    FROM "Message" m WHERE m.shop = $1 AND m.wamid = $2
    LIMIT 1
    -- the row as it is now, locked: a status applied concurrently (another worker) is seen, never overwritten
    FOR UPDATE
  ),
  upgraded AS (
    UPDATE "Message" m
    SET status = CASE WHEN f.upgrade THEN $3::text ELSE m.status END,
        "sentAt" = CASE WHEN f.upgrade AND $3::text = 'sent' THEN ($4::timestamptz AT TIME ZONE 'UTC') ELSE m."sentAt" END,
        "deliveredAt" = CASE WHEN $3::text = 'delivered' THEN ($4::timestamptz AT TIME ZONE 'UTC') ELSE m."deliveredAt" END,
        "readAt" = CASE WHEN f.upgrade AND $3::text = 'read' THEN ($4::timestamptz AT TIME ZONE 'UTC') ELSE m."readAt" END,
        "failedAt" = CASE WHEN f.upgrade AND $3::text = 'failed' THEN ($4::timestamptz AT TIME ZONE 'UTC') ELSE m."failedAt" END,
        "errorCode" = CASE WHEN f.upgrade AND $3::text = 'failed' THEN $5::int ELSE m."errorCode" END,
        "errorTitle" = CASE WHEN f.upgrade AND $3::text = 'failed' THEN $6::text ELSE m."errorTitle" END
    FROM found f
    WHERE m.id = f.id AND m.shop = $1 AND (f.upgrade OR f."lateDelivered")
  ),
  attached AS (
    UPDATE "Message" m
    SET wamid = $2,
        status = CASE WHEN $3::text IN ('delivered', 'read', 'failed') THEN $3::text ELSE 'sent' END,
        "sentAt" = ($4::timestamptz AT TIME ZONE 'UTC'), "lockedUntil" = NULL,
        "deliveredAt" = CASE WHEN $3::text = 'delivered' THEN ($4::timestamptz AT TIME ZONE 'UTC') END,
        "readAt" = CASE WHEN $3::text = 'read' THEN ($4::timestamptz AT TIME ZONE 'UTC') END,
        "failedAt" = CASE WHEN $3::text = 'failed' THEN ($4::timestamptz AT TIME ZONE 'UTC') END,
        "errorCode" = CASE WHEN $3::text = 'failed' THEN $5::int END,
        "errorTitle" = CASE WHEN $3::text = 'failed' THEN $6::text END
    WHERE $7::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM found)
      AND m.shop = $1 AND m.id = $7 AND m.direction = 'out' AND m.wamid IS NULL
      AND m.status IN ('queued', 'sending')
    RETURNING $3::text IN ('sent', 'delivered', 'read', 'failed') AS applied
  )
SELECT EXISTS (SELECT 1 FROM found) OR EXISTS (SELECT 1 FROM attached) AS found,
       coalesce((SELECT upgrade FROM found), (SELECT applied FROM attached), false) AS applied`;

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
  /**
   * Send on commit: when the conversation has no earlier unsent reply, the replies are stored already claimed
   * (`sending`, leased for this many ms, one attempt) and returned in `claimed`, for the caller to send at once
   * instead of through the outbox's claim. Absent: they are queued for the outbox.
   */
  sendNowLeaseMs?: number;
}

/**
 * The inbox worker's write of one turn, as ONE plain SQL statement (data-modifying CTEs, so atomic by
 * itself; docs/decisions/010-hot-path-sql.md): the shopper's message (skipped if stored before), the
 * contact's last inbound time (and language), the conversation (24-hour window, unread count, engine state,
 * feedback), the queued replies (skipped when their idempotency key exists) and the event marked done. All
 * rows are scoped by `shop`. Given a Prisma transaction it joins it (for the rarer writes of a turn that
 * must commit together with it: a checkout, a feedback answer).
 *
 * Without one, concurrent turns share statements (group commit, ./group-commit.ts): under load one statement
 * writes the turns of every lane that finished its engine work while the previous write was in flight. Each
 * caller resolves only once its own turn is committed.
 */
export async function commitInboundTurn(shop: string, turn: InboundTurnWrite, tx?: Tx): Promise<TurnResult> {
  if (tx) return (await commitInboundTurns([{ shop, turn }], tx))[0];
  return commitTurnGrouped({ shop, turn });
}

export interface TurnResult {
  inboundStored: boolean;
  /** Replies stored (queued or claimed). */
  queued: number;
  eventDone: boolean;
  /** The replies stored claimed by the caller (`sendNowLeaseMs`), in the turn's order; empty otherwise. */
  claimed: { id: string; idempotencyKey: string }[];
}

/** Turn-commit statements in flight at once from one instance's inbox worker. */
const TURN_STATEMENTS = 2;

const commitTurnGrouped = groupCommit<{ shop: string; turn: InboundTurnWrite }, TurnResult>({
  concurrency: TURN_STATEMENTS,
  maxBatch: 64,
  size: () => 1,
  run: (calls) => commitInboundTurns(calls),
  retryAlone: (error) => !isDatabaseUnavailable(error),
});

/**
 * Writes several turns; one result per turn, in order. Turns of one conversation (or contact) go in separate
 * statements, in the order given, since one statement changes a row once: normally there are none, as a claim
 * hands out one event per contact at a time.
 */
export async function commitInboundTurns(
  calls: { shop: string; turn: InboundTurnWrite }[],
  tx?: Tx,
): Promise<TurnResult[]> {
  return inDistinctRounds(
    calls,
    ({ turn }) => [`v:${turn.conversationId}`, `c:${turn.contactId}`, `w:${turn.inbound.wamid}`],
    (round) => commitTurnsStatement(round, tx),
    0,
  );
}

async function commitTurnsStatement(
  calls: { shop: string; turn: InboundTurnWrite }[],
  tx?: Tx,
): Promise<TurnResult[]> {
  const turns = calls.map((c) => c.turn);
  const replies = turns.flatMap((turn, k) => turn.replies.map((reply, n) => ({ reply, k: k + 1, n: n + 1 })));
  const params: unknown[] = [
    new Date().toISOString(), // $1
    calls.map((c) => c.shop), // $2
    turns.map((t) => t.conversationId), // $3
    turns.map((t) => t.contactId), // $4
    turns.map((t) => t.inbound.wamid), // $5
    turns.map((t) => t.inbound.type), // $6
    turns.map((t) => JSON.stringify(t.inbound.body)), // $7
    turns.map((t) => t.inbound.text), // $8
    turns.map((t) => t.inbound.createdAt.toISOString()), // $9
    turns.map((t) => t.language ?? null), // $10
    turns.map((t) => (t.state ? JSON.stringify(t.state.state) : null)), // $11
    turns.map((t) => t.state?.stateVersion ?? null), // $12
    turns.map((t) => t.state?.status ?? null), // $13
    turns.map((t) => t.state?.needsAttention ?? null), // $14
    turns.map((t) => t.feedback !== undefined), // $15
    turns.map((t) => (t.feedback === undefined || t.feedback === null ? null : JSON.stringify(t.feedback))), // $16
    turns.map((t) => t.eventId), // $17
    replies.map((r) => r.k), // $18
    replies.map((r) => r.n), // $19
    replies.map((r) => r.reply.accountId), // $20
    replies.map((r) => r.reply.toWaId), // $21
    replies.map((r) => r.reply.author), // $22
    replies.map((r) => r.reply.type), // $23
    replies.map((r) => JSON.stringify(r.reply.body)), // $24
    replies.map((r) => r.reply.text), // $25
    replies.map((r) => r.reply.idempotencyKey), // $26
    turns.map((t) => t.sendNowLeaseMs !== undefined), // $27
    turns.map((t) => String(t.sendNowLeaseMs ?? 0)), // $28
  ];
  const rows = tx
    ? await tx.$queryRawUnsafe<TurnCounts[]>(COMMIT_TURNS_SQL, ...params)
    : await database().raw.query<TurnCounts>(COMMIT_TURNS_SQL, params, { prepare: true });
  const byTurn = new Map(rows.map((row) => [Number(row.k), row]));
  return turns.map((turn, k) => {
    const row = byTurn.get(k + 1);
    const claimed = (typeof row?.claimed === "string" ? JSON.parse(row.claimed) : (row?.claimed ?? [])) as {
      id: string;
      key: string;
    }[];
    const order = new Map(turn.replies.map((reply, i) => [reply.idempotencyKey, i]));
    return {
      inboundStored: Number(row?.inbound ?? 0) > 0,
      queued: Number(row?.outbound ?? 0),
      eventDone: Number(row?.done ?? 0) > 0,
      claimed: claimed
        .map((c) => ({ id: c.id, idempotencyKey: c.key }))
        .sort((a, b) => (order.get(a.idempotencyKey) ?? 0) - (order.get(b.idempotencyKey) ?? 0)),
    };
  });
}

type TurnCounts = {
  k: number | bigint;
  inbound: number;
  outbound: number;
  done: number;
  claimed: string | { id: string; key: string }[];
};

// Timestamps travel as ISO strings and are stored as UTC (`timestamp(3)` columns without zone, as Prisma
// writes them). Replies get distinct createdAt (now + 1 ms each) so one batch keeps its order.
/** The turn statement ($1 now, $2–$17 one entry per turn, $18–$26 per reply, $27–$28 per turn); exported for the plan tests. */
export const COMMIT_TURNS_SQL = `WITH
  t AS MATERIALIZED (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                         $9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::boolean[],
                         $15::boolean[], $16::text[], $17::text[], $27::boolean[], $28::text[])
      WITH ORDINALITY AS t(shop, conv, contact, wamid, type, body, text, received, language, state, sv, status,
                           attention, "setFeedback", feedback, event, "sendNow", lease, k)
  ),
  -- Send on commit ($27): a turn's replies are stored claimed when nothing earlier in the conversation is
  -- still unsent (the outbox's order rule, OUTBOX_DUE).
  claim AS MATERIALIZED (
    SELECT t.k FROM t
    WHERE t."sendNow"
      -- an earlier turn of the conversation in this statement queues first (the snapshot cannot see its rows)
      AND NOT EXISTS (SELECT 1 FROM t e WHERE e.shop = t.shop AND e.conv = t.conv AND e.k < t.k)
      -- OFFSET 0 keeps this a probe per turn on the conversation's entries of Message_outbox_conversation_idx,
      -- as in OUTBOX_DUE. Joined instead, it became one bitmap scan of the whole index: every reply marked sent
      -- since the last vacuum leaves a dead entry there, and a bitmap scan visits each one's heap row on every
      -- statement (7,107 entries, 5.4 ms of a 26 ms turn statement after 10 s at 1,000 msg/s; a plain index
      -- scan marks dead entries and skips them afterwards). "sendNow" is a column of t, not a join: with
      -- $27 joined by position the probe ran once per pair of turns (3,721 probes for 61 turns).
      AND NOT EXISTS (
        SELECT 1 FROM "Message" p
        WHERE p.shop = t.shop AND p."conversationId" = t.conv AND p.direction = 'out'
          AND p.status IN ('queued', 'sending')
        OFFSET 0
      )
  ),
  inbound AS (
    INSERT INTO "Message" (id, shop, "conversationId", "contactId", direction, author, wamid, type, body, text, status, "createdAt")
    SELECT gen_random_uuid()::text, t.shop, t.conv, t.contact, 'in', 'shopper', t.wamid, t.type, t.body::jsonb, t.text,
           'received', (t.received::timestamptz AT TIME ZONE 'UTC')
    FROM t ORDER BY t.k
    ON CONFLICT DO NOTHING
    RETURNING wamid
  ),
  -- The contact's row is written only when the engine set a language (a shopper's first words, or a switch):
  -- the 24-hour window is the conversation's lastInboundAt (migration …_conversation_window), so a known
  -- shopper's message no longer writes a new row version of the contact, and its three index entries.
  contact AS (
    UPDATE "Contact" c
    SET language = t.language, "updatedAt" = ($1::timestamptz AT TIME ZONE 'UTC')
    FROM t
    WHERE c.shop = t.shop AND c.id = t.contact AND t.language IS NOT NULL AND c.language IS DISTINCT FROM t.language
  ),
  conversation AS (
    UPDATE "Conversation" c
    SET "lastInboundAt" = (t.received::timestamptz AT TIME ZONE 'UTC'),
        "unreadCount" = c."unreadCount" + 1,
        state = COALESCE(t.state::jsonb, c.state),
        "stateVersion" = COALESCE(t.sv, c."stateVersion"),
        status = COALESCE(t.status, c.status),
        "needsAttention" = COALESCE(t.attention, c."needsAttention"),
        feedback = CASE WHEN t."setFeedback" THEN t.feedback::jsonb ELSE c.feedback END,
        "lastMessageAt" = CASE WHEN t.state IS NULL THEN (t.received::timestamptz AT TIME ZONE 'UTC')
                               ELSE ($1::timestamptz AT TIME ZONE 'UTC') END,
        "updatedAt" = ($1::timestamptz AT TIME ZONE 'UTC')
    FROM t
    WHERE c.shop = t.shop AND c.id = t.conv
  ),
  outbound AS (
    INSERT INTO "Message" (id, shop, "conversationId", "contactId", "accountId", "toWaId", direction, author, type,
                           body, text, status, "idempotencyKey", "nextAttemptAt", "createdAt", "lockedUntil", attempts)
    SELECT gen_random_uuid()::text, t.shop, t.conv, t.contact, r.ac, r.tw, 'out', r.au, r.ty, r.bo::jsonb, r.tx,
           CASE WHEN c.k IS NULL THEN 'queued' ELSE 'sending' END, r.ik, ($1::timestamptz AT TIME ZONE 'UTC'),
           ($1::timestamptz AT TIME ZONE 'UTC') + (r.n - 1) * interval '1 millisecond',
           -- the lease as the outbox's claim sets it (claimSql)
           CASE WHEN c.k IS NOT NULL THEN now() + (t.lease || ' milliseconds')::interval END,
           CASE WHEN c.k IS NULL THEN 0 ELSE 1 END
    FROM unnest($18::int[], $19::int[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[],
                $26::text[]) AS r(k, n, ac, tw, au, ty, bo, tx, ik)
    JOIN t ON t.k = r.k
    LEFT JOIN claim c ON c.k = r.k
    ORDER BY r.k, r.n
    ON CONFLICT DO NOTHING
    RETURNING id, "conversationId", "idempotencyKey", status
  ),
  done AS (
    UPDATE "InboundEvent" e
    SET status = 'done', "processedAt" = ($1::timestamptz AT TIME ZONE 'UTC'), "lockedUntil" = NULL
    FROM t
    WHERE e.shop = t.shop AND e.id = t.event
    RETURNING e.id
  )
SELECT t.k::int AS k,
       (SELECT count(*) FROM inbound WHERE inbound.wamid = t.wamid)::int AS inbound,
       (SELECT count(*) FROM outbound WHERE outbound."conversationId" = t.conv)::int AS outbound,
       (SELECT coalesce(json_agg(json_build_object('id', o.id, 'key', o."idempotencyKey")), '[]'::json)
        FROM outbound o WHERE o."conversationId" = t.conv AND o.status = 'sending') AS claimed,
       (SELECT count(*) FROM done WHERE done.id = t.event)::int AS done
FROM t`;
