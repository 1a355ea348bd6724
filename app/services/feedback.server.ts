import type { Prisma, ScheduledJob } from "@prisma/client";
import { z } from "zod";
import { getAccountForShop } from "~/adapters/db/accounts.server";
import { ensureContactAndConversation, getContactByWaId } from "~/adapters/db/conversations.server";
import { scheduleJob } from "~/adapters/db/jobs.server";
import { queueOutboundMessages } from "~/adapters/db/messages.server";
import { getShop } from "~/adapters/db/shops.server";
import { toE164 } from "~/adapters/shopify/phone";
import { initialState, parseState } from "~/domain/conversation";
import {
  buildFeedbackRequest,
  DEFAULT_TEMPLATE_NAME,
  feedbackTransition,
  initialFeedbackState,
  parseFeedbackState,
  type FeedbackContext,
  type FeedbackRecord,
  type FeedbackState,
  type MerchantNotification,
  type SentimentResultEvent,
} from "~/domain/feedback";
import { analyzeSentiment } from "~/domain/sentiment";
import type { InboundEvent, Language, OutboundMessage } from "~/domain/types";
import { tuning } from "~/env.server";
import { db } from "~/db.server";
import { log } from "~/logger.server";
import { OUTBOX_CHANNEL, publishConversationUpdate, toOutboundRows } from "./outbound.server";
import { withinServiceWindow } from "./outbox.server";
import { aiSentiment } from "./ai.server";
import { registerJobHandler, type JobOutcome } from "./scheduler.server";
import { wake } from "./worker.server";

export const FEEDBACK_JOB = "feedback_request";

const jobPayloadSchema = z.object({
  orderId: z.string(),
  orderName: z.string(),
  phone: z.string().nullable(),
  firstName: z.string().nullable(),
  locale: z.string().nullable(),
  conversationId: z.string().nullable().optional(),
});
export type FeedbackJobPayload = z.infer<typeof jobPayloadSchema>;

/** The feedback delay: the shop's, or HALA_FEEDBACK_DELAY_SECONDS (the demo sets it from DEMO_FEEDBACK_DELAY_SECONDS). */
export function feedbackDelayMs(shopDelayMinutes: number): number {
  const override = tuning().HALA_FEEDBACK_DELAY_SECONDS;
  return override === undefined ? shopDelayMinutes * 60_000 : override * 1000;
}

/** orders/fulfilled → a durable job at fulfilment + the shop's delay (once per order). */
export async function scheduleFeedbackRequest(
  shop: string,
  input: FeedbackJobPayload & { fulfilledAt: Date },
): Promise<boolean> {
  const shopRow = await getShop(shop);
  if (!shopRow?.feedbackEnabled) return false;
  if (!toE164(input.phone)) {
    log({ shop, orderId: input.orderId }).info("no feedback request: the order has no phone");
    return false;
  }
  const { fulfilledAt, ...payload } = input;
  return scheduleJob(shop, {
    kind: FEEDBACK_JOB,
    dedupeKey: `feedback:${shop}:${input.orderId}`,
    runAt: new Date(fulfilledAt.getTime() + feedbackDelayMs(shopRow.feedbackDelayMinutes)),
    payload,
  });
}

/** The feedback flow in progress, stored on the conversation. */
export interface ActiveFeedback {
  feedbackId: string;
  orderId: string;
  orderName: string;
  firstName: string | null;
  state: FeedbackState;
}

export function parseActiveFeedback(raw: unknown): ActiveFeedback | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Partial<ActiveFeedback>;
  const state = parseFeedbackState(r.state);
  if (!state || typeof r.feedbackId !== "string" || typeof r.orderId !== "string") return null;
  return {
    feedbackId: r.feedbackId,
    orderId: r.orderId,
    orderName: String(r.orderName ?? ""),
    firstName: r.firstName ?? null,
    state,
  };
}

