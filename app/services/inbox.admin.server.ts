import { randomUUID } from "node:crypto";
import type { Message, Prisma } from "@prisma/client";
import { z } from "zod";
import {
  clearUnread,
  contactsByIds,
  existingConversationIds,
  getConversationsWithContacts,
  getConversationWithContact,
  inboxCounts,
  lastMessages,
  listFeedback,
  searchConversationIds,
  setContact,
  threadMessages,
  touchConversation,
  updateConversation,
  type ConversationWithContact,
  type InboxCursor,
  type InboxFilter,
} from "~/adapters/db/inbox.server";
import { queueOutboundMessages } from "~/adapters/db/messages.server";
import { findShopAccount, getOrCreateShopSettings } from "~/adapters/db/settings.server";
import { storableText } from "~/adapters/db/text.server";
import { adminClientFromGraphql, type GraphqlFunctionLike } from "~/adapters/shopify/admin-client";
import { recentOrdersByPhone } from "~/adapters/shopify/orders";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import {
  parseState,
  STATE_VERSION,
  type ConversationState,
  type DataRequest,
  type DataResultEvent,
} from "~/domain/conversation";
import type { CartLine, OutboundMessage } from "~/domain/types";
import type { AdminMessageKey } from "~/i18n/admin";
import { log } from "~/logger.server";
import {
  engineContext,
  OUTBOX_CHANNEL,
  publishConversationUpdate,
  runTurn,
  toOutboundRows,
} from "./conversation.server";
import { mediaOf } from "./media.server";
import { SERVICE_WINDOW_MS, withinServiceWindow } from "./outbox.server";
import { buildTemplateMessage, templateOptions } from "./templates.server";
import { wake } from "./worker.server";

/**
 * The merchant's inbox in the admin: the conversation list, one thread with the contact's cart and recent
 * orders, and what the merchant can do there (take over, give back to the bot, reply, send a template,
 * block, turn the bot off for one contact). Every function takes the shop from the admin session; an id
 * of another shop's conversation is "not found".
 */

export const INBOX_PAGE_SIZE = 25;
export const THREAD_PAGE_SIZE = 50;
export const MAX_THREAD_MESSAGES = 500;

// --- the list --------------------------------------------------------------------------------------

export function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** Cursor times the database can compare with (a forged cursor far outside them answered 500). */
const CURSOR_MIN_MS = Date.UTC(2000, 0, 1);
const CURSOR_MAX_MS = Date.UTC(9999, 11, 31);

/** Ids the app generates (cuid / uuid): anything else cannot name a row, so it is "not found" at once. */
export function isRowId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

