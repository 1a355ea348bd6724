import type { Contact, Conversation, Message, Prisma } from "@prisma/client";
import { database, db } from "~/db.server";

/**
 * The merchant's inbox: conversation lists (filtered, searched, paged by cursor), threads, the admin's
 * actions on a conversation, and the feedback list. Every function takes `shop` first and every query is
 * limited to that shop's rows — an id from another shop finds nothing.
 */

export type InboxFilter = "all" | "attention" | "human" | "bot";

/** A position in the list (newest first): the last row's `lastMessageAt` and id. */
export interface InboxCursor {
  at: Date;
  id: string;
}

export interface InboxQuery {
  filter: InboxFilter;
  search?: string;
  /** `after`: rows older than the cursor (next page); `before`: newer rows (previous page). */
  cursor?: InboxCursor & { direction: "after" | "before" };
  limit: number;
}

/**
 * Search terms for PostgreSQL's `to_tsquery('simple', …)`: letters and digits only (any script), each a
 * prefix match, all required. Returns null when nothing searchable is left. Pure.
 */
export function toPrefixTsQuery(search: string): string | null {
  const terms = search
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return terms.length ? terms.map((t) => `${t}:*`).join(" & ") : null;
}

const likeEscape = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Ids of the conversations on one page of the list, newest first, plus whether more rows lie beyond. */
export async function searchConversationIds(
  shop: string,
  query: InboxQuery,
): Promise<{ ids: string[]; more: boolean }> {
  const params: unknown[] = [shop];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // Sandbox conversations ("Test your bot", ADR 009) are never in the inbox.
  const where: string[] = [`c.shop = $1`, `c.sandbox = false`];
  if (query.filter === "attention") where.push(`c."needsAttention" = true`);
  if (query.filter === "human") where.push(`c.status = 'human'`);
  if (query.filter === "bot") where.push(`c.status = 'bot'`);

  const search = query.search?.trim().slice(0, 100);
  if (search) {
    const or: string[] = [`ct.name ILIKE ${p(`%${likeEscape(search)}%`)}`];
    const digits = search.replace(/\D/g, "");
    if (digits.length >= 3 && digits.length >= search.replace(/[\s+()-]/g, "").length) {
      or.push(`ct."waId" LIKE ${p(`%${digits}%`)}`);
    }
    const tsquery = toPrefixTsQuery(search);
    if (tsquery) {
      // Same expression and predicate as the GIN index "Message_text_search_idx": what shoppers and merchants
      // wrote, not the bot's replies (migration …_message_write_cost).
      or.push(
        `EXISTS (SELECT 1 FROM "Message" m WHERE m.shop = c.shop AND m."conversationId" = c.id
           AND m.author <> 'bot'
           AND to_tsvector('simple', coalesce(m."text", '')) @@ to_tsquery('simple', ${p(tsquery)}))`,
      );
    }
    where.push(`(${or.join(" OR ")})`);
  }

  const before = query.cursor?.direction === "before";
  if (query.cursor) {
    const at = `${p(query.cursor.at.toISOString())}::timestamp(3)`;
    const id = p(query.cursor.id);
    where.push(
      before ? `(c."lastMessageAt", c.id) > (${at}, ${id})` : `(c."lastMessageAt", c.id) < (${at}, ${id})`,
    );
  }
  const order = before ? `ASC` : `DESC`;
  const rows = await database().raw.query<{ id: string }>(
    `SELECT c.id FROM "Conversation" c
     JOIN "Contact" ct ON ct.id = c."contactId" AND ct.shop = c.shop
     WHERE ${where.join(" AND ")}
     ORDER BY c."lastMessageAt" ${order}, c.id ${order}
     LIMIT ${p(query.limit + 1)}`,
    params,
  );
  const more = rows.length > query.limit;
  const ids = rows.slice(0, query.limit).map((r) => r.id);
  return { ids: before ? ids.reverse() : ids, more };
}

export type ConversationWithContact = Conversation & { contact: Contact };

/** The conversations with their contacts, in the order of `ids`. */
export async function getConversationsWithContacts(
  shop: string,
  ids: string[],
): Promise<ConversationWithContact[]> {
  if (ids.length === 0) return [];
  const prisma = db();
  const conversations = await prisma.conversation.findMany({ where: { shop, id: { in: ids } } });
  const contacts = await prisma.contact.findMany({
    where: { shop, id: { in: conversations.map((c) => c.contactId) } },
  });
  const contactById = new Map(contacts.map((c) => [c.id, c]));
  const byId = new Map(conversations.map((c) => [c.id, c]));
  return ids.flatMap((id) => {
    const conversation = byId.get(id);
    const contact = conversation && contactById.get(conversation.contactId);
    return conversation && contact ? [{ ...conversation, contact }] : [];
  });
}

export type MessagePreview = Pick<
  Message,
  "conversationId" | "direction" | "author" | "type" | "text" | "status" | "createdAt"
>;

