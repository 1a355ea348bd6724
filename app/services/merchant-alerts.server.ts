/**
 * Merchant alerts when a shopper needs a person — an unhappy answer to the feedback request (the feedback flow's
 * `notifyMerchant` effect) or a shopper asking the bot for a person: the admin's badge at once, then — durably, as ScheduledJobs retried with backoff on any instance — a POST to the shop's
 * notification webhook and an e-mail to the shop's notification address (Settings → Notifications).
 *
 * One job per channel and cause (deduplicated by conversation + order, or by the inbound message that asked), so a retried webhook never re-sends
 * the e-mail and a worker that re-runs the same turn after a crash alerts once. Without an SMTP server
 * (`SMTP_URL`) the e-mail job is skipped with that reason, visible in the job's row and the log.
 */
import type { ScheduledJob } from "@prisma/client";
import { z } from "zod";
import { getContact, getConversation } from "~/adapters/db/conversations.server";
import { scheduleJob } from "~/adapters/db/jobs.server";
import { getShop, incrementNeedsAttention } from "~/adapters/db/shops.server";
import { mailConfigured, sendMail } from "~/adapters/mail/mailer.server";
import { merchantAlertEmail, type MerchantAlert } from "~/domain/merchant-alert";
import type { InboundEvent, Language } from "~/domain/types";
import { env } from "~/env.server";
import { log } from "~/logger.server";
import { registerJobHandler, SCHEDULER_CHANNEL, type JobOutcome } from "./scheduler.server";
import { wake } from "./worker.server";

export const ALERT_EMAIL_JOB = "merchant_alert_email";
export const ALERT_WEBHOOK_JOB = "merchant_alert_webhook";

const notificationSchema = z.discriminatedUnion("reason", [
  z.object({
    reason: z.literal("unhappy_feedback"),
    orderName: z.string(),
    customerFirstName: z.string().nullable(),
    rating: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).nullable(),
    comment: z.string().nullable(),
    language: z.enum(["en", "ar"]),
    sentimentLabel: z.enum(["positive", "neutral", "negative"]).nullable(),
  }),
  z.object({
    reason: z.literal("handoff_requested"),
    customerFirstName: z.string().nullable(),
    message: z.string().nullable(),
    language: z.enum(["en", "ar"]),
  }),
]);
const payloadSchema = z.object({ conversationId: z.string().min(1), notification: notificationSchema });

/** The admin page of the conversation, opened through Shopify admin (`/admin/apps/{client id}/…`). */
export function conversationAdminUrl(shop: string, conversationId: string): string {
  return `https://${shop}/admin/apps/${env().SHOPIFY_API_KEY}/app/inbox/${encodeURIComponent(conversationId)}`;
}

/** The alert for a shopper who asked for a person: their name and what they wrote (a tap has no text). */
export function handoffAlert(
  customerName: string | null,
  event: InboundEvent,
  language: Language | null | undefined,
): MerchantAlert {
  const firstName = customerName?.trim().split(/\s+/)[0] || null;
  return {
    reason: "handoff_requested",
    customerFirstName: firstName,
    message: event.type === "text" ? event.text.slice(0, 1000) : null,
    language: language ?? "en",
  };
}

/**
 * `cause` makes the alert unique (a retried turn alerts once): the order for feedback, the inbound event id for a
 * handoff request.
 */
export async function notifyMerchant(
  shop: string,
  conversationId: string,
  notification: MerchantAlert,
  now = new Date(),
  cause = notification.reason === "unhappy_feedback" ? notification.orderName : now.toISOString(),
): Promise<void> {
  await incrementNeedsAttention(shop);
  const shopRow = await getShop(shop);
  if (!shopRow) return;
  const payload = { conversationId, notification } as unknown as Record<string, string>;
  const key = `${shop}:${conversationId}:${notification.reason}:${cause}`;
  const kinds = [
    ...(shopRow.notifyWebhookUrl ? [ALERT_WEBHOOK_JOB] : []),
    ...(shopRow.notifyEmail ? [ALERT_EMAIL_JOB] : []),
  ];
  for (const kind of kinds)
    await scheduleJob(shop, { kind, dedupeKey: `${kind}:${key}`, runAt: now, payload });
  if (kinds.length) wake(SCHEDULER_CHANNEL);
}

type Shop = NonNullable<Awaited<ReturnType<typeof getShop>>>;
type AlertPayload = z.infer<typeof payloadSchema>;

/** The job's payload and the shop, or why the job has nothing to do. */
async function loadAlertJob(
  job: ScheduledJob,
): Promise<{ skip: JobOutcome } | { skip?: undefined; shopRow: Shop; payload: AlertPayload }> {
  const parsed = payloadSchema.safeParse(job.payload);
  if (!parsed.success) return { skip: { status: "skipped", reason: "malformed payload" } };
  const shopRow = await getShop(job.shop);
  if (!shopRow || shopRow.uninstalledAt) return { skip: { status: "skipped", reason: "shop gone" } };
  return { shopRow, payload: parsed.data };
}

export async function sendAlertEmail(job: ScheduledJob): Promise<JobOutcome> {
  const loaded = await loadAlertJob(job);
  if (loaded.skip) return loaded.skip;
  const { shopRow, payload } = loaded;
  if (!shopRow.notifyEmail) return { status: "skipped", reason: "no notification e-mail set" };
  if (!mailConfigured()) return { status: "skipped", reason: "no mail transport (SMTP_URL is not set)" };
  const { conversationId, notification } = payload;
  const conversation = await getConversation(job.shop, conversationId);
  const contact = conversation ? await getContact(job.shop, conversation.contactId) : null;
  const mail = merchantAlertEmail(notification, {
    language: (shopRow.defaultLanguage === "ar" ? "ar" : "en") satisfies Language,
    storeName: shopRow.name,
    conversationUrl: conversationAdminUrl(job.shop, conversationId),
    customerPhone: contact?.waId,
  });
  const id = await sendMail({ to: shopRow.notifyEmail, ...mail });
  log({ shop: job.shop, conversationId }).info({ messageId: id }, "merchant alert e-mailed");
  return { status: "done" };
}

export async function postAlertWebhook(job: ScheduledJob): Promise<JobOutcome> {
  const loaded = await loadAlertJob(job);
  if (loaded.skip) return loaded.skip;
  const { shopRow, payload } = loaded;
  if (!shopRow.notifyWebhookUrl) return { status: "skipped", reason: "no notification webhook set" };
  const { conversationId, notification } = payload;
  const response = await fetch(shopRow.notifyWebhookUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": job.dedupeKey },
    body: JSON.stringify({
      event: notification.reason,
      shop: job.shop,
      conversationId,
      conversationUrl: conversationAdminUrl(job.shop, conversationId),
      ...notification,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel().catch(() => undefined);
  // A 4xx other than 408/429 will not get better by retrying: the URL is wrong.
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
    return { status: "skipped", reason: `the webhook answered ${response.status}` };
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
  return { status: "done" };
}

registerJobHandler(ALERT_EMAIL_JOB, sendAlertEmail);
registerJobHandler(ALERT_WEBHOOK_JOB, postAlertWebhook);