export function decodeCursor(value: string | undefined | null): InboxCursor | undefined {
  if (!value) return undefined;
  try {
    const [at, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
    const date = new Date(at);
    const t = date.getTime();
    if (!id || !isRowId(id) || Number.isNaN(t) || t < CURSOR_MIN_MS || t > CURSOR_MAX_MS) return undefined;
    return { at: date, id };
  } catch {
    return undefined;
  }
}

export const INBOX_FILTERS = ["all", "attention", "human", "bot"] as const satisfies readonly InboxFilter[];

/** The list's search parameters; anything malformed falls back to the default instead of failing. */
export const InboxSearchSchema = z.object({
  filter: z.enum(INBOX_FILTERS).catch("all"),
  q: z
    .string()
    .transform((v) => storableText(v).trim().slice(0, 100))
    .optional()
    .catch(undefined),
  cursor: z.string().max(300).optional().catch(undefined),
  dir: z.enum(["after", "before"]).catch("after"),
});
export type InboxSearch = z.infer<typeof InboxSearchSchema>;

export function searchParamsObject(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

/** Opening a conversation marks it read (and tells the other open admin pages). */
export async function markOpened(shop: string, id: string): Promise<void> {
  if (await clearUnread(shop, id)) await publishConversationUpdate(shop, id);
}

/**
 * One page of the list. `openId`: the conversation open beside the list (the layout's loader runs with the
 * thread's params), marked read first so that the list does not show it unread.
 */
export async function listInbox(shop: string, search: InboxSearch, options: { openId?: string } = {}) {
  if (options.openId && isRowId(options.openId)) await markOpened(shop, options.openId);
  const cursor = decodeCursor(search.cursor);
  const direction = cursor ? search.dir : "after";
  const { ids, more } = await searchConversationIds(shop, {
    filter: search.filter,
    search: search.q,
    cursor: cursor ? { ...cursor, direction } : undefined,
    limit: INBOX_PAGE_SIZE,
  });
  const [rows, previews, counts] = await Promise.all([
    getConversationsWithContacts(shop, ids),
    lastMessages(shop, ids),
    inboxCounts(shop),
  ]);
  const first = rows[0];
  const last = rows.at(-1);
  const hasNext = direction === "after" ? more : true;
  const hasPrevious = direction === "before" ? more : !!cursor;
  return {
    filter: search.filter,
    q: search.q ?? "",
    counts,
    conversations: rows.map((c) => {
      const preview = previews.get(c.id);
      return {
        id: c.id,
        status: c.status,
        needsAttention: c.needsAttention,
        unreadCount: c.unreadCount,
        lastMessageAt: c.lastMessageAt.toISOString(),
        contact: {
          name: c.contact.name,
          waId: c.contact.waId,
          blocked: c.contact.blocked,
          botEnabled: c.contact.botEnabled,
        },
        preview: preview
          ? {
              text: preview.text ?? `[${preview.type}]`,
              direction: preview.direction,
              author: preview.author,
              status: preview.status,
            }
          : null,
      };
    }),
    page: {
      next: hasNext && last ? encodeCursor({ at: last.lastMessageAt, id: last.id }) : null,
      previous: hasPrevious && first ? encodeCursor({ at: first.lastMessageAt, id: first.id }) : null,
    },
  };
}

export type InboxList = Awaited<ReturnType<typeof listInbox>>;

// --- one thread ------------------------------------------------------------------------------------

/** What the inbox shows of a message (never the raw Graph payload). */
export function messageView(m: Message) {
  const body = (m.body ?? {}) as {
    kind?: string;
    caption?: string;
    displayText?: string;
    buttons?: { title: string }[];
    sections?: { rows: { title: string }[] }[];
    event?: { type?: string; caption?: string };
  };
  const media = mediaOf(m.body);
  const choices =
    body.kind === "buttons"
      ? (body.buttons ?? []).map((b) => b.title)
      : body.kind === "list"
        ? (body.sections ?? []).flatMap((s) => s.rows.map((r) => r.title))
        : body.kind === "cta_url"
          ? [body.displayText ?? ""]
          : [];
  return {
    id: m.id,
    direction: m.direction as "in" | "out",
    author: m.author,
    type: m.type,
    text: m.text,
    status: m.status,
    error: m.errorCode !== null || m.errorTitle ? { code: m.errorCode, title: m.errorTitle } : null,
    createdAt: m.createdAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
    deliveredAt: m.deliveredAt?.toISOString() ?? null,
    readAt: m.readAt?.toISOString() ?? null,
    failedAt: m.failedAt?.toISOString() ?? null,
    media: media
      ? {
          kind: "link" in media ? "image" : media.kind,
          caption: (body.event?.caption ?? body.caption ?? null) as string | null,
        }
      : null,
    choices: choices.filter(Boolean).slice(0, 13),
  };
}

export type MessageView = ReturnType<typeof messageView>;

/** The 24-hour customer service window: when it closes, or why free-form replies are not possible. */
export function serviceWindow(lastInboundAt: Date | null, now: Date) {
  const open = withinServiceWindow("text", lastInboundAt, now);
  return {
    open,
    closesAt: lastInboundAt ? new Date(lastInboundAt.getTime() + SERVICE_WINDOW_MS).toISOString() : null,
  };
}

function cartOf(state: unknown): CartLine[] {
  try {
    return parseState(state).cart;
  } catch {
    return [];
  }
}

export const ThreadSearchSchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_THREAD_MESSAGES).catch(THREAD_PAGE_SIZE),
});

