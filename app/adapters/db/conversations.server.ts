import type { Contact, Conversation, Prisma } from "@prisma/client";
import { database, db } from "~/db.server";
import { withDates, type JsonRow } from "./json-row";

type Tx = Prisma.TransactionClient;

/**
 * The contact and its conversation, created on first contact — ONE plain SQL statement (two upserts in
 * data-modifying CTEs; docs/decisions/010-hot-path-sql.md): the inbox worker runs it for every message. A
 * given name replaces the stored one, a given account becomes the conversation's; both rows are scoped by
 * `shop` (the unique keys start with it).
 */
export async function ensureContactAndConversation(
  shop: string,
  input: {
    waId: string;
    name?: string | null;
    accountId?: string | null;
    initialState: Prisma.InputJsonValue;
  },
): Promise<{ contact: Contact; conversation: Conversation }> {
  const [row] = await database().raw.query<{ contact: JsonRow; conversation: JsonRow }>(
    ENSURE_SQL,
    [
      shop,
      input.waId,
      input.name || null,
      input.accountId || null,
      JSON.stringify(input.initialState),
      new Date().toISOString(),
    ],
    { prepare: true },
  );
  return {
    contact: withDates(row.contact, ["lastInboundAt", "createdAt", "updatedAt"]) as unknown as Contact,
    conversation: withDates(row.conversation, [
      "lastInboundAt",
      "lastMessageAt",
      "createdAt",
      "updatedAt",
    ]) as unknown as Conversation,
  };
}

const ENSURE_SQL = `WITH
  contact AS (
    INSERT INTO "Contact" (id, shop, "waId", name, "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, $1, $2, $3, ($6::timestamptz AT TIME ZONE 'UTC'), ($6::timestamptz AT TIME ZONE 'UTC'))
    ON CONFLICT (shop, "waId") DO UPDATE
      SET name = COALESCE(EXCLUDED.name, "Contact".name), "updatedAt" = EXCLUDED."updatedAt"
    RETURNING *
  ),
  conversation AS (
    INSERT INTO "Conversation" (id, shop, "contactId", "accountId", state, "lastMessageAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, $1, contact.id, $4, $5::jsonb, ($6::timestamptz AT TIME ZONE 'UTC'),
           ($6::timestamptz AT TIME ZONE 'UTC'), ($6::timestamptz AT TIME ZONE 'UTC')
    FROM contact
    ON CONFLICT (shop, "contactId") DO UPDATE
      SET "accountId" = COALESCE(EXCLUDED."accountId", "Conversation"."accountId"),
          "updatedAt" = EXCLUDED."updatedAt"
    RETURNING *
  )
SELECT to_jsonb(contact.*) AS contact, to_jsonb(conversation.*) AS conversation FROM contact, conversation`;

export async function getConversation(shop: string, id: string) {
  return db().conversation.findFirst({ where: { shop, id } });
}

export async function getContact(shop: string, id: string) {
  return db().contact.findFirst({ where: { shop, id } });
}

export async function getContactByWaId(shop: string, waId: string) {
  return db().contact.findUnique({ where: { shop_waId: { shop, waId } } });
}

/** Records an inbound message's effect on the contact and conversation (24-hour window, unread count). */
export async function touchInbound(
  shop: string,
  ids: { contactId: string; conversationId: string },
  at: Date,
  tx: Tx = db(),
) {
  await tx.contact.updateMany({ where: { shop, id: ids.contactId }, data: { lastInboundAt: at } });
  await tx.conversation.updateMany({
    where: { shop, id: ids.conversationId },
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