/** The job: skip when there is no phone, the shopper opted out or is blocked, or feedback exists. */
export async function requestFeedback(job: ScheduledJob, now = new Date()): Promise<JobOutcome> {
  const shop = job.shop;
  const payload = jobPayloadSchema.parse(job.payload);
  const e164 = toE164(payload.phone);
  if (!e164) return { status: "skipped", reason: "no phone" };
  const waId = e164.slice(1);
  if (await db().feedback.findUnique({ where: { shop_orderId: { shop, orderId: payload.orderId } } })) {
    return { status: "skipped", reason: "feedback exists" };
  }
  const existing = await getContactByWaId(shop, waId);
  if (existing?.optedOut) return { status: "skipped", reason: "opted out" };
  if (existing?.blocked) return { status: "skipped", reason: "blocked" };
  const [shopRow, account] = await Promise.all([getShop(shop), getAccountForShop(shop)]);
  if (!shopRow || shopRow.uninstalledAt || !shopRow.feedbackEnabled)
    return { status: "skipped", reason: "feedback off" };
  if (!account) return { status: "skipped", reason: "no WhatsApp number" };

  const { contact, conversation } = await ensureContactAndConversation(shop, {
    waId,
    accountId: account.id,
    initialState: initialState({ language: null }) as unknown as Prisma.InputJsonValue,
  });
  const language: Language =
    (contact.language === "ar" || contact.language === "en" ? contact.language : null) ??
    parseState(conversation.state).language ??
    (payload.locale?.toLowerCase().startsWith("ar") ? "ar" : shopRow.defaultLanguage === "ar" ? "ar" : "en");
  const ctx = feedbackContext(
    shopRow,
    { language, firstName: payload.firstName, orderName: payload.orderName },
    now,
  );
  const withinWindow = withinServiceWindow("interactive", conversation.lastInboundAt, now);
  const message = buildFeedbackRequest(ctx, {
    withinWindow,
    template: {
      name: shopRow.feedbackTemplateName || DEFAULT_TEMPLATE_NAME,
      language: shopRow.feedbackTemplateLanguage || language,
    },
  });

  await db().$transaction(async (tx) => {
    const feedback = await tx.feedback.create({
      data: {
        shop,
        orderId: payload.orderId,
        orderName: payload.orderName,
        contactId: contact.id,
        conversationId: conversation.id,
        language,
        status: "requested",
        requestedAt: now,
      },
    });
    const active: ActiveFeedback = {
      feedbackId: feedback.id,
      orderId: payload.orderId,
      orderName: payload.orderName,
      firstName: payload.firstName,
      state: initialFeedbackState(now),
    };
    await tx.conversation.updateMany({
      where: { shop, id: conversation.id },
      data: { feedback: active as unknown as Prisma.InputJsonValue },
    });
    await queueOutboundMessages(
      shop,
      toOutboundRows(
        [message],
        {
          conversationId: conversation.id,
          contactId: contact.id,
          accountId: account.id,
          toWaId: waId,
          author: "system",
        },
        // Idempotency keys are unique across shops: the key names the shop (an order id alone is not).
        `feedback-request:${shop}:${payload.orderId}`,
      ),
      tx,
    );
  });
  wake(OUTBOX_CHANNEL);
  await publishConversationUpdate(shop, conversation.id);
  return { status: "done" };
}

registerJobHandler(FEEDBACK_JOB, (job) => requestFeedback(job));

export function feedbackContext(
  shop: { shop: string; name: string | null; reviewUrl: string | null },
  who: { language: Language; firstName: string | null; orderName: string },
  now: Date,
): FeedbackContext {
  return {
    now,
    language: who.language,
    customerFirstName: who.firstName ?? undefined,
    orderName: who.orderName,
    reviewUrl: shop.reviewUrl,
    shopName: shop.name ?? shop.shop.replace(/\.myshopify\.com$/, ""),
  };
}

/**
 * Sentiment of a comment: the shop's model when its AI assistant is enabled (strict JSON, with the timeout), else —
 * and on any failure of the model — the built-in analyzer.
 */
export async function commentSentiment(shop: string, text: string): Promise<SentimentResultEvent> {
  const llm = await aiSentiment(shop, text).catch(() => null);
  if (llm) return { type: "sentimentResult", label: llm.label, score: llm.score, source: "llm", text };
  const result = analyzeSentiment(text);
  return { type: "sentimentResult", label: result.label, score: result.score, source: "builtin", text };
}

export interface FeedbackTurn {
  active: ActiveFeedback | null;
  messages: OutboundMessage[];
  record?: FeedbackRecord;
  handoff: boolean;
  notify?: MerchantNotification;
  /** The event belongs to the shopping conversation after all. */
  released?: InboundEvent;
}

/** Runs the feedback machine on a shopper's message, answering its sentiment requests. */
export async function runFeedbackTurn(
  active: ActiveFeedback,
  event: InboundEvent,
  ctx: FeedbackContext,
  sentiment: (text: string) => Promise<SentimentResultEvent>,
): Promise<FeedbackTurn> {
  const turn: FeedbackTurn = { active, messages: [], handoff: false };
  let state = active.state;
  const queue: (InboundEvent | SentimentResultEvent)[] = [event];
  for (let step = 0; queue.length && step < 6; step++) {
    const next = feedbackTransition(state, queue.shift()!, ctx);
    state = next.state;
    for (const effect of next.effects) {
      if (effect.type === "send") turn.messages.push(effect.message);
      else if (effect.type === "analyzeSentiment") queue.push(await sentiment(effect.text));
      else if (effect.type === "recordFeedback") turn.record = effect.feedback;
      else if (effect.type === "handoff") turn.handoff = true;
      else if (effect.type === "notifyMerchant") turn.notify = effect.notification;
      else if (effect.type === "release") turn.released = effect.event;
    }
  }
  turn.active = turn.released || state.step === "done" ? null : { ...active, state };
  return turn;
}

/** Persists a feedback turn's record (inside the caller's transaction). */
export async function saveFeedbackRecord(
  tx: Prisma.TransactionClient,
  shop: string,
  feedbackId: string,
  record: FeedbackRecord,
  now: Date,
): Promise<void> {
  await tx.feedback.updateMany({
    where: { shop, id: feedbackId },
    data: {
      rating: record.rating,
      comment: record.comment,
      language: record.language,
      sentimentLabel: record.sentimentLabel,
      sentimentScore: record.sentimentScore,
      sentimentSource: record.sentimentSource,
      outcome: record.outcome,
      status: "answered",
      answeredAt: now,
    },
  });
}

/** The alerts for an unhappy customer live with the other merchant alerts. */
export { notifyMerchant } from "./merchant-alerts.server";