/**
 * The thread for the admin (null = not this shop's). Opening it marks it read. The contact's cart comes
 * from the engine's state; orders are loaded separately (`recentOrders`).
 */
export async function loadThread(shop: string, id: string, options: { limit?: number; now?: Date } = {}) {
  if (!isRowId(id)) return null;
  const conversation = await getConversationWithContact(shop, id);
  if (!conversation) return null;
  const now = options.now ?? new Date();
  const [{ messages, more }, account, shopRow] = await Promise.all([
    threadMessages(shop, id, options.limit ?? THREAD_PAGE_SIZE),
    findShopAccount(shop),
    getOrCreateShopSettings(shop),
  ]);
  if (conversation.unreadCount > 0) await markOpened(shop, id);
  const accountId = conversation.accountId ?? account?.id ?? null;
  const state = parseState(conversation.state);
  return {
    conversation: {
      id: conversation.id,
      status: conversation.status,
      needsAttention: conversation.needsAttention,
      lastMessageAt: conversation.lastMessageAt.toISOString(),
      lastInboundAt: conversation.lastInboundAt?.toISOString() ?? null,
    },
    contact: {
      id: conversation.contact.id,
      name: conversation.contact.name,
      waId: conversation.contact.waId,
      language: conversation.contact.language,
      botEnabled: conversation.contact.botEnabled,
      blocked: conversation.contact.blocked,
      optedOut: conversation.contact.optedOut,
    },
    shop: { botEnabled: shopRow.botEnabled, currencyCode: shopRow.currencyCode },
    connected: !!accountId,
    messages: messages.map(messageView),
    moreMessages: more,
    window: serviceWindow(conversation.lastInboundAt, now),
    cart: cartOf(conversation.state),
    engine: { step: state.step, language: state.language },
    templates: await templateOptions(shop, accountId),
  };
}

export type ThreadView = NonNullable<Awaited<ReturnType<typeof loadThread>>>;

const ORDERS_TTL_MS = 60_000;

export type RecentOrdersResult =
  | {
      ok: true;
      orders: {
        id: string;
        legacyId: string | null;
        name: string;
        createdAt: string;
        financialStatus: string | null;
        fulfillmentStatus: string | null;
        total: { amount: string; currencyCode: string };
        statusUrl: string | null;
      }[];
    }
  | { ok: false; reason: "unavailable" };

/**
 * The contact's recent orders through the Admin API (`admin.graphql` of the merchant's request), cached
 * for a minute so that live updates of the thread do not call Shopify on every message.
 */
export async function recentOrders(
  shop: string,
  waId: string,
  graphql: GraphqlFunctionLike,
): Promise<RecentOrdersResult> {
  const key = `admin:orders:${shop}:${waId}`;
  const cached = await cache()
    .get(key)
    .catch(() => null);
  if (cached) {
    try {
      return JSON.parse(cached) as RecentOrdersResult;
    } catch {
      // fall through and load again
    }
  }
  try {
    const orders = await recentOrdersByPhone(adminClientFromGraphql(shop, graphql), waId, { first: 5 });
    const result: RecentOrdersResult = {
      ok: true,
      orders: orders.map((o) => ({
        id: o.id,
        legacyId: /\/(\d+)$/.exec(o.id)?.[1] ?? null,
        name: o.name,
        createdAt: o.createdAt,
        financialStatus: o.financialStatus,
        fulfillmentStatus: o.fulfillmentStatus,
        total: o.total,
        statusUrl: o.statusUrl ?? null,
      })),
    };
    await cache()
      .set(key, JSON.stringify(result), ORDERS_TTL_MS)
      .catch(() => undefined);
    return result;
  } catch (error) {
    log({ shop }).warn({ err: error }, "recent orders could not be loaded for the inbox");
    return { ok: false, reason: "unavailable" };
  }
}

