import { database, db } from "~/db.server";
import { isUniqueViolation } from "./errors";

/**
 * Claims a Shopify webhook delivery by its X-Shopify-Webhook-Id. Returns false when it was claimed before
 * (a redelivery): the caller acknowledges without repeating the effect.
 */
export async function claimWebhookDelivery(shop: string, webhookId: string, topic: string): Promise<boolean> {
  try {
    await db().webhookDelivery.create({ data: { shop, webhookId, topic } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Releases a claim whose effect failed, so that Shopify's retry runs it again. */
export async function releaseWebhookDelivery(shop: string, webhookId: string): Promise<void> {
  await db().webhookDelivery.deleteMany({ where: { shop, webhookId } });
}

/**
 * Retention: deletes up to `limit` delivery claims received before `before`, any shop (one sweep for the whole
 * app). Shopify retries a failed delivery 8 times over 4 hours (developer changelog, September 2024), so an
 * older claim never meets its webhook again; without this the table grows by one row per Shopify webhook for
 * ever. Old rows sit first in the table, so the scan stops early while there is work (as
 * deleteProcessedInboundEvents).
 */
export async function deleteOldWebhookDeliveries(before: Date, limit: number): Promise<number> {
  return database().raw.execute(
    `DELETE FROM "WebhookDelivery" WHERE "webhookId" IN (
       SELECT "webhookId" FROM "WebhookDelivery"
       WHERE "receivedAt" < ($1::timestamptz AT TIME ZONE 'UTC')
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     )`,
    [before.toISOString(), limit],
    { prepare: true },
  );
}
