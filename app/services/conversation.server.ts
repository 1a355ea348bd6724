import type { InboundEvent as InboundEventRow, Prisma } from "@prisma/client";
import { ensureContactAndConversation } from "~/adapters/db/conversations.server";
import { commitInboundTurn, type InboundTurnWrite } from "~/adapters/db/messages.server";
import { ensureShop, getShop } from "~/adapters/db/shops.server";
import { findAccountsByPhoneNumberIds } from "~/adapters/db/accounts.server";
import type { AdminClient } from "~/adapters/shopify/admin-client";
import { toInboundEvent } from "~/adapters/whatsapp/to-event";
import type { WebhookMessageItem } from "~/adapters/whatsapp/webhook-schema";
import {
  initialState,
  parseState,
  STATE_VERSION,
  transition,
  type ConversationState,
  type DataRequest,
  type DataResultEvent,
  type EngineContext,
  type EngineEvent,
  type HandoffReason,
} from "~/domain/conversation";
import type { CartLine, InboundEvent, Language, OutboundMessage } from "~/domain/types";
import { cartTotals, minorToDecimal } from "~/domain/conversation/money";
import { recordCheckout } from "~/adapters/db/orders.server";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { parseInboundBucket, takeInboundToken } from "~/domain/inbound-throttle";
import { slowDownMessage } from "~/domain/notifications";
import { log } from "~/logger.server";
import { answerDataRequest } from "./shopping-data.server";
import { assistUnmatched } from "./ai.server"; // AI assistant hook (see processInboundMessage)
import {
  commentSentiment,
  feedbackContext,
  notifyMerchant,
  parseActiveFeedback,
  runFeedbackTurn,
  saveFeedbackRecord,
  type FeedbackTurn,
} from "./feedback.server";
import type { SentimentResultEvent } from "~/domain/feedback";
import { adminClientForShop } from "./shopify-admin.server";
import { wake } from "./worker.server";
import { scheduleAwayMessage } from "./away.server";
import { handoffAlert } from "./merchant-alerts.server";
import { OUTBOX_CHANNEL, publishConversationUpdate, toOutboundRows } from "./outbound.server";
import {
  canSendOnCommit,
  noteQueuedReplies,
  OUTBOX_LEASE_MS,
  sendClaimedNow,
  type SenderDeps,
} from "./outbox.server";

export { OUTBOX_CHANNEL, outboundText, publishConversationUpdate, toOutboundRows } from "./outbound.server";

/** A turn never runs away: at most this many engine steps (data round trips) per inbound message. */
const MAX_STEPS = 12;

/**
 * Per-contact inbound throttle: a shopper may send `INBOUND_BURST` messages at once, then one a second is
 * answered — counted on the shopper's clock, the messages' WhatsApp timestamps (app/domain/inbound-throttle.ts),
 * so a backlog of ours is never mistaken for a flood. Past that, messages are still recorded (the merchant sees
 * them in the inbox) but the bot does not run — no reply storm, no Admin API or model calls — and the shopper
 * gets one notice per `THROTTLE_NOTICE_MS`. The buckets live in the cache (shared by every instance with Redis).
 */
export const INBOUND_RATE_PER_SEC = 1;
export const INBOUND_BURST = 8;
export const THROTTLE_NOTICE_MS = 60_000;
/** A bucket untouched this long is full again anyway. */
const INBOUND_BUCKET_TTL_MS = (INBOUND_BURST / INBOUND_RATE_PER_SEC) * 1000 + 60_000;

export type InboundAllowance = { ok: true } | { ok: false; notify: boolean };

/**
 * Takes the contact's token for a message written at `writtenAt`; fails open (answers) when the cache is
 * unreachable. Failing fast is the cache's job: its circuit breaker (app/cache.server.ts) fails commands at
 * once while Redis is down. No atomic update is needed: one contact's events are processed one at a time.
 */
export async function inboundAllowance(
  shop: string,
  waId: string,
  writtenAt: Date,
): Promise<InboundAllowance> {
  const c = cache();
  const key = `inbound-bucket:${shop}:${waId}`;
  try {
    const taken = takeInboundToken(parseInboundBucket(await c.get(key)), writtenAt.getTime(), {
      ratePerSec: INBOUND_RATE_PER_SEC,
      burst: INBOUND_BURST,
    });
    await c.set(key, JSON.stringify(taken.bucket), INBOUND_BUCKET_TTL_MS);
    if (taken.ok) return { ok: true };
  } catch (error) {
    log({ shop }).warn({ err: error }, "inbound throttle unavailable (cache down): answering");
    return { ok: true };
  }
  const notify = await c
    .setIfAbsent(`inbound:notice:${shop}:${waId}`, "1", THROTTLE_NOTICE_MS)
    .catch(() => false);
  return { ok: false, notify };
}