// --- actions ---------------------------------------------------------------------------------------

export type ActionRefusal =
  | "not_found"
  | "outside_window"
  | "blocked"
  | "opted_out"
  | "not_connected"
  | "template_unknown"
  | "template_unsupported"
  | "template_params";

export type ActionResult = { ok: true; queued?: number } | { ok: false; reason: ActionRefusal };

/** The message key that explains a refusal to the merchant. */
export const REFUSAL_MESSAGES: Record<ActionRefusal, AdminMessageKey> = {
  not_found: "inbox.refused.not_found",
  outside_window: "inbox.refused.outside_window",
  blocked: "inbox.refused.blocked",
  opted_out: "inbox.refused.opted_out",
  not_connected: "inbox.refused.not_connected",
  template_unknown: "inbox.refused.template_unknown",
  template_unsupported: "inbox.refused.template_unsupported",
  template_params: "inbox.refused.template_params",
};

export const ThreadActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("takeOver") }),
  z.object({ intent: z.literal("giveBack") }),
  z.object({ intent: z.literal("markRead") }),
  z.object({ intent: z.literal("block") }),
  z.object({ intent: z.literal("unblock") }),
  z.object({ intent: z.literal("botOn") }),
  z.object({ intent: z.literal("botOff") }),
  z.object({
    intent: z.literal("reply"),
    text: z
      .string()
      .transform((v) => v.trim())
      .pipe(z.string().min(1, "inbox.errors.replyEmpty").max(4096, "inbox.errors.replyTooLong")),
    key: z
      .string()
      .regex(/^[\w-]{8,64}$/)
      .optional()
      .catch(undefined),
  }),
  z.object({
    intent: z.literal("template"),
    name: z.string().min(1).max(512),
    language: z.string().min(2).max(15),
    /** JSON object: "body:1" → value. */
    values: z
      .string()
      .max(20_000)
      .optional()
      .transform((v, ctx) => {
        if (!v) return {} as Record<string, string>;
        try {
          const parsed = z.record(z.string(), z.string().max(1024)).parse(JSON.parse(v));
          return parsed;
        } catch {
          ctx.addIssue({ code: "custom", message: "inbox.refused.template_params" });
          return z.NEVER;
        }
      }),
    key: z
      .string()
      .regex(/^[\w-]{8,64}$/)
      .optional()
      .catch(undefined),
  }),
]);
export type ThreadAction = z.infer<typeof ThreadActionSchema>;

/** The engine's state with a person in charge (the bot stays quiet until it is given back). */
function withPerson(state: ConversationState): ConversationState {
  return { ...state, mode: "human", step: "handoff" };
}

async function changeConversation(
  shop: string,
  id: string,
  data: Parameters<typeof updateConversation>[2],
): Promise<ActionResult> {
  const count = await updateConversation(shop, id, data);
  if (count === 0) return { ok: false, reason: "not_found" };
  await publishConversationUpdate(shop, id);
  return { ok: true };
}

/** A person takes the conversation: the bot stops answering it and it leaves "needs attention". */
export async function takeOver(shop: string, id: string): Promise<ActionResult> {
  const conversation = await getConversationWithContact(shop, id);
  if (!conversation) return { ok: false, reason: "not_found" };
  return changeConversation(shop, id, {
    status: "human",
    needsAttention: false,
    state: withPerson(parseState(conversation.state)) as unknown as Prisma.InputJsonValue,
    stateVersion: STATE_VERSION,
  });
}

/**
 * Back to the bot: the engine's `handoffReleased` runs (the shopper hears that the assistant is back, with
 * the menu) — its messages are queued only when the bot may speak to this contact now (24-hour window
 * open, number connected, bot on for the shop and the contact, not blocked).
 */
