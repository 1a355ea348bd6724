import type { Contact, Conversation, Prisma, Shop } from "@prisma/client";
import { database, db } from "~/db.server";
import { isDatabaseUnavailable } from "./errors";
import { groupCommit, inDistinctRounds } from "./group-commit";
import { withDates, type JsonRow } from "./json-row";
import { shopFromJson } from "./shops.server";

type Tx = Prisma.TransactionClient;

export interface EnsureContactInput {
  waId: string;
  name?: string | null;
  accountId?: string | null;
  initialState: Prisma.InputJsonValue;
}

export interface EnsuredContact {
  contact: Contact;
  conversation: Conversation;
  /** The shop's row, read in the same statement (null when the shop has none yet). */
  shop: Shop | null;
}

/**
 * The contact and its conversation, created on first contact — ONE plain SQL statement (two upserts in
 * data-modifying CTEs; docs/decisions/010-hot-path-sql.md), which also reads the shop's row: the inbox worker
 * runs it for every message. A given name replaces the stored one, a given account becomes the
 * conversation's; both rows are scoped by `shop` (the unique keys start with it). Concurrent callers share
 * statements (group commit, ./group-commit.ts); each resolves once its own rows are committed.
 */
export async function ensureContactAndConversation(
  shop: string,
  input: EnsureContactInput,
): Promise<EnsuredContact> {
  return ensureGrouped({ shop, ...input });
}

/** Ensure statements in flight at once from one instance. */
const ENSURE_STATEMENTS = 2;

const ensureGrouped = groupCommit<EnsureContactInput & { shop: string }, EnsuredContact>({
  concurrency: ENSURE_STATEMENTS,
  maxBatch: 64,
  size: () => 1,
  run: (calls) => ensureContactsAndConversations(calls),
  retryAlone: (error) => !isDatabaseUnavailable(error),
});

/**
 * Several contacts at once; one result per call, in order. Two calls for the same shopper go in separate
 * statements, in the order given (one statement changes a row once).
 */
export async function ensureContactsAndConversations(
  calls: (EnsureContactInput & { shop: string })[],
): Promise<EnsuredContact[]> {
  // Shoppers another transaction created after the statement's snapshot come back unanswered (ENSURE_SQL):
  // they are written again, with a new snapshot.
  return inDistinctRounds(
    calls,
    (call) => [`${call.shop}\n${call.waId}`],
    async (round) => {
      const rows = await database().raw.query<{
        n: number | bigint;
        contact: JsonRow;
        conversation: JsonRow;
        shop: JsonRow | null;
      }>(ENSURE_SQL, ensureParams(round), { prepare: true });
      const results: (EnsuredContact | undefined)[] = new Array(round.length).fill(undefined);
      for (const row of rows) {
        results[Number(row.n) - 1] = {
          contact: withDates(row.contact, ["createdAt", "updatedAt"]) as unknown as Contact,
          conversation: withDates(row.conversation, [
            "lastInboundAt",
            "lastMessageAt",
            "createdAt",
            "updatedAt",
          ]) as unknown as Conversation,
          shop: row.shop ? shopFromJson(row.shop) : null,
        };
      }
      return results;
    },
  );
}

/** The ensure statement's parameters for some calls (exported with the statement for its plan's test). */
export function ensureParams(calls: (EnsureContactInput & { shop: string })[]): unknown[] {
  return [
    calls.map((call) => call.shop),
    calls.map((call) => call.waId),
    calls.map((call) => call.name || null),
    calls.map((call) => call.accountId || null),
    calls.map((call) => JSON.stringify(call.initialState)),
    new Date().toISOString(),
  ];
}