export interface TurnResult {
  state: ConversationState;
  messages: OutboundMessage[];
  handoff?: HandoffReason;
  language?: Language;
  /** Checkouts (draft orders) created during the turn, for the Checkout table (analytics). */
  checkouts: { draftOrderId: string; invoiceUrl: string; lines: CartLine[] }[];
  /** Free text the rules did not match (the engine's `unmatched` flag); the AI assistant may answer it. */
  unmatched?: string;
}

/**
 * One turn of the conversation: the event, then every data request the engine makes answered by the
 * `answer` function and fed back, until the engine has nothing more to ask.
 */
export async function runTurn(
  state: ConversationState,
  event: EngineEvent,
  ctx: EngineContext,
  answer: (request: DataRequest) => Promise<DataResultEvent>,
): Promise<TurnResult> {
  const result: TurnResult = { state, messages: [], checkouts: [] };
  const queue: EngineEvent[] = [event];
  for (let step = 0; queue.length && step < MAX_STEPS; step++) {
    const next = transition(result.state, queue.shift()!, ctx);
    result.state = next.state;
    if (next.unmatched) result.unmatched = next.unmatched.text;
    for (const effect of next.effects) {
      if (effect.type === "send") result.messages.push(effect.message);
      else if (effect.type === "handoff") result.handoff = effect.reason;
      else if (effect.type === "setLanguage") result.language = effect.language;
      else {
        const answered = await answer(effect);
        if (effect.type === "createCheckout" && answered.type === "checkoutCreated") {
          result.checkouts.push({
            draftOrderId: answered.draftOrderId,
            invoiceUrl: answered.invoiceUrl,
            lines: effect.lines,
          });
        }
        queue.push(answered);
      }
    }
  }
  return result;
}

/** The inbox's plain text of a shopper's message is at most WhatsApp's own limit for a text body. */
export const MAX_STORED_TEXT = 4096;