export async function giveBack(shop: string, id: string, now = new Date()): Promise<ActionResult> {
  const conversation = await getConversationWithContact(shop, id);
  if (!conversation) return { ok: false, reason: "not_found" };
  // Already the bot's: nothing to release (and the shopper is not told twice).
  if (conversation.status === "bot" && parseState(conversation.state).mode === "bot") {
    return changeConversation(shop, id, { needsAttention: false });
  }
  const [shopRow, account] = await Promise.all([getOrCreateShopSettings(shop), findShopAccount(shop)]);
  const accountId = conversation.accountId ?? account?.id ?? null;
  const unanswerable = async (request: DataRequest): Promise<DataResultEvent> =>
    request.type === "createCheckout"
      ? { type: "checkoutFailed", reason: "error" }
      : { type: "dataFailed", request };
  const turn = await runTurn(
    withPerson(parseState(conversation.state)),
    { type: "handoffReleased" },
    engineContext(shopRow, conversation.contact.name, now),
    unanswerable,
  );
  const maySpeak =
    !!accountId &&
    shopRow.botEnabled &&
    conversation.contact.botEnabled &&
    !conversation.contact.blocked &&
    withinServiceWindow("text", conversation.lastInboundAt, now);
  const rows = maySpeak
    ? toOutboundRows(
        turn.messages,
        {
          conversationId: id,
          contactId: conversation.contactId,
          accountId,
          toWaId: conversation.contact.waId,
          author: "bot",
        },
        `release:${id}:${randomUUID()}`,
      )
    : [];
  const queued = await db().$transaction(async (tx) => {
    await updateConversation(
      shop,
      id,
      {
        status: "bot",
        needsAttention: false,
        state: turn.state as unknown as Prisma.InputJsonValue,
        stateVersion: STATE_VERSION,
      },
      tx,
    );
    return queueOutboundMessages(shop, rows, tx);
  });
  if (queued) wake(OUTBOX_CHANNEL);
  await publishConversationUpdate(shop, id);
  return { ok: true, queued };
}

export async function markRead(shop: string, id: string): Promise<ActionResult> {
  return changeConversation(shop, id, { unreadCount: 0 });
}

async function changeContact(
  shop: string,
  id: string,
  data: { blocked?: boolean; botEnabled?: boolean },
): Promise<ActionResult> {
  const conversation = await getConversationWithContact(shop, id);
  if (!conversation) return { ok: false, reason: "not_found" };
  await setContact(shop, conversation.contactId, data);
  await publishConversationUpdate(shop, id);
  return { ok: true };
}

export const setBlocked = (shop: string, id: string, blocked: boolean) =>
  changeContact(shop, id, { blocked });
export const setContactBot = (shop: string, id: string, botEnabled: boolean) =>
  changeContact(shop, id, { botEnabled });

/**
 * Queues a message written by the merchant (the outbox sends it). Writing in a conversation takes it over:
 * the bot would otherwise answer the shopper's next message in the middle of the merchant's.
 */
async function queueMerchantMessage(
  shop: string,
  conversation: ConversationWithContact,
  accountId: string,
  message: OutboundMessage,
  text: string,
  key: string,
  now: Date,
): Promise<number> {
  const rows = toOutboundRows(
    [message],
    {
      conversationId: conversation.id,
      contactId: conversation.contactId,
      accountId,
      toWaId: conversation.contact.waId,
      author: "merchant",
    },
    `merchant:${conversation.id}:${key}`,
  ).map((row) => ({ ...row, text }));
  const queued = await db().$transaction(async (tx) => {
    const count = await queueOutboundMessages(shop, rows, tx);
    await touchConversation(shop, conversation.id, now, tx);
    await updateConversation(
      shop,
      conversation.id,
      {
        status: "human",
        needsAttention: false,
        unreadCount: 0,
        ...(conversation.status === "bot"
          ? {
              state: withPerson(parseState(conversation.state)) as unknown as Prisma.InputJsonValue,
              stateVersion: STATE_VERSION,
            }
          : {}),
      },
      tx,
    );
    return count;
  });
  if (queued) wake(OUTBOX_CHANNEL);
  await publishConversationUpdate(shop, conversation.id);
  return queued;
}

