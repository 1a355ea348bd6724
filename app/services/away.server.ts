/**
 * The away message (Settings → "Away message"): when a shopper asks for a person — or an unhappy feedback hands
 * the conversation over — and nobody from the store has answered a few minutes later, the shopper gets the
 * store's away message once, so that a silent handoff never looks like a dead end.
 *
 * Durable like every other delayed action: the handoff schedules a ScheduledJob (one per handoff), the scheduler
 * runs it on whichever instance claims it. The job sends nothing if the conversation went back to the bot, a
 * person from the store has replied since the handoff, the contact is blocked, the shop has no away message, or
 * the 24-hour window has closed (a free-form text cannot be sent then).
 */
import type { ScheduledJob } from "@prisma/client";
import { z } from "zod";
import { getContact, getConversation } from "~/adapters/db/conversations.server";
import { scheduleJob } from "~/adapters/db/jobs.server";
import { listConversationMessages, queueOutboundMessages } from "~/adapters/db/messages.server";
import { getShop } from "~/adapters/db/shops.server";
import { parseState } from "~/domain/conversation";
import { tuning } from "~/env.server";
import type { Language, OutboundMessage } from "~/domain/types";
import { log } from "~/logger.server";
import { OUTBOX_CHANNEL, publishConversationUpdate, systemRows } from "./outbound.server";
import { withinServiceWindow } from "./outbox.server";
import { registerJobHandler, type JobOutcome } from "./scheduler.server";
import { wake } from "./worker.server";

export const AWAY_JOB = "away_message";
/** How long the store has to answer a handoff before the away message goes out. */
export const DEFAULT_AWAY_DELAY_MS = 5 * 60_000;

export function awayDelayMs(): number {
  const seconds = tuning().HALA_AWAY_DELAY_SECONDS;
  return seconds === undefined ? DEFAULT_AWAY_DELAY_MS : seconds * 1000;
}

const payloadSchema = z.object({ conversationId: z.string().min(1), handoffAt: z.iso.datetime() });

/** Pure: the away text in the shopper's language, else the other one; null when the shop wrote none. */
export function awayText(
  shop: { awayMessageEn: string | null; awayMessageAr: string | null },
  language: Language,
): string | null {
  const en = shop.awayMessageEn?.trim() || null;
  const ar = shop.awayMessageAr?.trim() || null;
  return language === "ar" ? (ar ?? en) : (en ?? ar);
}

/** Called after a turn that handed the conversation to a person. Once per handoff (deduplicated by time). */
export async function scheduleAwayMessage(
  shop: string,
  conversationId: string,
  handoffAt: Date,
): Promise<boolean> {
  const shopRow = await getShop(shop);
  if (!shopRow || !(shopRow.awayMessageEn?.trim() || shopRow.awayMessageAr?.trim())) return false;
  return scheduleJob(shop, {
    kind: AWAY_JOB,
    dedupeKey: `away:${shop}:${conversationId}:${handoffAt.getTime()}`,
    runAt: new Date(handoffAt.getTime() + awayDelayMs()),
    payload: { conversationId, handoffAt: handoffAt.toISOString() },
  });
}

export async function sendAwayMessage(job: ScheduledJob, now = new Date()): Promise<JobOutcome> {
  const shop = job.shop;
  const parsed = payloadSchema.safeParse(job.payload);
  if (!parsed.success) return { status: "skipped", reason: "malformed payload" };
  const handoffAt = new Date(parsed.data.handoffAt);
  const conversation = await getConversation(shop, parsed.data.conversationId);
  if (!conversation) return { status: "skipped", reason: "conversation gone" };
  if (conversation.status !== "human") return { status: "skipped", reason: "back with the bot" };
  const [shopRow, contact, recent] = await Promise.all([
    getShop(shop),
    getContact(shop, conversation.contactId),
    listConversationMessages(shop, conversation.id, 50),
  ]);
  if (!shopRow || shopRow.uninstalledAt) return { status: "skipped", reason: "shop gone" };
  if (!contact || contact.blocked || contact.optedOut)
    return { status: "skipped", reason: "contact unreachable" };
  if (recent.some((m) => m.direction === "out" && m.author === "merchant" && m.createdAt >= handoffAt))
    return { status: "skipped", reason: "a person replied" };
  const language: Language =
    contact.language === "ar" || contact.language === "en"
      ? contact.language
      : (parseState(conversation.state).language ?? (shopRow.defaultLanguage === "ar" ? "ar" : "en"));
  const text = awayText(shopRow, language);
  if (!text) return { status: "skipped", reason: "no away message" };
  if (!withinServiceWindow("text", conversation.lastInboundAt, now))
    return { status: "skipped", reason: "outside the 24-hour window" };

  const message: OutboundMessage = { kind: "text", body: text };
  await queueOutboundMessages(shop, systemRows([message], conversation, contact, `away:${shop}:${job.id}`));
  log({ shop, conversationId: conversation.id }).info("away message queued");
  wake(OUTBOX_CHANNEL);
  await publishConversationUpdate(shop, conversation.id);
  return { status: "done" };
}

registerJobHandler(AWAY_JOB, (job) => sendAwayMessage(job));