// Rows are upserted in key order, so that two statements carrying the same shoppers wait for each other in one
// order and never deadlock. A row that would not change is not rewritten (most messages come from known
// shoppers under an unchanged name): it is read from the statement's snapshot instead. A shopper created by
// another transaction after that snapshot is neither returned by the upsert nor seen by the read; the caller
// runs such calls again (a new statement, a new snapshot).
export const ENSURE_SQL = `WITH
  input AS MATERIALIZED (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
      WITH ORDINALITY AS i(shop, "waId", name, "accountId", state, n)
  ),
  contact_upsert AS (
    INSERT INTO "Contact" (id, shop, "waId", name, "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, i.shop, i."waId", i.name, ($6::timestamptz AT TIME ZONE 'UTC'),
           ($6::timestamptz AT TIME ZONE 'UTC')
    FROM input i ORDER BY i.shop, i."waId"
    ON CONFLICT (shop, "waId") DO UPDATE
      SET name = EXCLUDED.name, "updatedAt" = EXCLUDED."updatedAt"
      WHERE EXCLUDED.name IS NOT NULL AND "Contact".name IS DISTINCT FROM EXCLUDED.name
    RETURNING *
  ),
  contact AS (
    SELECT * FROM contact_upsert
    UNION ALL
    SELECT c.* FROM "Contact" c JOIN input i ON c.shop = i.shop AND c."waId" = i."waId"
    WHERE NOT EXISTS (SELECT 1 FROM contact_upsert u WHERE u.shop = c.shop AND u."waId" = c."waId")
  ),
  conversation_upsert AS (
    INSERT INTO "Conversation" (id, shop, "contactId", "accountId", state, "lastMessageAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, c.shop, c.id, i."accountId", i.state::jsonb, ($6::timestamptz AT TIME ZONE 'UTC'),
           ($6::timestamptz AT TIME ZONE 'UTC'), ($6::timestamptz AT TIME ZONE 'UTC')
    FROM contact c JOIN input i ON i.shop = c.shop AND i."waId" = c."waId"
    ORDER BY c.shop, c.id
    ON CONFLICT (shop, "contactId") DO UPDATE
      SET "accountId" = EXCLUDED."accountId", "updatedAt" = EXCLUDED."updatedAt"
      WHERE EXCLUDED."accountId" IS NOT NULL AND "Conversation"."accountId" IS DISTINCT FROM EXCLUDED."accountId"
    RETURNING *
  ),
  -- MATERIALIZED: referenced once, this CTE would be inlined as the inner side of the final join's nested loop and
  -- run again for every input row — every shopper's conversation looked up once per shopper in the statement,
  -- O(n²): 296 buffer hits per row at 60 rows on a bench database, 21 materialized (tests/hot-path-sql.test.ts).
  conversation AS MATERIALIZED (
    SELECT * FROM conversation_upsert
    UNION ALL
    SELECT v.* FROM "Conversation" v JOIN contact c ON v.shop = c.shop AND v."contactId" = c.id
    WHERE NOT EXISTS (SELECT 1 FROM conversation_upsert u WHERE u.shop = v.shop AND u."contactId" = v."contactId")
  )
SELECT i.n::int AS n, to_jsonb(c.*) AS contact, to_jsonb(v.*) AS conversation,
       CASE WHEN s.shop IS NULL THEN NULL ELSE to_jsonb(s.*) END AS shop
FROM input i
JOIN contact c ON c.shop = i.shop AND c."waId" = i."waId"
JOIN conversation v ON v.shop = c.shop AND v."contactId" = c.id
LEFT JOIN "Shop" s ON s.shop = i.shop`;

export async function getConversation(shop: string, id: string) {
  return db().conversation.findFirst({ where: { shop, id } });
}

export async function getContact(shop: string, id: string) {
  return db().contact.findFirst({ where: { shop, id } });
}

export async function getContactByWaId(shop: string, waId: string) {
  return db().contact.findUnique({ where: { shop_waId: { shop, waId } } });
}

/** Records an inbound message's effect on the conversation (24-hour window, unread count). */
export async function touchInbound(shop: string, conversationId: string, at: Date, tx: Tx = db()) {
  await tx.conversation.updateMany({
    where: { shop, id: conversationId },
    data: { lastInboundAt: at, lastMessageAt: at, unreadCount: { increment: 1 } },
  });
}

/**
 * The state save of every conversation step, scoped by shop: ONE plain parameterised UPDATE through the
 * driver adapter (docs/decisions/010-hot-path-sql.md) — a Prisma `updateMany` costs three round trips
 * (BEGIN, UPDATE, COMMIT) and its query interpretation, three times the time of the step's engine work.
 * Outside a transaction it runs on the driver itself; given the worker's transaction it joins it
 * (`$executeRawUnsafe`: the same statement on that transaction's connection). `status` and
 * `needsAttention` change only when given. Resolves to whether the conversation was found in this shop.
 */
export async function saveConversationState(
  shop: string,
  id: string,
  data: { state: Prisma.InputJsonValue; stateVersion: number; status?: string; needsAttention?: boolean },
  tx?: Tx,
): Promise<boolean> {
  const now = new Date().toISOString();
  const params = [
    shop,
    id,
    JSON.stringify(data.state),
    data.stateVersion,
    data.status ?? null,
    data.needsAttention ?? null,
    now,
  ];
  const changed = tx
    ? await tx.$executeRawUnsafe(SAVE_STATE_SQL, ...params)
    : await database().raw.execute(SAVE_STATE_SQL, params, { prepare: true });
  return changed > 0;
}

// Timestamps travel as ISO strings and are stored as UTC (the columns are `timestamp(3)` without zone, as
// Prisma writes them), whatever the session's time zone.
const SAVE_STATE_SQL = `UPDATE "Conversation"
  SET state = $3::jsonb, "stateVersion" = $4::int,
      status = COALESCE($5::text, status), "needsAttention" = COALESCE($6::boolean, "needsAttention"),
      "lastMessageAt" = ($7::timestamptz AT TIME ZONE 'UTC'), "updatedAt" = ($7::timestamptz AT TIME ZONE 'UTC')
  WHERE shop = $1 AND id = $2`;

export async function setConversationStatus(
  shop: string,
  id: string,
  data: { status?: "bot" | "human" | "closed"; needsAttention?: boolean; unreadCount?: number },
): Promise<number> {
  return (await db().conversation.updateMany({ where: { shop, id }, data })).count;
}

export async function setContactFlags(
  shop: string,
  contactId: string,
  data: {
    blocked?: boolean;
    botEnabled?: boolean;
    optedOut?: boolean;
    language?: string;
    shopifyCustomerId?: string;
  },
): Promise<number> {
  return (await db().contact.updateMany({ where: { shop, id: contactId }, data })).count;
}