async function sendable(shop: string, id: string) {
  const conversation = await getConversationWithContact(shop, id);
  if (!conversation) return { ok: false as const, reason: "not_found" as const };
  if (conversation.contact.blocked) return { ok: false as const, reason: "blocked" as const };
  const accountId = conversation.accountId ?? (await findShopAccount(shop))?.id ?? null;
  if (!accountId) return { ok: false as const, reason: "not_connected" as const };
  return { ok: true as const, conversation, accountId };
}

/** A free-form text reply: only inside the 24-hour customer service window. */
export async function replyAsMerchant(
  shop: string,
  id: string,
  input: { text: string; key?: string },
  now = new Date(),
): Promise<ActionResult> {
  const target = await sendable(shop, id);
  if (!target.ok) return target;
  if (!withinServiceWindow("text", target.conversation.lastInboundAt, now))
    return { ok: false, reason: "outside_window" };
  const queued = await queueMerchantMessage(
    shop,
    target.conversation,
    target.accountId,
    { kind: "text", body: input.text },
    input.text,
    input.key ?? randomUUID(),
    now,
  );
  return { ok: true, queued };
}

/** An approved template (the only thing WhatsApp delivers outside the window). */
export async function sendTemplateReply(
  shop: string,
  id: string,
  input: { name: string; language: string; values: Record<string, string>; key?: string },
  now = new Date(),
): Promise<ActionResult> {
  const target = await sendable(shop, id);
  if (!target.ok) return target;
  if (target.conversation.contact.optedOut) return { ok: false, reason: "opted_out" };
  const built = await buildTemplateMessage(shop, target.accountId, input);
  if (!built.ok) return built;
  const queued = await queueMerchantMessage(
    shop,
    target.conversation,
    target.accountId,
    built.message,
    built.preview,
    input.key ?? randomUUID(),
    now,
  );
  return { ok: true, queued };
}

export async function runThreadAction(shop: string, id: string, action: ThreadAction): Promise<ActionResult> {
  if (!isRowId(id)) return { ok: false, reason: "not_found" };
  switch (action.intent) {
    case "takeOver":
      return takeOver(shop, id);
    case "giveBack":
      return giveBack(shop, id);
    case "markRead":
      return markRead(shop, id);
    case "block":
      return setBlocked(shop, id, true);
    case "unblock":
      return setBlocked(shop, id, false);
    case "botOn":
      return setContactBot(shop, id, true);
    case "botOff":
      return setContactBot(shop, id, false);
    case "reply":
      return replyAsMerchant(shop, id, { text: action.text, key: action.key });
    case "template":
      return sendTemplateReply(shop, id, {
        name: action.name,
        language: action.language,
        values: action.values,
        key: action.key,
      });
  }
}

/** HTTP status of a refused action: 404 for another shop's (or no) conversation, 409 for the rest. */
export function refusalStatus(reason: ActionRefusal): number {
  return reason === "not_found" ? 404 : reason.startsWith("template_") ? 422 : 409;
}

// --- live updates ----------------------------------------------------------------------------------

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform: compression middleware must not buffer the stream.
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

/** Whether a conversation id belongs to the shop (the SSE route answers 404 otherwise). */
export async function conversationExists(shop: string, id: string): Promise<boolean> {
  return isRowId(id) && !!(await getConversationWithContact(shop, id));
}

