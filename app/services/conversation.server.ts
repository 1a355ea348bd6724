import type { InboundEvent as InboundEventRow, Prisma } from "@prisma/client";
import { ensureContactAndConversation, saveConversationState, touchInbound } from "~/adapters/db/conversations.server";
import { completeInboundEvent } from "~/adapters/db/inbound-events.server";
import { queueOutboundMessages, recordInboundMessage, type OutboundMessageInput } from "~/adapters/db/messages.server";
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
import type { InboundEvent, Language, OutboundMessage } from "~/domain/types";
import { db } from "~/db.server";
import { cache } from "~/cache.server";
import { log } from "~/logger.server";
import { answerDataRequest } from "./shopping-data.server";
import { adminClientForShop } from "./shopify-admin.server";
import { wake } from "./worker.server";

export const OUTBOX_CHANNEL = "outbox";
/** A turn never runs away: at most this many engine steps (data round trips) per inbound message. */
const MAX_STEPS = 12;

export interface TurnResult {
  state: ConversationState;
  messages: OutboundMessage[];
  handoff?: HandoffReason;
  language?: Language;
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
  const result: TurnResult = { state, messages: [] };
  const queue: EngineEvent[] = [event];
  for (let step = 0; queue.length && step < MAX_STEPS; step++) {
    const next = transition(result.state, queue.shift()!, ctx);
    result.state = next.state;
    for (const effect of next.effects) {
      if (effect.type === "send") result.messages.push(effect.message);
      else if (effect.type === "handoff") result.handoff = effect.reason;
      else if (effect.type === "setLanguage") result.language = effect.language;
      else queue.push(await answer(effect));
    }
  }
  return result;
}

export function textOf(event: InboundEvent): string | null {
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

/** A short plain-text rendering of an outbound message, for the inbox and search. */
export function outboundText(message: OutboundMessage): string {
  switch (message.kind) {
    case "text":
      return message.body;
    case "image":
      return message.caption ?? "[image]";
    case "template":
      return `[template ${message.name}]`;
    case "product":
      return message.body ?? "[product]";
    default:
      return message.body;
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

export function toOutboundRows(
  messages: OutboundMessage[],
  base: Omit<OutboundMessageInput, "type" | "body" | "text" | "idempotencyKey">,
  keyPrefix: string,
): OutboundMessageInput[] {
  return messages.map((message, i) => ({
    ...base,
    type: message.kind,
    body: message as unknown as Prisma.InputJsonValue,
    text: outboundText(message),
    idempotencyKey: `${keyPrefix}:${i}`,
  }));
}

export async function publishConversationUpdate(shop: string, conversationId: string): Promise<void> {
  await cache()
    .publish(`conversations:${shop}`, JSON.stringify({ conversationId, at: Date.now() }))
    .catch(() => undefined);
}

/**
 * An inbound WhatsApp message (a stored InboundEvent row): contact and conversation, the engine's turn,
 * then in ONE transaction the shopper's message, the new state, the queued replies and the event marked
 * done. A crash before the commit leaves the event pending and it is processed again; the replies' keys
 * (`<event id>:<n>`) make sure it is never answered twice.
 */
export async function processInboundMessage(
  row: InboundEventRow,
  deps: { adminClient?: (shop: string) => Promise<AdminClient>; now?: () => Date } = {},
): Promise<void> {
  const shop = row.shop;
  const item = row.payload as unknown as WebhookMessageItem;
  const now = deps.now?.() ?? new Date();
  const logger = log({ shop, eventId: row.id });
  const shopRow = (await getShop(shop)) ?? (await ensureShop(shop));
  const [account] = await findAccountsByPhoneNumberIds([row.phoneNumberId]);
  const { contact, conversation } = await ensureContactAndConversation(shop, {
    waId: item.waId,
    name: item.contactName,
    accountId: account?.id,
    initialState: initialState({ language: null }) as unknown as Prisma.InputJsonValue,
  });
  const event = toInboundEvent(item.raw);
  const receivedAt = new Date(item.timestamp);

  const botAnswers =
    shopRow.botEnabled && contact.botEnabled && !contact.blocked && conversation.status === "bot" && !!account;

  let turn: TurnResult | undefined;
  if (botAnswers) {
    let client: AdminClient | undefined;
    const answer = async (request: DataRequest): Promise<DataResultEvent> => {
      try {
        client ??= await (deps.adminClient ?? adminClientForShop)(shop);
      } catch (error) {
        logger.warn({ err: error }, "no Admin API client for the shop");
        return request.type === "createCheckout" ? { type: "checkoutFailed", reason: "error" } : { type: "dataFailed", request };
      }
      return answerDataRequest(client, request, { phone: item.waId, conversationId: conversation.id });
    };
    turn = await runTurn(parseState(conversation.state), event, engineContext(shopRow, contact.name, now), answer);
  }

  const prisma = db();
  await prisma.$transaction(async (tx) => {
    await recordInboundMessage(
      shop,
      {
        conversationId: conversation.id,
        contactId: contact.id,
        wamid: item.wamid,
        type: item.type,
        body: { event, raw: item.raw } as unknown as Prisma.InputJsonValue,
        text: textOf(event),
        createdAt: receivedAt,
      },
      tx,
    );
    await touchInbound(shop, { contactId: contact.id, conversationId: conversation.id }, receivedAt, tx);
    if (turn) {
      await saveConversationState(
        shop,
        conversation.id,
        {
          state: turn.state as unknown as Prisma.InputJsonValue,
          stateVersion: STATE_VERSION,
          ...(turn.handoff ? { status: "human", needsAttention: true } : {}),
        },
        tx,
      );
      if (turn.language) await tx.contact.updateMany({ where: { shop, id: contact.id }, data: { language: turn.language } });
      await queueOutboundMessages(
        shop,
        toOutboundRows(
          turn.messages,
          { conversationId: conversation.id, contactId: contact.id, accountId: account?.id ?? null, toWaId: item.waId, author: "bot" },
          row.id,
        ),
        tx,
      );
    }
    await completeInboundEvent(shop, row.id, "done", tx);
  });
  if (turn?.messages.length) wake(OUTBOX_CHANNEL);
  await publishConversationUpdate(shop, conversation.id);
}
