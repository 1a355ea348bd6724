import { db } from "~/db.server";
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