/**
 * Server-sent events for the admin: one `update` event per change of the shop's conversations (published
 * by the worker, the sender and the admin's actions on `conversations:${shop}`), only those of
 * `conversationId` when given. A comment every `heartbeatMs` keeps proxies from closing the stream; it ends
 * after `maxMs` (the page reconnects with a fresh session token).
 */
export function conversationUpdates(
  shop: string,
  conversationId: string | null,
  options: { signal?: AbortSignal; heartbeatMs?: number; maxMs?: number } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop: (() => Promise<void>) | undefined;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let unsubscribe: (() => Promise<void>) | undefined;
      const send = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          void stop?.();
        }
      };
      const heartbeat = setInterval(() => send(`: ping\n\n`), options.heartbeatMs ?? 20_000);
      const end = setTimeout(() => void stop?.(), options.maxMs ?? 5 * 60_000);
      stop = async () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clearTimeout(end);
        options.signal?.removeEventListener("abort", onAbort);
        await unsubscribe?.().catch(() => undefined);
        try {
          controller.close();
        } catch {
          // already closed by the reader
        }
      };
      const onAbort = () => void stop?.();
      options.signal?.addEventListener("abort", onAbort);
      send(`retry: 3000\nevent: ready\ndata: {}\n\n`);
      try {
        const u = await cache().subscribe(`conversations:${shop}`, (raw) => {
          let event: { conversationId?: unknown; at?: unknown };
          try {
            event = JSON.parse(raw);
          } catch {
            return;
          }
          if (typeof event.conversationId !== "string") return;
          if (conversationId && event.conversationId !== conversationId) return;
          send(
            `event: update\ndata: ${JSON.stringify({ conversationId: event.conversationId, at: event.at })}\n\n`,
          );
        });
        if (closed) await u();
        else unsubscribe = u;
      } catch (error) {
        log({ shop }).warn({ err: error }, "live inbox updates unavailable");
        await stop();
      }
      if (options.signal?.aborted) await stop();
    },
    async cancel() {
      await stop?.();
    },
  });
}

// --- feedback --------------------------------------------------------------------------------------

export const FEEDBACK_PAGE_SIZE = 25;

export const FeedbackSearchSchema = z.object({
  outcome: z.enum(["positive", "neutral", "negative"]).optional().catch(undefined),
  rating: z.coerce.number().int().min(1).max(5).optional().catch(undefined),
  cursor: z.string().max(300).optional().catch(undefined),
});
export type FeedbackSearch = z.infer<typeof FeedbackSearchSchema>;

export async function listFeedbackPage(shop: string, search: FeedbackSearch) {
  const after = decodeCursor(search.cursor);
  const { rows, more } = await listFeedback(shop, {
    outcome: search.outcome,
    rating: search.rating,
    after: after ? { createdAt: after.at, id: after.id } : undefined,
    limit: FEEDBACK_PAGE_SIZE,
  });
  const [contacts, conversations] = await Promise.all([
    contactsByIds(
      shop,
      rows.flatMap((r) => (r.contactId ? [r.contactId] : [])),
    ),
    existingConversationIds(
      shop,
      rows.flatMap((r) => (r.conversationId ? [r.conversationId] : [])),
    ),
  ]);
  const last = rows.at(-1);
  return {
    filters: { outcome: search.outcome ?? null, rating: search.rating ?? null },
    feedback: rows.map((f) => {
      const contact = f.contactId ? contacts.get(f.contactId) : undefined;
      return {
        id: f.id,
        rating: f.rating,
        comment: f.comment,
        language: f.language,
        sentimentLabel: f.sentimentLabel,
        sentimentScore: f.sentimentScore,
        outcome: f.outcome,
        status: f.status,
        orderName: f.orderName,
        contactName: contact?.name ?? null,
        waId: contact?.waId ?? null,
        conversationId: f.conversationId && conversations.has(f.conversationId) ? f.conversationId : null,
        createdAt: (f.answeredAt ?? f.createdAt).toISOString(),
      };
    }),
    next: more && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    firstPage: !after,
  };
}