export function textOf(event: InboundEvent): string | null {
  const text = fullTextOf(event);
  if (!text || text.length <= MAX_STORED_TEXT) return text;
  // Never cut a surrogate pair in half (a lone surrogate cannot be stored).
  let cut = MAX_STORED_TEXT - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

function fullTextOf(event: InboundEvent): string | null {
  switch (event.type) {
    case "text":
      return event.text;
    case "reply":
      return event.title;
    case "media":
      return event.caption ?? `[${event.kind}]`;
    case "location":
      return event.name ?? event.address ?? "[location]";
    case "order":
      return event.text || `[order: ${event.items.length} items]`;
    default:
      return `[${event.type}]`;
  }
}

export function engineContext(
  shop: NonNullable<Awaited<ReturnType<typeof getShop>>>,
  contactName: string | null | undefined,
  now: Date,
): EngineContext {
  return {
    now,
    shopName: shop.name ?? shop.shop.replace(/\.myshopify\.com$/, ""),
    currencyCode: shop.currencyCode,
    welcomeMessage: { en: shop.welcomeMessageEn ?? undefined, ar: shop.welcomeMessageAr ?? undefined },
    idleTimeoutMs: shop.idleTimeoutMinutes * 60_000,
    contactName: contactName ?? undefined,
    defaultLanguage: shop.defaultLanguage === "ar" ? "ar" : "en",
  };
}

/**
 * An inbound WhatsApp message (a stored InboundEvent row): contact and conversation, the engine's turn,
 * then in ONE statement the shopper's message, the new state, the queued replies and the event marked
 * done. A crash before the commit leaves the event pending and it is processed again; the replies' keys
 * (`<event id>:<n>`) make sure it is never answered twice.
 */
export async function processInboundMessage(
  row: InboundEventRow,
  deps: {
    adminClient?: (shop: string) => Promise<AdminClient>;
    now?: () => Date;
    sentiment?: (shop: string, text: string) => Promise<SentimentResultEvent>;
    /**
     * Send on commit (the inbox worker): the replies are stored claimed and sent at once when the conversation
     * has nothing earlier unsent (app/services/outbox.server.ts); otherwise, and by default, they are queued.
     */
    sendOnCommit?: boolean;
    sender?: SenderDeps;
  } = {},
): Promise<void> {
  const shop = row.shop;
  const item = row.payload as unknown as WebhookMessageItem;
  const now = deps.now?.() ?? new Date();
  const logger = log({ shop, eventId: row.id });
  const [account] = await findAccountsByPhoneNumberIds([row.phoneNumberId]);
  // The shop's row comes with the contact (one statement); a shop without one yet gets it now.
  const ensured = await ensureContactAndConversation(shop, {
    waId: item.waId,
    name: item.contactName,
    accountId: account?.id,
    initialState: initialState({ language: null }) as unknown as Prisma.InputJsonValue,
  });
  const { contact, conversation } = ensured;
  const shopRow = ensured.shop ?? (await ensureShop(shop));
  const event = toInboundEvent(item.raw);
  const receivedAt = new Date(item.timestamp);

  let botAnswers =
    shopRow.botEnabled &&
    contact.botEnabled &&
    !contact.blocked &&
    conversation.status === "bot" &&
    // A sandbox shopper ("Test your bot", ADR 009) needs no connected number: nothing is sent to WhatsApp.
    (!!account || contact.sandbox);

  // A shopper writing faster than the throttle allows: recorded, not answered (one notice a minute).
  let notice: OutboundMessage | undefined;
  if (botAnswers) {
    const allowance = await inboundAllowance(shop, item.waId, new Date(item.timestamp));
    if (!allowance.ok) {
      botAnswers = false;
      logger.info({ notify: allowance.notify }, "inbound message throttled");
      if (allowance.notify) {
        const language: Language =
          parseState(conversation.state).language ??
          (contact.language === "ar" || contact.language === "en"
            ? contact.language
            : shopRow.defaultLanguage === "ar"
              ? "ar"
              : "en");
        notice = slowDownMessage(language);
      }
    }
  }

  // A feedback request in progress takes the shopper's answer first; what it releases goes to the shopping bot.
  const activeFeedback = botAnswers ? parseActiveFeedback(conversation.feedback) : null;
  let feedbackTurn: FeedbackTurn | undefined;
  let shoppingEvent: InboundEvent | null = botAnswers ? event : null;
  if (activeFeedback) {
    const language: Language =
      parseState(conversation.state).language ??
      (contact.language === "ar" ? "ar" : shopRow.defaultLanguage === "ar" ? "ar" : "en");
    feedbackTurn = await runFeedbackTurn(
      activeFeedback,
      event,
      feedbackContext(
        shopRow,
        { language, firstName: activeFeedback.firstName, orderName: activeFeedback.orderName },
        now,
      ),
      (text) => (deps.sentiment ?? commentSentiment)(shop, text),
    );
    shoppingEvent = feedbackTurn.released ?? null;
  }

  let turn: TurnResult | undefined;
  if (shoppingEvent) {
    let client: AdminClient | undefined;
    const answer = async (request: DataRequest): Promise<DataResultEvent> => {
      try {
        client ??= await (deps.adminClient ?? adminClientForShop)(shop);
      } catch (error) {
        logger.warn({ err: error }, "no Admin API client for the shop");
        return request.type === "createCheckout"
          ? { type: "checkoutFailed", reason: "error" }
          : { type: "dataFailed", request };
      }
      return answerDataRequest(client, request, {
        phone: item.waId,
        conversationId: conversation.id,
        sandbox: contact.sandbox,
      });
    };
    const before = parseState(conversation.state);
    const ctx = engineContext(shopRow, contact.name, now);
    turn = await runTurn(before, shoppingEvent, ctx, answer);
    // --- AI assistant (app/services/ai.server.ts): free text the rules did not match goes to the shop's
    // assistant when it is enabled; on any failure (or when off) the rule engine's answer above stands.
    if (turn.unmatched) {
      turn = await assistUnmatched({
        shop,
        conversationId: conversation.id,
        waId: item.waId,
        text: turn.unmatched,
        ctx,
        before,
        rule: turn,
        answer,
      });
    }
  }
  const replies = [...(notice ? [notice] : []), ...(feedbackTurn?.messages ?? []), ...(turn?.messages ?? [])];
  const handoff = !!turn?.handoff || !!feedbackTurn?.handoff;

  // One statement for the whole turn (ADR 010); a checkout or a feedback answer commits in the same
  // transaction. A crash before the commit leaves the event pending: it is processed again, and the replies'
  // keys (`<event id>:<n>`) and the message's wamid make sure nothing is stored twice.
  const write: InboundTurnWrite = {
    eventId: row.id,
    conversationId: conversation.id,
    contactId: contact.id,
    inbound: {
      wamid: item.wamid,
      type: item.type,
      body: { event, raw: item.raw } as unknown as Prisma.InputJsonValue,
      text: textOf(event),
      createdAt: receivedAt,
    },
    state:
      turn || handoff
        ? {
            state: (turn?.state ?? parseState(conversation.state)) as unknown as Prisma.InputJsonValue,
            stateVersion: STATE_VERSION,
            ...(handoff ? { status: "human", needsAttention: true } : {}),
          }
        : undefined,
    feedback:
      feedbackTurn && activeFeedback
        ? ((feedbackTurn.active as unknown as Prisma.InputJsonValue | undefined) ?? null)
        : undefined,
    language: turn?.language,
    replies: toOutboundRows(
      replies,
      {
        conversationId: conversation.id,
        contactId: contact.id,
        accountId: account?.id ?? null,
        toWaId: item.waId,
        author: "bot",
      },
      row.id,
    ),
  };
  // A sandbox shopper's replies never reach the Graph API: the outbox records them (ADR 009).
  const sendingAccount = deps.sendOnCommit && !contact.sandbox && canSendOnCommit() ? account : undefined;
  if (sendingAccount && write.replies.length) write.sendNowLeaseMs = OUTBOX_LEASE_MS;
  const leaseEndsAt = Date.now() + OUTBOX_LEASE_MS;
  const feedbackRecord = feedbackTurn && activeFeedback ? feedbackTurn.record : undefined;
  const checkouts = turn?.checkouts ?? [];
  let committed: Awaited<ReturnType<typeof commitInboundTurn>>;
  if (!feedbackRecord && checkouts.length === 0) {
    committed = await commitInboundTurn(shop, write);
  } else {
    committed = await db().$transaction(async (tx) => {
      const result = await commitInboundTurn(shop, write, tx);
      if (feedbackRecord && activeFeedback)
        await saveFeedbackRecord(tx, shop, activeFeedback.feedbackId, feedbackRecord, now);
      for (const checkout of checkouts) {
        const totals = cartTotals(checkout.lines);
        await recordCheckout(
          shop,
          {
            conversationId: conversation.id,
            contactId: contact.id,
            draftOrderId: checkout.draftOrderId,
            invoiceUrl: checkout.invoiceUrl,
            lines: checkout.lines as unknown as Prisma.InputJsonValue,
            totalAmount: totals.length === 1 ? minorToDecimal(totals[0].minor, totals[0].currencyCode) : null,
            currencyCode: totals.length === 1 ? totals[0].currencyCode : null,
          },
          tx,
        );
      }
      return result;
    });
  }
  if (sendingAccount && committed.claimed.length) {
    const byKey = new Map(write.replies.map((reply) => [reply.idempotencyKey, reply]));
    sendClaimedNow(
      committed.claimed.map(({ id, idempotencyKey }) => {
        const reply = byKey.get(idempotencyKey)!;
        return {
          shop,
          id,
          conversationId: conversation.id,
          toWaId: reply.toWaId,
          type: reply.type,
          body: reply.body as Prisma.JsonValue,
          attempts: 1,
        };
      }),
      sendingAccount,
      receivedAt,
      leaseEndsAt,
      deps.sender,
    );
  }
  if (committed.queued > committed.claimed.length) {
    wake(OUTBOX_CHANNEL);
    noteQueuedReplies(shop, conversation.id);
  }
  // A sandbox conversation never alerts the merchant, schedules an away message or refreshes the inbox.
  if (contact.sandbox) return;
  if (feedbackTurn?.notify) await notifyMerchant(shop, conversation.id, feedbackTurn.notify);
  else if (turn?.handoff === "requested")
    await notifyMerchant(
      shop,
      conversation.id,
      handoffAlert(contact.name, event, turn.state.language ?? turn.language),
      now,
      row.id,
    );
  if (handoff)
    await scheduleAwayMessage(shop, conversation.id, now).catch((error) =>
      logger.warn({ err: error }, "away message not scheduled"),
    );
  // Replies sent on commit refresh the inbox when they have gone out (one update for the turn, not two).
  if (committed.claimed.length === 0) await publishConversationUpdate(shop, conversation.id);
}