/** The newest message of each conversation. */
export async function lastMessages(
  shop: string,
  conversationIds: string[],
): Promise<Map<string, MessagePreview>> {
  if (conversationIds.length === 0) return new Map();
  // Ids through SQL (DISTINCT ON walks the (shop, conversationId, createdAt) index), rows through Prisma
  // (so that timestamps are read as Prisma reads them everywhere else).
  const latest = await database().raw.query<{ id: string }>(
    `SELECT DISTINCT ON ("conversationId") id FROM "Message"
     WHERE shop = $1 AND "conversationId" = ANY($2::text[])
     ORDER BY "conversationId", "createdAt" DESC, id DESC`,
    [shop, conversationIds],
  );
  const rows = await db().message.findMany({
    where: { shop, id: { in: latest.map((r) => r.id) } },
    select: {
      conversationId: true,
      direction: true,
      author: true,
      type: true,
      text: true,
      status: true,
      createdAt: true,
    },
  });
  return new Map(rows.map((r) => [r.conversationId, r]));
}

export interface InboxCounts {
  all: number;
  attention: number;
  human: number;
  bot: number;
  /** Conversations with unread messages, and the messages. */
  unreadConversations: number;
  unreadMessages: number;
}

export async function inboxCounts(shop: string): Promise<InboxCounts> {
  const prisma = db();
  const [all, attention, human, bot, unread] = await Promise.all([
    prisma.conversation.count({ where: { shop, sandbox: false } }),
    prisma.conversation.count({ where: { shop, sandbox: false, needsAttention: true } }),
    prisma.conversation.count({ where: { shop, sandbox: false, status: "human" } }),
    prisma.conversation.count({ where: { shop, sandbox: false, status: "bot" } }),
    prisma.conversation.aggregate({
      where: { shop, sandbox: false, unreadCount: { gt: 0 } },
      _count: { _all: true },
      _sum: { unreadCount: true },
    }),
  ]);
  return {
    all,
    attention,
    human,
    bot,
    unreadConversations: unread._count._all,
    unreadMessages: unread._sum.unreadCount ?? 0,
  };
}

// --- one conversation ----------------------------------------------------------------------------

export async function getConversationWithContact(
  shop: string,
  id: string,
): Promise<ConversationWithContact | null> {
  // A sandbox thread is read in the "Test your bot" panel, not in the inbox.
  const conversation = await db().conversation.findFirst({ where: { shop, id, sandbox: false } });
  if (!conversation) return null;
  const contact = await db().contact.findFirst({ where: { shop, id: conversation.contactId } });
  return contact ? { ...conversation, contact } : null;
}

/** The newest `limit` messages of a conversation, oldest first, and whether older ones exist. */
export async function threadMessages(
  shop: string,
  conversationId: string,
  limit: number,
): Promise<{ messages: Message[]; more: boolean }> {
  const rows = await db().message.findMany({
    where: { shop, conversationId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return { messages: rows.slice(0, limit).reverse(), more: rows.length > limit };
}

export async function getMessage(shop: string, id: string): Promise<Message | null> {
  return db().message.findFirst({ where: { shop, id } });
}

/** Admin changes to a conversation; never touches `lastMessageAt` (the list order is the shopper's activity). */
export async function updateConversation(
  shop: string,
  id: string,
  data: {
    status?: "bot" | "human" | "closed";
    needsAttention?: boolean;
    unreadCount?: number;
    state?: Prisma.InputJsonValue;
    stateVersion?: number;
  },
  tx: Prisma.TransactionClient = db(),
): Promise<number> {
  return (await tx.conversation.updateMany({ where: { shop, id }, data })).count;
}

/** Marks a conversation read; returns whether it had unread messages. */
export async function clearUnread(shop: string, id: string): Promise<boolean> {
  return (
    (
      await db().conversation.updateMany({
        where: { shop, id, unreadCount: { gt: 0 } },
        data: { unreadCount: 0 },
      })
    ).count > 0
  );
}

/** The conversation moves up the list (the merchant wrote in it). */
export async function touchConversation(
  shop: string,
  id: string,
  at: Date,
  tx: Prisma.TransactionClient = db(),
): Promise<void> {
  await tx.conversation.updateMany({ where: { shop, id }, data: { lastMessageAt: at } });
}

export async function setContact(
  shop: string,
  contactId: string,
  data: { blocked?: boolean; botEnabled?: boolean },
): Promise<number> {
  return (await db().contact.updateMany({ where: { shop, id: contactId }, data })).count;
}

// --- feedback --------------------------------------------------------------------------------------

export interface FeedbackQuery {
  outcome?: "positive" | "neutral" | "negative";
  rating?: number;
  /** The id of the last row of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

export async function listFeedback(shop: string, query: FeedbackQuery) {
  const where: Prisma.FeedbackWhereInput = {
    shop,
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.rating ? { rating: query.rating } : {}),
    ...(query.after
      ? {
          OR: [
            { createdAt: { lt: query.after.createdAt } },
            { createdAt: query.after.createdAt, id: { lt: query.after.id } },
          ],
        }
      : {}),
  };
  const rows = await db().feedback.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  return { rows: rows.slice(0, query.limit), more: rows.length > query.limit };
}

/** The contacts (names and wa_ids) of a set of feedback rows. */
export async function contactsByIds(shop: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, Pick<Contact, "id" | "name" | "waId">>();
  const rows = await db().contact.findMany({
    where: { shop, id: { in: ids } },
    select: { id: true, name: true, waId: true },
  });
  return new Map(rows.map((r) => [r.id, r]));
}

/** Conversations of this shop among `ids` (feedback rows may point at conversations since deleted). */
export async function existingConversationIds(shop: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db().conversation.findMany({ where: { shop, id: { in: ids } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
