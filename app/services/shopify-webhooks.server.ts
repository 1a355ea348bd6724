import { z } from "zod";
import {
  exportCustomerData,
  recordDataRequest,
  redactCustomer,
  type CustomerRef,
} from "~/adapters/db/compliance.server";
import { deleteShopData, markShopUninstalled } from "~/adapters/db/shops.server";
import { claimWebhookDelivery, releaseWebhookDelivery } from "~/adapters/db/webhook-deliveries.server";
import { log } from "~/logger.server";

/** A Shopify webhook after `authenticate.webhook` verified its HMAC. */
export interface ShopifyWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  payload: unknown;
}

export type WebhookHandler = (shop: string, payload: unknown) => Promise<unknown>;

const id = z.union([z.number(), z.string()]).transform(String);

const customerPayload = z.object({
  shop_domain: z.string().optional(),
  customer: z
    .object({
      id: id.nullish(),
      email: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
  orders_to_redact: z.array(id).optional(),
  orders_requested: z.array(id).optional(),
});

function customerRef(payload: unknown): CustomerRef {
  const parsed = customerPayload.parse(payload);
  return {
    customerId: parsed.customer?.id ?? null,
    phone: parsed.customer?.phone ?? null,
    email: parsed.customer?.email ?? null,
    orderIds: (parsed.orders_to_redact ?? parsed.orders_requested ?? []).flatMap((o) => [
      o,
      `gid://shopify/Order/${o}`,
    ]),
  };
}

export const complianceHandlers = {
  async appUninstalled(shop: string) {
    await markShopUninstalled(shop, new Date());
  },
  async appScopesUpdate(shop: string, payload: unknown) {
    // The session's scope is refreshed by the library on the next request; nothing is stored here.
    log({ shop }).info(
      { current: z.object({ current: z.array(z.string()) }).safeParse(payload).data?.current },
      "scopes updated",
    );
  },
  async shopRedact(shop: string) {
    return deleteShopData(shop);
  },
  async customersRedact(shop: string, payload: unknown) {
    return redactCustomer(shop, customerRef(payload));
  },
  async customersDataRequest(shop: string, payload: unknown) {
    const ref = customerRef(payload);
    const exported = await exportCustomerData(shop, ref);
    return recordDataRequest(shop, ref, exported);
  },
} satisfies Record<string, WebhookHandler>;

/**
 * Runs a verified webhook's effect once per X-Shopify-Webhook-Id. A redelivery is acknowledged without
 * effect; a failed effect releases the claim and rethrows, so Shopify's retry runs it again.
 */
export async function handleShopifyWebhookOnce(
  webhook: ShopifyWebhook,
  handler: WebhookHandler,
): Promise<{ duplicate: boolean }> {
  const logger = log({ shop: webhook.shop, topic: webhook.topic, webhookId: webhook.webhookId });
  if (!(await claimWebhookDelivery(webhook.shop, webhook.webhookId, webhook.topic))) {
    logger.info("duplicate webhook delivery ignored");
    return { duplicate: true };
  }
  try {
    await handler(webhook.shop, webhook.payload);
    logger.info("webhook handled");
    return { duplicate: false };
  } catch (error) {
    await releaseWebhookDelivery(webhook.shop, webhook.webhookId).catch(() => undefined);
    logger.error({ err: error }, "webhook failed");
    throw error;
  }
}
